"""Properties over arbitrary content: front-matter values, file names, Markdown and
hub.yaml settings never crash `check`, `build` or the preview; `build` never fails
after `check` passed; and nothing built from them can run in a reader's browser or
feed reader (no `<script>`, no `on…=` attribute, no `javascript:` URL).

Hypothesis runs each property on a fixed, derandomized set of examples, so a CI run
is deterministic and takes well under a minute.
"""

from __future__ import annotations

import re
import tempfile
import textwrap
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import lxml.etree
import lxml.html
import yaml
from conftest import EPOCH, HUB_YAML
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from builder.build import build
from builder.pipeline import read_hub
from builder.schema import CONTENT_TYPES, STATUSES
from builder.serve import Preview

ENV = {"SOURCE_DATE_EPOCH": EPOCH}
PROPERTY = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Every content type's front matter starts from a valid file, so that most examples
#: get past the first error and reach the later stages.
VALID = {
    "ideas": {"title": "Dark mode", "submitted": "2026-03-02", "author": "bob"},
    "rounds": {"title": "Spring", "opens": "2026-03-01", "closes": "2026-03-31"},
    "changelog": {"title": "Spring release", "date": "2026-03-05"},
    "people": {"name": "Bob"},
    "pages": {"title": "About"},
}
#: The other content a hub has, for references to land on.
NEIGHBOURS = {
    "content/ideas/export.md": """
        ---
        title: Export
        submitted: 2026-02-01
        author: sam
        tags: [reports]
        updates:
          - date: 2026-02-03
            status: shipped
            by: sam
            note: Done.
        ---
        Please.
    """,
    "content/rounds/survey.md": "---\ntitle: Survey\nopens: 2026-01-01\ncloses: 2026-01-31\n---\n",
    "content/people/sam.md": "---\nname: Sam\nteam: true\n---\nSam answers.\n",
}

# -- strategies -------------------------------------------------------------------

#: Any character a UTF-8 file can hold (lone surrogates cannot be written).
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
#: Text as people write it, in any script, with no control or unassigned character.
WRITTEN = st.text(st.characters(exclude_categories=("Cs", "Cc", "Cn", "Co")), max_size=30)


def mostly(valid, odd):
    """`valid` three times in four: enough examples pass check to reach the build."""
    return st.one_of(valid, valid, valid, odd)


NAMES = st.text(st.characters(categories=("L", "N", "Zs", "P", "S")), min_size=1, max_size=20)


NASTY = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "javascript:alert(1)",
        "[x](javascript:alert(1))",
        '"><svg onload=alert(1)>',
        "{{ cycler.__init__.__globals__ }}",
        "{% raw %}",
        "\x1b[2J",
        "\n::error::owned",
        "\u202e",
        "\ufffe",
        "\x00",
        "9999-12-31",
        "0001-01-01",
        "2026-02-30",
        "2026-03-02T25:00:00+01:00",
        "9000-12-31T23:59:59-12:00",
        "https://x.example:99999/",
        "https://[::1/",
        "https://x.example/\\",
        "https://u:p@x.example/",
        "a" * 300,
        "Ü" * 100,
        "---",
        "null",
        "",
        " ",
    ]
)
WORDS = st.sampled_from(["bob", "sam", "export", "survey", "web", "mobile", *STATUSES])
DATES = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
    ).map(datetime.isoformat),
    st.builds(
        lambda moment, hours: moment.replace(tzinfo=timezone(timedelta(hours=hours))).isoformat(),
        st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
        st.integers(-23, 23),
    ),
)
SCALARS = st.one_of(
    ANY_TEXT, NASTY, WORDS, DATES, st.integers(-(2**70), 2**70), st.booleans(), st.none()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(WORDS | ANY_TEXT, inner, max_size=3)
    ),
    max_leaves=10,
)
FIELD_NAMES = st.sampled_from(
    sorted({f.name for t in CONTENT_TYPES.values() for f in t.record.fields} | {"titel", "x"})
)
MARKDOWN_BITS = st.sampled_from(
    [
        "# ",
        "## Heading\n",
        "> ",
        "- ",
        "1. ",
        "    ",
        "```\n",
        "```python\n",
        "| a | b |\n| - | :-: |\n| 1 | 2 |\n",
        "[^1]\n\n[^1]: note\n",
        "[text](https://example.com/)",
        "[text](javascript:alert(1))",
        "[text](JaVaScRiPt:alert(1))",
        "<a href='javascript:alert(1)'>x</a>",
        '<a href="java&#x09;script:alert(1)">x</a>',
        "![img](javascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        "<script>alert(1)</script>",
        "<style>*{}</style>",
        "<iframe src=//x></iframe>",
        "<td style='text-align:expression(alert(1))'>",
        "<details open ontoggle=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
        "<form action=javascript:alert(1)><button>x</button></form>",
        '`` code ` href=" ``',
        "(https://",
        "https://example.com/a*b*",
        "www.example.com",
        "*",
        "_",
        "[",
        "]",
        "(",
        ")",
        "<",
        ">",
        "&",
        "&amp;",
        "\\",
        "\n",
        "\n\n",
        "{{ 7*7 }}",
        "{% for x in y %}",
        "- [ ] task\n",
        "word ",
    ]
)
MARKDOWN = st.lists(MARKDOWN_BITS | WRITTEN, max_size=25).map("".join)
FILE_NAMES = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="/\x00"), min_size=1, max_size=40
).filter(lambda name: name not in (".", "..") and len(name.encode()) <= 200)

# -- running a hub ----------------------------------------------------------------


def hub_in(folder: Path, files: dict[str, str], hub_yaml: str = HUB_YAML) -> Path:
    """A hub in `folder`: the neighbours, `files` (their exact text), a hub.yaml."""
    root = folder / "hub"
    (root / "content").mkdir(parents=True)
    (root / "hub.yaml").write_text(hub_yaml, encoding="utf-8")
    for rel, text in {**NEIGHBOURS, **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if rel in NEIGHBOURS:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        else:
            path.write_text(text, encoding="utf-8", newline="")
    return root


def check_then_build(root: Path) -> None:
    """The properties every example is held to: `check` never raises; a hub it
    passes builds, without raising; and what builds is safe to read. (A hub with
    errors stops `build` at the same reading `check` does, before anything of its
    own, so it is not built here: that keeps each property within seconds.)"""
    reading = read_hub(root, drafts=True, environ=ENV)  # as `cohub check` reads
    # `pytest --hypothesis-show-statistics` shows how many examples reach the build.
    event("check passed" if not reading.problems.errors else "check found errors")
    if reading.problems.errors:
        return
    result = build(root, root / "site", environ=ENV)
    assert result.ok, [d.text() for d in result.problems.errors]
    assert_nothing_runs(root / "site")


def assert_nothing_runs(site: Path) -> None:
    """Every page and feed of a built site, parsed as a browser and a feed reader do."""
    for path in site.rglob("*"):
        if path.suffix == ".html":
            assert_safe_html(lxml.html.fromstring(path.read_bytes()), path)
        elif path.suffix == ".xml" and path.name != "sitemap.xml":
            assert_safe_feed(path)


#: Attributes whose value is fetched or followed as a URL.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "srcset"}
SCHEMES_THAT_RUN = ("javascript:", "vbscript:", "data:text/html")


#: The theme's own scripts, as base.html links them: files of the site, nothing inline.
#: The theme's own scripts, and the search UI Pagefind writes into the site.
#: A hub published under a path (`base_url` https://x.example/hub/) has them there.
THEME_SCRIPT = re.compile(
    r"(?:/[^/\s\"'<>]+)*/(?:static/[a-z]+\.[0-9a-f]{10}\.js|pagefind/pagefind-ui\.js)"
)


def assert_safe_html(document, where) -> None:
    """No element that runs or embeds but the theme's scripts, no event handler, no
    URL that runs script."""
    assert not document.xpath("//iframe | //object | //embed"), where
    for script in document.xpath("//script"):
        src = script.get("src") or ""
        assert THEME_SCRIPT.fullmatch(src) and not (script.text or "").strip(), (where, src)
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        for name, value in element.attrib.items():
            name = name.lower()
            assert not name.startswith("on"), (where, name, value)
            compact = "".join(value.split()).lower()
            if name in URL_ATTRIBUTES:
                assert not compact.startswith(SCHEMES_THAT_RUN), (where, name, value)
            if name == "style":
                assert "expression(" not in compact and "url(" not in compact, (where, value)
            if name == "content" and element.get("http-equiv", "").lower() == "refresh":
                assert "javascript:" not in compact, (where, value)


ATOM = "{http://www.w3.org/2005/Atom}"
#: What feed readers render as HTML: Atom's html content and summary, RSS descriptions.
HTML_IN_FEEDS = (f"{ATOM}content", f"{ATOM}summary", "description")
#: RSS plain text as the RSS Best Practices Profile writes it: a `<` as `&#x3C;`.
#: Readers that guess take `&lt;` (or CDATA) in a title for markup.
MARKUP_IN_RSS_TEXT = re.compile(rb"<(title|category|dc:creator)>[^<]*(&lt;|&#60;|<!\[CDATA\[)")


def assert_safe_feed(path: Path) -> None:
    """The HTML a feed carries is safe HTML; its plain text cannot be read as HTML."""
    data = path.read_bytes()
    tree = lxml.etree.fromstring(data)
    for element in tree.iter(*HTML_IN_FEEDS):
        if element.tag.startswith(ATOM) and element.get("type") != "html":
            continue
        if element.text and element.text.strip():
            assert_safe_html(lxml.html.fragment_fromstring(element.text, create_parent="div"), path)
    if tree.tag == "rss":  # Atom says what is text (type="text"), so readers need not guess
        assert not MARKUP_IN_RSS_TEXT.search(data), (path, MARKUP_IN_RSS_TEXT.search(data))


def front_matter(values: dict) -> str:
    """`values` as YAML, escaped as YAML escapes (the validator sees the values)."""
    return yaml.safe_dump(values, allow_unicode=True, sort_keys=False, width=1000)


# -- properties -------------------------------------------------------------------


@PROPERTY
@given(
    folder=st.sampled_from(sorted(CONTENT_TYPES)),
    changes=st.dictionaries(FIELD_NAMES, VALUES, max_size=4),
    body=MARKDOWN,
)
def test_arbitrary_front_matter_values(folder, changes, body):
    values = {**VALID[folder], **changes}
    text = f"---\n{front_matter(values)}---\n{body}"
    with tempfile.TemporaryDirectory() as tmp:
        check_then_build(hub_in(Path(tmp), {f"content/{folder}/dark-mode.md": text}))


@PROPERTY
@given(
    lines=st.lists(st.tuples(FIELD_NAMES, ANY_TEXT | NASTY | DATES), min_size=1, max_size=6),
    body=ANY_TEXT,
)
def test_arbitrary_text_written_into_yaml_as_it_is(lines, body):
    """Values pasted without YAML's quoting: broken YAML is one diagnostic."""
    front = "".join(f"{name}: {value}\n" for name, value in lines)
    text = f"---\ntitle: T\nsubmitted: 2026-03-02\nauthor: bob\n{front}---\n{body}"
    with tempfile.TemporaryDirectory() as tmp:
        check_then_build(hub_in(Path(tmp), {"content/ideas/pasted.md": text}))


@PROPERTY
@given(
    folder=st.sampled_from(sorted(CONTENT_TYPES)), name=FILE_NAMES | FILE_NAMES.map("{}.md".format)
)
def test_arbitrary_file_names(folder, name):
    fields = front_matter(VALID[folder])
    with tempfile.TemporaryDirectory() as tmp:
        check_then_build(hub_in(Path(tmp), {f"content/{folder}/{name}": f"---\n{fields}---\nx\n"}))


TEXTS = mostly(NAMES, WRITTEN | NASTY)


@PROPERTY
@given(
    title=TEXTS,
    tags=st.lists(TEXTS, max_size=3),
    name=TEXTS,
    version=TEXTS,
    question=TEXTS,
    heard=MARKDOWN,
)
def test_arbitrary_text_in_every_plain_text_field(title, tags, name, version, question, heard):
    """Titles, tags, names, versions and questions are plain text wherever they are
    shown, pages and feeds (RSS and Atom, channel and items) alike."""
    files = {
        "content/ideas/dark-mode.md": {
            **VALID["ideas"],
            "title": title,
            "tags": tags,
            "supporters": [{"name": name}],
            "round": "spring",
            "updates": [{"date": "2026-03-03", "status": "shipped", "by": {"name": name}}],
        },
        "content/rounds/spring.md": {
            **VALID["rounds"],
            "title": title,
            "questions": [question],
            "participants": [{"name": name}],
            "heard": heard or "x",
        },
        "content/changelog/release.md": {
            **VALID["changelog"],
            "title": title,
            "version": version,
            "changes": [
                {"type": "added", "text": title, "ideas": ["dark-mode"], "thanks": ["sam"]}
            ],
        },
        "content/people/sam.md": {"name": name, "team": True},
        "content/pages/about.md": {"title": title},
    }
    texts = {rel: f"---\n{front_matter(values)}---\n{title}\n" for rel, values in files.items()}
    with tempfile.TemporaryDirectory() as tmp:
        check_then_build(hub_in(Path(tmp), texts))


@PROPERTY
@given(body=MARKDOWN, note=MARKDOWN)
def test_arbitrary_markdown_in_bodies_and_fields(body, note):
    values = {
        **VALID["ideas"],
        "updates": [{"date": "2026-03-03", "status": "declined", "by": "sam", "note": note or "x"}],
    }
    text = f"---\n{front_matter(values)}---\n{body}"
    with tempfile.TemporaryDirectory() as tmp:
        check_then_build(hub_in(Path(tmp), {"content/ideas/dark-mode.md": text}))


LIMIT_NAMES = st.sampled_from(
    ["file_size", "yaml_depth", "list_length", "markdown_nesting", "table_rows", "size"]
)
URLS = st.sampled_from(
    ["https://hub.example.com/", "http://[::1]:8000/hub/", "https://bücher.example/"]
)

SETTINGS = st.fixed_dictionaries(
    {},
    optional={
        "title": mostly(NAMES, ANY_TEXT | NASTY),
        "description": mostly(NAMES, ANY_TEXT),
        "language": st.sampled_from(["en", "de", "de-AT", "fr", "xx"]) | ANY_TEXT,
        "base_url": mostly(URLS, NASTY),
        "repository": mostly(URLS, NASTY),
        "products": st.dictionaries(mostly(WORDS, ANY_TEXT), mostly(NAMES, NASTY), max_size=3),
        "feed_size": mostly(st.integers(1, 10**6), SCALARS),
        "limits": st.dictionaries(LIMIT_NAMES, mostly(st.integers(1, 10**7), SCALARS), max_size=2),
    },
)


@PROPERTY
@given(changes=SETTINGS)
def test_arbitrary_hub_settings(changes):
    settings_ = {"title": "Test Hub", "base_url": "https://hub.example.com/", **changes}
    with tempfile.TemporaryDirectory() as tmp:
        check_then_build(hub_in(Path(tmp), {}, hub_yaml=front_matter(settings_)))


@settings(PROPERTY, max_examples=25)
@given(
    folder=st.sampled_from(sorted(CONTENT_TYPES)),
    changes=st.dictionaries(FIELD_NAMES, VALUES, max_size=3),
    body=MARKDOWN,
)
def test_the_preview_survives_arbitrary_edits(folder, changes, body):
    """An edit in a running preview: no internal error, and an edit `check` passes
    is served."""
    values = {**VALID[folder], **changes}
    with tempfile.TemporaryDirectory() as tmp:
        root = hub_in(Path(tmp), {})
        preview = Preview(root, environ=ENV)
        assert not preview.rebuild().broken
        rel = f"content/{folder}/edited.md"
        (root / rel).parent.mkdir(exist_ok=True)
        (root / rel).write_text(f"---\n{front_matter(values)}---\n{body}", encoding="utf-8")
        snapshot = preview.rebuild(changed=[rel], kinds={"content"})
        assert not any(d.path == "cohub" for d in snapshot.problems), snapshot.problems
        passed = not read_hub(root, environ=ENV).problems.errors
        assert snapshot.broken != passed, [d.text() for d in snapshot.problems]
