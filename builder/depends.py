"""Which pages an edit touches: the routes a preview must render again.

After a content edit the model is linked again whole (one file can change what
others mean), then compared with the previous model entity by entity. A route is
rendered again when it is new or its pagination changed, or when something it shows
changed: its own item, the items it lists or links by name, the people it names.
Sitewide pages (home, roadmap, impact, the section indexes) follow any change. Feeds
are compared by their entries. tests/test_serve.py proves the result equals a full
rebuild for every kind of edit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .model import Hub, Idea
from .render import Renderer
from .urls import Route

SITEWIDE = {"home", "roadmap", "impact", "rounds", "changelog", "people", "products", "tags", "404"}
LISTS = {"ideas", "status", "product", "tag"}


@dataclass(frozen=True)
class Changes:
    """Keys of the entities that differ between two models, by kind."""

    ideas: frozenset[str]
    rounds: frozenset[str]
    releases: frozenset[str]
    people: frozenset[str]
    pages: frozenset[str]
    tags: frozenset[str]
    products: frozenset[str]
    figures: bool
    #: Something every page shows changed (the free pages' titles in the footer, the
    #: names of unpublished items referred to): render everything.
    everything: bool

    @property
    def any(self) -> bool:
        return (
            self.everything
            or self.figures
            or any(
                (
                    self.ideas,
                    self.rounds,
                    self.releases,
                    self.people,
                    self.pages,
                    self.tags,
                    self.products,
                )
            )
        )


def _differ(old: Mapping, new: Mapping) -> frozenset[str]:
    return frozenset(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))


def compare(old: Hub, new: Hub) -> Changes:
    titles = lambda hub: {slug: page.title for slug, page in hub.pages.items()}  # noqa: E731
    return Changes(
        ideas=_differ(old.ideas, new.ideas),
        rounds=_differ(old.rounds, new.rounds),
        releases=_differ(old.releases, new.releases),
        people=_differ(old.people, new.people),
        pages=_differ(old.pages, new.pages),
        tags=_differ(old.tags, new.tags),
        products=_differ(old.products, new.products),
        figures=old.figures != new.figures,
        everything=(
            old.config != new.config
            or old.build_date != new.build_date
            or titles(old) != titles(new)
            or old.unpublished != new.unpublished
        ),
    )


def affected(old: Renderer, new: Renderer) -> list[Route]:
    """The routes of `new` to render, given that `old` rendered the previous site."""
    changes = compare(old.hub, new.hub)
    before = {route.url: route for route in old.routes}
    route_set_changed = before.keys() != {route.url for route in new.routes}
    found = []
    for route in new.routes:
        previous = before.get(route.url)
        if (
            previous != route
            or changes.everything
            or _depends(route, old, new, changes, route_set_changed)
        ):
            found.append(route)
    return found


def _depends(
    route: Route, old: Renderer, new: Renderer, c: Changes, route_set_changed: bool
) -> bool:
    kind, key = route.kind, route.key
    if kind in SITEWIDE:
        return c.any
    if kind in ("sitemap", "feeds", "opml"):
        return route_set_changed or bool(c.people or c.tags or c.products or c.ideas)
    if kind in ("robots", "redirect"):
        return False
    if kind in LISTS:
        return _list_depends(route, old, new, c)
    if route.is_feed:
        return old.feeds.by_feed.get(key) != new.feeds.by_feed.get(key) or _feed_title(
            old, key
        ) != _feed_title(new, key)
    if kind == "page":
        return key in c.pages
    hubs = (old.hub, new.hub)
    if kind == "idea":
        return any(_idea_depends(hub.ideas.get(key), hub, c) for hub in hubs)
    if kind == "round":
        return key in c.rounds or any(_round_depends(hub, key, c) for hub in hubs)
    if kind == "release":
        return key in c.releases or any(_release_depends(hub, key, c) for hub in hubs)
    if kind == "person":
        return key in c.people or any(_person_depends(hub, key, c) for hub in hubs)
    raise ValueError(f"no dependency rule for routes of kind {kind!r}")


def _named(ideas: Iterable[Idea]) -> set[str]:
    """Handles an idea card or timeline shows by name."""
    names = set()
    for idea in ideas:
        names.add(idea.author.handle)
        names.update(p.handle for p in idea.also_asked_by)
        names.update(u.by.handle for u in idea.updates if u.by)
    names.discard(None)
    return names


def _list_depends(route: Route, old: Renderer, new: Renderer, c: Changes) -> bool:
    shown_before, shown_now = old.on_page(route), new.on_page(route)
    if [i.slug for i in shown_before] != [i.slug for i in shown_now]:
        return True
    if {i.slug for i in shown_now} & c.ideas or _named(shown_now) & c.people:
        return True
    if {i.product for i in shown_now} & c.products:
        return True
    if route.kind in ("ideas", "status") and old.counts != new.counts:
        return True  # the status filter shows every count
    if route.kind == "product":
        return route.key in c.products or (route.page == 1 and bool(c.rounds or c.releases))
    return route.kind == "tag" and route.key in c.tags


def _idea_depends(idea: Idea | None, hub: Hub, c: Changes) -> bool:
    if idea is None:
        return True
    related = {idea.slug, *idea.duplicates, *([idea.duplicate_of] if idea.duplicate_of else [])}
    releases = {ref.release for ref in idea.credited_by}
    return bool(
        related & c.ideas
        or (idea.round and idea.round in c.rounds)
        or releases & c.releases
        or _named([idea]) & c.people
        or set(idea.tags) & c.tags
        or (idea.product and idea.product in c.products)
    )


def _round_depends(hub: Hub, key: str, c: Changes) -> bool:
    round_ = hub.rounds.get(key)
    if round_ is None:
        return True
    ideas = [hub.ideas[s] for s in round_.ideas if s in hub.ideas]
    return bool(
        set(round_.ideas) & c.ideas
        or {ref.release for ref in round_.credited_by} & c.releases
        or ({p.handle for p in round_.participants} | _named(ideas)) & c.people
        or (round_.product and round_.product in c.products)
    )


def _release_depends(hub: Hub, key: str, c: Changes) -> bool:
    release = hub.releases.get(key)
    if release is None:
        return True
    ideas = {slug for change in release.changes for slug in change.ideas}
    rounds = {slug for change in release.changes for slug in change.rounds}
    thanked = {p.handle for change in release.changes for p in change.thanks}
    return bool(
        ideas & c.ideas
        or rounds & c.rounds
        or thanked & c.people
        or (release.product and release.product in c.products)
    )


def _person_depends(hub: Hub, key: str, c: Changes) -> bool:
    person = hub.people.get(key)
    if person is None:
        return True
    ideas = {*person.raised, *person.supported, *(a.idea for a in person.answers)}
    shown = [hub.ideas[s] for s in ideas if s in hub.ideas]
    return bool(
        ideas & c.ideas
        or set(person.took_part) & c.rounds
        or {ref.release for ref in person.shaped} & c.releases
        or _named(shown) & c.people
        or {i.product for i in shown} & c.products
    )


def _feed_title(renderer: Renderer, key: str) -> tuple[str, str] | None:
    try:
        spec = renderer.feeds.spec(key)
    except KeyError:
        return None
    return spec.title, spec.purpose
