"""Calendars: the feedback rounds as iCalendar (RFC 5545), made with `icalendar`.

`/rounds.ics` holds every published round and `/rounds/SLUG/round.ics` one of them
(SPEC §10), so a customer can subscribe to the rounds or add one round to their own
calendar. Each round is an all-day event from `opens` through `closes`.

Like the feeds, a calendar comes from content alone and reads the model only
through the renderer's recording view, so a cached build and the preview keep it
right. Three rules make it stable for the calendar programs that import it:

- A round's UID is its slug on hub.yaml's host (the host the feeds' tag URIs use),
  never `--base-url`'s: a deploy preview's calendar must not look like new events,
  and a round whose dates move is the same event, moved.
- `DTSTAMP` is the round's `opens`, never the clock: rebuilding changes no byte.
- DTEND of an all-day event is exclusive, so it is the day after `closes`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urljoin

from icalendar import Calendar, Event, vDuration

from .languages import Language

#: Who made the calendar, as RFC 5545's PRODID asks: the tool, not a version of it,
#: so that upgrading cohub changes no calendar that did not otherwise change.
PRODID = "-//cohub//Feedback rounds//EN"

#: How often a subscribed calendar should be fetched again: a hub rebuilds daily.
REFRESH = timedelta(days=1)


class Calendars:
    """The calendars of a hub, from the renderer's recording view of the model and
    its links (`links.absolute` gives the published URL of a site path)."""

    def __init__(
        self, hub, links, uid_host: str, suggest_url: str | None, language: Language
    ) -> None:
        """`uid_host`: hub.yaml's host, as the feeds' ids use it. `suggest_url`: where
        the site sends someone with an idea (a site path or an absolute URL), or
        None: a round without its own link says to go there. `language`: the hub's,
        which an event's description is written in."""
        self.hub = hub
        self.language = language
        self.links = links
        self.uid_host = uid_host
        self.suggest_url = suggest_url

    def rounds(self) -> bytes:
        """`/rounds.ics`: every published round, earliest first, as a calendar one
        subscribes to (named after the hub, refreshed daily)."""
        title = self.hub.config.title
        calendar = self._calendar()
        calendar.add("name", title)
        calendar.add("x-wr-calname", title)
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(REFRESH))
        for round_ in _in_order(self.hub.rounds.values()):
            calendar.add_component(self._event(round_))
        return calendar.to_ical()

    def round(self, slug: str) -> bytes:
        """`/rounds/SLUG/round.ics`: one round, to add to one's own calendar (no
        calendar name, so a calendar program files it with the reader's events)."""
        calendar = self._calendar()
        calendar.add_component(self._event(self.hub.rounds[slug]))
        return calendar.to_ical()

    def _calendar(self) -> Calendar:
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        return calendar

    def _event(self, round_) -> Event:
        """One round as an all-day event; its text is plain, as iCalendar's is."""
        page = self.links.absolute(self.links.urls.round(round_.slug))
        event = Event()
        event.add("uid", f"rounds/{round_.slug}@{self.uid_host}")
        event.add("dtstamp", datetime.combine(round_.opens.day, time(), tzinfo=UTC))
        event.add("dtstart", round_.opens.day)
        event.add("dtend", round_.closes.day + timedelta(days=1))
        event.add("summary", round_.title)
        # The description is the theme's words (and the round's): in the hub's language.
        event.add(
            "description",
            self._description(round_, page),
            parameters={"LANGUAGE": self.language.tag},
        )
        event.add("url", page)
        # A round asks for a moment of one's time, not the whole day: it never
        # shows the reader as busy.
        event.add("transp", "TRANSPARENT")
        return event

    def _description(self, round_, page: str) -> str:
        """What the round asks and how to answer, then where to read more: what a
        calendar program shows of the event, in plain text."""
        t = self.language
        parts = []
        if round_.questions:
            asked = "\n".join(f"{n}. {q}" for n, q in enumerate(round_.questions, start=1))
            parts.append(t.gettext("What we are asking:\n%(questions)s", questions=asked))
        if round_.participate:
            parts.append(t.gettext("How to take part: %(how)s", how=round_.participate))
        else:
            where = urljoin(self.links.urls.base_url, self.suggest_url or self.links.ideas())
            parts.append(t.gettext("How to take part: tell us through an idea, %(url)s", url=where))
        parts.append(t.gettext("About this round: %(url)s", url=page))
        return "\n\n".join(parts)


def _in_order(rounds: Iterable) -> list:
    """Rounds by opening day, then slug: an order content alone decides."""
    return sorted(rounds, key=lambda r: (r.opens.day, r.slug))
