"""Render: turn the model into pages through the theme's templates.

Python prepares each page's data (which ideas, in what order, grouped how); the
templates decide how it looks (`theme` finds them). One `Renderer` renders any route
of the URL table, pages and feeds alike, so `build` and `serve` share it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote, urlencode, urlsplit

import jinja2
from markupsafe import Markup

from . import charts
from .badge import text_width
from .calendars import Calendars
from .engine.reads import KINDS, RecordView
from .engine.revision import Revision
from .feeds import Feeds
from .languages import N_, english
from .languages import load as load_language
from .markdown import Markdown, prefixed_links
from .model import VALUES, ChangeRef, Idea, Stamp, Update, Who
from .opendata import KINDS as DATA_KINDS
from .opendata import PURPOSES as DATA_PURPOSES
from .opendata import OpenData
from .schema import CHANGE_LABELS, CHANGE_TYPES, STATUS_LABELS, STATUSES
from .templating import TemplateFault, template_error
from .theme import assets, environment
from .urls import DATA_DOCUMENTS, IDEAS_PER_PAGE, RELEASES_PER_PAGE, Route, Urls, traced_changes
from .validate import wordless

ROADMAP_COLUMNS = ("under-review", "planned", "in-progress", "shipped")
#: The roadmap shows what shipped in this many days before the build date.
SHIPPED_WINDOW = timedelta(days=90)
#: Cards per roadmap column; the rest are a link away, so a hub with thousands of
#: ideas still has a roadmap one can read.
ROADMAP_CARDS = 12
#: Declined ideas the roadmap shows, newest first; all are on /roadmap/declined/.
ROADMAP_DECLINED = 5
#: Answers a person's page shows, newest first; all are on their answers pages.
PERSON_ANSWERS = 5
#: Shipped ideas a person answered that their page shows as cards, newest first.
PERSON_SHIPPED = 6

#: What the navigation and the breadcrumbs call each section (translated where shown).
SECTIONS = {
    "home": N_("Home"),
    "ideas": N_("Ideas"),
    "roadmap": N_("Roadmap"),
    "rounds": N_("Rounds"),
    "changelog": N_("Changelog"),
    "people": N_("People"),
    "products": N_("Products"),
    "tags": N_("Tags"),
    "impact": N_("Impact"),
    "search": N_("Search"),
}
#: The sections in the header's navigation, in its order.
NAV = ("ideas", "roadmap", "rounds", "changelog", "people", "search")
#: Each status's list: its title and description. Whole messages, not a label put
#: into a sentence: a status reads differently inside a sentence in most languages.
STATUS_TITLES = {
    "new": N_("Ideas: new"),
    "under-review": N_("Ideas: under review"),
    "planned": N_("Ideas: planned"),
    "in-progress": N_("Ideas: in progress"),
    "shipped": N_("Ideas: shipped"),
    "declined": N_("Ideas: declined"),
}
STATUS_DESCRIPTIONS = {
    "new": N_("Ideas whose status is new."),
    "under-review": N_("Ideas whose status is under review."),
    "planned": N_("Ideas whose status is planned."),
    "in-progress": N_("Ideas whose status is in progress."),
    "shipped": N_("Ideas whose status is shipped."),
    "declined": N_("Ideas whose status is declined."),
}


@dataclass(frozen=True)
class Paginator:
    items: tuple
    page: int
    pages: int
    total: int
    url: Callable[[int], str]

    @property
    def numbers(self) -> list[int | None]:
        """Page numbers to show, with None for a gap: 1 … 4 5 6 … 12."""
        keep = {1, self.pages, self.page - 1, self.page, self.page + 1}
        shown, last = [], 0
        for n in range(1, self.pages + 1):
            if n in keep:
                if n - last > 1:
                    shown.append(None)
                shown.append(n)
                last = n
        return shown


@dataclass(frozen=True)
class Crumb:
    title: str
    url: str


@dataclass
class Page:
    """What the base layout needs to know about any page."""

    title: str
    url: str
    description: str = ""
    crumbs: list[Crumb] = field(default_factory=list)
    source: str = ""
    section: str = ""
    noindex: bool = False
    #: Feeds about what this page shows, most specific first (for <link rel=alternate>).
    feeds: list = field(default_factory=list)


class Links:
    """URLs as templates write them: `Urls`' paths under the base URL's path, so a
    hub published at https://example.org/hub/ links to /hub/ideas/ and not /ideas/."""

    def __init__(self, base_url: str) -> None:
        self.urls = Urls(base_url)
        self.prefix = urlsplit(self.urls.base_url).path.rstrip("/")

    def __getattr__(self, name: str):
        make = getattr(Urls, name)
        return lambda *args: self.prefix + make(*args)

    def path(self, url: str) -> str:
        return self.prefix + url

    def absolute(self, url: str) -> str:
        return self.urls.absolute(url)


def theme_environment(hub_root: Path) -> jinja2.Environment:
    """The hub's templates with every filter name a renderer gives them: Jinja
    refuses an unknown filter when it compiles a template, so `check` compiles in
    this. A filter made from a renderer's state is a stand-in here, never called."""
    env = environment(hub_root)
    english().install(env)  # the names a template calls; what they say is a renderer's
    env.filters.update(PLAIN_FILTERS)
    env.filters.update({name: _not_rendering for name in BOUND_FILTERS})
    return env


#: The filters of a renderer made from its state (`Renderer.__init__` binds them).
BOUND_FILTERS = ("md", "person_url", "date", "number", "percent")


def _not_rendering(*args, **kwargs):
    raise RuntimeError("a renderer's filter, called with no renderer")


class Renderer:
    """Renders any route of the URL table to text, against one revision's view of
    the model (`engine.revision`): what a render reads is recorded there, and the
    lists many pages share are its memos, made once per revision."""

    def __init__(
        self,
        revision: Revision,
        routes: list[Route],
        hub_root: Path,
        base_url: str,
        git_prefix: str = "",
        *,
        previous: Renderer | None = None,
        search: str = "indexed",
    ) -> None:
        """`previous`: the renderer of the last build of the same theme (the preview),
        whose compiled templates, assets and Markdown renderer are reused. `search`:
        whether this site has a search index, as /search/ tells its reader
        ("indexed", "off" for `--no-search`, "preview" under `cohub serve`)."""
        self.revision = revision
        self.hub = hub = revision.view
        self.routes = routes
        self.links = Links(base_url)
        self.git_prefix = git_prefix
        self.search = search
        if previous is not None:
            self.markdown, self.env, self.assets = previous.markdown, previous.env, previous.assets
        else:
            self.markdown = Markdown(site_host=urlsplit(base_url).hostname or "")
            self.env = environment(hub_root)
            self.assets = assets(hub_root)
        # The hub's language (SPEC §11): read per build, as a catalog is a theme file.
        self.language = language = load_language(hub_root, hub.config.language)
        language.install(self.env)
        revision.makers.update(
            site=self._site,
            heard=self._heard,
            ranked=self._ranked,
            counts=self._counts,
            releases=self._newest_releases,
            charts=self._charts,
            fragment=self._fragment_of,
        )
        revision.makers.update(declined=self._declined_slugs, traced=self._traced)
        self.env.globals.update(
            site=revision.memo("site"),
            hub=hub,
            urls=self.links,
            statuses=STATUSES,
            status_labels={s: language.gettext(label) for s, label in STATUS_LABELS.items()},
            # A status inside a sentence ("now planned"): its own message, not a label
            # lowercased, which is wrong for German's nouns and others.
            status_words={
                "new": language.pgettext("status in a sentence", "new"),
                "under-review": language.pgettext("status in a sentence", "under review"),
                "planned": language.pgettext("status in a sentence", "planned"),
                "in-progress": language.pgettext("status in a sentence", "in progress"),
                "shipped": language.pgettext("status in a sentence", "shipped"),
                "declined": language.pgettext("status in a sentence", "declined"),
            },
            change_labels={c: language.gettext(label) for c, label in CHANGE_LABELS.items()},
        )
        self.env.filters.update(
            PLAIN_FILTERS,
            md=self._markdown,
            person_url=self._person_url,
            date=self._date,
            number=language.number,
            percent=self._percent,
        )
        self.feeds = Feeds(revision, routes, self.links, self._render_entry, language)
        self.opendata = OpenData(hub, self.links, self._markdown, language)
        self.env.globals.update(
            idea_link=self._idea_link,
            round_link=self._round_link,
            change=hub.change,
            edit_url=self._edit_url,
            want_url=self._want_url,
            cached=self.cached,
            cached_rows=self.cached_rows,
        )

    def _site(self) -> SiteInfo:
        """The `site` every template sees; a memo, so that every route records that
        it read it (a new free page can change where "Suggest an idea" leads)."""
        config = self.hub.config
        stylesheet = next((a.name for a in self.assets if a.name.startswith("style.")), "")
        return SiteInfo(
            title=config.title,
            description=config.description,
            language=config.language,
            base_url=self.links.urls.base_url,
            repository=config.repository,
            stylesheet=self.links.static(stylesheet) if stylesheet else "",
            assets=tuple((a.source, self.links.static(a.name)) for a in self.assets),
            suggest_url=self._suggest_url(),
            nav=tuple(
                (self.language.gettext(SECTIONS[section]), section, getattr(self.links, section)())
                for section in NAV
            ),
            build_date=self.hub.build_date,
            search=self.search,
        )

    def _crumbs(self, *sections: str) -> list[Crumb]:
        """The breadcrumbs to a page in `sections`: home first, each named as the
        navigation names it, in the hub's language."""
        return [
            Crumb(self.language.gettext(SECTIONS[s]), getattr(self.links, s)())
            for s in ("home", *sections)
        ]

    def _paged_title(self, title: str, route: Route) -> str:
        """A list's title, with which page this is after the first: every page of a
        list needs a title of its own."""
        if route.page == 1:
            return title
        return self.language.gettext(
            "%(title)s (page %(page)s of %(pages)s)",
            title=title,
            page=route.page,
            pages=route.pages,
        )

    def _date(self, value: Stamp | date) -> str:
        """The `date` filter: a day as the hub's language writes it in full. Anything
        but a date is the template's error, said as one (Babel's own would not be)."""
        day = value.day if isinstance(value, Stamp) else value
        if not isinstance(day, date):
            raise TypeError(f"the date filter takes a date, found {type(value).__name__}")
        return self.language.date(day)

    def _percent(self, share: float | None) -> str:
        """The `percent` filter; an en dash where there is no share to show."""
        return "\u2013" if share is None else self.language.percent(share)

    def routes_read(self) -> None:
        """Note that what is being rendered lists the whole URL table."""
        self.revision.recorder.reads.add(("routes", "", None))

    # -- lists many pages share: memos of the revision -----------------------------
    # (A hub with 10,000 ideas has hundreds of list pages; recounting and re-sorting
    # every idea for each of them made rendering grow with their product. As memos
    # they hold slugs, never records, so a later revision can carry them over.)

    @property
    def heard(self) -> list[Idea]:
        """Every published idea that is not a duplicate."""
        ideas = self.hub.ideas
        return [ideas[s] for s in self.revision.memo("heard")]

    def _heard(self) -> tuple[str, ...]:
        return tuple(s for s, i in self.hub.ideas.items() if i.duplicate_of is None)

    @property
    def ranked(self) -> dict[tuple[str, str], tuple[str, ...]]:
        """The slugs of every paginated list (all ideas, by status, by product, by
        tag), in the order it shows them."""
        return self.revision.memo("ranked")

    def _ranked(self) -> dict[tuple[str, str], tuple[str, ...]]:
        ideas = self.hub.ideas
        heard = self.revision.memo("heard")
        newest = tuple(sorted(heard, key=lambda s: (-ideas[s].submitted.day.toordinal(), s)))
        by_status: dict[str, list[str]] = {s: [] for s in STATUSES}
        for slug in newest:
            by_status[ideas[slug].status].append(slug)
        # Most asked first: distinct persons, the author and everyone who asked too.
        top = tuple(sorted(newest, key=lambda s: -len(ideas[s].also_asked_by)))
        return {
            ("ideas", ""): newest,
            ("top", ""): top,
            **{("status", s): tuple(slugs) for s, slugs in by_status.items()},
            **{("product", k): p.ideas for k, p in self.hub.products.items()},
            **{("tag", k): t.ideas for k, t in self.hub.tags.items()},
        }

    @property
    def newest_releases(self) -> list:
        releases = self.hub.releases
        return [releases[s] for s in self.revision.memo("releases")]

    def _newest_releases(self) -> tuple[str, ...]:
        return tuple(
            r.slug
            for r in sorted(
                self.hub.releases.values(), key=lambda r: (-r.date.day.toordinal(), r.slug)
            )
        )

    @property
    def charts(self) -> list:
        """The impact page's charts: counts and days, which only the graph decides."""
        return self.revision.memo("charts")

    def _charts(self) -> list:
        hub, language = self.hub, self.language
        return [charts.heard_and_shipped(hub, language), charts.days_to_answer(hub, language)]

    def _declined_slugs(self) -> tuple[str, ...]:
        """Every declined idea, most recently declined first: the roadmap shows the
        first few and /roadmap/declined/ pages through them all."""
        ideas = self.hub.ideas
        slugs = self.revision.part(("ranked",), ("status", "declined"))
        return tuple(sorted(slugs, key=lambda s: (-ideas[s].updates[-1].date.day.toordinal(), s)))

    def traced(self, start: int = 0, stop: int | None = None) -> list:
        """The changes /impact/ traces (from `start` to `stop`), newest release first,
        as (release, change, its ideas…, its rounds…); from a memo of (release, index)
        pairs that its pages share."""
        rows = []
        for slug, index in self.revision.memo("traced")[start:stop]:
            release = self.hub.releases[slug]
            change = self.hub.change(ChangeRef(slug, index))
            ideas = [self.hub.ideas.get(s) for s in change.ideas]
            rounds = [self.hub.rounds.get(s) for s in change.rounds]
            rows.append((release, change, *ideas, *rounds))
        return rows

    def _traced(self) -> tuple[tuple[str, int], ...]:
        return tuple((ref.release, ref.index) for ref in traced_changes(self.hub))

    @property
    def counts(self) -> dict[str, int]:
        return self.revision.memo("counts")

    def _counts(self) -> dict[str, int]:
        ranked = self.revision.memo("ranked")
        return {s: len(ranked["status", s]) for s in STATUSES}

    # -- fragments -----------------------------------------------------------------

    @cached_property
    def _macros(self):
        # Made per renderer: a module binds the globals (`hub`) of its making.
        return self.env.get_template("partials/macros.html").make_module()

    def cached(self, name: str, *args) -> Markup:
        """A macro of partials/macros.html, by name (themes call their cards so)."""
        return self._fragment(name, args)

    def cached_rows(self, name: str, rows, *extra, numbered: bool = False) -> Markup:
        """`cached(name, *row, *extra)` for each row (all rows records, or all
        tuples of records), joined; `numbered` puts each row's number (from 1)
        first, for macros that make ids from it."""
        parts = []
        for n, row in enumerate(rows, start=1):
            args = ((n,) if numbered else ()) + (row if type(row) is tuple else (row,)) + extra
            parts.append(self._fragment(name, args))
        return Markup("\n".join(parts))

    def _fragment(self, name: str, args: tuple) -> Markup:
        """The macro's HTML for `args`, as a memo of the revision when its arguments
        can name one (records by their keys, other values as they are): an idea's
        card is made once however many lists show it, and a later revision makes
        it again only when something it read changed."""
        key = _fragment_key(args)
        if key is None:
            return self._make_fragment(name, *args)
        return self.revision.memo("fragment", name, *key)

    def _fragment_of(self, name: str, *key) -> Markup:
        ref = {kind: field for field, kind in KINDS.items()}
        args = [getattr(self.hub, ref[a.kind])[a.key] if type(a) is _Ref else a[1] for a in key]
        return self._make_fragment(name, *args)

    def _make_fragment(self, name: str, *args) -> Markup:
        macro = None if name.startswith("_") else getattr(self._macros, name, None)
        if not isinstance(macro, jinja2.runtime.Macro):
            # A name from a template: a macro, not whatever else the module holds.
            raise jinja2.TemplateRuntimeError(
                f"cached() takes the name of a macro of partials/macros.html, found {name!r}"
            )
        return Markup(macro(*args))

    # -- helpers exposed to templates --------------------------------------------

    def _markdown(self, text: str, doc_id: str = "", ugc: bool = False) -> Markup:
        html = self.markdown.render(text, doc_id, ugc)
        return Markup(prefixed_links(html, self.links.prefix))

    def _person_url(self, who: Who | None) -> str | None:
        if who is None or who.handle is None or who.handle not in self.hub.people:
            return None
        return self.links.person(who.handle)

    def _idea_link(self, slug: str) -> tuple[str, str | None]:
        """(title, url): drafts and missing ideas are named but not linked."""
        if slug in self.hub.ideas:
            return self.hub.ideas[slug].title, self.links.idea(slug)
        return self.hub.unpublished.get(("ideas", slug), slug), None

    def _round_link(self, slug: str) -> tuple[str, str | None]:
        if slug in self.hub.rounds:
            return self.hub.rounds[slug].title, self.links.round(slug)
        return self.hub.unpublished.get(("rounds", slug), slug), None

    def _edit_url(self, source: str) -> str | None:
        config = self.hub.config
        if not config.repository or not source:
            return None
        path = f"{self.git_prefix}/{source}" if self.git_prefix else source
        return f"{config.repository}/edit/{quote(config.branch)}/{quote(path)}"

    def _want_url(self, idea: Idea) -> str | None:
        """The "I want this too" issue form, prefilled with the idea (GitHub fills a
        form's fields from query parameters named by their ids); `cohub intake`
        reads what comes back."""
        if not self.hub.config.repository:
            return None
        query = urlencode(
            {
                "template": "me-too.yml",
                "idea": idea.slug,
                "title": self.language.gettext("I want this too: %(title)s", title=idea.title),
            },
            quote_via=quote,
        )
        return f"{self.hub.config.repository}/issues/new?{query}"

    def _suggest_url(self) -> str | None:
        if self.hub.config.repository:
            return f"{self.hub.config.repository}/issues/new?template=idea.yml"
        if "how-to-contribute" in self.hub.pages:
            return self.links.page("how-to-contribute")
        return None

    # -- pages ---------------------------------------------------------------------

    def context(self, route: Route) -> dict:
        """What the template of a page route is given."""
        return getattr(self, f"_{route.kind.replace('-', '_')}")(route)

    def render(self, route: Route) -> str | bytes:
        """The text of one route. An error in its templates (the hub's to fix, or the
        default theme's) is a `TemplateFault` naming the template and line; any other
        exception is a bug in cohub and stays one."""
        try:
            return self._render(route)
        except TemplateFault:
            raise
        except Exception as exc:
            error = template_error(exc)
            if error is None:
                raise
            raise TemplateFault(error, route.url) from exc

    def prepare_feeds(self) -> None:
        """Make every feed's entries now, before routes are shared out between
        workers, so that entry HTML is rendered once. A template error is left for
        each feed route to meet, and report, when it renders."""
        try:
            self.revision.memo("by-feed")
            self.revision.memo("newest")
        except Exception as exc:
            if template_error(exc) is None:
                raise

    def _render(self, route: Route) -> str | bytes:
        self.revision.memo("site")  # every route shows it
        if route.is_feed:
            return self.feeds.generate(route)
        if route.kind in DATA_KINDS:
            return self.opendata.render(route)
        if route.kind == "calendar":
            return self._calendar_file(route)
        context = self.context(route)
        page: Page | None = context.get("page")
        if page is not None:
            page.url = self.links.path(route.url)
            page.feeds = self._page_feeds(route)
        template = {
            "top": "ideas.html",
            "redirect": "redirect.html",
            "sitemap": "sitemap.xml",
            "robots": "robots.txt",
            "opml": "feeds.opml",
            "badge": "badge.svg",
        }.get(route.kind, f"{route.kind}.html")
        return self.env.get_template(template).render(route=route, **context)

    def _calendar_file(self, route: Route) -> bytes:
        """A calendar route's iCalendar file: every round (`key` ""), or one. Its
        UIDs use the feeds' host, hub.yaml's, so no deploy preview mints new ones."""
        calendars = Calendars(
            self.hub,
            self.links,
            self.feeds.id_host,
            self.revision.memo("site").suggest_url,
            self.language,
        )
        return calendars.round(route.key) if route.key else calendars.rounds()

    def _page_feeds(self, route: Route) -> list:
        """The feeds a reader of this page would want, for autodiscovery and links."""
        keys = {
            "ideas": ["ideas"],
            "status": ["ideas"],
            "roadmap": ["ideas"],
            "idea": [f"idea:{route.key}", "ideas"],
            "top": ["ideas"],
            "follow": [route.key],
            "rounds": ["rounds"],
            "round": ["rounds"],
            "changelog": ["changelog"],
            "release": ["changelog"],
            "product": [f"product:{route.key}"],
            "tag": [f"tag:{route.key}"],
            "person": [f"person:{route.key}"],
            "person-answers": [f"person:{route.key}"],
            "declined": ["ideas"],
        }.get(route.kind, [])
        found = [self.feeds.listing(key) for key in [*keys, "hub"]]
        return [listing for listing in found if listing is not None]

    def _render_entry(self, kind: str, context: dict) -> str:
        return self.env.get_template("feed-entry.html").render(kind=kind, **context)

    def _home(self, route: Route) -> dict:
        hub = self.hub
        heard = self.heard
        answered = sorted(
            (i for i in heard if i.updates),
            key=lambda i: (-i.updates[-1].date.day.toordinal(), i.slug),
        )
        return {
            "page": Page(hub.config.title, route.url, hub.config.description, section="home"),
            "open_rounds": sorted(
                (r for r in hub.rounds.values() if r.state == "open"),
                key=lambda r: (r.closes, r.slug),
            ),
            "upcoming_rounds": sorted(
                (r for r in hub.rounds.values() if r.state == "upcoming"),
                key=lambda r: (r.opens, r.slug),
            ),
            "latest_releases": self.newest_releases[:3],
            "recent_answers": answered[:6],
            "figures": hub.figures,
        }

    def listed(self, route: Route) -> tuple[str, ...]:
        """The slugs of every idea of a paginated list route (ideas, a status, a
        product, a tag), in the order the list shows them."""
        # One list read alone: a page of a tag is not rendered again when only
        # another tag's list changed.
        return self.revision.part(("ranked",), (route.kind, route.key or ""))

    def on_page(self, route: Route) -> list[Idea]:
        """The ideas one page of a list route shows."""
        return [self.hub.ideas[s] for s in self.listed(route)[_page_range(route)]]

    def _paginator(self, route: Route, on_page, total: int) -> Paginator:
        """One page of a paginated route: what it shows, and links to its others."""
        return Paginator(
            tuple(on_page),
            route.page,
            route.pages,
            total,
            lambda n: self.links.path(_page_url(route.url, route.page, n)),
        )

    def _idea_list(self, route: Route, title: str, crumbs, **extra) -> dict:
        ideas = self.listed(route)
        paginator = self._paginator(route, self.on_page(route), len(ideas))
        heading = self._paged_title(title, route)
        return {
            "page": Page(
                heading, route.url, extra.pop("description", ""), crumbs=crumbs, section="ideas"
            ),
            "paginator": paginator,
            "heading": title,
            "counts": Lazy(self.revision, ("counts",)),
            **extra,
        }

    def _ideas(self, route: Route) -> dict:
        t = self.language
        return self._idea_list(
            route,
            t.gettext("Ideas"),
            self._crumbs(),
            description=t.gettext(
                "Every idea customers have shared, newest first, with where each one stands."
            ),
            status=None,
        )

    def _top(self, route: Route) -> dict:
        t = self.language
        return self._idea_list(
            route,
            t.gettext("Ideas most asked for"),
            self._crumbs("ideas"),
            description=t.gettext(
                "Every idea, the ones most people asked for first: its author, everyone who "
                "asked for it too, and the people behind the ideas merged into it."
            ),
            status=None,
        )

    def _status(self, route: Route) -> dict:
        t = self.language
        return self._idea_list(
            route,
            t.gettext(STATUS_TITLES[route.key]),
            self._crumbs("ideas"),
            description=t.gettext(STATUS_DESCRIPTIONS[route.key]),
            status=route.key,
        )

    def _product(self, route: Route) -> dict:
        t = self.language
        product = self.hub.products[route.key]
        context = self._idea_list(
            route,
            product.name,
            self._crumbs("products"),
            description=t.gettext(
                "Ideas, feedback rounds and releases for %(product)s.", product=product.name
            ),
            status=None,
            product=product,
        )
        context["page"].section = "products"
        return context

    def _tag(self, route: Route) -> dict:
        t = self.language
        tag = self.hub.tags[route.key]
        context = self._idea_list(
            route,
            t.gettext("Ideas tagged “%(tag)s”", tag=tag.name),
            self._crumbs("tags"),
            description=t.gettext("Ideas tagged %(tag)s.", tag=tag.name),
            status=None,
            tag=tag,
        )
        context["page"].section = "tags"
        return context

    def _idea(self, route: Route) -> dict:
        idea = self.hub.ideas[route.key]
        crumbs = self._crumbs("ideas")
        return {
            "page": Page(
                idea.title,
                route.url,
                _summary(idea.body),
                crumbs=crumbs,
                source=idea.path,
                section="ideas",
            ),
            "idea": idea,
            "has_words": not wordless(idea.body),
            "original": self.hub.ideas.get(idea.duplicate_of) if idea.duplicate_of else None,
            "duplicates": [self.hub.ideas[s] for s in idea.duplicates],
            "shipped_release": self.hub.releases.get(idea.shipped_in) if idea.shipped_in else None,
            "also_in": [self.hub.releases[s] for s in idea.also_in],
            "round": self.hub.rounds.get(idea.round) if idea.round else None,
            # Absolute, for the embed snippets: they are pasted into other sites.
            "absolute_url": self.links.absolute(route.url),
            "badge_url": self.links.absolute(Urls.badge(idea.slug)),
        }

    def _roadmap(self, route: Route) -> dict:
        t = self.language
        hub, heard = self.hub, self.heard
        since = hub.build_date - SHIPPED_WINDOW
        columns = []
        for status in ROADMAP_COLUMNS:
            ideas = [i for i in heard if i.status == status]
            if status == "shipped":
                ideas = [i for i in ideas if since < self._shipped_on(i) <= hub.build_date]
                ideas.sort(key=lambda i: (-self._shipped_on(i).toordinal(), i.slug))
            else:
                ideas.sort(
                    key=lambda i: (
                        -len(i.also_asked_by),
                        -i.updates[-1].date.day.toordinal(),
                        i.slug,
                    )
                )
            columns.append((status, ideas[:ROADMAP_CARDS], len(ideas)))
        declined = self.revision.memo("declined")
        return {
            "page": Page(
                t.gettext("Roadmap"),
                route.url,
                t.gettext(
                    "What we are looking at, what is planned, what is being built and what "
                    "shipped lately."
                ),
                crumbs=self._crumbs(),
                section="roadmap",
            ),
            "columns": columns,
            "declined": [hub.ideas[s] for s in declined[:ROADMAP_DECLINED]],
            "declined_total": len(declined),
            "window_days": SHIPPED_WINDOW.days,
            "since": since,
        }

    def _declined(self, route: Route) -> dict:
        """/roadmap/declined/: every idea we said no to, with the reason, in pages."""
        t = self.language
        declined = self.revision.memo("declined")
        on_page = [self.hub.ideas[s] for s in declined[_page_range(route)]]
        paginator = self._paginator(route, on_page, len(declined))
        return {
            "page": Page(
                self._paged_title(t.gettext("Ideas we said no to"), route),
                route.url,
                t.gettext("Every idea we declined, most recent first, with the reason we gave."),
                crumbs=self._crumbs("roadmap"),
                section="roadmap",
            ),
            "paginator": paginator,
        }

    def _shipped_on(self, idea: Idea) -> date:
        if idea.shipped_in:
            return self.hub.releases[idea.shipped_in].date.day
        return idea.updates[-1].date.day

    def _rounds(self, route: Route) -> dict:
        t = self.language
        rounds = list(self.hub.rounds.values())
        groups = [
            ("open", t.gettext("Open now"), sorted((r for r in rounds if r.state == "open"), key=lambda r: (r.closes, r.slug))),
            ("upcoming", t.gettext("Coming up"), sorted((r for r in rounds if r.state == "upcoming"), key=lambda r: (r.opens, r.slug))),
            ("closed", t.pgettext("heading of the rounds that have closed", "Closed"), sorted((r for r in rounds if r.state == "closed"), key=lambda r: (-r.closes.day.toordinal(), r.slug))),
        ]  # fmt: skip
        return {
            "page": Page(
                t.gettext("Feedback rounds"),
                route.url,
                t.gettext("The questions we ask customers, and what we heard."),
                crumbs=self._crumbs(),
                section="rounds",
            ),
            "groups": groups,
            "calendar": Urls.calendar(),
        }

    def _round(self, route: Route) -> dict:
        t = self.language
        round_ = self.hub.rounds[route.key]
        return {
            "page": Page(
                round_.title,
                route.url,
                _summary(round_.body)
                or t.gettext(
                    "A feedback round, %(opens)s to %(closes)s.",
                    opens=t.date(round_.opens.day),
                    closes=t.date(round_.closes.day),
                ),
                crumbs=self._crumbs("rounds"),
                source=round_.path,
                section="rounds",
            ),
            "round": round_,
            "ideas": [self.hub.ideas[s] for s in round_.ideas],
            "changes": self._changes(round_.credited_by),
        }

    def _changes(self, refs) -> list:
        return [(self.hub.releases[ref.release], self.hub.change(ref)) for ref in refs]

    def _changelog(self, route: Route) -> dict:
        t = self.language
        paginator = self._paginator(route, self.releases_on_page(route), len(self.hub.releases))
        return {
            "page": Page(
                self._paged_title(t.gettext("Changelog"), route),
                route.url,
                t.gettext("What changed in each release, and who shaped it."),
                crumbs=self._crumbs(),
                section="changelog",
            ),
            "paginator": paginator,
        }

    def releases_on_page(self, route: Route) -> list:
        """The releases one page of the changelog shows, newest first."""
        return self.newest_releases[_page_range(route, RELEASES_PER_PAGE)]

    def _release(self, route: Route) -> dict:
        t = self.language
        release = self.hub.releases[route.key]
        groups = [(t, [c for c in release.changes if c.type == t]) for t in CHANGE_TYPES]
        return {
            "page": Page(
                release.title,
                route.url,
                _summary(release.body)
                or t.gettext("Release of %(date)s.", date=t.date(release.date.day)),
                crumbs=self._crumbs("changelog"),
                source=release.path,
                section="changelog",
            ),
            "release": release,
            "groups": [(t, changes) for t, changes in groups if changes],
        }

    def _people(self, route: Route) -> dict:
        t = self.language
        people = sorted(self.hub.people.values(), key=lambda p: (p.name.lower(), p.handle))
        return {
            "page": Page(
                t.gettext("People"),
                route.url,
                t.gettext("The customers and team members who shape what we build."),
                crumbs=self._crumbs(),
                section="people",
            ),
            "team": [p for p in people if p.team],
            "community": [p for p in people if not p.team],
        }

    def _person(self, route: Route) -> dict:
        t = self.language
        person = self.hub.people[route.key]
        shaped = self._changes(person.shaped)
        shipped_after = self._shipped_after(person.answers)
        return {
            "page": Page(
                person.name,
                route.url,
                t.gettext("What %(name)s raised, supported and shaped.", name=person.name),
                crumbs=self._crumbs("people"),
                source=person.path or "",
                section="people",
            ),
            "person": person,
            "shaped": shaped,
            "raised": [self.hub.ideas[s] for s in person.raised],
            "supported": [self.hub.ideas[s] for s in person.supported],
            "took_part": [self.hub.rounds[s] for s in person.took_part],
            "answers": self._answers(person.answers[:PERSON_ANSWERS]),
            "answers_total": len(person.answers),
            "shipped_after": shipped_after[:PERSON_SHIPPED],
            "shipped_after_total": len(shipped_after),
        }

    def _answers(self, refs) -> list[tuple[Idea, Update]]:
        """(idea, update) for each answer `refs` address, in their order."""
        pairs = []
        for ref in refs:
            idea = self.hub.ideas[ref.idea]
            pairs.append((idea, idea.update(ref.index)))
        return pairs

    def _shipped_after(self, refs) -> list[Idea]:
        """The ideas a person answered that shipped on or after their first answer
        to them, newest shipping first: what the team's answers led to, which no
        release's credits name (a duplicate they answered counts as its original)."""
        first: dict[str, date] = {}
        for ref in refs:  # newest first, so the last one seen is the earliest
            idea = self.hub.ideas[ref.idea]
            slug = idea.duplicate_of if idea.duplicate_of in self.hub.ideas else ref.idea
            first[slug] = idea.update(ref.index).date.day
        shipped = {}
        for slug, answered in first.items():
            idea = self.hub.ideas[slug]
            if idea.status == "shipped" and (on := self._first_shipped(idea)) >= answered:
                shipped[slug] = (idea, on)
        newest = sorted(shipped.values(), key=lambda pair: (-pair[1].toordinal(), pair[0].slug))
        return [idea for idea, _ in newest]

    def _first_shipped(self, idea: Idea) -> date:
        """When a shipped idea shipped: its release, else its first `shipped` answer
        (a later one is news about something already out)."""
        if idea.shipped_in:
            return self.hub.releases[idea.shipped_in].date.day
        return next(u.date.day for u in idea.updates if u.status == "shipped")

    def _person_answers(self, route: Route) -> dict:
        """/people/HANDLE/answers/: every answer a person gave, newest first, in pages."""
        t = self.language
        person = self.hub.people[route.key]
        on_page = self._answers(person.answers[_page_range(route)])
        paginator = self._paginator(route, on_page, len(person.answers))
        return {
            "page": Page(
                self._paged_title(t.gettext("Answers by %(name)s", name=person.name), route),
                route.url,
                t.gettext(
                    "Every answer %(name)s gave to an idea, newest first, with its note.",
                    name=person.name,
                ),
                crumbs=[
                    *self._crumbs("people"),
                    Crumb(person.name, self.links.person(person.handle)),
                ],
                section="people",
            ),
            "person": person,
            "paginator": paginator,
        }

    def _products(self, route: Route) -> dict:
        t = self.language
        return {
            "page": Page(
                t.gettext("Products"),
                route.url,
                t.gettext("Ideas, rounds and releases by product."),
                crumbs=self._crumbs(),
                section="products",
            ),
            "products": list(self.hub.products.values()),
        }

    def _tags(self, route: Route) -> dict:
        t = self.language
        tags = sorted(self.hub.tags.values(), key=lambda t: (-len(t.ideas), t.slug))
        return {
            "page": Page(
                t.gettext("Tags"),
                route.url,
                t.gettext("Every tag used on ideas."),
                crumbs=self._crumbs(),
                section="tags",
            ),
            "tags": tags,
        }

    def _page(self, route: Route) -> dict:
        page = self.hub.pages[route.key]
        return {
            "page": Page(
                page.title,
                route.url,
                _summary(page.body),
                crumbs=self._crumbs(),
                source=page.path,
            ),
            "item": page,
        }

    def _impact(self, route: Route) -> dict:
        """/impact/: the figures and charts, then the traced changes in pages (the
        later pages carry on the list alone)."""
        t = self.language
        shown = _page_range(route)
        on_page = self.traced(shown.start, shown.stop)
        paginator = self._paginator(route, on_page, len(self.revision.memo("traced")))
        first = route.page == 1
        return {
            "page": Page(
                self._paged_title(t.gettext("Impact: you said, we did"), route),
                route.url,
                t.gettext("Every shipped change traced back to the people and ideas behind it."),
                crumbs=self._crumbs() + ([] if first else self._crumbs("impact")[1:]),
                section="impact",
            ),
            "paginator": paginator,
            "traced": paginator.items,
            "figures": self.hub.figures if first else None,
            "charts": self.charts if first else [],
        }

    def _feeds(self, route: Route) -> dict:
        t = self.language
        listed = self.feeds.listed()
        groups = [
            (t.gettext("Everything"), [f for f in listed if f.spec.kind in ("hub", "section")]),
            (t.gettext("By product"), [f for f in listed if f.spec.kind == "product"]),
            (t.gettext("By tag"), [f for f in listed if f.spec.kind == "tag"]),
            (t.gettext("By person"), [f for f in listed if f.spec.kind == "person"]),
        ]
        return {
            "page": Page(
                t.gettext("Feeds"),
                route.url,
                t.gettext("Follow the hub in any feed reader, without an account."),
                crumbs=self._crumbs(),
                section="feeds",
            ),
            "groups": [(title, feeds) for title, feeds in groups if feeds],
            "data": self._data_files(),
            "calendar": Urls.calendar(),
        }

    def _data_files(self) -> list[DataFile]:
        """The open data as /feeds/ lists it (SPEC §10): each document with what it
        holds and its schema; an idea's own document by the pattern of its address."""
        paths = [(name, Urls.data(name)) for name in DATA_DOCUMENTS]
        paths.append(("idea", Urls.idea_data("SLUG")))
        return [
            DataFile(
                name,
                self.links.path(path),
                self.links.absolute(path),
                self.language.gettext(DATA_PURPOSES[name]),
                self.links.data_schema(name),
                pattern=name == "idea",
            )
            for name, path in paths
        ]

    def _follow(self, route: Route) -> dict:
        """The readable page beside a feed (SPEC §9): what the feed carries, its
        addresses to copy, and how to follow it, with a reader or by email."""
        t = self.language
        feed = self.feeds.listing(route.key)
        owner = feed.spec.page_url
        name = feed.spec.title.removesuffix(" · " + self.hub.config.title)
        email = self.hub.config.follow_by_email
        absolute = self.links.absolute(feed.rss or feed.atom)
        crumbs = self._crumbs()
        if owner != "/":
            crumbs.append(Crumb(name, self.links.path(owner)))
        return {
            "page": Page(
                t.gettext("Follow: %(name)s", name=name)
                if owner != "/"
                else t.gettext("Follow this hub"),
                route.url,
                feed.spec.purpose,
                crumbs=crumbs,
                section="feeds",
            ),
            "feed": feed,
            "name": name,
            "owner_url": owner,
            "email_url": email.replace("{feed}", quote(absolute, safe="")) if email else None,
        }

    def _search(self, route: Route) -> dict:
        t = self.language
        return {
            "page": Page(
                t.gettext("Search"),
                route.url,
                t.gettext(
                    "Find an idea, a feedback round, a release or a person by any word in it."
                ),
                crumbs=self._crumbs(),
                section="search",
            ),
            "state": self.search,
        }

    def _opml(self, route: Route) -> dict:
        return {"listed": self.feeds.listed()}

    def _404(self, route: Route) -> dict:
        t = self.language
        return {
            "page": Page(t.gettext("Page not found"), route.url, crumbs=[], noindex=True),
        }

    def _redirect(self, route: Route) -> dict:
        return {
            "target": self.links.path(route.target),
            "absolute": self.links.absolute(route.target),
        }

    def _sitemap(self, route: Route) -> dict:
        self.routes_read()
        pages = [
            r for r in self.routes if r.file.endswith(".html") and r.kind not in ("redirect", "404")
        ]
        return {"sitemap_routes": pages}

    def _robots(self, route: Route) -> dict:
        return {}

    def _badge(self, route: Route) -> dict:
        """An idea's badge (SPEC §10): its status, or for a duplicate its original's,
        since that is where its news now comes; a duplicate of an unpublished idea
        keeps its own."""
        idea = self.hub.ideas[route.key]
        original = self.hub.ideas.get(idea.duplicate_of) if idea.duplicate_of else None
        return {
            "idea": idea,
            "original": original,
            "status": (idea if original is None else original).status,
        }


class Lazy(Mapping):
    """A memo given to templates as a mapping, read only if a template reads it: a
    list page that does not show the counts by status does not depend on them."""

    def __init__(self, revision: Revision, name: tuple) -> None:
        self._revision, self._name = revision, name

    def __getitem__(self, key):
        return self._revision.memo(*self._name)[key]

    def __iter__(self):
        return iter(self._revision.memo(*self._name))

    def __len__(self) -> int:
        return len(self._revision.memo(*self._name))


@dataclass(frozen=True)
class DataFile:
    """A file of the open data as /feeds/ lists it: `pattern` when `url` stands for
    many files (one per idea), so it is shown, not linked."""

    name: str
    url: str
    absolute: str
    purpose: str
    schema: str
    pattern: bool = False


@dataclass(frozen=True)
class SiteInfo:
    """The `site` object in templates: settings every page uses."""

    title: str
    description: str
    language: str
    base_url: str
    repository: str | None
    stylesheet: str
    #: (name in static/, URL as published) of every static file.
    assets: tuple[tuple[str, str], ...]
    suggest_url: str | None
    nav: tuple[tuple[str, str, str], ...]
    build_date: date
    #: "indexed", "off" (`--no-search`) or "preview" (`cohub serve` does not index).
    search: str = "indexed"

    def asset(self, name: str) -> str | None:
        """The published URL of the static file `name` (its name carries a hash of its
        content), or None when the theme has no such file."""
        return next((url for source, url in self.assets if source == name), None)


class _Ref(NamedTuple):
    """A record in a fragment's memo name: its kind and key (a tuple, whose hash is
    cheap: a big hub has tens of thousands of fragments)."""

    kind: str
    key: str


def _fragment_key(args: tuple) -> tuple | None:
    """`args` as a memo's name: records by reference, other values with their type
    (`1` is not `True` there); None when an argument is neither a record nor a value
    of the model or plain (a list, a dict: made each time, not kept)."""
    key = []
    for arg in args:
        if isinstance(arg, RecordView):
            key.append(_Ref(arg._kind, arg._key))
        elif type(arg) in _PLAIN or type(arg) in VALUES:
            key.append((type(arg).__qualname__, arg))
        else:
            return None
    return tuple(key)


_PLAIN = frozenset({str, int, float, bool, type(None), Markup})


def _page_range(route: Route, per_page: int = IDEAS_PER_PAGE) -> slice:
    """Which items of its whole list one page of a paginated route shows: the same
    count per page as the URL table planned its pages with."""
    return slice((route.page - 1) * per_page, route.page * per_page)


def _page_url(url: str, page: int, n: int) -> str:
    base = url if page == 1 else url[: url.rindex("page/")]
    return base if n == 1 else f"{base}page/{n}/"


def _summary(markdown_text: str, limit: int = 200) -> str:
    """A plain-text description for meta tags: the first paragraph, trimmed."""
    for block in markdown_text.strip().split("\n\n"):
        text = _plain(block).strip()
        text = " ".join(text.split())
        if text:
            return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return ""


_OPENERS = re.compile(r"\(https?://|<(?!>)")
_MARKS = str.maketrans("", "", "#>*_`[]")


def _plain(block: str) -> str:
    """`block` without Markdown's marks, link targets `(https://…)` and tags `<…>`.

    What `re.sub(r"[#>*_`\\[\\]]|\\(https?://[^)]*\\)|<[^>]+>", "", block)` does, in
    linear time: that pattern scans to the end of the text again at every `(https://`
    or `<` with no closing `)` or `>` after it, so one paragraph of them took hours.
    Here each opening looks for its closing once, and once none is left, no later
    opening of that kind looks again."""
    kept, at = [], 0
    closing = {"(": -2, "<": -2}  # the last closing found of each; -1: none is left
    for match in _OPENERS.finditer(block):
        start = match.start()
        opener = block[start]
        if start < at or closing[opener] == -1:
            continue
        if closing[opener] < start:
            closing[opener] = block.find(")" if opener == "(" else ">", match.end())
            if closing[opener] == -1:
                continue
        kept.append(block[at:start])
        at = closing[opener] + 1
    kept.append(block[at:])
    return "".join(kept).translate(_MARKS)


def iso_date(value: Stamp | date) -> str:
    day = value.day if isinstance(value, Stamp) else value
    return day.isoformat()


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


#: The filters templates are given that need nothing but their arguments.
PLAIN_FILTERS = {
    "iso": iso_date,
    "plural": plural,
    "text_width": text_width,
}
