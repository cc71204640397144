"""The URL table: every page the site has, and the one place its URL is decided.

Templates link through `Urls`, the writer writes `Route.file`, and `collisions`
proves no two sources claim one path, so a page slugged `ideas` or an alias onto a
real page is an error naming both instead of a silent overwrite (SPEC §8).

It is also the one place a path that content asks for (an alias, a page's slug) is
normalised and judged: `refusal` reads it as a web server or a file system might
(percent-escapes, backslashes, dot segments, case, Unicode compatibility forms,
trailing dots) and refuses what a static host reads as configuration (`_headers`,
`_redirects`, `netlify.toml`, dot files, `.well-known/`) and what the site keeps for
itself (`/static/`, `/api/`, its feeds and sitemap), so content can plant nothing.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from .model import ChangeRef, Hub
from .schema import STATUSES

IDEAS_PER_PAGE = 20
RELEASES_PER_PAGE = 10

#: Top-level URLs the site itself uses, which free pages and aliases may not take
#: (`search` and `follow` are SPEC §9's, kept before they exist).
SECTIONS = (
    "ideas", "roadmap", "rounds", "changelog", "people", "products", "tags", "impact",
    "feeds", "search", "follow",
)  # fmt: skip

#: File names a static host reads as its own configuration or code, at any depth
#: (IIS reads `web.config` in every folder), with who reads them. Content that could
#: publish one could set headers, redirects or a worker for the whole site.
HOST_FILES = {
    "_headers": "Netlify and Cloudflare Pages read as headers for the site",
    "_redirects": "Netlify and Cloudflare Pages read as redirect rules",
    "netlify.toml": "Netlify reads as its configuration",
    "_worker.js": "Cloudflare Pages runs as the site's worker",
    "_routes.json": "Cloudflare Pages reads as its routing",
    "vercel.json": "Vercel reads as its configuration",
    "staticwebapp.config.json": "Azure Static Web Apps reads as its configuration",
    "firebase.json": "Firebase Hosting reads as its configuration",
    "web.config": "IIS reads as its configuration",
    "cname": "GitHub Pages reads as the site's domain",
}

#: The longest file name (bytes) and path (characters) a content path may have:
#: what common file systems take, with room for `index.html` and the output folder.
MAX_SEGMENT = 255
MAX_PATH = 1024


@dataclass(frozen=True)
class Route:
    """One output page: what to render and where."""

    url: str
    kind: str
    key: str = ""
    page: int = 1
    pages: int = 1
    #: The content file that asked for this URL ("" for the site's own pages).
    source: str = ""
    #: The field in `source` that asked for it, when not the file itself (an alias).
    field: str = ""
    #: For a redirect: where it points.
    target: str = ""

    @property
    def file(self) -> str:
        """The path under the output folder: pretty URLs are folders with an index."""
        path = self.url.lstrip("/")
        return path + "index.html" if path.endswith("/") or not path else path

    @property
    def is_feed(self) -> bool:
        return self.kind in ("atom", "rss")

    @property
    def described(self) -> str:
        if not self.source:
            return f"the site's own {self.kind} page"
        return f"{self.source} ({self.field})" if self.field else self.source


class Urls:
    """Site-relative URLs for everything, and absolute ones from `base_url`."""

    def __init__(self, base_url: str) -> None:
        base_url = escape_url(base_url)
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"

    def absolute(self, url: str) -> str:
        """A site-relative URL on the base URL. Concatenation is exact here (the base
        ends in /, every URL the table makes starts with one) and, unlike urljoin,
        cheap enough for the tens of thousands of feed links of a large hub."""
        return self.base_url + url.lstrip("/")

    home = staticmethod(lambda: "/")
    roadmap = staticmethod(lambda: "/roadmap/")

    @staticmethod
    def impact(page: int = 1) -> str:
        return _paged("/impact/", page)

    @staticmethod
    def declined(page: int = 1) -> str:
        """Every declined idea with its reason; the roadmap shows the newest few."""
        return _paged("/roadmap/declined/", page)

    @staticmethod
    def ideas(page: int = 1) -> str:
        return _paged("/ideas/", page)

    @staticmethod
    def top(page: int = 1) -> str:
        """The ideas by how many asked (SPEC §9)."""
        return _paged("/ideas/top/", page)

    @staticmethod
    def status(status: str, page: int = 1) -> str:
        return _paged(f"/ideas/status/{status}/", page)

    @staticmethod
    def idea(slug: str) -> str:
        return f"/ideas/{slug}/"

    @staticmethod
    def badge(slug: str) -> str:
        """An idea's status as an SVG badge beside its page (SPEC §10), to embed."""
        return f"/ideas/{slug}/badge.svg"

    @staticmethod
    def rounds() -> str:
        return "/rounds/"

    @staticmethod
    def round(slug: str) -> str:
        return f"/rounds/{slug}/"

    @staticmethod
    def changelog(page: int = 1) -> str:
        return _paged("/changelog/", page)

    @staticmethod
    def release(slug: str) -> str:
        return f"/changelog/{slug}/"

    @staticmethod
    def change(release: str, index: int) -> str:
        return f"/changelog/{release}/#change-{index}"

    @staticmethod
    def people() -> str:
        return "/people/"

    @staticmethod
    def person(handle: str) -> str:
        return f"/people/{handle}/"

    @staticmethod
    def person_answers(handle: str, page: int = 1) -> str:
        """Every answer a person gave; their page shows the newest few."""
        return _paged(f"/people/{handle}/answers/", page)

    @staticmethod
    def products() -> str:
        return "/products/"

    @staticmethod
    def product(key: str, page: int = 1) -> str:
        return _paged(f"/products/{key}/", page)

    @staticmethod
    def tags() -> str:
        return "/tags/"

    @staticmethod
    def tag(slug: str, page: int = 1) -> str:
        return _paged(f"/tags/{slug}/", page)

    @staticmethod
    def page(slug: str) -> str:
        return f"/{slug}/"

    @staticmethod
    def static(name: str) -> str:
        return f"/static/{name}"

    @staticmethod
    def feed(page_url: str, fmt: str = "atom") -> str:
        """A page's feed sits beside it: /ideas/ -> /ideas/feed.xml, / -> /feed.xml."""
        return page_url + ("feed.xml" if fmt == "atom" else "rss.xml")

    @staticmethod
    def follow(page_url: str) -> str:
        """The readable page beside the feeds of `page_url` (SPEC §9): a browser that
        follows a "Follow" link lands here, never on the feed's raw XML."""
        return page_url + "follow/"

    @staticmethod
    def search() -> str:
        return "/search/"

    @staticmethod
    def feeds() -> str:
        return "/feeds/"

    @staticmethod
    def opml() -> str:
        return "/feeds.opml"

    @staticmethod
    def data(name: str) -> str:
        """One of the open data's documents (SPEC §10): /api/v1/ideas.json."""
        return f"/api/v1/{name}.json"

    @staticmethod
    def idea_data(slug: str) -> str:
        return f"/api/v1/ideas/{slug}.json"

    @staticmethod
    def data_schema(name: str) -> str:
        """The JSON Schema a document of the open data follows."""
        return f"/api/v1/schema/{name}.json"

    @staticmethod
    def calendar() -> str:
        """Every feedback round as an iCalendar file (SPEC §10)."""
        return "/rounds.ics"

    @staticmethod
    def round_calendar(slug: str) -> str:
        """One round's iCalendar file, beside its page."""
        return f"/rounds/{slug}/round.ics"


#: What no URL may hold as itself: controls, spaces, and the characters that end an
#: attribute, a tag, a line or a rule wherever a URL is written (HTML, XML,
#: `_redirects`, robots.txt). Each becomes its percent-escape.
_URL_UNSAFE = {c: f"%{c:02X}" for c in (*range(0x21), 0x7F, *b"\"'<>\\^`{|}")}


def escape_url(url: str) -> str:
    """`url` with every character a URL may not hold as itself percent-escaped, so it
    is inert in any context it is written to. Escapes already there are kept and
    non-ASCII (an IDN host, a path in Unicode) is left for each writer's encoding; a
    well-formed URL comes back unchanged."""
    return url.translate(_URL_UNSAFE)


def _paged(base: str, page: int) -> str:
    return base if page == 1 else f"{base}page/{page}/"


def _pages(count: int, per_page: int) -> int:
    return max(1, math.ceil(count / per_page))


def _paginated(kind: str, key: str, count: int, per_page: int, url) -> Iterable[Route]:
    pages = _pages(count, per_page)
    for page in range(1, pages + 1):
        yield Route(url(page), kind, key=key, page=page, pages=pages)


def plan(hub: Hub) -> list[Route]:
    """Every page of the site, in a stable order."""
    u = Urls
    heard = [i for i in hub.ideas.values() if i.duplicate_of is None]
    routes = [
        Route("/", "home"),
        Route("/roadmap/", "roadmap"),
        Route("/rounds/", "rounds"),
        Route("/people/", "people"),
        Route("/products/", "products"),
        Route("/tags/", "tags"),
        Route("/404.html", "404"),
        Route("/sitemap.xml", "sitemap"),
        Route("/robots.txt", "robots"),
        Route("/feeds/", "feeds"),
        Route("/feeds.opml", "opml"),
        Route("/search/", "search"),
    ]
    routes += feed_routes(hub)
    routes += follow_routes(routes)
    routes += data_routes(hub)
    routes += _paginated("ideas", "", len(heard), IDEAS_PER_PAGE, u.ideas)
    routes += _paginated("top", "", len(heard), IDEAS_PER_PAGE, u.top)
    for status in STATUSES:
        count = sum(1 for i in heard if i.status == status)
        routes += _paginated(
            "status", status, count, IDEAS_PER_PAGE, lambda p, s=status: u.status(s, p)
        )
    routes += _paginated("changelog", "", len(hub.releases), RELEASES_PER_PAGE, u.changelog)
    routes += _paginated("impact", "", len(traced_changes(hub)), IDEAS_PER_PAGE, u.impact)
    declined = sum(1 for i in heard if i.status == "declined")
    if declined:
        routes += _paginated("declined", "", declined, IDEAS_PER_PAGE, u.declined)
    for handle, person in hub.people.items():
        if person.answers:
            routes += _paginated(
                "person-answers",
                handle,
                len(person.answers),
                IDEAS_PER_PAGE,
                lambda p, h=handle: u.person_answers(h, p),
            )
    for key, product in hub.products.items():
        routes += _paginated(
            "product", key, len(product.ideas), IDEAS_PER_PAGE, lambda p, k=key: u.product(k, p)
        )
    for slug, tag in hub.tags.items():
        routes += _paginated(
            "tag", slug, len(tag.ideas), IDEAS_PER_PAGE, lambda p, t=slug: u.tag(t, p)
        )
    routes += calendar_routes(hub)
    routes += badge_routes(hub)
    items = (
        ("idea", hub.ideas, u.idea),
        ("round", hub.rounds, u.round),
        ("release", hub.releases, u.release),
        ("person", hub.people, u.person),
        ("page", hub.pages, u.page),
    )
    for kind, mapping, url in items:
        for slug, item in mapping.items():
            source = getattr(item, "path", None) or ""
            routes.append(Route(url(slug), kind, key=slug, source=source))
            for n, alias in enumerate(getattr(item, "aliases", ()), start=1):
                routes.append(
                    Route(
                        alias,
                        "redirect",
                        key=slug,
                        source=source,
                        field=f"aliases[{n}]",
                        target=url(slug),
                    )
                )
    return routes


def traced_changes(hub: Hub) -> list[ChangeRef]:
    """The changes `/impact/` traces, newest release first: those that credit an
    idea, a round or a person. The URL table counts them for its pages."""
    releases = sorted(hub.releases.values(), key=lambda r: (-r.date.day.toordinal(), r.slug))
    return [
        ChangeRef(r.slug, c.index)
        for r in releases
        for c in r.changes
        if c.ideas or c.rounds or c.thanks
    ]


def feed_routes(hub: Hub) -> list[Route]:
    """Atom and RSS beside the hub, each section, product, tag and person; Atom only
    beside each idea that is not a duplicate. `key` says whose feed it is."""
    u = Urls
    owners = [
        ("hub", "/"),
        ("ideas", u.ideas()),
        ("rounds", u.rounds()),
        ("changelog", u.changelog()),
    ]
    owners += [(f"product:{key}", u.product(key)) for key in hub.products]
    owners += [(f"tag:{slug}", u.tag(slug)) for slug in hub.tags]
    owners += [(f"person:{handle}", u.person(handle)) for handle in hub.people]
    routes = [
        Route(u.feed(page, fmt), fmt, key=key) for key, page in owners for fmt in ("atom", "rss")
    ]
    routes += [
        Route(u.feed(u.idea(slug)), "atom", key=f"idea:{slug}")
        for slug, idea in hub.ideas.items()
        if idea.duplicate_of is None
    ]
    return routes


#: The open data's documents and the schemas it publishes, one per document and one
#: for an idea's own (SPEC §10); `opendata` makes them.
DATA_DOCUMENTS = ("hub", "ideas", "rounds", "releases", "people")
DATA_SCHEMAS = ("hub", "ideas", "idea", "rounds", "releases", "people")


def data_routes(hub: Hub) -> list[Route]:
    """The open data's files: its documents, one per idea (a duplicate's too, which
    says whose duplicate it is) and the schemas."""
    u = Urls
    routes = [Route(u.data(name), "data", key=name) for name in DATA_DOCUMENTS]
    routes += [Route(u.idea_data(slug), "idea-data", key=slug) for slug in hub.ideas]
    routes += [Route(u.data_schema(name), "data-schema", key=name) for name in DATA_SCHEMAS]
    return routes


def calendar_routes(hub: Hub) -> list[Route]:
    """The calendars of SPEC §10: every round in one (`key` ""), and each round in
    its own (`key` its slug)."""
    routes = [Route(Urls.calendar(), "calendar")]
    routes += [Route(Urls.round_calendar(slug), "calendar", key=slug) for slug in hub.rounds]
    return routes


def badge_routes(hub: Hub) -> list[Route]:
    """A badge beside every published idea, a duplicate's too: an embed made before
    the idea was merged keeps working and shows where its original stands. Planned
    before the ideas' own routes, so an alias that claims a badge's path is the one
    reported."""
    return [Route(Urls.badge(slug), "badge", key=slug) for slug in hub.ideas]


def follow_routes(routes: list[Route]) -> list[Route]:
    """A follow page (`X/follow/`) beside each feed `X/feed.xml`, keyed like it."""
    return [
        Route(r.url.removesuffix("feed.xml") + "follow/", "follow", key=r.key)
        for r in routes
        if r.kind == "atom"
    ]


#: Paths the site keeps for itself: (path, what uses it). A path ending in `/` keeps
#: everything under it, except a section's, which holds content's own pages
#: (`/ideas/dark-mode/`). Pagination and the status lists are kept even where no page
#: is there yet, so an idea slugged `page` cannot be shadowed once the list grows; the
#: folders of SPEC §9 and §10 (search, open data, calendars) before they exist.
RESERVED = (
    ("/ideas/page/", "the pagination of /ideas/"),
    ("/ideas/status/", "the status lists under /ideas/status/"),
    ("/ideas/top/", "the list of ideas by how many asked, /ideas/top/"),
    ("/ideas/follow/", "the page on following the ideas' feed, /ideas/follow/"),
    ("/rounds/follow/", "the page on following the rounds' feed, /rounds/follow/"),
    ("/changelog/follow/", "the page on following the changelog's feed, /changelog/follow/"),
    ("/changelog/page/", "the pagination of /changelog/"),
    ("/roadmap/declined/", "the list of declined ideas, /roadmap/declined/"),
    ("/impact/page/", "the pagination of /impact/"),
    ("/static/", "the site's asset folder /static/"),
    ("/pagefind/", "the search index's folder /pagefind/"),
    ("/api/", "the open data's folder /api/"),
    ("/__cohub/", "the preview's own path /__cohub/"),
    *((f"/{section}/", f"the site's /{section}/ section") for section in SECTIONS),
    ("/index.html", "the home page"),
    ("/404.html", "the site's page for missing pages"),
    ("/feed.xml", "the hub's Atom feed"),
    ("/rss.xml", "the hub's RSS feed"),
    ("/feeds.opml", "the list of feeds"),
    ("/sitemap.xml", "the sitemap"),
    ("/robots.txt", "the site's robots.txt"),
    ("/rounds.ics", "the calendar of rounds"),
)
_SECTION_PAGES = frozenset(f"/{section}/" for section in SECTIONS)
_EXACT = dict(RESERVED)
_TREES = {p: owner for p, owner in RESERVED if p.endswith("/") and p not in _SECTION_PAGES}

#: A path already in its plain form: lower case, no empty, dot or dot-ended segment.
_PLAIN_PATH = re.compile(r"(?:/(?!\.)[a-z0-9._~-]*[a-z0-9_~-])*/?")


def resolved_path(url: str) -> str:
    """The path a web server or a file system may take `url` for: percent-escapes
    decoded (twice over, as a proxy in front of a host may), backslashes as slashes,
    Unicode compatibility forms folded (NFKC: a full-width low line is `_`), `.` and `..`
    segments resolved, and empty segments and the trailing dots and spaces Windows
    drops from a name removed. Case is kept (`normal_path` folds it)."""
    if _PLAIN_PATH.fullmatch(url):
        return url
    text = unquote(unquote(url))
    text = unicodedata.normalize("NFKC", text).replace("\\", "/")
    parts: list[str] = []
    for segment in text.split("/"):
        if segment == "..":
            if parts:
                parts.pop()
        elif segment not in ("", "."):
            segment = segment.rstrip(". ")
            if segment:
                parts.append(segment)
    folder = text.endswith("/") or text.rsplit("/", 1)[-1] in (".", "..")
    path = "/" + "/".join(parts)
    return path + "/" if folder and parts else path


def normal_path(url: str) -> str:
    """`resolved_path` with case folded: one path for every spelling a host may serve
    from one file (macOS and Windows fold case; so do Netlify's redirect rules)."""
    if _PLAIN_PATH.fullmatch(url):
        return url
    return resolved_path(url).casefold()


def refusal(url: str) -> tuple[str, str] | None:
    """Why content may not publish a page at `url` whatever else the site holds, as
    (the rest of "this alias would be published at URL…", a hint; "" for the usual),
    or None. The path is judged as `normal_path` reads it, so no spelling of a refused
    path gets through; what the site keeps for itself is `collisions`' to say, unless
    only another spelling reaches it."""
    resolved = resolved_path(url)
    normal = resolved.casefold()
    read_as = f" (read as {resolved})" if resolved != url else ""
    for segment in normal.split("/"):
        if segment.startswith("."):
            return (
                f"{read_as}, and a name starting with a dot ('{segment}') is one hosts "
                "hide or read as configuration",
                "choose a path without one",
            )
        if segment in HOST_FILES:
            return f"{read_as}, a file {HOST_FILES[segment]}, not a page", "choose another path"
    if len(url) > MAX_PATH:
        return f", longer than the {MAX_PATH} characters a path may have", "shorten it"
    for segment in url.split("/"):
        if len(segment.encode("utf-8")) > MAX_SEGMENT:
            return (
                f", whose part '{segment[:20]}…' is longer than the {MAX_SEGMENT} bytes "
                "a file name may have",
                "shorten it",
            )
    if resolved != url:
        owner = _reserved(normal)
        if owner:
            return f"{read_as}, which {owner} already uses", ""
        return f", which hosts may read as {resolved}", f"write it as {resolved}"
    return None


@dataclass(frozen=True)
class Refused:
    """A route content asked for that the site will not publish: `reason` completes
    "this alias would be published at URL"; `hint` is the fix ("" for the usual)."""

    route: Route
    reason: str
    hint: str = ""


def refused(routes: list[Route]) -> list[Refused]:
    """Every route content asked for that may not be published: a path `refusal`
    refuses, or one another source already claims (`collisions`). One finding per
    route, the refusal first."""
    found: list[Refused] = []
    judged: list[Route] = []
    for route in routes:
        why = refusal(route.url) if route.source else None
        if why is None:
            judged.append(route)
        else:
            found.append(Refused(route, *why))
    found += [
        Refused(route, f", which {owner} already uses") for route, owner in collisions(judged)
    ]
    return found


def collisions(routes: list[Route]) -> list[tuple[Route, str]]:
    """Routes whose path another source already claims: (route, what claims it).

    Paths compare as `normal_path` reads them, because on macOS and Windows `/About/`
    and `/about/` are one folder. A file also claims its name as a folder: an alias
    `/feed.xml/` would need a folder where the feed is a file.
    """
    owners: dict[str, Route] = {}
    found: list[tuple[Route, str]] = []
    for route in routes:
        claim = _claim(route)
        if claim in owners:
            found.append((route, owners[claim].described))
        elif route.source and (owner := _reserved(normal_path(route.url))):
            found.append((route, owner))
        else:
            owners[claim] = route
    found += _files_as_folders(owners)
    return found


def _claim(route: Route) -> str:
    """The file a route writes, in the form two spellings of one file share."""
    normal = normal_path(route.url)
    return Route(normal, route.kind).file if normal != route.url else route.file


def _reserved(url: str) -> str | None:
    """What keeps `url` for the site, by RESERVED's rules, or None: looked up for
    the path itself and each folder above it, not tried against every entry. A file
    named as a kept folder (`/static`) is kept too: the folder could not be made."""
    owner = _EXACT.get(url) or (None if url.endswith("/") else _EXACT.get(url + "/"))
    at = url.find("/", 1)
    while owner is None and at != -1:
        owner = _TREES.get(url[: at + 1])
        at = url.find("/", at + 1)
    return owner


def _files_as_folders(owners: dict[str, Route]) -> list[tuple[Route, str]]:
    """Routes that need a folder where another route writes a file of that name,
    reported at the one content asked for."""
    found = []
    for claim, route in owners.items():
        folder = claim.rsplit("/", 1)[0] if "/" in claim else ""
        while folder:
            other = owners.get(folder)
            if other is not None:
                mine, theirs = (route, other) if route.source else (other, route)
                if mine.source:
                    found.append((mine, f"{theirs.described}, a file at {theirs.url},"))
                break
            folder = folder.rsplit("/", 1)[0] if "/" in folder else ""
    return found
