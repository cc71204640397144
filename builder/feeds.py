"""Feeds: Atom and RSS 2.0 for the hub, its sections, products, tags and people, and an
Atom feed per idea, made with feedgen.

Entries are events (an idea submitted, an answer given, an idea shipped, a release,
a round opened), derived from the model like every page. Their ids are tag URIs
built from hub.yaml's host and the event itself, and every date comes from content:
feedgen's three `now()` defaults are always overridden, so rebuilding on another day
changes nothing a feed reader can see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator

from .markdown import absolute_links
from .model import Hub, Idea
from .schema import CHANGE_LABELS, STATUS_LABELS
from .urls import Urls


@dataclass(frozen=True)
class Event:
    """One feed entry. `key` is unique and permanent: the tag URI's specific part."""

    key: str
    tag_date: date
    moment: datetime
    kind: str
    title: str
    url: str
    html: str
    author: str
    #: (term, label) pairs: statuses, change types, the product, tags.
    categories: tuple[tuple[str, str], ...]
    section: str
    idea: str | None = None
    product: str | None = None
    tags: tuple[str, ...] = ()
    people: tuple[str, ...] = ()


@dataclass(frozen=True)
class FeedSpec:
    """One feed: which events, and how it introduces itself."""

    key: str
    kind: str
    title: str
    purpose: str
    page_url: str
    select: Callable[[Event], bool]


@dataclass(frozen=True)
class Listing:
    """A feed as pages show it: what it is and its URLs (RSS may be absent)."""

    spec: FeedSpec
    atom: str
    rss: str | None


class Feeds:
    """Every feed of a hub. Built once per build from the model and the renderer's
    Markdown and links, so feed content is the page content, sanitized the same way."""

    def __init__(self, hub: Hub, routes, links, render_entry: Callable[[str, dict], str]) -> None:
        self.hub = hub
        self.links = links
        self.atom = {r.key: r.url for r in routes if r.kind == "atom"}
        self.rss = {r.key: r.url for r in routes if r.kind == "rss"}
        # Ids use hub.yaml's host, never --base-url: a deploy preview must not mint
        # new ids for the same events.
        self.id_host = urlsplit(hub.config.base_url).hostname or "localhost"
        self.render_entry = render_entry
        self.events = sorted(self._events(), key=lambda e: (-e.moment.timestamp(), e.key))

    # -- events ---------------------------------------------------------------------

    def _events(self) -> Iterable[Event]:
        hub = self.hub
        for idea in hub.ideas.values():
            if idea.duplicate_of is None:
                yield from self._idea_events(idea)
        for release in hub.releases.values():
            thanked = {p.handle for c in release.changes for p in c.thanks if p.handle}
            for change in release.changes:
                for slug in change.ideas:
                    if slug in hub.ideas:
                        thanked |= _handles(hub.ideas[slug])
            yield Event(
                key=f"changelog/{release.slug}",
                tag_date=release.date.day,
                moment=release.date.moment,
                kind="release",
                title=release.title + (f" ({release.version})" if release.version else ""),
                url=Urls.release(release.slug),
                html=self._html("release", Urls.release(release.slug), release=release),
                author=hub.config.title,
                categories=(
                    *(
                        (t, CHANGE_LABELS[t])
                        for t in dict.fromkeys(c.type for c in release.changes)
                    ),
                    *self._product(release.product),
                ),
                section="changelog",
                product=release.product,
                people=tuple(sorted(thanked)),
            )
        for round_ in hub.rounds.values():
            people = {p.handle for p in round_.participants if p.handle}
            yield Event(
                key=f"rounds/{round_.slug}/opened",
                tag_date=round_.opens.day,
                moment=round_.opens.moment,
                kind="round",
                title=f"Feedback round open: {round_.title}",
                url=Urls.round(round_.slug),
                html=self._html("round", Urls.round(round_.slug), round=round_),
                author=hub.config.title,
                categories=self._product(round_.product),
                section="rounds",
                product=round_.product,
                people=tuple(sorted(people)),
            )

    def _idea_events(self, idea: Idea) -> Iterable[Event]:
        hub = self.hub
        base = {
            "tag_date": idea.submitted.day,
            "url": Urls.idea(idea.slug),
            "section": "ideas",
            "idea": idea.slug,
            "product": idea.product,
            "tags": idea.tags,
        }
        topics = (
            *self._product(idea.product),
            *((t, hub.tags[t].name) for t in idea.tags if t in hub.tags),
        )
        askers = _handles(idea)
        yield Event(
            key=f"ideas/{idea.slug}/submitted",
            moment=idea.submitted.moment,
            kind="submitted",
            title=f"New idea: {idea.title}",
            html=self._html("submitted", base["url"], idea=idea),
            author=idea.author.name,
            categories=(("new", STATUS_LABELS["new"]), *topics),
            people=tuple(sorted(askers)),
            **base,
        )
        seen: dict[str, int] = {}
        for update in idea.updates:
            name = f"update-{update.date}-{update.status}"
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:  # two answers with one date and status stay distinct
                name += f"-{seen[name]}"
            answerer = {update.by.handle} if update.by and update.by.handle else set()
            yield Event(
                key=f"ideas/{idea.slug}/{name}",
                moment=update.date.moment,
                kind="update",
                title=f"{idea.title}: {STATUS_LABELS[update.status].lower()}",
                html=self._html("update", base["url"], idea=idea, update=update),
                author=update.by.name if update.by else f"The {hub.config.title} team",
                categories=((update.status, STATUS_LABELS[update.status]), *topics),
                people=tuple(sorted(askers | answerer)),
                **base,
            )
        if idea.shipped_in:
            release = hub.releases[idea.shipped_in]
            changes = [hub.change(ref) for ref in idea.credited_by if ref.release == release.slug]
            yield Event(
                key=f"ideas/{idea.slug}/shipped-{release.slug}",
                moment=release.date.moment,
                kind="shipped",
                title=f"Shipped: {idea.title}",
                html=self._html(
                    "shipped", base["url"], idea=idea, release=release, changes=changes
                ),
                author=hub.config.title,
                categories=(("shipped", STATUS_LABELS["shipped"]), *topics),
                people=tuple(sorted(askers)),
                **base,
            )

    def _product(self, key: str | None) -> tuple[tuple[str, str], ...]:
        if key is None or key not in self.hub.products:
            return ()
        return ((key, self.hub.products[key].name),)

    def _html(self, kind: str, page_url: str, **context) -> str:
        """Entry content through the theme's feed template, with absolute links:
        feed readers show entries away from the site."""
        html = self.render_entry(kind, context)
        return absolute_links(html.strip(), self.links.absolute(page_url))

    # -- which feeds ------------------------------------------------------------------

    def spec(self, key: str) -> FeedSpec:
        """Title, purpose and selection for the feed whose route key is `key`
        (`hub`, a section, or `product:web`, `tag:x`, `person:h`, `idea:slug`)."""
        hub, title = self.hub, self.hub.config.title
        kind, _, name = key.partition(":")
        if kind == "hub":
            return FeedSpec(
                key,
                "hub",
                title,
                "Everything: new ideas, answers, releases and rounds.",
                "/",
                lambda e: True,
            )
        if kind in ("ideas", "rounds", "changelog"):
            label, purpose = {
                "ideas": ("Ideas", "New ideas, every answer, and what shipped."),
                "rounds": ("Feedback rounds", "Each feedback round as it opens."),
                "changelog": ("Changelog", "Every release, with who shaped it."),
            }[kind]
            return FeedSpec(
                key,
                "section",
                f"{label} · {title}",
                purpose,
                f"/{kind}/",
                lambda e: e.section == kind,
            )
        if kind == "product":
            product = hub.products[name].name
            return FeedSpec(
                key, kind, f"{product} · {title}", f"Ideas, answers, rounds and releases for {product}.",
                Urls.product(name), lambda e: e.product == name,
            )  # fmt: skip
        if kind == "tag":
            tag = hub.tags[name].name
            return FeedSpec(
                key, kind, f"#{tag} · {title}", f"Ideas tagged {tag}, and their answers.",
                Urls.tag(name), lambda e: name in e.tags,
            )  # fmt: skip
        if kind == "person":
            person = hub.people[name].name
            return FeedSpec(
                key, kind, f"{person} · {title}", f"What {person} raised, was answered on, and shaped.",
                Urls.person(name), lambda e: name in e.people,
            )  # fmt: skip
        idea = hub.ideas[name]
        return FeedSpec(
            key, "idea", f"{idea.title} · {title}", "This idea: its answers, and when it ships.",
            Urls.idea(name), lambda e: e.idea == name,
        )  # fmt: skip

    def listed(self) -> list[Listing]:
        """The feeds /feeds/ and the OPML list: all but the per-idea ones (a big hub
        has thousands)."""
        return [
            Listing(self.spec(key), url, self.rss.get(key))
            for key, url in self.atom.items()
            if not key.startswith("idea:")
        ]

    def listing(self, key: str) -> Listing | None:
        """A feed as a page links to it, or None when the build has no such feed."""
        if key not in self.atom:
            return None
        return Listing(self.spec(key), self.atom[key], self.rss.get(key))

    # -- writing ----------------------------------------------------------------------

    def generate(self, route) -> bytes:
        """The Atom or RSS document for a feed route of the URL table."""
        spec, fmt = self.spec(route.key), route.kind
        chosen = [e for e in self.events if spec.select(e)][: self.hub.config.feed_size]
        fg = FeedGenerator()
        fg.load_extension("dc", atom=False, rss=True)
        self_url = route.url
        fg.id(f"https://{self.id_host}{Urls.feed(spec.page_url)}")
        fg.title(spec.title)
        fg.subtitle(spec.purpose)
        fg.description(spec.purpose)
        fg.author({"name": self.hub.config.title})
        # feedgen gives RSS's <channel><link> the last link added: the page, not the feed.
        fg.link(href=self.links.absolute(self_url), rel="self")
        fg.link(href=self.links.absolute(spec.page_url), rel="alternate", type="text/html")
        fg.language(self.hub.config.language)
        fg.generator("cohub")
        newest = chosen[0].moment if chosen else self._quiet_date()
        fg.updated(newest)
        fg.lastBuildDate(newest)
        for event in chosen:
            entry = fg.add_entry(order="append")
            entry.id(f"tag:{self.id_host},{event.tag_date.isoformat()}:{event.key}")
            entry.guid(
                f"tag:{self.id_host},{event.tag_date.isoformat()}:{event.key}", permalink=False
            )
            entry.title(event.title)
            entry.link(href=self.links.absolute(event.url), rel="alternate", type="text/html")
            entry.content(event.html, type="html")
            entry.published(event.moment)
            entry.updated(event.moment)
            entry.author({"name": event.author})
            entry.dc.dc_creator(event.author)
            for term, label in event.categories:
                entry.category(term=term, label=label)
        if fmt == "atom":
            return fg.atom_str(pretty=True)
        return fg.rss_str(pretty=True)

    def _quiet_date(self) -> datetime:
        """`updated` for a feed with no entries yet: the newest event anywhere in the
        hub, or the Unix epoch for an empty hub (content dates only, never now)."""
        if self.events:
            return self.events[0].moment
        return datetime(1970, 1, 1, tzinfo=UTC)


def _handles(idea: Idea) -> set[str]:
    return {p.handle for p in (idea.author, *idea.also_asked_by) if p.handle}
