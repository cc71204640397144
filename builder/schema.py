"""What each kind of file may contain, declared as data.

The validator interprets these declarations, `cohub new` writes their required fields,
and the docs can be generated from them, so the three never disagree. Cross-file rules
(does that round exist?) belong to the model; per-file rules that one field type
cannot express (dates in order, closes after opens) live beside the validator.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property

from .languages import LANGUAGE_TAG, N_
from .limits import DEFAULT_LIMITS, LIMIT_DOCS, LIMIT_MAXIMA, Limits

STATUSES = ("new", "under-review", "planned", "in-progress", "shipped", "declined")
CHANGE_TYPES = ("added", "changed", "deprecated", "removed", "fixed", "security")

#: What readers call each status and kind of change: messages, translated where they
#: are shown (SPEC §11).
STATUS_LABELS = {
    "new": N_("New"),
    "under-review": N_("Under review"),
    "planned": N_("Planned"),
    "in-progress": N_("In progress"),
    "shipped": N_("Shipped"),
    "declined": N_("Declined"),
}
CHANGE_LABELS = {
    "added": N_("Added"),
    "changed": N_("Changed"),
    "deprecated": N_("Deprecated"),
    "removed": N_("Removed"),
    "fixed": N_("Fixed"),
    "security": N_("Security"),
}

STATUS_SYNONYMS = (
    ("open", "new"), ("submitted", "new"), ("reviewing", "under-review"),
    ("considering", "under-review"), ("review", "under-review"), ("accepted", "planned"),
    ("scheduled", "planned"), ("started", "in-progress"), ("doing", "in-progress"),
    ("building", "in-progress"), ("done", "shipped"), ("released", "shipped"),
    ("complete", "shipped"), ("completed", "shipped"), ("live", "shipped"),
    ("rejected", "declined"), ("wontfix", "declined"), ("closed", "declined"),
)  # fmt: skip
CHANGE_SYNONYMS = (
    ("new", "added"), ("feature", "added"), ("improved", "changed"),
    ("improvement", "changed"), ("updated", "changed"), ("modified", "changed"),
    ("enhanced", "changed"), ("deleted", "removed"), ("dropped", "removed"),
    ("fix", "fixed"), ("bugfix", "fixed"), ("repaired", "fixed"), ("vulnerability", "security"),
)  # fmt: skip


# Field types. Each says, in `describe`, how it is named in "expected …" messages.


@dataclass(frozen=True)
class Text:
    describe: str = "text"
    plural: str = "text"
    #: The text's slug names a page (a tag: /tags/SLUG/), so it is bounded like a slug.
    slugged: bool = False
    #: A regular expression the whole text must match (`describe` says what it means).
    pattern: str = ""


@dataclass(frozen=True)
class Markdown:
    describe: str = "Markdown text"


@dataclass(frozen=True)
class Date:
    describe: str = "a date (YYYY-MM-DD)"


@dataclass(frozen=True)
class Boolean:
    describe: str = "true or false"


@dataclass(frozen=True)
class Integer:
    minimum: int = 0
    maximum: int | None = None
    describe: str = "a whole number"


@dataclass(frozen=True)
class Url:
    describe: str = "an http(s) URL"
    #: The address the site itself is published at (`base_url`): paths are appended
    #: to it, so it may have no query and no fragment.
    site: bool = False
    #: A URL template: the text it must hold where a value is put in (`{feed}`).
    placeholder: str = ""


@dataclass(frozen=True)
class UrlPath:
    """A site-relative path such as `/old/path/` (for aliases)."""

    describe: str = "a path like /old/path/"
    plural: str = "paths like /old/path/"


@dataclass(frozen=True)
class Choice:
    values: tuple[str, ...]
    #: Words people write for a value, for "did you mean" hints that spelling
    #: similarity alone gets wrong ('improved' is closer to 'removed' than 'changed').
    synonyms: tuple[tuple[str, str], ...] = ()

    @property
    def describe(self) -> str:
        return "one of " + ", ".join(self.values)


@dataclass(frozen=True)
class Slug:
    """A reference to another item by slug, resolved by the model. `target` names the
    content folder (`ideas`, `rounds`) or `products` for a key of hub.yaml's products."""

    target: str

    @property
    def describe(self) -> str:
        noun = {"ideas": "an idea", "rounds": "a round", "products": "a product key"}[self.target]
        return f"{noun} slug"

    @property
    def plural(self) -> str:
        return {"ideas": "idea slugs", "rounds": "round slugs", "products": "product keys"}[
            self.target
        ]


@dataclass(frozen=True)
class Person:
    describe: str = 'a handle (like sarah-merion) or {name: "Someone"}'
    plural: str = 'persons (handles like sarah-merion, or {name: "Someone"})'


@dataclass(frozen=True)
class ListOf:
    item: FieldType

    @property
    def describe(self) -> str:
        return f"a list of {getattr(self.item, 'plural', self.item.describe)}"


@dataclass(frozen=True)
class EitherOf:
    options: tuple[FieldType, ...]

    @property
    def describe(self) -> str:
        return " or ".join(option.describe for option in self.options)


@dataclass(frozen=True)
class MappingOf:
    """A mapping from slug keys to values (hub.yaml's `products`)."""

    value: FieldType
    describe: str = "a mapping of keys to names"


@dataclass(frozen=True)
class Record:
    """A nested mapping with its own fields (an update, a change)."""

    name: str
    fields: tuple[Field, ...]
    plural: str = ""

    @property
    def describe(self) -> str:
        return f"{self.name} (a mapping)"

    def field(self, name: str) -> Field | None:
        return self._by_name.get(name)

    @cached_property
    def _by_name(self) -> dict[str, Field]:
        # Asked for every key of every file: a dict, not a scan of the fields.
        return {f.name: f for f in self.fields}


FieldType = (
    Text
    | Markdown
    | Date
    | Boolean
    | Integer
    | Url
    | UrlPath
    | Choice
    | Slug
    | Person
    | ListOf
    | EitherOf
    | MappingOf
    | Record
)


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    required: bool = False
    doc: str = ""


@dataclass(frozen=True)
class ContentType:
    """One folder of `content/`: its files all follow `record`."""

    folder: str
    noun: str
    record: Record
    body: str


_COMMON = (
    Field("draft", Boolean(), doc="kept out of the site unless built with --drafts"),
    Field("aliases", ListOf(UrlPath()), doc="old URLs that redirect here"),
)

UPDATE = Record(
    "an update",
    (
        Field("date", Date(), required=True, doc="when the team answered"),
        Field(
            "status",
            Choice(STATUSES, STATUS_SYNONYMS),
            required=True,
            doc="the idea's status from then on",
        ),
        Field("by", Person(), doc="who answered (missing: shown as 'the team')"),
        Field("note", Markdown(), doc="the answer; required when declining"),
    ),
    plural="updates (mappings with date, status, by, note)",
)

CHANGE = Record(
    "a change",
    (
        Field(
            "type",
            Choice(CHANGE_TYPES, CHANGE_SYNONYMS),
            required=True,
            doc="Keep a Changelog's kind",
        ),
        Field("text", Markdown(), required=True, doc="what changed"),
        Field("ideas", ListOf(Slug("ideas")), doc="the ideas this change answers"),
        Field("rounds", ListOf(Slug("rounds")), doc="the feedback rounds it came from"),
        Field("thanks", ListOf(Person()), doc="people to thank"),
    ),
    plural="changes (mappings with type, text, ideas, rounds, thanks)",
)

IDEA = ContentType(
    "ideas",
    "an idea",
    Record(
        "an idea",
        (
            Field("title", Text(), required=True),
            Field("submitted", Date(), required=True, doc="when the customer raised it"),
            Field("author", Person(), required=True, doc="who raised it"),
            Field("product", Slug("products")),
            Field("tags", ListOf(Text(slugged=True))),
            Field("supporters", ListOf(Person()), doc="others who asked for the same"),
            Field("round", Slug("rounds"), doc="the feedback round it came from"),
            Field("duplicate_of", Slug("ideas"), doc="merged into that idea"),
            Field("updates", ListOf(UPDATE), doc="the team's answers, oldest first"),
            Field(
                "source", Url(), doc="where the idea first came in (the issue cohub intake read)"
            ),
            *_COMMON,
        ),
    ),
    body="the idea in the customer's own words",
)

ROUND = ContentType(
    "rounds",
    "a feedback round",
    Record(
        "a feedback round",
        (
            Field("title", Text(), required=True),
            Field("opens", Date(), required=True),
            Field("closes", Date(), required=True, doc="not before opens"),
            Field("product", Slug("products")),
            Field("questions", ListOf(Text()), doc="what we ask"),
            Field("participate", Url(), doc="where customers answer"),
            Field("participants", EitherOf((ListOf(Person()), Integer()))),
            Field("heard", Markdown(), doc="what we heard"),
            *_COMMON,
        ),
    ),
    body="why we are asking",
)

RELEASE = ContentType(
    "changelog",
    "a changelog entry",
    Record(
        "a changelog entry",
        (
            Field("title", Text(), required=True),
            Field("date", Date(), required=True, doc="release date"),
            Field("version", Text(), doc='quote it: version: "1.10"'),
            Field("product", Slug("products")),
            Field("changes", ListOf(CHANGE)),
            *_COMMON,
        ),
    ),
    body="the release notes",
)

PERSON = ContentType(
    "people",
    "a person",
    Record(
        "a person",
        (
            Field("name", Text(), required=True),
            Field("team", Boolean(), doc="staff, who answer as the company"),
            Field("url", Url()),
            Field(
                "public",
                Boolean(),
                doc="default true; false keeps the handle off every page, feed and data file",
            ),
            *_COMMON,
        ),
    ),
    body="a short bio",
)

PAGE = ContentType(
    "pages",
    "a page",
    Record("a page", (Field("title", Text(), required=True), *_COMMON)),
    body="the page",
)

CONTENT_TYPES: dict[str, ContentType] = {t.folder: t for t in (IDEA, ROUND, RELEASE, PERSON, PAGE)}

LIMITS = Record(
    "limits",
    tuple(
        Field(
            f.name,
            Integer(minimum=1, maximum=LIMIT_MAXIMA.get(f.name)),
            doc=f"{LIMIT_DOCS[f.name]}, default {getattr(DEFAULT_LIMITS, f.name):,}"
            + (f", at most {LIMIT_MAXIMA[f.name]}" if f.name in LIMIT_MAXIMA else ""),
        )
        for f in fields(Limits)
    ),
)

HUB = Record(
    "hub.yaml",
    (
        Field("title", Text(), required=True),
        Field("base_url", Url(site=True), required=True, doc="absolute; --base-url overrides it"),
        Field("description", Text()),
        Field(
            "language",
            Text(describe="a language tag such as en, de or de-AT", pattern=LANGUAGE_TAG),
            doc="default en: the language the theme speaks (SPEC §11); a regional one "
            "falls back to its base, then to English",
        ),
        Field("repository", Url(), doc='enables "Suggest an idea" and "Edit this page"'),
        Field("branch", Text(), doc="default main"),
        Field(
            "follow_by_email",
            Url(describe="an http(s) URL with {feed} in it", placeholder="{feed}"),
            doc="an RSS-to-email service's subscribe URL, {feed} standing for the feed's "
            "address: follow pages then offer email",
        ),
        Field("products", MappingOf(Text()), doc="key -> display name"),
        Field("feed_size", Integer(minimum=1), doc="entries per feed, default 50"),
        Field("limits", LIMITS, doc="the bounds content is read within (below)"),
    ),
)
