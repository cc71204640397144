"""Open data (SPEC §10): what the site shows, as JSON files under /api/v1/.

Each document is made from the renderer's recording view of the model, like the pages,
so what it reads is recorded and a cached build keeps it exactly as a cold one would
write it. Nothing is read back from HTML. Every document names its JSON Schema, a file
of the package (`builder/schemas/`) published beside it, which the tests hold it to.

People are named as the pages name them: a `public: false` person is "a customer" (or
"the team") with no handle, and a handle has a URL only when it has a page. References
to what a build leaves out (drafts) are left out too, so a draft's slug never appears.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

from .languages import N_, Language
from .link import PRIVATE_NAMES
from .markdown import absolute_links
from .model import Idea, Stamp, Who
from .schema import CHANGE_LABELS, STATUS_LABELS, STATUSES
from .urls import DATA_DOCUMENTS as DOCUMENTS
from .urls import DATA_SCHEMAS as SCHEMAS
from .urls import Route, Urls

#: What each schema's documents hold, as /feeds/ (in the hub's language) and
#: docs/api.md say it; "idea" is the document of each idea, /api/v1/ideas/SLUG.json.
PURPOSES = {
    "hub": N_("The hub: its title, statuses, products, the loop in figures, and links to the rest."),
    "ideas": N_("Every published idea: status, product, tags, how many asked, days to first answer."),
    "idea": N_("One idea whole: the customer's words and every answer, as HTML and as text."),
    "rounds": N_("Every feedback round: dates, state, questions, what we heard, what it led to."),
    "releases": N_("Every release, newest first: each change with the ideas, rounds and people it credits."),
    "people": N_("Everyone with a page: name, team, and what they raised, supported and shaped."),
}  # fmt: skip
#: The route kinds of the API's files (`urls.data_routes`).
KINDS = ("data", "idea-data", "data-schema")


SCHEMA_FOLDER = Path(__file__).resolve().parent / "schemas"


def schema_file(name: str) -> Path:
    """The package's copy of a schema, which the site publishes byte for byte."""
    return SCHEMA_FOLDER / f"{name}.json"


def dumps(document: dict) -> str:
    """The one JSON form of every file: sorted keys, UTF-8 as it is, two-space indent,
    a final newline. The same model gives the same bytes."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


class OpenData:
    """Makes the API's documents from a recording view of the model.

    `markdown(text, doc_id, ugc)` is the renderer's own filter, so the HTML here is
    the sanitized HTML the pages show (with absolute links, as feeds have them)."""

    def __init__(self, hub, links, markdown: Callable, language: Language) -> None:
        """`language`: the hub's, which the labels (`status_label`…) are written in."""
        self.hub = hub
        self.t = language.gettext
        #: A round's state as readers call it ("Open" is a state here, not a verb).
        self.state_labels = {
            "upcoming": language.pgettext("round state", "Upcoming"),
            "open": language.pgettext("round state", "Open"),
            "closed": language.pgettext("round state", "Closed"),
        }
        self.links = links
        self.markdown = markdown

    def render(self, route: Route) -> str:
        """The text of one of the API's routes."""
        if route.kind == "data-schema":
            return schema_file(route.key).read_text(encoding="utf-8")
        if route.kind == "idea-data":
            document = self.idea(self.hub.ideas[route.key])
            name = "idea"
        else:
            document = getattr(self, f"_{route.key}")()
            name = route.key
        document["$schema"] = self.links.absolute(Urls.data_schema(name))
        return dumps(document)

    # -- documents -----------------------------------------------------------------

    def _hub(self) -> dict:
        config, figures = self.hub.config, self.hub.figures
        url = self.links.absolute
        return {
            "title": config.title,
            "description": config.description,
            "language": config.language,
            "base_url": self.links.urls.base_url,
            "statuses": [{"status": s, "status_label": self.t(STATUS_LABELS[s])} for s in STATUSES],
            "products": [
                {
                    "key": key,
                    "name": product.name,
                    "url": url(Urls.product(key)),
                    "ideas": len(product.ideas),
                }
                for key, product in self.hub.products.items()
            ],
            "figures": {
                "ideas_heard": figures.ideas_heard,
                "answered": figures.answered,
                "share_answered": figures.share_answered,
                "median_days_to_first_answer": figures.median_days_to_answer,
                "waiting": figures.waiting,
                "shipped": figures.shipped,
                "people_credited": figures.people_credited,
            },
            "links": {
                "site": url("/"),
                "impact": url(Urls.impact()),
                "feeds": url(Urls.feeds()),
                "atom": url(Urls.feed("/")),
                "rss": url(Urls.feed("/", "rss")),
                "data": {name: url(Urls.data(name)) for name in DOCUMENTS},
                "idea": url(Urls.idea_data("{slug}")),
                "schemas": {name: url(Urls.data_schema(name)) for name in SCHEMAS},
            },
        }

    def _ideas(self) -> dict:
        return {"ideas": [self.summary(idea) for idea in self.hub.ideas.values()]}

    def _rounds(self) -> dict:
        return {"rounds": [self.round(r) for r in self.hub.rounds.values()]}

    def _releases(self) -> dict:
        releases = sorted(
            self.hub.releases.values(), key=lambda r: (-r.date.day.toordinal(), r.slug)
        )
        return {"releases": [self.release(r) for r in releases]}

    def _people(self) -> dict:
        return {"people": [self.person(p) for p in self.hub.people.values()]}

    # -- records -------------------------------------------------------------------

    def summary(self, idea: Idea) -> dict:
        """An idea as ideas.json lists it: where it stands, in figures."""
        products = self.hub.products
        return {
            "slug": idea.slug,
            "url": self.links.absolute(Urls.idea(idea.slug)),
            "data": self.links.absolute(Urls.idea_data(idea.slug)),
            "title": idea.title,
            "status": idea.status,
            "status_label": self.t(STATUS_LABELS[idea.status]),
            "product": idea.product if idea.product in products else None,
            "product_name": products[idea.product].name if idea.product in products else None,
            "tags": self._tags(idea.tags),
            "submitted": _day(idea.submitted),
            "supporters": 1 + len(idea.also_asked_by),
            "days_to_first_answer": idea.days_to_answer,
            "shipped_in": idea.shipped_in if idea.shipped_in in self.hub.releases else None,
            "duplicate_of": idea.duplicate_of if idea.duplicate_of in self.hub.ideas else None,
        }

    def idea(self, idea: Idea) -> dict:
        """One idea whole, as its page tells it."""
        page = Urls.idea(idea.slug)
        releases = [s for s in (idea.shipped_in, *idea.also_in) if s in self.hub.releases]
        return {
            **self.summary(idea),
            "author": self.who(idea.author, self.t(PRIVATE_NAMES[False])),
            "also_asked_by": [
                self.who(w, self.t(PRIVATE_NAMES[False])) for w in idea.also_asked_by
            ],
            "words": self.text(idea.body, page, "body", ugc=True),
            "source": idea.source,
            "answers": [
                {
                    "date": _day(u.date),
                    "status": u.status,
                    "status_label": self.t(STATUS_LABELS[u.status]),
                    "by": self.who(u.by, self.t(PRIVATE_NAMES[True])),
                    "note": self.text(u.note, page, f"u{u.index}") if u.note else None,
                }
                for u in idea.updates
            ],
            "duplicates": [self._idea_ref(s) for s in idea.duplicates if s in self.hub.ideas],
            "round": self._round_ref(idea.round) if idea.round in self.hub.rounds else None,
            "releases": [self._release_ref(s) for s in releases],
        }

    def round(self, round_) -> dict:
        page = Urls.round(round_.slug)
        products = self.hub.products
        credited = sorted({ref.release for ref in round_.credited_by} & set(self.hub.releases))
        count = round_.participant_count
        return {
            "slug": round_.slug,
            "url": self.links.absolute(page),
            "title": round_.title,
            "opens": _day(round_.opens),
            "closes": _day(round_.closes),
            "state": round_.state,
            "state_label": self.state_labels[round_.state],
            "product": round_.product if round_.product in products else None,
            "product_name": products[round_.product].name if round_.product in products else None,
            "questions": list(round_.questions),
            "participate": round_.participate,
            "participants": count if count is not None else len(round_.participants),
            "about": self.text(round_.body, page, "body"),
            "heard": self.text(round_.heard, page, "heard") if round_.heard.strip() else None,
            "ideas": [self._idea_ref(s) for s in round_.ideas if s in self.hub.ideas],
            "releases": [self._release_ref(s) for s in credited],
        }

    def release(self, release) -> dict:
        page = Urls.release(release.slug)
        products = self.hub.products
        return {
            "slug": release.slug,
            "url": self.links.absolute(page),
            "title": release.title,
            "date": _day(release.date),
            "version": release.version,
            "product": release.product if release.product in products else None,
            "product_name": products[release.product].name if release.product in products else None,
            "notes": self.text(release.body, page, "body"),
            "changes": [
                {
                    "type": c.type,
                    "type_label": self.t(CHANGE_LABELS[c.type]),
                    "text": self.text(c.text, page, f"c{c.index}"),
                    "ideas": [self._idea_ref(s) for s in c.ideas if s in self.hub.ideas],
                    "rounds": [self._round_ref(s) for s in c.rounds if s in self.hub.rounds],
                    "thanks": [self.who(w, self.t(PRIVATE_NAMES[False])) for w in c.thanks],
                }
                for c in release.changes
            ],
        }

    def person(self, person) -> dict:
        page = Urls.person(person.handle)
        return {
            "handle": person.handle,
            "name": person.name,
            "url": self.links.absolute(page),
            "team": person.team,
            "website": person.url,
            "bio": self.text(person.bio, page, "bio"),
            "raised": [self._idea_ref(s) for s in person.raised if s in self.hub.ideas],
            "supported": [self._idea_ref(s) for s in person.supported if s in self.hub.ideas],
            "took_part": [self._round_ref(s) for s in person.took_part if s in self.hub.rounds],
            "shaped": sorted(
                {ref.release for ref in person.shaped if ref.release in self.hub.releases}
            ),
            "answers": len(person.answers),
        }

    # -- pieces --------------------------------------------------------------------

    def who(self, who: Who | None, fallback: str) -> dict:
        """A person as the pages name them: `fallback` for no one named ("the team"),
        a handle and a URL only for someone with a page (never a private person's)."""
        if who is None:
            return {"name": fallback, "handle": None, "url": None, "team": True}
        profile = self.hub.people.get(who.handle) if who.handle else None
        if profile is None:
            return {"name": who.name, "handle": None, "url": None, "team": False}
        return {
            "name": who.name,
            "handle": who.handle,
            "url": self.links.absolute(Urls.person(who.handle)),
            "team": profile.team,
        }

    def text(self, markdown: str, page_url: str, doc_id: str, ugc: bool = False) -> dict:
        """Markdown as the page shows it (sanitized HTML, links made absolute) and as
        plain text, for tools that show no HTML."""
        html = str(self.markdown(markdown, doc_id, ugc)).strip()
        html = absolute_links(html, self.links.absolute(page_url))
        return {"html": html, "text": plain_text(html)}

    def _tags(self, slugs) -> list[dict]:
        tags = self.hub.tags
        return [
            {"slug": s, "name": tags[s].name, "url": self.links.absolute(Urls.tag(s))}
            for s in slugs
            if s in tags
        ]

    def _idea_ref(self, slug: str) -> dict:
        return self._ref(slug, self.hub.ideas[slug].title, Urls.idea(slug))

    def _round_ref(self, slug: str) -> dict:
        return self._ref(slug, self.hub.rounds[slug].title, Urls.round(slug))

    def _release_ref(self, slug: str) -> dict:
        return self._ref(slug, self.hub.releases[slug].title, Urls.release(slug))

    def _ref(self, slug: str, title: str, url: str) -> dict:
        return {"slug": slug, "title": title, "url": self.links.absolute(url)}


def _day(stamp: Stamp) -> str:
    return stamp.day.isoformat()


#: Elements that end a line of text where they open or close.
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "blockquote",
        "pre",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "tr",
        "hr",
        "dl",
        "dt",
        "dd",
        "figure",
    ]
)


class _Text(HTMLParser):
    """The words of an HTML fragment, a paragraph a line, list items marked `- `."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        elif tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """The text of sanitized HTML: its words, one block a line, blank lines between
    paragraphs collapsed to one, no markup."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    text, blank = [], False
    for line in lines:
        if line:
            if blank and text:
                text.append("")
            text.append(line)
            blank = False
        else:
            blank = True
    return "\n".join(text)
