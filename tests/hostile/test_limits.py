"""Bounded by design: content is read within documented limits (`limits:` in hub.yaml),
each enforced before the expensive work and reported at the file and field, and the
work that remains grows linearly with the content.

These tests lower a limit rather than write megabytes; the inputs that took minutes
before are built so that only a linear implementation finishes at once.
"""

from __future__ import annotations

import difflib

import pytest
from conftest import EPOCH, HUB_YAML, lines

from builder import content
from builder.build import build
from builder.engine.reading import Reader
from builder.limits import DEFAULT_LIMITS, Limits
from builder.markdown import Markdown, markdown_excess
from builder.render import _summary
from builder.slugs import Suggester, did_you_mean

IDEA = "---\ntitle: Dark mode\nsubmitted: 2026-03-02\nauthor: bob\n{extra}---\n{body}"


def make(tmp_path, files: dict[str, str], limits: str = ""):
    (tmp_path / "hub.yaml").write_text(HUB_YAML + (f"limits:\n{limits}" if limits else ""))
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def idea(extra: str = "", body: str = "Please.\n") -> str:
    return IDEA.format(extra=extra, body=body)


# -- each limit -------------------------------------------------------------------


def test_file_size_is_judged_from_stat_before_reading(tmp_path, monkeypatch):
    root = make(
        tmp_path,
        {"content/ideas/dark-mode.md": idea(body="x" * 300), "content/ideas/ok.md": idea()},
        limits="  file_size: 200\n",
    )
    read = content.read_regular

    def read_only_small(path):
        assert path.name != "dark-mode.md", "the oversized file was read"
        return read(path)

    monkeypatch.setattr(content, "read_regular", read_only_small)
    assert lines(root) == [
        "content/ideas/dark-mode.md:1:1: error: the file is 359 bytes, over the limit of 200 "
        "bytes (shorten it, or raise limits.file_size in hub.yaml)"
    ]


def test_a_file_over_the_size_limit_still_counts_as_existing(tmp_path):
    """Like a file with broken front matter: one error, and no "unknown idea" errors
    in the files that name it."""
    root = make(
        tmp_path,
        {
            "content/ideas/big.md": idea(body="x" * 300),
            "content/ideas/copy.md": idea(extra="duplicate_of: big\n"),
        },
        limits="  file_size: 200\n",
    )
    assert lines(root) == [
        "content/ideas/big.md:1:1: error: the file is 359 bytes, over the limit of 200 bytes "
        "(shorten it, or raise limits.file_size in hub.yaml)"
    ]


def test_yaml_depth_stops_composing_at_the_first_level_past_it(tmp_path):
    root = make(
        tmp_path,
        {
            "content/ideas/flow.md": idea(extra="tags: [[[x]]]\n"),
            "content/ideas/block.md": idea(extra="updates:\n  - by:\n      name:\n        - x\n"),
            "content/ideas/fine.md": idea(extra="supporters: [{name: Eve}]\n"),
        },
        limits="  yaml_depth: 3\n",
    )
    assert lines(root) == [
        "content/ideas/block.md:7:7: error: updates: nesting over the limit of 3 levels "
        "(flatten it, or raise limits.yaml_depth in hub.yaml)",
        "content/ideas/flow.md:5:9: error: tags: nesting over the limit of 3 levels "
        "(flatten it, or raise limits.yaml_depth in hub.yaml)",
    ]


@pytest.mark.parametrize(
    "extra",
    [
        "tags: " + "[" * 900 + "]" * 900 + "\n",  # under libyaml's own bound of 1,000
        "tags:\n" + "".join("  " * n + "-\n" for n in range(1, 900)),
        "tags:\n" + "".join("  " * n + "a:\n" for n in range(1, 900)),
    ],
    ids=["flow", "block list", "block mapping"],
)
def test_deep_yaml_is_a_diagnostic_not_a_recursion_error(tmp_path, extra):
    root = make(tmp_path, {"content/ideas/deep.md": idea(extra=extra)})
    (found,) = lines(root)
    assert found.startswith("content/ideas/deep.md:")
    assert found.endswith(
        "error: tags: nesting over the limit of 20 levels "
        "(flatten it, or raise limits.yaml_depth in hub.yaml)"
    )


def test_list_length_stops_at_the_first_item_past_it(tmp_path):
    supporters = "".join(f"  - p{n}\n" for n in range(50))
    root = make(
        tmp_path,
        {
            "content/ideas/many.md": idea(extra=f"supporters:\n{supporters}"),
            "content/ideas/wide.md": idea(extra="tags: [a, b, c, d, e, f, g]\n"),
        },
        limits="  list_length: 6\n",
    )
    assert lines(root) == [
        "content/ideas/many.md:12:5: error: supporters: over the limit of 6 items in one list "
        "(shorten it, or raise limits.list_length in hub.yaml)",
        "content/ideas/wide.md:5:26: error: tags: over the limit of 6 items in one list "
        "(shorten it, or raise limits.list_length in hub.yaml)",
    ]


def test_list_length_bounds_the_keys_of_a_mapping_too(tmp_path):
    keys = "".join(f"x{n}: 1\n" for n in range(10))
    root = make(tmp_path, {"content/ideas/keys.md": idea(extra=keys)}, limits="  list_length: 8\n")
    assert lines(root) == [
        "content/ideas/keys.md:10:1: error: x5: over the limit of 8 keys in one mapping "
        "(shorten it, or raise limits.list_length in hub.yaml)"
    ]


def test_markdown_nesting_in_a_body_and_in_a_field(tmp_path):
    note = "    note: |\n      > > > > deep\n"
    root = make(
        tmp_path,
        {
            "content/ideas/quotes.md": idea(body="Fine.\n\n> > > > too deep\n"),
            "content/ideas/lists.md": idea(body="- a\n  - b\n    - c\n      - d\n"),
            "content/ideas/mixed.md": idea(body="> - > - x\n"),
            "content/ideas/note.md": idea(
                extra=f"updates:\n  - date: 2026-03-03\n    status: planned\n    by: sam\n{note}"
            ),
            "content/ideas/fine.md": idea(
                body="> - > x\n\n```\n> > > > code is not nesting\n```\n"
            ),
        },
        limits="  markdown_nesting: 3\n",
    )
    tail = "Markdown nesting over the limit of 3 quotes and lists (flatten it, or raise limits.markdown_nesting in hub.yaml)"
    assert lines(root) == [
        f"content/ideas/lists.md:9:1: error: body: {tail}",
        f"content/ideas/mixed.md:6:1: error: body: {tail}",
        f"content/ideas/note.md:9:11: error: updates[1].note: {tail}",
        f"content/ideas/quotes.md:8:1: error: body: {tail}",
    ]


def test_table_rows(tmp_path):
    table = "| a | b |\n| - | - |\n" + "| x | y |\n" * 4
    root = make(
        tmp_path,
        {
            "content/ideas/table.md": idea(body="Before.\n\n" + table),
            "content/ideas/fine.md": idea(body="| a |\n| - |\n| 1 |\n| 2 |\n| 3 |\n"),
        },
        limits="  table_rows: 3\n",
    )
    assert lines(root) == [
        "content/ideas/table.md:13:1: error: body: a table over the limit of 3 rows "
        "(split it, or raise limits.table_rows in hub.yaml)"
    ]


def test_markdown_within_the_limits_renders_whole():
    """markdown-it drops what nests past its own bound without a word; whatever the
    largest limit lets through is rendered."""
    quotes = "> " * 50 + "deepest words"
    lists = "".join("  " * n + f"- item {n}\n" for n in range(50))
    md = Markdown()
    assert markdown_excess(quotes, 50, 1000) is None
    assert "deepest words" in md.render(quotes)
    assert markdown_excess(lists, 50, 1000) is None
    assert "item 49" in md.render(lists)


# -- limits in hub.yaml -----------------------------------------------------------


def test_limits_are_checked_like_every_setting(tmp_path):
    root = make(
        tmp_path,
        {"content/ideas/dark-mode.md": idea(extra="tags: [a, b, c]\n")},
        limits="  list_lenght: 2\n  file_size: -1\n  table_rows: 2\n",
    )
    assert lines(root) == [
        "hub.yaml:7:3: error: limits.list_lenght: unknown field 'list_lenght' in limits "
        "(did you mean 'list_length'?)",
        "hub.yaml:8:14: error: limits.file_size: expected a whole number of at least 1, found -1",
    ]


def test_the_defaults_are_documented_in_one_place():
    assert Limits() == DEFAULT_LIMITS
    assert (DEFAULT_LIMITS.file_size, DEFAULT_LIMITS.yaml_depth, DEFAULT_LIMITS.list_length) == (
        1_000_000,
        20,
        1_000,
    )
    assert (DEFAULT_LIMITS.markdown_nesting, DEFAULT_LIMITS.table_rows) == (20, 1_000)


def test_the_preview_reads_every_file_again_when_the_limits_change(tmp_path):
    root = make(tmp_path, {"content/ideas/dark-mode.md": idea(extra="tags: [a, b, c, d, e]\n")})
    reader = Reader(root, environ={"SOURCE_DATE_EPOCH": EPOCH})
    assert reader.read().problems.items == []
    (root / "hub.yaml").write_text(HUB_YAML + "limits:\n  list_length: 4\n")
    assert [d.text() for d in reader.read(changed=["hub.yaml"]).problems.sorted()] == [
        "content/ideas/dark-mode.md:5:20: error: tags: over the limit of 4 items in one list "
        "(shorten it, or raise limits.list_length in hub.yaml)"
    ]


def test_raising_a_limit_lets_the_content_through(tmp_path):
    table = "| a |\n| - |\n" + "| x |\n" * 1200
    root = make(tmp_path, {"content/ideas/table.md": idea(body=table)})
    assert lines(root) == [
        "content/ideas/table.md:1008:1: error: body: a table over the limit of 1000 rows "
        "(split it, or raise limits.table_rows in hub.yaml)"
    ]
    (root / "hub.yaml").write_text(HUB_YAML + "limits:\n  table_rows: 2000\n")
    assert lines(root) == []
    assert build(root, root / "site", environ={"SOURCE_DATE_EPOCH": EPOCH}).ok


# -- linear time ------------------------------------------------------------------


def test_a_summary_of_unclosed_parentheses_and_tags_is_linear():
    """The old pattern rescanned to the end at every `(https://` and `<` left open:
    200,000 of them took hours. Done once, this is milliseconds."""
    text = "(https://" * 100_000 + "<" * 100_000 + " words"
    assert _summary(text) == ("(https://" * 100_000)[:199].rsplit(" ", 1)[0] + "…"
    assert _summary("See (https://x.example/a) and <b>bold</b> [text].") == "See and bold text."


def test_a_paragraph_of_unclosed_links_renders_in_linear_time():
    """markdown-it's linkify rule searched the whole paragraph read so far at every
    `://`: 50,000 of them took about ten minutes."""
    html = Markdown().render("(https://" * 50_000)
    assert html.count("(https://") == 50_000


def test_linkify_never_matches_without_moving_on():
    """Input on which markdown-it-py's own rule raises ("inline rule didn't increment
    state.pos"), an internal error in the build after check passed."""
    html = Markdown().render("e.com[x+ftp://aftp://mailto:_) x]")
    assert html.startswith("<p>")


def test_linkify_still_links_what_it_did():
    html = Markdown().render(
        "see https://example.com/a and www.example.org, mailto:x@y.example and "
        f"https://long.example/{'p' * 5000}"
    )
    assert 'href="https://example.com/a"' in html
    assert 'href="http://www.example.org"' in html
    assert f'href="https://long.example/{"p" * 5000}"' in html


def test_ten_thousand_headings_alike_get_ids_in_linear_time():
    html = Markdown().render("## Same\n\n" * 10_000)
    assert html.count('id="same') == 10_000
    assert 'id="same-10000"' in html


def test_a_heading_id_is_bounded_like_a_slug():
    html = Markdown().render("## " + "word " * 100)
    assert f'id="{("word-" * 16)[:80].rstrip("-")}"' in html


def test_did_you_mean_finds_one_typo_among_many_without_comparing_them_all():
    slugs = [f"idea-number-{n}" for n in range(5_000)]
    suggest = Suggester(slugs)
    assert suggest("idea-numbr-42") == "did you mean 'idea-number-42'?"
    assert suggest("idea-number-42x") == "did you mean 'idea-number-42'?"
    assert suggest("something-else") == ""
    assert suggest("x" * 100_000) == ""


def test_did_you_mean_on_a_small_set_is_difflib_itself():
    fields = ["title", "submitted", "author", "product", "tags", "supporters", "round"]
    for word in ("titel", "submited", "autor", "tag", "x", "roundd", "supporter"):
        assert Suggester(fields)(word) == did_you_mean(word, fields)
        match = difflib.get_close_matches(word, sorted(fields), n=1, cutoff=0.6)
        assert did_you_mean(word, fields) == (f"did you mean '{match[0]}'?" if match else "")


def test_many_unknown_references_each_get_their_hint(tmp_path):
    files = {f"content/ideas/idea-{n}.md": idea() for n in range(300)}
    files["content/changelog/big.md"] = (
        "---\ntitle: Big\ndate: 2026-03-05\nchanges:\n  - type: added\n    text: All.\n"
        "    ideas: [" + ", ".join(f"idaa-{n}" for n in range(300)) + "]\n---\n"
    )
    root = make(tmp_path, files)
    found = [line for line in lines(root) if "unknown idea" in line]
    assert len(found) == 300
    assert found[7] == (
        "content/changelog/big.md:7:69: error: changes[1].ideas[8]: unknown idea 'idaa-7' "
        "(did you mean 'idea-7'?)"
    )


def test_a_stranger_one_typo_from_one_of_many_profiles_is_warned_about(tmp_path):
    files = {f"content/people/person-{n}.md": f"---\nname: P{n}\n---\n" for n in range(400)}
    files["content/ideas/dark-mode.md"] = idea(extra="supporters: [persom-17, stranger]\n")
    root = make(tmp_path, files)
    assert [line for line in lines(root) if "profile" in line] == [
        "content/ideas/dark-mode.md:5:14: warning: supporters[1]: 'persom-17' has no profile "
        "in content/people/ (did you mean 'person-17'?)"
    ]


def test_the_counting_shortcut_agrees_with_the_block_parser():
    """`check` skips the block parse of a text whose line prefixes and runs of lines
    are too short to reach a limit; over random nested Markdown (small limits, so
    both answers occur) the shortcut never changes the verdict."""
    import random

    from builder import markdown

    pieces = ["> ", ">", "- ", "* ", "1. ", "10) ", "  ", "    ", "\t", "[^a]: ", "| a | b |"]
    pieces += ["|---|---|", "| 1 | 2 |", "x", "", "text", "-", "+ ", "```", "<div>", "==="]
    rng = random.Random(7)
    verdicts = set()
    for _ in range(3000):
        lines = [
            "".join(rng.choices(pieces, k=rng.randint(0, 6))) for _ in range(rng.randint(1, 12))
        ]
        text, nesting, rows = "\n".join(lines), rng.randint(1, 5), rng.randint(1, 4)
        fast = markdown.markdown_excess(text, nesting, rows)
        shortcut = markdown._within_bounds(text, nesting, rows)
        assert fast == markdown._parsed_excess(text, nesting, rows), text
        verdicts.add((shortcut, fast is None))
    assert (True, True) in verdicts and (False, False) in verdicts
    # A footnote opens its container after a label, where no line-start pattern looks.
    assert markdown.markdown_excess("[^a]: " + "- " * 25 + "x", 20, 1000) is not None
