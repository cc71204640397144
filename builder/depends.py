"""Which pages an edit touches: the routes a preview must render again.

Every route *shows* some records: its own, the ideas it lists, the people it names,
the releases and rounds it links by title (`shows`, keys like `("idea", slug)`; a
person merely named is `("name", handle)`). A route is rendered again when it shows a
record that changed, in the model before or after the edit, or when its shape changed
(`_reshaped`): it is new, its list holds other ideas or counts, its pagination moved.
What each route shows is indexed once per graph (`Shown`), so routes are looked up.

Two paths use that one description:

- After an edit that changed the graph (a status, a tag, a credit), the models are
  compared record by record (`compare`), routes showing a changed record are looked
  up in both graphs' indexes, and every route's shape is checked (`affected`).
  Sitewide pages (home, roadmap, impact, the indexes) then follow any change.
- After a patch (`link.patch_hub`: only some records' own words changed), nothing
  was reshaped, so the routes come straight from the index (`patched`), and only
  the feeds whose shown entries changed are written.

tests/test_incremental.py proves the result equals a full rebuild for both kinds of
edit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .model import Hub, Idea, Who
from .render import Renderer
from .urls import Route

SITEWIDE = {"home", "roadmap", "impact", "rounds", "people", "products", "tags", "404"}
LISTS = {"ideas", "status", "product", "tag"}

#: A record: ("idea", slug), ("round", slug), ("release", slug), ("person", handle),
#: ("page", slug), ("tag", slug) or ("product", key); or ("name", handle): how a
#: person is shown wherever they are named (name, team badge, whether they have a
#: page), which changes far less often than what their own page lists.
Key = tuple[str, str]

#: Reading.patched names records by content folder; routes by record kind.
FOLDER_KINDS = {
    "ideas": "idea",
    "rounds": "round",
    "changelog": "release",
    "people": "person",
    "pages": "page",
}


@dataclass(frozen=True)
class Changes:
    """Keys of the entities that differ between two models, by kind."""

    ideas: frozenset[str]
    rounds: frozenset[str]
    releases: frozenset[str]
    people: frozenset[str]
    names: frozenset[str]
    pages: frozenset[str]
    tags: frozenset[str]
    products: frozenset[str]
    figures: bool
    #: Something every page shows changed (the free pages' titles in the footer, the
    #: names of unpublished items referred to): render everything.
    everything: bool

    @property
    def keys(self) -> frozenset[Key]:
        return frozenset(
            (kind, key)
            for kind, keys in (
                ("idea", self.ideas),
                ("round", self.rounds),
                ("release", self.releases),
                ("person", self.people),
                ("name", self.names),
                ("page", self.pages),
                ("tag", self.tags),
                ("product", self.products),
            )
            for key in keys
        )

    @property
    def any(self) -> bool:
        return self.everything or self.figures or bool(self.keys)


def _differ(old: Mapping, new: Mapping) -> frozenset[str]:
    """Keys whose records differ; a record the edit did not touch is the very same
    object in both models, which is checked first because it is cheap."""
    return frozenset(
        k
        for k in old.keys() | new.keys()
        if old.get(k) is not new.get(k) and old.get(k) != new.get(k)
    )


def _renamed(old: Hub, new: Hub) -> frozenset[str]:
    """Handles shown differently wherever they are named."""

    def shown(hub: Hub, handle: str):
        person = hub.people.get(handle)
        return person and (person.name, person.team)

    return frozenset(
        h
        for h in old.people.keys() | new.people.keys()
        if old.people.get(h) is not new.people.get(h) and shown(old, h) != shown(new, h)
    )


def _everything(old: Hub, new: Hub) -> bool:
    titles = lambda hub: {slug: page.title for slug, page in hub.pages.items()}  # noqa: E731
    return (
        old.config != new.config
        or old.build_date != new.build_date
        or titles(old) != titles(new)
        or old.unpublished != new.unpublished
    )


def compare(old: Hub, new: Hub) -> Changes:
    return Changes(
        ideas=_differ(old.ideas, new.ideas),
        rounds=_differ(old.rounds, new.rounds),
        releases=_differ(old.releases, new.releases),
        people=_differ(old.people, new.people),
        names=_renamed(old, new),
        pages=_differ(old.pages, new.pages),
        tags=_differ(old.tags, new.tags),
        products=_differ(old.products, new.products),
        figures=old.figures != new.figures,
        everything=_everything(old, new),
    )


# -- what each route shows ------------------------------------------------------------


def shows(route: Route, renderer: Renderer) -> set[Key]:
    """The records whose contents the page or feed of `route` shows."""
    hub, kind, key = renderer.hub, route.kind, route.key
    if kind in LISTS:
        ideas = renderer.on_page(route)
        found = _ideas(ideas) | _people(_authors(ideas)) | _products(i.product for i in ideas)
        if kind == "product" and key in hub.products:
            product = hub.products[key]
            found.add(("product", key))
            if route.page == 1:
                found |= {("round", s) for s in product.rounds}
                found |= {("release", s) for s in product.releases}
        if kind == "tag":
            found.add(("tag", key))
        return found
    if kind == "page":
        return {("page", key)}
    if kind == "idea":
        return _idea_shows(hub.ideas.get(key))
    if kind == "round":
        return _round_shows(hub, key)
    if kind == "release":
        return _release_shows(hub.releases.get(key))
    if kind == "person":
        return _person_shows(hub, key)
    if kind == "changelog":  # titles, versions and changes' words; credits are counted
        return {("release", r.slug) for r in renderer.releases_on_page(route)}
    if kind in SITEWIDE:
        return _sitewide_shows(route, renderer)
    return set()  # feeds follow their entries; robots, redirects and lists of URLs no record


def _ideas(ideas: Iterable[Idea]) -> set[Key]:
    return {("idea", i.slug) for i in ideas}


def _people(handles: Iterable[str | None]) -> set[Key]:
    """People as named: their name, badge and link."""
    return {("name", h) for h in handles if h}


def _authors(ideas: Iterable[Idea]) -> set[str]:
    """Handles an idea card names: its author."""
    return {i.author.handle for i in ideas if i.author.handle}


def _products(keys: Iterable[str | None]) -> set[Key]:
    return {("product", k) for k in keys if k}


def _named(ideas: Iterable[Idea]) -> set[str]:
    """Handles an idea card or timeline shows by name."""
    names = set()
    for idea in ideas:
        names.add(idea.author.handle)
        names.update(p.handle for p in idea.also_asked_by)
        names.update(u.by.handle for u in idea.updates if u.by)
    names.discard(None)
    return names


def _idea_shows(idea: Idea | None) -> set[Key]:
    if idea is None:
        return set()
    related = {idea.slug, *idea.duplicates, *([idea.duplicate_of] if idea.duplicate_of else [])}
    return (
        {("idea", s) for s in related}
        | ({("round", idea.round)} if idea.round else set())
        | {("release", ref.release) for ref in idea.credited_by}
        | _people(_named([idea]))
        | {("tag", t) for t in idea.tags}
        | _products([idea.product])
    )


def _round_shows(hub: Hub, key: str) -> set[Key]:
    round_ = hub.rounds.get(key)
    if round_ is None:
        return set()
    ideas = [hub.ideas[s] for s in round_.ideas if s in hub.ideas]
    return (
        {("round", key)}
        | {("idea", s) for s in round_.ideas}
        | {("release", ref.release) for ref in round_.credited_by}
        | _people({p.handle for p in round_.participants} | _authors(ideas))
        | _products([round_.product])
    )


def _release_shows(release) -> set[Key]:
    if release is None:
        return set()
    return (
        {("release", release.slug)}
        | {("idea", s) for change in release.changes for s in change.ideas}
        | {("round", s) for change in release.changes for s in change.rounds}
        | _people(p.handle for change in release.changes for p in change.thanks)
        | _products([release.product])
    )


def _person_shows(hub: Hub, key: str) -> set[Key]:
    person = hub.people.get(key)
    if person is None:
        return set()
    slugs = {*person.raised, *person.supported, *(a.idea for a in person.answers)}
    ideas = [hub.ideas[s] for s in slugs if s in hub.ideas]
    return (
        {("person", key)}
        | {("idea", s) for s in slugs}
        | {("round", s) for s in person.took_part}
        | {("release", ref.release) for ref in person.shaped}
        | _people(_authors(ideas))
        | _products(i.product for i in ideas)
    )


def _sitewide_shows(route: Route, renderer: Renderer) -> set[Key]:
    """What the sitewide pages show by record, read from the very context they are
    rendered from (which ideas the roadmap picks is the renderer's business)."""
    hub, kind = renderer.hub, route.kind
    if kind == "rounds":
        return {("round", s) for s in hub.rounds}
    if kind == "people":
        return _people(hub.people)
    if kind not in ("home", "roadmap", "impact"):
        return set()  # products, tags, 404: names and counts, all part of the graph
    context = renderer.context(route)
    if kind == "home":
        answered = context["recent_answers"]
        return (
            {("round", r.slug) for r in (*context["open_rounds"], *context["upcoming_rounds"])}
            | _releases_shows(context["latest_releases"])
            | _ideas(answered)
            | _people(_by(i.updates[-1].by) for i in answered)
        )
    if kind == "roadmap":
        shown = [i for _, ideas, _ in context["columns"] for i in ideas]
        declined = context["declined"]
        return (
            _ideas([*shown, *declined])
            | {("release", i.shipped_in) for i in shown if i.shipped_in}
            | _people(_by(i.updates[-1].by) for i in declined)
        )
    if kind == "impact":
        found = set()
        for release, change, *credited in context["traced"]:
            found |= _release_shows(release)
            for idea in credited[: len(change.ideas)]:
                if idea is not None:
                    found |= _people([idea.author.handle, *(_by(u.by) for u in idea.updates[:1])])
        return found
    raise ValueError(kind)


def _releases_shows(releases) -> set[Key]:
    return set().union(*(_release_shows(r) for r in releases))


def _by(who: Who | None) -> str | None:
    return who.handle if who else None


# -- the graph changed: check every route ----------------------------------------------


def affected(
    old: Renderer,
    new: Renderer,
    old_shown: Shown,
    new_shown: Shown,
    changes: Changes | None = None,
) -> list[Route]:
    """The routes of `new` to render, given that `old` rendered the previous site
    (`old_shown`, `new_shown`: what the routes of each show; `changes`: the models
    compared, when the caller already did)."""
    changes = changes or compare(old.hub, new.hub)
    if changes.everything:
        return list(new.routes)
    showing = {
        renderer.routes[n].url
        for renderer, shown in ((old, old_shown), (new, new_shown))
        for key in changes.keys
        for n in shown.routes.get(key, ())
    }
    before = {route.url: route for route in old.routes}
    route_set_changed = before.keys() != {route.url for route in new.routes}
    return [
        route
        for route in new.routes
        if before.get(route.url) != route
        or route.url in showing
        or _reshaped(route, old, new, changes, route_set_changed)
    ]


def _reshaped(
    route: Route, old: Renderer, new: Renderer, c: Changes, route_set_changed: bool
) -> bool:
    """Whether what the route is made of changed, rather than a record it shows."""
    kind, key = route.kind, route.key
    if kind in SITEWIDE:
        return c.any
    if kind in ("sitemap", "feeds", "opml"):
        return route_set_changed or bool(c.names or c.tags or c.products or c.ideas)
    if route.is_feed:  # the entries it shows, compared by identity first
        size = new.hub.config.feed_size
        return old.feeds.by_feed.get(key, [])[:size] != new.feeds.by_feed.get(key, [])[
            :size
        ] or _feed_title(old, key) != _feed_title(new, key)
    if kind == "changelog":
        return [r.slug for r in old.releases_on_page(route)] != [
            r.slug for r in new.releases_on_page(route)
        ]
    if kind in LISTS:
        # (the status filter of ideas and status pages shows every count)
        return [i.slug for i in old.on_page(route)] != [i.slug for i in new.on_page(route)] or (
            kind in ("ideas", "status") and old.counts != new.counts
        )
    hubs = (old.hub, new.hub)
    if kind == "idea":
        return any(key not in hub.ideas for hub in hubs)
    if kind == "round":
        return any(key not in hub.rounds for hub in hubs)
    if kind == "release":
        return any(key not in hub.releases for hub in hubs)
    if kind == "person":
        return any(key not in hub.people for hub in hubs)
    if kind in ("page", "robots", "redirect"):
        return False
    raise ValueError(f"no dependency rule for routes of kind {kind!r}")


def _feed_title(renderer: Renderer, key: str) -> tuple[str, str] | None:
    try:
        spec = renderer.feeds.spec(key)
    except KeyError:
        return None
    return spec.title, spec.purpose


# -- a patch: look the routes up ---------------------------------------------------------


class Shown:
    """For one graph: the routes that show each record, inverted from `shows` once
    so that a patch finds its routes without checking all of them. Routes are kept
    by their position in the renderer's table, which a patch keeps."""

    def __init__(self, renderer: Renderer) -> None:
        self.routes: dict[Key, list[int]] = defaultdict(list)
        self.feeds: dict[str, list[int]] = defaultdict(list)
        for n, route in enumerate(renderer.routes):
            if route.is_feed:
                self.feeds[route.key].append(n)
            for key in shows(route, renderer):
                self.routes[key].append(n)


def patched(
    old: Renderer, new: Renderer, shown: Shown, records: Iterable[tuple[str, str]]
) -> list[Route]:
    """The routes of `new` to render after a patch of `records` ((folder, slug), as
    `Reading.patched` names them): those that show one, and the feeds whose shown
    entries were made again. `new` has the routes of `old`: a patch moves nothing."""
    if _everything(old.hub, new.hub):
        return list(new.routes)
    keys = {(FOLDER_KINDS[folder], slug) for folder, slug in records}
    feeds = new.feeds.changed_feeds() | {f"idea:{slug}" for kind, slug in keys if kind == "idea"}
    todo = {n for key in keys for n in shown.routes.get(key, ())}
    todo.update(n for feed in feeds for n in shown.feeds.get(feed, ()))
    return [new.routes[n] for n in sorted(todo)]
