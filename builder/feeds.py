"""Feeds: Atom and RSS 2.0 for the hub, its sections, products, tags and people, and an
Atom feed per idea, made with feedgen.

Entries are events (an idea submitted, an answer given, an idea shipped, a release,
a round opened, a round closed), derived from the model like every page; each
happening is one event, whatever in the content says it (SPEC §5). Their ids are tag
URIs built from hub.yaml's host and the event itself, and every date comes from
content: feedgen's three `now()` defaults are always overridden, so rebuilding on
another day changes nothing a feed reader can see.

Both formats are held to what the W3C Feed Validation Service checks, warnings
included (tests/test_feeds.py mirrors those checks). Three of them shape this module:

- An event dated after the build date (a round announced for next month, SPEC §8's
  future dates) has not happened yet: it joins the feeds in the first build on or
  after its day, rather than sitting in them with an "implausible" future date.
- No two entries of one Atom feed may share `updated` ("DuplicateUpdated"), yet
  date-only content puts a release and every idea it shipped at one midnight. Each
  event's `updated` is therefore its content moment plus a fraction of a second fixed
  by its kind and its key alone (see `_distinct`): still that midnight to the second,
  the same in every feed and every build, and never shifted by another event.
- Self links carry their media type, and feed ids use hub.yaml's `base_url` whole
  (a hub under a path must not share ids with the site at its host's root).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from html import unescape
from urllib.parse import urlsplit, urlunsplit

from feedgen.entry import FeedEntry
from feedgen.ext.dc import DcEntryExtension, DcExtension
from feedgen.feed import FeedGenerator

from .engine.revision import Revision
from .languages import N_, Language
from .markdown import absolute_links
from .model import Idea
from .schema import CHANGE_LABELS, STATUS_LABELS
from .urls import Urls, escape_url


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
    #: Atom's `updated`: `moment` plus under a second, unique in the hub (`_distinct`).
    updated: datetime | None = None
    #: Where `updated` was before a clash of stamps moved it on (`_distinct`).
    moved: datetime | None = None


@dataclass(frozen=True)
class FeedSpec:
    """One feed: which events, and how it introduces itself."""

    key: str
    kind: str
    title: str
    purpose: str
    page_url: str


@dataclass(frozen=True)
class Listing:
    """A feed as pages show it: what it is and its URLs (RSS may be absent)."""

    spec: FeedSpec
    atom: str
    rss: str | None


class Feeds:
    """Every feed of a hub, from one revision's view of the model and the renderer's
    Markdown and links, so feed content is the page content, sanitized the same way.

    Each item's events are a memo of the revision (`idea-events`, …), and so are the
    events of the whole hub, each feed's entries and the newest date: a later revision
    makes again only the events of what changed, and a feed whose entries came out
    the same is not rendered again."""

    def __init__(
        self,
        revision: Revision,
        routes,
        links,
        render_entry: Callable[[str, dict], str],
        language: Language,
    ) -> None:
        """`language`: the hub's, which entry and feed titles are written in."""
        self.revision = revision
        self.language = language
        self.hub = revision.view
        self.links = links
        self.atom = {r.key: r.url for r in routes if r.kind == "atom"}
        self.rss = {r.key: r.url for r in routes if r.kind == "rss"}
        # Ids use hub.yaml's base_url, never --base-url: a deploy preview must not mint
        # new ids for the same events.
        self.id_host, self.id_base = _id_parts(revision.hub.config.base_url)
        self.render_entry = render_entry
        #: feedgen's entry of each event, shared by every feed it is in.
        self._entries: dict[str, FeedEntry] = {}
        revision.makers.update(
            {
                "events": self._all_events,
                "by-feed": self._by_feed,
                "feed": self._chosen,
                "newest": self._newest,
                "idea-events": self._idea,
                "release-events": self._release,
                "round-events": self._round,
            }
        )

    def item_memos(self, hub=None) -> list[tuple]:
        """The names of the memos of each item's events: the bulk of the feeds' work,
        which a build can share out between workers. `hub`: the view to list the
        items through, when the lists read must be recorded (the events' memo: a
        release or round that comes, or a draft that is published, adds events);
        the model itself by default."""
        hub = self.revision.hub if hub is None else hub
        return [
            *(("idea-events", s) for s in self.revision.memo("heard")),
            *(("release-events", s) for s in hub.releases),
            *(("round-events", s) for s in hub.rounds),
        ]

    @property
    def events(self) -> list[Event]:
        """Every event that has happened by the build date, newest first."""
        return self.revision.memo("events")

    def _all_events(self) -> list[Event]:
        revision, hub = self.revision, self.hub
        names = self.item_memos(hub)
        made = {name: revision.memo(*name) for name in names}
        today = hub.build_date
        return _patched_events(revision, made, today) or sorted(
            _distinct(e for events in made.values() for e in events if e.moment.date() <= today),
            key=_newest_first,
            reverse=True,
        )

    @property
    def by_feed(self) -> dict[str, list[Event]]:
        return self.revision.memo("by-feed")

    def _by_feed(self) -> dict[str, list[Event]]:
        """Each feed's events, newest first, filed in one pass: a hub with 10,000
        ideas has over 10,000 feeds, and a scan of every event per feed would grow
        with their product. After an edit, only the feeds of the events that came
        or went are filed again."""
        events = self.events
        patched = _patched_feeds(self.revision, events)
        if patched is not None:
            return patched
        found: dict[str, list[Event]] = {}
        for event in events:
            for key in _feed_keys(event):
                found.setdefault(key, []).append(event)
        return found

    def _chosen(self, key: str) -> tuple[Event, ...]:
        """The entries one feed shows: a memo of its own, reading only its feed's
        entry of `by-feed`, so a feed is rendered again only when they differ."""
        events = self.revision.part(("by-feed",), key) or ()
        return tuple(events[: self.hub.config.feed_size])

    @property
    def newest(self) -> datetime:
        """`updated` of the newest event in the hub (the date of a feed with no
        entries yet), or for a hub without any a fixed date: content dates only,
        never now; not the Unix epoch, which the validator calls implausible."""
        return self.revision.memo("newest")

    def _newest(self) -> datetime:
        events = self.events
        return events[0].updated if events else QUIET_DATE

    def _idea(self, slug: str) -> tuple[Event, ...]:
        idea = self.hub.ideas.get(slug)
        if idea is None or idea.duplicate_of is not None:
            return ()
        return tuple(map(stamped, self._idea_events(idea)))

    def _release(self, slug: str) -> tuple[Event, ...]:
        hub = self.hub
        release = hub.releases.get(slug)
        if release is None:
            return ()
        thanked = {p.handle for c in release.changes for p in c.thanks if p.handle}
        for change in release.changes:
            for credited in change.ideas:
                if credited in hub.ideas:
                    thanked |= _handles(hub.ideas[credited])
        return tuple(map(stamped, self._release_events(release, thanked)))

    def _round(self, slug: str) -> tuple[Event, ...]:
        round_ = self.hub.rounds.get(slug)
        return () if round_ is None else tuple(map(stamped, self._round_events(round_)))

    def _release_events(self, release, thanked: set[str]) -> Iterable[Event]:
        hub = self.hub
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
                    (t, self.language.gettext(CHANGE_LABELS[t]))
                    for t in dict.fromkeys(c.type for c in release.changes)
                ),
                *self._product(release.product),
            ),
            section="changelog",
            product=release.product,
            people=tuple(sorted(thanked)),
        )

    def _round_events(self, round_) -> Iterable[Event]:
        hub = self.hub
        people = {p.handle for p in round_.participants if p.handle}
        yield Event(
            key=f"rounds/{round_.slug}/opened",
            tag_date=round_.opens.day,
            moment=round_.opens.moment,
            kind="round",
            title=self.language.gettext("Feedback round open: %(title)s", title=round_.title),
            url=Urls.round(round_.slug),
            html=self._html("round", Urls.round(round_.slug), round=round_),
            author=hub.config.title,
            categories=self._product(round_.product),
            section="rounds",
            product=round_.product,
            people=tuple(sorted(people)),
        )
        # A round closes at the end of its `closes` day: the event is the next day's,
        # and like any event joins the feeds only once that day has come.
        yield Event(
            key=f"rounds/{round_.slug}/closed",
            tag_date=round_.opens.day,
            moment=datetime.combine(round_.closes.day + timedelta(days=1), time(), UTC),
            kind="closed",
            title=(
                self.language.gettext(
                    "Feedback round closed: %(title)s — what we heard", title=round_.title
                )
                if round_.heard
                else self.language.gettext("Feedback round closed: %(title)s", title=round_.title)
            ),
            url=Urls.round(round_.slug),
            html=self._html("closed", Urls.round(round_.slug), round=round_),
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
            title=self.language.gettext("New idea: %(title)s", title=idea.title),
            html=self._html("submitted", base["url"], idea=idea),
            author=idea.author.name,
            categories=(("new", self.language.gettext(STATUS_LABELS["new"])), *topics),
            people=tuple(sorted(askers)),
            **base,
        )
        release = hub.releases.get(idea.shipped_in) if idea.shipped_in else None
        # The first `shipped` answer tells the shipping; a later one (after a
        # setback) is an answer like any other.
        told = False
        seen: dict[str, int] = {}
        for update in idea.updates:
            name = f"update-{update.date}-{update.status}"
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:  # two answers with one date and status stay distinct
                name += f"-{seen[name]}"
            answerer = {update.by.handle} if update.by and update.by.handle else set()
            author = (
                update.by.name
                if update.by
                else self.language.gettext("The %(hub)s team", hub=hub.config.title)
            )
            if update.status == "shipped" and not told:
                told = True
                yield self._shipped(
                    idea,
                    release,
                    base,
                    topics,
                    askers | answerer,
                    key=f"ideas/{idea.slug}/{name}",
                    moment=update.date.moment,
                    author=author,
                    update=update,
                )
                continue
            yield Event(
                key=f"ideas/{idea.slug}/{name}",
                moment=update.date.moment,
                kind="update",
                title=self.language.gettext(ANSWER_TITLES[update.status], title=idea.title),
                html=self._html("update", base["url"], idea=idea, update=update),
                author=author,
                categories=(
                    (update.status, self.language.gettext(STATUS_LABELS[update.status])),
                    *topics,
                ),
                people=tuple(sorted(askers | answerer)),
                **base,
            )
        if not told and release is not None:
            yield self._shipped(
                idea,
                release,
                base,
                topics,
                askers,
                key=f"ideas/{idea.slug}/shipped-{release.slug}",
                moment=release.date.moment,
                author=hub.config.title,
                update=None,
            )

    def _shipped(
        self,
        idea: Idea,
        release,
        base: dict,
        topics: tuple,
        people: set[str],
        *,
        key: str,
        moment: datetime,
        author: str,
        update,
    ) -> Event:
        """The one entry that tells an idea shipped (SPEC §5): the team's `shipped`
        answer when there is one, else the release that ships it. Either way it links
        that release and quotes its changes, so no feed tells the story twice."""
        hub = self.hub
        changes = []
        if release is not None:
            changes = [hub.change(ref) for ref in idea.credited_by if ref.release == release.slug]
        return Event(
            key=key,
            moment=moment,
            kind="shipped",
            title=self.language.gettext("Shipped: %(title)s", title=idea.title),
            html=self._html(
                "shipped", base["url"], idea=idea, release=release, changes=changes, update=update
            ),
            author=author,
            categories=(("shipped", self.language.gettext(STATUS_LABELS["shipped"])), *topics),
            people=tuple(sorted(people)),
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
        """Title and purpose of the feed whose route key is `key`
        (`hub`, a section, or `product:web`, `tag:x`, `person:h`, `idea:slug`)."""
        hub, title, t = self.hub, self.hub.config.title, self.language
        kind, _, name = key.partition(":")
        if kind == "hub":
            return FeedSpec(
                key, "hub", title, t.gettext("Everything: new ideas, answers, releases and rounds."),
                "/",
            )  # fmt: skip
        if kind in ("ideas", "rounds", "changelog"):
            label, purpose = {
                "ideas": (
                    t.gettext("Ideas"),
                    t.gettext("New ideas, every answer, and what shipped."),
                ),
                "rounds": (
                    t.gettext("Feedback rounds"),
                    t.gettext("Each feedback round as it opens, and what we heard when it closes."),
                ),
                "changelog": (
                    t.gettext("Changelog"),
                    t.gettext("Every release, with who shaped it."),
                ),
            }[kind]
            return FeedSpec(key, "section", f"{label} · {title}", purpose, f"/{kind}/")
        if kind == "product":
            product = hub.products[name].name
            return FeedSpec(
                key, kind, f"{product} · {title}",
                t.gettext("Ideas, answers, rounds and releases for %(product)s.", product=product),
                Urls.product(name),
            )  # fmt: skip
        if kind == "tag":
            tag = hub.tags[name].name
            return FeedSpec(
                key, kind, f"#{tag} · {title}",
                t.gettext("Ideas tagged %(tag)s, and their answers.", tag=tag),
                Urls.tag(name),
            )  # fmt: skip
        if kind == "person":
            person = hub.people[name].name
            return FeedSpec(
                key, kind, f"{person} · {title}",
                t.gettext("What %(name)s raised, was answered on, and shaped.", name=person),
                Urls.person(name),
            )  # fmt: skip
        idea = hub.ideas[name]
        return FeedSpec(
            key, "idea", f"{idea.title} · {title}",
            t.gettext("This idea: its answers, and when it ships."),
            Urls.idea(name),
        )  # fmt: skip

    def listed(self) -> list[Listing]:
        """The feeds /feeds/ and the OPML list: all but the per-idea ones (a big hub
        has thousands)."""
        self.revision.recorder.reads.add(("routes", "", None))
        return [
            Listing(self.spec(key), url, self.rss.get(key))
            for key, url in self.atom.items()
            if not key.startswith("idea:")
        ]

    def listing(self, key: str) -> Listing | None:
        """A feed as a page links to it, or None when the build has no such feed."""
        self.revision.recorder.reads.add(("feed", key, None))
        if key not in self.atom:
            return None
        return Listing(self.spec(key), self.atom[key], self.rss.get(key))

    # -- writing ----------------------------------------------------------------------

    def generate(self, route) -> bytes:
        """The Atom or RSS document for a feed route of the URL table."""
        spec, fmt = self.spec(route.key), route.kind
        chosen = self.revision.memo("feed", route.key)
        fg = FeedGenerator()
        # register, not load: load_extension imports the module again on every call.
        fg.register_extension("dc", DcExtension, DcEntryExtension, atom=False, rss=True)
        fg.id(self.id_base + Urls.feed(spec.page_url).lstrip("/"))
        fg.title(spec.title)
        fg.subtitle(spec.purpose)
        fg.description(spec.purpose)
        fg.author({"name": self.hub.config.title})
        # feedgen gives RSS's <channel><link> the last link added: the page, not the feed.
        own_type = "application/atom+xml" if fmt == "atom" else "application/rss+xml"
        fg.link(href=self.links.absolute(route.url), rel="self", type=own_type)
        fg.link(href=self.links.absolute(spec.page_url), rel="alternate", type="text/html")
        fg.language(self.hub.config.language)
        fg.generator("cohub")
        newest = chosen[0].updated if chosen else self.newest
        fg.updated(newest)
        fg.lastBuildDate(newest)
        for event in chosen:
            fg.add_entry(self._entry(event), order="append")
        if fmt == "atom":
            return fg.atom_str(pretty=True)
        return _rss_plain_text(fg.rss_str(pretty=True))

    def _entry(self, event: Event) -> FeedEntry:
        """The feedgen entry of an event, made once and shared by every feed the
        event appears in (about six each: the hub, its section, product, tags,
        people and idea)."""
        entry = self._entries.get(event.key)
        if entry is not None:
            return entry
        entry = FeedEntry()
        entry.register_extension("dc", DcEntryExtension, atom=False, rss=True)
        tag_uri = f"tag:{self.id_host},{event.tag_date.isoformat()}:{event.key}"
        entry.id(tag_uri)
        entry.guid(tag_uri, permalink=False)
        entry.title(event.title)
        entry.link(href=self.links.absolute(event.url), rel="alternate", type="text/html")
        entry.content(event.html, type="html")
        entry.published(event.moment)
        entry.updated(event.updated)
        entry.author({"name": event.author})
        entry.dc.dc_creator(event.author)
        for term, label in event.categories:
            entry.category(term=term, label=label)
        self._entries[event.key] = entry
        return entry


#: An answer's entry title, by the status it gave: whole messages, as a status reads
#: differently inside a sentence in most languages.
ANSWER_TITLES = {
    "new": N_("%(title)s: new"),
    "under-review": N_("%(title)s: under review"),
    "planned": N_("%(title)s: planned"),
    "in-progress": N_("%(title)s: in progress"),
    "shipped": N_("%(title)s: shipped"),
    "declined": N_("%(title)s: declined"),
}

#: `updated` of the feeds of a hub with no events at all.
QUIET_DATE = datetime(2000, 1, 1, tzinfo=UTC)

#: Where in its day's first second each kind of event falls, oldest first: a round
#: opens, ideas come in, answers follow, an idea ships, its release closes the day.
#: A round's closing comes last, so that telling it moved no other kind's stamp
#: (a reader takes a new `updated` for an edit of the entry).
_DAY_ORDER = {"round": 0, "submitted": 1, "update": 2, "shipped": 3, "release": 4, "closed": 5}
_SLOT = 100_000  # microseconds per kind


def _newest_first(event: Event) -> tuple:
    return (event.updated, event.key)


def _patched_events(revision: Revision, made: dict[tuple, tuple], today: date) -> list | None:
    """Every event, made from the previous revision's list when only some items'
    events changed and no stamp was ever moved by a clash (then each event's
    `updated` is its own, whatever else changes); None when that is not so."""
    old = revision.previous(("events",))
    if old is None or not old.reads.memos or ("hub", "", "build_date") in revision.changed:
        return None
    before = {name for name in old.reads.memos if name[0].endswith("-events")}
    changed = [name for name in made if name not in before or revision.memo_changed(name)]
    gone = before - made.keys()
    dropped = set()
    for name in (*changed, *gone):
        if name not in before:
            continue
        kept = revision.previous(name)
        if kept is None:
            return None
        dropped.update(e.key for e in kept.value)
    remaining = [e for e in old.value if e.key not in dropped]
    added = [e for name in changed for e in made[name] if e.moment.date() <= today]
    taken = {e.updated for e in remaining}
    for event in added:
        if event.updated in taken:
            return None  # a clash: `_distinct` decides
        taken.add(event.updated)
    # An event a clash moved stays where it is unless what it was moved past (its
    # window: from its own stamp to where it went) lost or gained an event.
    windows = [(e.moved, e.updated) for e in remaining if e.moved is not None]
    if windows:
        touched = [e.updated for e in old.value if e.key in dropped]
        touched += [e.updated for e in added]
        if any(start <= t <= end for start, end in windows for t in touched):
            return None
    return sorted(remaining + added, key=_newest_first, reverse=True)


def _patched_feeds(revision: Revision, events: list[Event]) -> dict | None:
    """Each feed's events, made from the previous revision's by filing again only
    the feeds of events that came or went; None without a previous one."""
    old, old_events = revision.previous(("by-feed",)), revision.previous(("events",))
    if old is None or old_events is None:
        return None
    now = set(map(id, events))
    before = set(map(id, old_events.value))
    gone = [e for e in old_events.value if id(e) not in now]
    came = [e for e in events if id(e) not in before]
    found = dict(old.value)
    gone_ids = set(map(id, gone))
    for key in {k for e in (*gone, *came) for k in _feed_keys(e)}:
        kept = [e for e in found.get(key, ()) if id(e) not in gone_ids]
        for event in came:
            if key in _feed_keys(event):
                kept.insert(_place(kept, _newest_first(event)), event)
        if kept:
            found[key] = kept
        else:
            found.pop(key, None)
    return found


def _place(events: list[Event], order: tuple) -> int:
    """Where an event of sort key `order` goes in a list of them newest first."""
    lo, hi = 0, len(events)
    while lo < hi:
        mid = (lo + hi) // 2
        if _newest_first(events[mid]) > order:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _distinct(events: Iterable[Event]) -> list[Event]:
    """Each event with its `updated`: its moment, plus a fraction of a second set by
    its kind and a hash of its key (`stamped`), so no two entries of any feed share
    one (the validator's DuplicateUpdated). Nothing but the event itself decides the
    fraction; only a clash of hashes on one day (about one in 100,000 pairs) moves
    one of the two on by a microsecond. An event already stamped and not moved is
    returned as the very object it was, so feeds made of the same events compare
    equal at once."""
    taken: set[datetime] = set()
    found = []
    for event in sorted(events, key=lambda e: (e.moment, e.key)):
        event = event if event.updated is not None else stamped(event)
        updated = event.updated
        while updated in taken:
            updated += timedelta(microseconds=1)
        taken.add(updated)
        moved = updated != event.updated
        found.append(replace(event, updated=updated, moved=event.updated) if moved else event)
    return found


def stamped(event: Event) -> Event:
    """The event with its own `updated`, before any clash moves it (`_distinct`)."""
    digest = int.from_bytes(hashlib.sha256(event.key.encode()).digest()[:8], "big")
    offset = _DAY_ORDER[event.kind] * _SLOT + digest % _SLOT
    return replace(event, updated=event.moment + timedelta(microseconds=offset))


#: RSS elements that hold plain text, as lxml writes them (text only, escaped).
_PLAIN_IN_CHANNEL = re.compile(rb"(<(title|description)>)([^<]*)(</\2>)")
_PLAIN_IN_ITEMS = re.compile(rb"(<(title|category|dc:creator)>)([^<]*)(</\2>)")
#: What a reader that guesses takes for HTML in an RSS title (feedparser's test, and
#: the validator's ContainsHTML): an end tag, or a character reference.
_LOOKS_LIKE_HTML = re.compile(r"</\w+>|&#?\w+;")
#: What a reader of HTML may take for markup rather than text: any `<` (an SGML-era
#: parser, as feedparser's, reads even `<>` as a tag), and `&` before what could
#: name a character (`&copy` needs no `;`). A lone `&` reads as itself and is kept.
_MARKUP_START = re.compile(r"<|&(?=[\w#])")
_XML_TEXT = str.maketrans({"&": "&#x26;", "<": "&#x3C;", ">": "&gt;", "\r": "&#13;"})


def _rss_plain_text(rss: bytes) -> bytes:
    """RSS's plain text written so no reader takes it for markup.

    RSS 2.0 does not say whether a title is text or HTML, and readers read the
    channel's description as HTML. So text a reader would take for HTML (an item
    titled `<b>bold</b>`, a person named `<img src=x onerror=…>` in a channel
    description) is written as the HTML that shows that text (`&lt;b>bold&lt;/b>`),
    and reads back as itself either way; any other text is left as it is. `<` and `&`
    are then hexadecimal character references, as the RSS Best Practices Profile asks
    (the validator's CharacterData warning). Item descriptions hold HTML and are left
    alone; lxml cannot be told any of this, so the serialized feed is rewritten,
    element text only (lxml escapes every `<` in text, so `[^<]*` is all of it)."""

    def plain(match: re.Match) -> bytes:
        element = match.group(2)
        text = unescape(match.group(3).decode("utf-8"))
        if element == b"description" or (element == b"title" and _LOOKS_LIKE_HTML.search(text)):
            text = _MARKUP_START.sub(lambda m: "&lt;" if m.group() == "<" else "&amp;", text)
        return match.group(1) + text.translate(_XML_TEXT).encode("utf-8") + match.group(4)

    channel, item, items = rss.partition(b"<item>")
    return _PLAIN_IN_CHANNEL.sub(plain, channel) + item + _PLAIN_IN_ITEMS.sub(plain, items)


def _id_parts(base_url: str) -> tuple[str, str]:
    """(host for tag URIs, base for feed ids) from hub.yaml's base_url, both in the
    canonical form the validator compares ids against: lower-case scheme and host, no
    default port, a path ending in `/`; what a URL may not hold, escaped."""
    parts = urlsplit(escape_url(base_url))
    host = parts.hostname or "localhost"
    with contextlib.suppress(UnicodeError):  # a host idna cannot encode stays as written
        host = host.encode("idna").decode("ascii")
    scheme = parts.scheme.lower() or "https"
    default = {"http": 80, "https": 443}.get(scheme)
    netloc = host if parts.port in (None, default) else f"{host}:{parts.port}"
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return host, urlunsplit((scheme, netloc, path, "", ""))


def _feed_keys(event: Event) -> Iterable[str]:
    """The route keys of every feed an event appears in."""
    yield "hub"
    yield event.section
    if event.product:
        yield f"product:{event.product}"
    for tag in event.tags:
        yield f"tag:{tag}"
    for handle in event.people:
        yield f"person:{handle}"
    if event.idea:
        yield f"idea:{event.idea}"


def _handles(idea: Idea) -> set[str]:
    return {p.handle for p in (idea.author, *idea.also_asked_by) if p.handle}
