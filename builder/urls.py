"""The URL table: every page the site has, and the one place its URL is decided.

Templates link through `Urls`, the writer writes `Route.file`, and `collisions`
proves no two sources claim one path, so a page slugged `ideas` or an alias onto a
real page is an error naming both instead of a silent overwrite (SPEC §8).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from .model import Hub
from .schema import STATUSES

IDEAS_PER_PAGE = 20
RELEASES_PER_PAGE = 10

#: Top-level URLs the site itself uses, which free pages and aliases may not take.
SECTIONS = (
    "ideas", "roadmap", "rounds", "changelog", "people", "products", "tags", "impact",
    "feeds", "search", "static",
)  # fmt: skip


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
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"

    def absolute(self, url: str) -> str:
        """A site-relative URL on the base URL. Concatenation is exact here (the base
        ends in /, every URL the table makes starts with one) and, unlike urljoin,
        cheap enough for the tens of thousands of feed links of a large hub."""
        return self.base_url + url.lstrip("/")

    home = staticmethod(lambda: "/")
    roadmap = staticmethod(lambda: "/roadmap/")
    impact = staticmethod(lambda: "/impact/")

    @staticmethod
    def ideas(page: int = 1) -> str:
        return _paged("/ideas/", page)

    @staticmethod
    def status(status: str, page: int = 1) -> str:
        return _paged(f"/ideas/status/{status}/", page)

    @staticmethod
    def idea(slug: str) -> str:
        return f"/ideas/{slug}/"

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
    def feeds() -> str:
        return "/feeds/"

    @staticmethod
    def opml() -> str:
        return "/feeds.opml"


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
        Route("/impact/", "impact"),
        Route("/rounds/", "rounds"),
        Route("/people/", "people"),
        Route("/products/", "products"),
        Route("/tags/", "tags"),
        Route("/404.html", "404"),
        Route("/sitemap.xml", "sitemap"),
        Route("/robots.txt", "robots"),
        Route("/feeds/", "feeds"),
        Route("/feeds.opml", "opml"),
    ]
    routes += feed_routes(hub)
    routes += _paginated("ideas", "", len(heard), IDEAS_PER_PAGE, u.ideas)
    for status in STATUSES:
        count = sum(1 for i in heard if i.status == status)
        routes += _paginated(
            "status", status, count, IDEAS_PER_PAGE, lambda p, s=status: u.status(s, p)
        )
    routes += _paginated("changelog", "", len(hub.releases), RELEASES_PER_PAGE, u.changelog)
    for key, product in hub.products.items():
        routes += _paginated(
            "product", key, len(product.ideas), IDEAS_PER_PAGE, lambda p, k=key: u.product(k, p)
        )
    for slug, tag in hub.tags.items():
        routes += _paginated(
            "tag", slug, len(tag.ideas), IDEAS_PER_PAGE, lambda p, t=slug: u.tag(t, p)
        )
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


#: URL prefixes the site's pagination and sections own even when no page is there
#: yet, so an idea slugged `page` cannot be shadowed once the list grows.
RESERVED = (
    ("/ideas/page/", "the pagination of /ideas/"),
    ("/ideas/status/", "the status lists under /ideas/status/"),
    ("/changelog/page/", "the pagination of /changelog/"),
    *((f"/{section}/", f"the site's /{section}/ section") for section in SECTIONS),
)


def collisions(routes: list[Route]) -> list[tuple[Route, str]]:
    """Routes whose path another source already claims: (route, what claims it).

    Paths compare case-insensitively, because on macOS and Windows `/About/` and
    `/about/` are one folder.
    """
    reserved = dict(RESERVED)
    owners: dict[str, Route] = {}
    found: list[tuple[Route, str]] = []
    for route in routes:
        claim = route.file.lower()
        if claim in owners:
            found.append((route, owners[claim].described))
        elif route.source and route.url.lower() in reserved:
            found.append((route, reserved[route.url.lower()]))
        else:
            owners[claim] = route
    return found
