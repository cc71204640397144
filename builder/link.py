"""Model: resolve references between validated files into the `Hub` link graph.

Two passes over the same items. `check_references` looks at every file, drafts and
incomplete ones included, so `cohub check` reports every broken reference in one run.
`build_hub` then assembles only what is published and derives what the pages show:
statuses, credits, what shipped where, who shaped what, and the loop in figures.

Each record is made of what its own file says (`_own_*`) and what linking derives
from the rest. An edit that changes only what its own record shows (a title, a body,
a note: `SHOWN_ONLY`) leaves every derived field as it was, so `patch_hub` swaps that
record into the previous graph instead of linking everything again; the preview
relies on that to answer a reworded idea in a 10,000-idea hub at once.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from types import MappingProxyType

from .config import Config
from .errors import Problems
from .languages import N_
from .model import (
    RECORDS,
    AnswerRef,
    Change,
    ChangeRef,
    Figures,
    Hub,
    Idea,
    Page,
    Person,
    Product,
    Release,
    Round,
    Tag,
    Update,
    Who,
    frozen_map,
)
from .slugs import Suggester, one_edit_apart, slugify
from .validate import Item, valid

NOUNS = {"ideas": "idea", "rounds": "round", "changelog": "changelog entry", "people": "person"}


def index_items(items: Iterable[Item]) -> dict[str, dict[str, Item]]:
    """Items by folder and slug. Every file counts, even one whose front matter is
    broken: its slug exists, so references to it are not "unknown"."""
    folders: dict[str, dict[str, Item]] = defaultdict(dict)
    for item in items:
        folders[item.source.folder][item.slug] = item
    return folders


def person_mentions(item: Item) -> list[tuple[str, Who]]:
    """(field path, person) for every person a file names, in file order."""
    values, mentions = item.values, []
    if isinstance(values.get("author"), Who):
        mentions.append(("author", values["author"]))
    for n, who in valid(values.get("supporters")):
        mentions.append((f"supporters[{n}]", who))
    for n, update in valid(values.get("updates")):
        if isinstance(update.get("by"), Who):
            mentions.append((f"updates[{n}].by", update["by"]))
    participants = values.get("participants")
    if isinstance(participants, tuple):
        for n, who in valid(participants):
            mentions.append((f"participants[{n}]", who))
    for n, change in valid(values.get("changes")):
        for m, who in valid(change.get("thanks")):
            mentions.append((f"changes[{n}].thanks[{m}]", who))
    return mentions


# -- references -------------------------------------------------------------------


def check_references(items: list[Item], problems: Problems) -> None:
    """Report every reference that does not resolve, and the suspicious ones."""
    index = index_items(items)
    ideas, people = index["ideas"], index["people"]
    # One suggester per folder, made when first asked: "did you mean" stays linear
    # however many references are unknown (see `Suggester`).
    suggesters: dict[str, Suggester] = {}

    def resolve(item: Item, name: str, folder: str, slug: str) -> bool:
        if slug in index[folder]:
            return True
        if folder not in suggesters:
            suggesters[folder] = Suggester(index[folder])
        problems.error(
            item.path,
            item.pos(name),
            f"unknown {NOUNS[folder]} '{slug}'",
            field=name,
            hint=suggesters[folder](slug) or f"no file content/{folder}/{slug}.md",
        )
        return False

    for item in ideas.values():
        if (slug := item.values.get("round")) is not None:
            resolve(item, "round", "rounds", slug)
        target = item.values.get("duplicate_of")
        if target is not None and resolve(item, "duplicate_of", "ideas", target):
            further = ideas[target].values.get("duplicate_of")
            if further is not None:
                problems.error(
                    item.path,
                    item.pos("duplicate_of"),
                    f"'{target}' is itself a duplicate of '{further}'; duplicates do not chain",
                    field="duplicate_of",
                    hint=(
                        "two ideas cannot be duplicates of each other: keep one duplicate_of"
                        if further == item.slug
                        else f"write duplicate_of: {further}"
                    ),
                )
        _check_tags(item, problems)

    for item in index["changelog"].values():
        for n, change in valid(item.values.get("changes")):
            for m, slug in valid(change.get("ideas")):
                name = f"changes[{n}].ideas[{m}]"
                if resolve(item, name, "ideas", slug):
                    original = ideas[slug].values.get("duplicate_of")
                    if original is not None and original in ideas:
                        problems.warning(
                            item.path,
                            item.pos(name),
                            f"'{slug}' is a duplicate of '{original}'; the credit goes to '{original}'",
                            field=name,
                            hint=f"credit '{original}' instead",
                        )
            for m, slug in valid(change.get("rounds")):
                resolve(item, f"changes[{n}].rounds[{m}]", "rounds", slug)

    near_profiles: dict[str, list[str]] = {}  # one look-up per stranger
    profiles = Suggester(people)
    for item in items:
        for name, who in person_mentions(item):
            if who.handle is None or who.handle in people:
                continue
            if who.handle not in near_profiles:
                near_profiles[who.handle] = [
                    h for h in profiles.near(who.handle) if one_edit_apart(who.handle, h)
                ]
            near = near_profiles[who.handle]
            if near:
                problems.warning(
                    item.path,
                    item.pos(name),
                    f"'{who.handle}' has no profile in content/people/",
                    field=name,
                    hint=f"did you mean '{near[0]}'?",
                )
    _check_tag_spellings(ideas.values(), problems)


def _check_tags(item: Item, problems: Problems) -> None:
    for n, tag in valid(item.values.get("tags")):
        if not slugify(tag):
            problems.error(
                item.path,
                item.pos(f"tags[{n}]"),
                f"tag '{tag}' has no letters or digits to make its URL from",
                field=f"tags[{n}]",
            )


def _check_tag_spellings(ideas: Iterable[Item], problems: Problems) -> None:
    """Spellings that share a URL are one tag; say so where a rarer spelling is used."""
    uses: dict[str, list[tuple[Item, int, str]]] = defaultdict(list)
    for item in ideas:
        for n, tag in valid(item.values.get("tags")):
            if slugify(tag):
                uses[slugify(tag)].append((item, n, tag))
    for slug, found in uses.items():
        shown = _most_common(tag for _, _, tag in found)
        for item, n, tag in found:
            if tag != shown:
                problems.warning(
                    item.path,
                    item.pos(f"tags[{n}]"),
                    f"tag '{tag}' is shown as '{shown}': spellings with the same URL (/tags/{slug}/) are one tag",
                    field=f"tags[{n}]",
                    hint=f"write '{shown}'",
                )


def _most_common(spellings: Iterable[str]) -> str:
    counts = Counter(spellings)
    return min(counts, key=lambda tag: (-counts[tag], tag))


# -- the graph --------------------------------------------------------------------


def build_hub(
    config: Config,
    items: list[Item],
    build_date: date,
    problems: Problems,
    *,
    drafts: bool,
    private_names: Mapping[bool, str] | None = None,
) -> Hub:
    """Everything the site shows, derived from published items only; `problems`
    receives the warnings that need the whole graph (what shipped, what did not).
    `private_names`: what the site calls a customer and a team member whose profile
    says `public: false`, in the hub's language (English by default)."""
    index = index_items(items)
    published = {
        folder: {
            slug: item
            for slug, item in sorted(by_slug.items())
            if item.complete and (drafts or not item.values.get("draft", False))
        }
        for folder, by_slug in index.items()
    }
    for folder in ("ideas", "rounds", "changelog", "people", "pages"):
        published.setdefault(folder, {})
    unpublished = frozen_map(
        ((folder, slug), _display_name(item))
        for folder, by_slug in index.items()
        for slug, item in by_slug.items()
        if slug not in published[folder]
    )
    private = _private(index.get("people", {}), private_names or PRIVATE_NAMES)
    profiles = {h: item for h, item in published["people"].items() if h not in private}
    who = _namer({slug: item.values["name"] for slug, item in profiles.items()}, private)

    releases = {
        slug: _release(item, published["ideas"], who)
        for slug, item in published["changelog"].items()
    }
    credits = _credits(releases)
    ideas = _ideas(published["ideas"], credits, releases, published["changelog"], who, problems)
    rounds = _rounds(published["rounds"], ideas, credits, build_date, who)
    people = _people(profiles, ideas, rounds, releases, who)
    return Hub(
        config=config,
        build_date=build_date,
        ideas=frozen_map(ideas.items()),
        rounds=frozen_map(rounds.items()),
        releases=frozen_map(releases.items()),
        people=frozen_map(people.items()),
        pages=frozen_map((slug, _page(item)) for slug, item in published["pages"].items()),
        tags=frozen_map(_tags(published["ideas"], ideas).items()),
        products=_products(config, ideas, rounds, releases),
        figures=_figures(ideas, releases),
        unpublished=unpublished,
        private=private,
    )


# -- patching one record --------------------------------------------------------

#: Fields that only their own record shows: no other record, list, count or
#: warning is derived from them (checked by tests/test_patch.py for each one).
SHOWN_ONLY: dict[str, tuple[str, ...]] = {
    "ideas": ("title", "updates[].note"),
    "rounds": ("title", "questions", "participate", "heard"),
    "changelog": ("title", "version", "changes[].text"),
    "people": ("url",),  # not `team`: every mention of a person shows the badge
    "pages": ("title",),
}


def structure(item: Item) -> tuple:
    """What the rest of the graph can see of a file: all but its body and its
    SHOWN_ONLY fields. Two versions of a file with equal structures link into the
    same graph, differing only in that file's own record."""
    values = dict(item.values)
    for name in SHOWN_ONLY.get(item.source.folder, ()):
        listed, _, inner = name.partition("[].")
        if not inner:
            values.pop(name, None)
        elif listed in values:
            values[listed] = tuple(
                {k: v for k, v in entry.items() if k != inner} if isinstance(entry, dict) else entry
                for entry in values[listed]
            )
    return (item.source.folder, item.slug, item.complete, values)


def patch_hub(hub: Hub, changed: Iterable[Item], ideas: Mapping[str, Item]) -> Hub:
    """`hub` with the records of `changed` made again from their files, for edits
    that kept each file's `structure`: every derived field, list and figure stays,
    because nothing it is derived from changed. `ideas`: every idea's item by slug
    (a change's credits go through the duplicates the credited files name)."""
    who = _namer({h: p.name for h, p in hub.people.items()}, hub.private)
    maps: dict[str, dict] = {}  # copies of the maps with a changed record, by field
    unpublished = dict(hub.unpublished)
    for item in changed:
        folder, slug = item.source.folder, item.slug
        field = RECORDS[folder]
        records = maps.setdefault(field, dict(getattr(hub, field)))
        if slug not in records:
            if (folder, slug) in unpublished:
                unpublished[folder, slug] = _display_name(item)
            continue
        old = records[slug]
        if folder == "ideas":
            records[slug] = replace(old, **_own_idea(item, who))
        elif folder == "rounds":
            records[slug] = replace(old, **_own_round(item, who))
        elif folder == "changelog":
            named = {
                credited: ideas[credited]
                for _, change in valid(item.values.get("changes"))
                for _, credited in valid(change.get("ideas"))
                if credited in hub.ideas
            }
            records[slug] = _release(item, named, who)
        elif folder == "people":
            records[slug] = replace(old, **_own_person(slug, item))
        else:
            records[slug] = _page(item)
    return replace(
        hub,
        **{field: MappingProxyType(records) for field, records in maps.items()},
        unpublished=MappingProxyType(unpublished),
    )


def keep_unchanged(old: Hub, new: Hub) -> Hub:
    """`new`, with each record equal to its counterpart in `old` replaced by that very
    object: what a later stage made of a record (a cached fragment, a feed event) can
    then be found by identity, which is cheap, after any edit."""

    def kept(before: Mapping, after: Mapping) -> Mapping:
        return MappingProxyType(
            {
                key: before[key] if key in before and before[key] == record else record
                for key, record in after.items()
            }
        )

    return replace(
        new, **{field: kept(getattr(old, field), getattr(new, field)) for field in RECORDS.values()}
    )


def _namer(names: Mapping[str, str], private: Mapping[str, Who]):
    """`who(person)`: a mention with the display name of its profile, if published,
    or the stand-in of a person who asked not to be named."""

    def who(person: Who) -> Who:
        if person.handle is None:
            return person
        if person.handle in private:
            return private[person.handle]
        return Who(person.handle, names.get(person.handle, person.handle))

    return who


#: How the site names a person whose profile says `public: false` (messages: the
#: pipeline gives `build_hub` them in the hub's language).
PRIVATE_NAMES = {False: N_("a customer"), True: N_("the team")}


def _private(profiles: Mapping[str, Item], names: Mapping[bool, str]) -> Mapping[str, Who]:
    """Stand-ins for the profiles that say `public: false`, drafts included: a draft
    that is not published must not leave its person's handle on the site either.
    Numbered in handle order, so the same content gives the same numbers."""
    hidden = sorted(h for h, item in profiles.items() if item.values.get("public") is False)
    return MappingProxyType(
        {
            handle: Who(None, names[bool(profiles[handle].values.get("team"))], n)
            for n, handle in enumerate(hidden, start=1)
        }
    )


def _display_name(item: Item) -> str:
    """How an unpublished item is named where something refers to it."""
    return item.values.get("title") or item.values.get("name") or item.slug


def _common(item: Item) -> dict:
    return {
        "path": item.path,
        "body": item.source.body,
        "body_line": item.source.body_line,
        "draft": item.values.get("draft", False),
        "aliases": tuple(a for _, a in valid(item.values.get("aliases"))),
    }


def _release(item: Item, ideas: dict[str, Item], who) -> Release:
    values = item.values
    changes = []
    for n, change in valid(values.get("changes")):
        if "type" not in change or "text" not in change:
            continue
        credited = []
        for _, slug in valid(change.get("ideas")):
            original = ideas[slug].values.get("duplicate_of") if slug in ideas else None
            target = original or slug
            if target not in credited:
                credited.append(target)
        changes.append(
            Change(
                index=n,
                type=change["type"],
                text=change["text"],
                ideas=tuple(credited),
                rounds=tuple(dict.fromkeys(r for _, r in valid(change.get("rounds")))),
                thanks=_unique(who(p) for _, p in valid(change.get("thanks"))),
            )
        )
    return Release(
        slug=item.slug,
        title=values["title"],
        date=values["date"],
        version=values.get("version"),
        product=values.get("product"),
        changes=tuple(changes),
        **_common(item),
    )


def _credits(releases: dict[str, Release]) -> dict[tuple[str, str], list[ChangeRef]]:
    """(folder, slug) -> the changes that credit it, oldest release first."""
    credits: dict[tuple[str, str], list[ChangeRef]] = defaultdict(list)
    for release in sorted(releases.values(), key=lambda r: (r.date.day, r.slug)):
        for change in release.changes:
            ref = ChangeRef(release.slug, change.index)
            for slug in change.ideas:
                credits["ideas", slug].append(ref)
            for slug in change.rounds:
                credits["rounds", slug].append(ref)
    return credits


def _ideas(
    items: dict[str, Item], credits, releases, release_items, who, problems: Problems
) -> dict[str, Idea]:
    duplicates: dict[str, list[str]] = defaultdict(list)
    for slug, item in items.items():
        if (target := item.values.get("duplicate_of")) is not None:
            duplicates[target].append(slug)
    by_submitted = lambda slug: (items[slug].values["submitted"].day, slug)  # noqa: E731

    ideas = {}
    for slug, item in items.items():
        values = item.values
        own = _own_idea(item, who)
        author, updates = own["author"], own["updates"]
        refs = tuple(credits.get(("ideas", slug), ()))
        shipped = list(dict.fromkeys(ref.release for ref in refs))
        merged = sorted(duplicates.get(slug, ()), key=by_submitted)
        askers = [who(p) for _, p in valid(values.get("supporters"))]
        for dup in merged:
            askers.append(who(items[dup].values["author"]))
            askers.extend(who(p) for _, p in valid(items[dup].values.get("supporters")))
        ideas[slug] = Idea(
            **own,
            status=updates[-1].status if updates else "new",
            days_to_answer=(updates[0].date.day - values["submitted"].day).days
            if updates
            else None,
            credited_by=refs,
            shipped_in=shipped[0] if shipped else None,
            also_in=tuple(shipped[1:]),
            duplicates=tuple(merged),
            also_asked_by=_unique(p for p in askers if p.key != author.key),
        )
        _warn_shipping(item, ideas[slug], releases, release_items, problems)
    return ideas


def _own_idea(item: Item, who) -> dict:
    """The fields of an idea that its own file decides."""
    values = item.values
    return dict(
        slug=item.slug,
        title=values["title"],
        submitted=values["submitted"],
        author=who(values["author"]),
        product=values.get("product"),
        tags=tuple(dict.fromkeys(slugify(t) for _, t in valid(values.get("tags")) if slugify(t))),
        supporters=_unique(who(p) for _, p in valid(values.get("supporters"))),
        round=values.get("round"),
        duplicate_of=values.get("duplicate_of"),
        updates=tuple(
            Update(
                index=n,
                date=u["date"],
                status=u["status"],
                by=who(u["by"]) if "by" in u else None,
                note=u.get("note", ""),
            )
            for n, u in valid(values.get("updates"))
            if "date" in u and "status" in u
        ),
        source=values.get("source"),
        **_common(item),
    )


def _warn_shipping(item: Item, idea: Idea, releases, release_items, problems: Problems) -> None:
    """Credits and statuses should tell the same story; say where they do not."""
    if idea.duplicate_of is not None:
        return
    if idea.status == "shipped" and not idea.credited_by:
        name = f"updates[{idea.updates[-1].index}].status"
        problems.warning(
            idea.path,
            item.pos(name),
            "marked shipped, but no changelog entry credits this idea",
            field=name,
            hint=f"list '{idea.slug}' under a change's ideas",
        )
    if idea.status != "shipped":
        for ref in idea.credited_by:
            release_item = release_items[ref.release]
            name = _credit_field(release_item, ref, idea.slug, idea.duplicates)
            problems.warning(
                release_item.path,
                release_item.pos(name),
                f"credits idea '{idea.slug}', whose status is '{idea.status}', not 'shipped'",
                field=name,
                hint=f"add an update with status: shipped to {idea.path}",
            )


def _credit_field(release: Item, ref: ChangeRef, slug: str, duplicates: tuple[str, ...]) -> str:
    """The field path where a change credits `slug`, directly or through one of the
    duplicates merged into it."""
    change = release.values["changes"][ref.index - 1]
    for m, written in valid(change.get("ideas")):
        if written == slug or written in duplicates:
            return f"changes[{ref.index}].ideas[{m}]"
    return f"changes[{ref.index}].ideas"


def _rounds(items: dict[str, Item], ideas, credits, today: date, who) -> dict[str, Round]:
    rounds = {}
    for slug, item in items.items():
        values = item.values
        if today < values["opens"].day:
            state = "upcoming"
        elif today <= values["closes"].day:
            state = "open"
        else:
            state = "closed"
        rounds[slug] = Round(
            **_own_round(item, who),
            state=state,
            ideas=_newest(i for i in ideas.values() if i.round == slug and i.duplicate_of is None),
            credited_by=tuple(credits.get(("rounds", slug), ())),
        )
    return rounds


def _own_round(item: Item, who) -> dict:
    """The fields of a round that its own file decides."""
    values = item.values
    participants = values.get("participants")
    listed = participants if isinstance(participants, tuple) else ()
    return dict(
        slug=item.slug,
        title=values["title"],
        opens=values["opens"],
        closes=values["closes"],
        product=values.get("product"),
        questions=tuple(q for _, q in valid(values.get("questions"))),
        participate=values.get("participate"),
        participants=_unique(who(p) for _, p in valid(listed)),
        participant_count=participants if isinstance(participants, int) else None,
        heard=values.get("heard", ""),
        **_common(item),
    )


def _people(items: dict[str, Item], ideas, rounds, releases, who) -> dict[str, Person]:
    """A page for every handle: its profile if there is one, else just the handle.
    Lists are newest first, because a person page answers "what happened lately"."""
    raised, supported, took_part, answers = (defaultdict(list) for _ in range(4))
    thanked, shaped = defaultdict(set), defaultdict(set)
    handles = set(items)
    for idea in ideas.values():
        handles.add(idea.author.handle)
        handles.update(p.handle for p in idea.supporters)
        handles.update(u.by.handle for u in idea.updates if u.by)
        for update in idea.updates:
            if update.by and update.by.handle:
                answers[update.by.handle].append(AnswerRef(idea.slug, update.index))
        if idea.duplicate_of is not None:
            continue
        raised[idea.author.handle].append(idea)
        for person in idea.also_asked_by:
            supported[person.handle].append(idea)
        if idea.round in rounds:
            took_part[idea.author.handle].append(idea.round)
        for ref in idea.credited_by:
            for person in (idea.author, *idea.also_asked_by):
                shaped[person.handle].add(ref)
    for round_ in rounds.values():
        for person in round_.participants:
            handles.add(person.handle)
            took_part[person.handle].append(round_.slug)
    for release in releases.values():
        for change in release.changes:
            ref = ChangeRef(release.slug, change.index)
            for person in change.thanks:
                handles.add(person.handle)
                thanked[person.handle].add(ref)
                shaped[person.handle].add(ref)
    handles.discard(None)

    def newest_changes(refs) -> tuple[ChangeRef, ...]:
        return tuple(sorted(refs, key=lambda r: (-releases[r.release].date.day.toordinal(), r)))

    people = {}
    for handle in sorted(handles):
        people[handle] = Person(
            **_own_person(handle, items.get(handle)),
            raised=_newest(raised[handle]),
            supported=_newest(supported[handle]),
            took_part=tuple(
                sorted(set(took_part[handle]), key=lambda r: (-rounds[r].opens.day.toordinal(), r))
            ),
            thanked_for=newest_changes(thanked[handle]),
            shaped=newest_changes(shaped[handle]),
            answers=tuple(
                sorted(
                    answers[handle],
                    key=lambda a: (-ideas[a.idea].update(a.index).date.day.toordinal(), a),
                )
            ),
        )
    return people


def _own_person(handle: str, item: Item | None) -> dict:
    """The fields of a person that their profile decides (a handle without one
    is just the handle)."""
    values = item.values if item else {}
    return dict(
        handle=handle,
        name=values.get("name", handle),
        team=values.get("team", False),
        url=values.get("url"),
        bio=item.source.body if item else "",
        path=item.path if item else None,
        draft=values.get("draft", False),
        aliases=tuple(a for _, a in valid(values.get("aliases"))),
    )


def _page(item: Item) -> Page:
    return Page(slug=item.slug, title=item.values["title"], **_common(item))


def _tags(items: dict[str, Item], ideas: dict[str, Idea]) -> dict[str, Tag]:
    # Spellings are counted over every idea, duplicates too, exactly as the
    # spelling warning counts them, so the warning names the spelling shown.
    spellings: dict[str, list[str]] = defaultdict(list)
    for item in items.values():
        for _, tag in valid(item.values.get("tags")):
            if slugify(tag):
                spellings[slugify(tag)].append(tag)
    tags = {}
    for slug, names in spellings.items():
        tagged = _newest(i for i in ideas.values() if slug in i.tags and i.duplicate_of is None)
        if tagged:
            tags[slug] = Tag(slug=slug, name=_most_common(names), ideas=tagged)
    return tags


def _products(config: Config, ideas, rounds, releases):
    """Products in hub.yaml's order, which is the order the company chose to show."""
    return MappingProxyType(
        {
            key: Product(
                key=key,
                name=name,
                ideas=_newest(
                    i for i in ideas.values() if i.product == key and i.duplicate_of is None
                ),
                rounds=tuple(
                    r.slug
                    for r in sorted(
                        rounds.values(), key=lambda r: (-r.opens.day.toordinal(), r.slug)
                    )
                    if r.product == key
                ),
                releases=tuple(
                    r.slug
                    for r in sorted(
                        releases.values(), key=lambda r: (-r.date.day.toordinal(), r.slug)
                    )
                    if r.product == key
                ),
            )
            for key, name in config.products.items()
        }
    )


def _figures(ideas: dict[str, Idea], releases: dict[str, Release]) -> Figures:
    heard = [i for i in ideas.values() if i.duplicate_of is None]
    answered = [i for i in heard if i.answered]
    credited: set[str] = set()
    for release in releases.values():
        for change in release.changes:
            credited.update(p.key for p in change.thanks)
    for idea in heard:
        if idea.credited_by:
            credited.update(p.key for p in (idea.author, *idea.also_asked_by))
    return Figures(
        ideas_heard=len(heard),
        answered=len(answered),
        waiting=len(heard) - len(answered),
        median_days_to_answer=(
            statistics.median(i.days_to_answer for i in answered) if answered else None
        ),
        shipped=sum(1 for i in heard if i.status == "shipped"),
        people_credited=len(credited),
    )


def _unique(people: Iterable[Who]) -> tuple[Who, ...]:
    """People in first-mention order, each once."""
    seen: dict[str, Who] = {}
    for person in people:
        seen.setdefault(person.key, person)
    return tuple(seen.values())


def _newest(ideas: Iterable[Idea]) -> tuple[str, ...]:
    """Idea slugs, most recently submitted first (slug breaks ties, for determinism)."""
    return tuple(
        i.slug for i in sorted(ideas, key=lambda i: (-i.submitted.day.toordinal(), i.slug))
    )
