"""The Markdown fast path is proven identical: every document it accepts renders to the
same sanitized HTML as the reference (markdown-it-py with cohub's rules), over the
shared benchmark corpus, the example hub, documents made to tell the two apart, and a
seeded soup of Markdown's marks. Each corpus also reports the share it accepts."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import require

from builder import fastmd
from builder.markdown import Markdown
from builder.pipeline import read_hub

pytestmark = pytest.mark.skipif(not fastmd.AVAILABLE, reason="markdown-it-pyrs is not installed")

ROOT = Path(__file__).resolve().parent.parent
EPOCH = {"SOURCE_DATE_EPOCH": "1795305600"}
SCRIPTS = ("gen_corpus.py", "to_cohub.py")


@pytest.fixture(scope="module")
def md():
    return Markdown(site_host="hub.example.com")


def differ(md: Markdown, documents) -> tuple[int, list[str]]:
    """(how many of `documents` the fast path accepts, those it renders otherwise than
    the reference). Each document is (text, id prefix, ugc)."""
    accepted, different = 0, []
    for text, prefix, ugc in documents:
        fast = md.fast.render(text, prefix)
        if fast is None:
            continue
        accepted += 1
        if md.sanitize(fast, ugc) != md.sanitize(md.reference(text, prefix), ugc):
            different.append(text)
    return accepted, different


def report(name: str, accepted: int, total: int) -> float:
    share = accepted / total
    print(f"\n{name}: the fast path takes {accepted} of {total} documents ({share:.1%})")
    return share


def hub_markdown(root: Path) -> list[tuple[str, str, bool]]:
    """Every Markdown text the build renders for the hub at `root`, once each, with the
    prefix and ugc flag the templates give it: bodies, answers' notes, what a round
    heard, changes' texts, bios and pages."""
    hub = read_hub(root, drafts=True, environ=EPOCH).hub
    assert hub is not None
    found = []
    for idea in hub.ideas.values():
        found.append((idea.body, "body", True))
        found += [(u.note, f"u{u.index}", False) for u in idea.updates]
    for round_ in hub.rounds.values():
        found += [(round_.body, "body", False), (round_.heard, "heard", False)]
    for release in hub.releases.values():
        found.append((release.body, "body", False))
        found += [(c.text, f"c{c.index}", False) for c in release.changes]
    found += [(person.bio, "bio", False) for person in hub.people.values()]
    found += [(page.body, "", False) for page in hub.pages.values()]
    return list(dict.fromkeys(doc for doc in found if doc[0]))


def shared_bench() -> Path | None:
    """The shared folder's bench/ (gen_corpus.py, to_cohub.py): $COHUB_SHARED_BENCH,
    else shared/bench beside the repository or beside any folder above it."""
    override = os.environ.get("COHUB_SHARED_BENCH")
    candidates = [Path(override)] if override else [p / "shared" / "bench" for p in ROOT.parents]
    return next((c for c in candidates if all((c / s).is_file() for s in SCRIPTS)), None)


@pytest.fixture(scope="module")
def corpus_hub(tmp_path_factory) -> Path:
    bench = shared_bench()
    # Laid beside the repository for every session and CI run: missing there is a
    # failure (require), not a silent skip.
    require(bench, "the shared benchmark corpus (shared/bench/ beside the repository)")
    out = tmp_path_factory.mktemp("corpus")
    quiet = {"stdout": subprocess.DEVNULL, "check": True}
    gen = [sys.executable, str(bench / "gen_corpus.py"), "--flavor", "hugo", "-n", "1000"]
    subprocess.run([*gen, str(out / "hugo")], **quiet)
    subprocess.run([sys.executable, str(bench / "to_cohub.py"), out / "hugo", out / "hub"], **quiet)
    return out / "hub"


def test_identical_over_the_shared_corpus(md, corpus_hub):
    documents = hub_markdown(corpus_hub)
    assert len(documents) > 1000  # bodies, notes and change texts
    accepted, different = differ(md, documents)
    assert different == []
    assert report("shared corpus (1,000 ideas)", accepted, len(documents)) >= 0.95


def test_identical_over_the_example_hub(md):
    documents = hub_markdown(ROOT)
    accepted, different = differ(md, documents)
    assert different == []
    assert report("example hub", accepted, len(documents)) >= 0.9


# Documents made to tell the two paths apart, and where each must go: True, the fast
# path takes it (and renders it as the reference does); False, it goes to the reference.
ADVERSARIAL = {
    # Raw HTML, which content may carry; the sanitizer sees the same either way.
    "Press <kbd>Ctrl</kbd> and <mark>look</mark>.\n\n<details><summary>More</summary>x</details>\n": True,
    "<div>\nraw *not emphasis*\n</div>\n\nafter\n": True,
    "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n": True,
    "<!-- a comment -->\ntext\n": True,
    '<a href="https://other.example/">x</a>': True,
    "<h2>a heading written in HTML</h2>\n": False,
    '<td style="text-align:right">1</td>\n': False,
    '<pre><code class="language-python">x = 1</code></pre>\n': False,
    # Lists, nested and loose, quotes in lists.
    "- a\n  - b\n    - c\n      1. d\n\n        > e\n": True,
    "1. one\n2. two\n\n   still two\n3. three\n": True,
    "* a\n\n* b\n": True,
    "- a\n-\n- c\n": False,  # an empty item
    "> quoted\nlazily continued\n": False,
    ">\n\nafter an empty quote\n": False,
    # Footnotes and task lists: the port writes other ids and attributes.
    "A claim[^1].\n\n[^1]: Source.\n": False,
    "Inline^[note] footnote.\n": False,
    "- [x] done\n- [ ] todo\n": False,
    # Tables, aligned, after a list, lazily after a quote, without a pipe in the header.
    "| a | b | c |\n|:-|-:|:-:|\n| 1 | 2 | 3 |\n": True,
    "| Figure | Value |\n| --- | ---: |\n| `x` | **2** |\n| [l](/u) | 3 |\n": True,
    "text\n| a | b |\n|---|---|\n| 1 | 2 |\n": False,  # right under a line
    "> q\n| a | b |\n|---|---|\n": False,
    "a\n|---|\n": False,
    "| a | b |\n|---|---|\n| 1 | 2 |\n2) a list\n": False,
    "<!-- c -->a | b\n--|--\n": False,
    # Links: any text linkify could read goes to the reference.
    "[a link](https://example.org/x) and [another](/ideas/y/ 'title').\n": True,
    "<https://example.org/auto> and <mail@example.org>\n": False,  # read as text too
    "See https://example.org/x for more.\n": False,
    "Visit www.example.org today.\n": False,
    "Write to someone@example.com.\n": False,
    "Built with Node.js and file.py.\n": False,
    "Version 2.5.1 is out.\n": True,
    "![https://example.org/caf%C3%A9](/x.png)\n": False,
    "![an\nimage](/x.png)\n": False,
    # Smart quotes and replacements, and where the port reads them otherwise.
    "\"Double\" and 'single' quotes, it's (c) 2026 -- really... +- 5 (tm)\n": True,
    "She said \"yes\".\n\nThen 'no'.\n": True,
    '"Opened here\n\nand closed in another paragraph"\n': False,
    "| a |\n|---|\n| 'quoted' |\n": False,  # a quote at a cell's edge
    "x '&amp; y\n": False,
    "(c)'x'\n": False,
    'b&#xF;[]()""\n': False,  # an entity's character read through an empty link
    '[\u20ac](/x)"q" z\n': False,  # a symbol read through a link's end
    "Typed \u2019 and typed \u201cquotes\u201d alone are fine.\n": True,
    "Typed \u2019 beside 'straight' ones\n": False,
    "`a -- b... (c)` this code, ![an image -- of (c)](/a.png)\n": True,  # kept as written
    '`don\'t "touch"` this code\n': False,  # the port pairs them with the text's quotes
    "![it's -- x](/a.png)\n": False,
    # Emphasis beside symbols, strikethrough runs.
    "*€5* and **bold** and _em_ and ~~struck~~\n": False,
    "Price: *5* € (a symbol away from a mark is fine).\n": True,
    "~~a~~~~b~~\n": False,
    # Headings: `#` shifted below the page title, ids, setext, duplicates.
    "# Title\n\n## Sub *em* `code` ##\n\nSetext\n===\n\n# Title\n": True,
    "## Two\n\n### Three\n\n####### seven is text\n": True,
    "- # in a list\n\n> ## in a quote\n": True,
    "- Setext in a list\n  ---\n": False,
    "#\n\n# #\n\n#    spaced    #   \n": True,
    "# Café ünïcödé — 日本語\n": True,
    # Code: known, unknown and no language; entities and escapes in info strings.
    '```python\ndef f(): pass\n```\n\n```nope\n<b>x</b> & "q"\n```\n': True,
    "```\nplain\n```\n\n    indented\n": True,
    "~~~js {.x}\nlet a = `b`;\n~~~\n": True,
    "```py&#x74;hon\nx = 1\n```\n": True,
    "```\nunclosed at the end": False,
    "1. Run:\n   ```sh\n   make\n   ```\n": False,  # a tight item's text runs into code
    "- x\n  <div>y</div>\n": False,
    "`   ` spaces only\n": False,
    "<div>\nunclosed at the end": False,
    # Entities, escapes, Unicode.
    "&copy; &amp; &#x41; &nbsp; &bogus; \\* \\# \\[\n": True,
    "Ünïcödé — “typed quotes” 日本語 😀 ǅ İ\n": True,
    "\u00a0leading no-break space\n": False,
    "10\u00a0% inside is fine\n": True,
    "line  \nbreak\\\nend\n": True,
    # Nesting past the bounds, and the port's own failures.
    ">" * 40 + " deep\n": False,
    "[" * 12 + "x" + "]" * 12 + "\n": False,
    "[a `b\n": False,  # the port panics here
    "a\r\nb\n": False,
    "x" * (fastmd.MAX_LENGTH + 1): False,
}


@pytest.mark.parametrize("text", list(ADVERSARIAL), ids=range(len(ADVERSARIAL)))
def test_adversarial_documents(md, text):
    fast = md.fast.render(text, "d")
    assert (fast is not None) == ADVERSARIAL[text]
    for ugc in (False, True):
        reference = md.sanitize(md.reference(text, "d"), ugc)
        assert md.render(text, "d", ugc) == reference
        if fast is not None:
            assert md.sanitize(fast, ugc) == reference


#: Pieces of Markdown that the soup below strings together at random.
ATOMS = [
    *("# ", "## ", "###### ", "#", "Title", "\n", "\n\n", "\n\n", "- ", "* ", "1. ", "2) "),
    *("   ", "    ", "\t", "> ", "*", "**", "_", "__", "~~", "~", "`", "``", "```python\n"),
    *("```nope\n", "```\n", "~~~py\n", "[", "]", "(", ")", "![", "](", "](/x)", ' "t")'),
    *("<b>", "</b>", "<div>", "</div>", '<a href="https://o.example">', "</a>", "<br>"),
    *("<!-- c -->", "&amp;", "&copy;", "&#35;", "&nbsp;", "&bogus;", "&", "<", ">"),
    *('"', "'", '"', "'", " '", "' ", "don't", '"q"', "--", "---", "...", "(c)", "(tm)"),
    *("+-", "!!!!", ",,", "|", " | ", "|---|", "|:-|-:|:-:|", "| a | b |\n|---|---|\n"),
    *("a | b\n--|--\n", "===", "---\n", "\\", "\\*", "\\[", "word", "words and more"),
    *("Ünïcödé", "日本語", "é", "\u00a0", "\u2003", "😀", "€", "x.com", "a@b", "e.g."),
    *("v1.2.3", "://", "café", "foo_bar", "{{ x }}", "[^1]", "[x]", "<h2>", "[ref]"),
    *('[ref]: /u "T"\n', "<https://a.org>", "*a*", "**b**", "***c***", "`e`", "~~f~~"),
    *("\n   ", "\n- ", "\n> ", "\n1. ", "\n    ", "\n```\n", "  \n"),
]  # fmt: skip


def test_identical_over_a_soup_of_marks(md):
    rng = random.Random(20261201)
    documents = []
    for n in range(4000):
        text = "".join(rng.choice(ATOMS) for _ in range(rng.randint(1, 40)))
        documents.append((text, "d" if n % 2 else "", n % 3 == 0))
    accepted, different = differ(md, documents)
    assert different == []
    assert accepted > 100  # the soup is hostile: most of it goes to the reference
    report("soup of marks", accepted, len(documents))


WORDS = [
    "the",
    "idea",
    "team",
    "invoice",
    "customer",
    "report",
    "export",
    "mobile",
    "app",
    "feedback",
    "round",
    "bank",
]
WORDS += ["café", "Zürich", "日本", "don't", "it's", "customers'", "'90s", "rock 'n' roll"]
#: What a word of the prose below may become, `{w}` standing for the word.
DECORATIONS = [
    *('"{w}"', "'{w}'", "*{w}*", "**{w}**", "_{w}_", "~~{w}~~", "`{w}`", "`a -- b`"),
    *("`f(c)...`", "[{w}](/ideas/{w}/)", "![{w} -- pic](/{w}.png)", "<kbd>{w}</kbd>"),
    *("{w} --", "{w}...", "(c) {w}", "{w} +-", "&amp; {w}", "&copy;{w}", "\\*{w}"),
    *("{w}\u00a0%", '"{w}', '{w}"', "\u201c{w}\u201d", "{w}\u2014", "{w}."),
]  # fmt: skip


def prose(rng: random.Random, depth: int = 0) -> str:
    """A block of prose as people write it: quoted, emphasized, linked, in lists,
    quotes, tables and code."""

    def sentence() -> str:
        words = [rng.choice(WORDS) for _ in range(rng.randint(3, 14))]
        for _ in range(rng.randint(0, 3)):
            at = rng.randrange(len(words))
            words[at] = rng.choice(DECORATIONS).replace("{w}", words[at])
        return " ".join(words).capitalize() + rng.choice([".", "!", "?", ":", '."', ".'", ""])

    kind = rng.random()
    if kind < 0.12:
        return "#" * rng.randint(1, 4) + " " + sentence()
    if kind < 0.3 and depth < 3:
        mark, loose = rng.choice(["-", "*", "1.", "2)"]), rng.random() < 0.3
        items = [
            f"{mark} {sentence()}"
            + ("\n  " + prose(rng, depth + 1).replace("\n", "\n  ") if rng.random() < 0.2 else "")
            for _ in range(rng.randint(1, 4))
        ]
        return ("\n\n" if loose else "\n").join(items)
    if kind < 0.38:
        return "> " + "\n> ".join(sentence() for _ in range(rng.randint(1, 2)))
    if kind < 0.45:
        columns = rng.randint(1, 3)
        rows = ["| " + " | ".join(rng.choice(WORDS) for _ in range(columns)) + " |"]
        rows.append("|" + "|".join([rng.choice(["---", ":--", "--:", ":-:"])] * columns) + "|")
        for _ in range(rng.randint(1, 3)):
            rows.append(
                "| " + " | ".join(sentence()[:30].replace("|", "/") for _ in range(columns)) + " |"
            )
        return "\n".join(rows)
    if kind < 0.52:
        info = rng.choice(["python", "js", "nope", "", "json {x}"])
        return f"```{info}\n" + rng.choice(["x = 'a' -- b", 'print("hi")', "a < b && c"]) + "\n```"
    if kind < 0.55:
        return "<details><summary>More</summary>\n\n" + sentence() + "\n\n</details>"
    return "\n".join(sentence() for _ in range(rng.randint(1, 3)))


def test_identical_over_generated_prose(md):
    rng = random.Random(20261202)
    documents = []
    for n in range(1500):
        blocks = [prose(rng) for _ in range(rng.randint(1, 8))]
        documents.append(("\n\n".join(blocks) + rng.choice(["\n", ""]), "d", n % 2 == 0))
    accepted, different = differ(md, documents)
    assert different == []
    assert accepted > 150  # quote-heavy on purpose: quotes at blocks' edges go to the reference
    report("generated prose", accepted, len(documents))


def test_without_the_fast_path_the_output_is_the_same():
    text = '# Title\n\n```python\nx = 1\n```\n\n| a |\n|--:|\n| 1 |\n\n"Quoted" -- text.\n'
    fast, reference = Markdown(), Markdown(fast=False)
    assert fast.fast is not None and reference.fast is None
    assert fast.render(text, "d", True) == reference.render(text, "d", True)


def test_highlighting_is_cached_by_language_and_code():
    md = Markdown()
    block = "```python\ndef f(): pass\n```\n"
    md.render(block, "a")
    md.render("Another document.\n\n" + block, "b")
    md.render("A third, on the reference.\n\n" + block + "\n[^1]\n\n[^1]: note\n", "c")
    info = md.highlight.cache_info()
    assert (info.misses, info.hits) == (1, 2)
