"""Values: whatever `check` passes, `build` builds (SPEC §7).

Each value is judged where it enters, to what every later stage can take: text holds
no control character or non-character (feed XML refuses them), dates fall in years
their arithmetic can take, URLs parse and are safe in an attribute as they are, and
names that become file names fit in one. Each refusal is one diagnostic at its field.
"""

from __future__ import annotations

import pytest
from conftest import EPOCH, HUB_YAML, lines

from builder import cli
from builder.build import build
from builder.check import run_check
from builder.content import load_file
from builder.errors import Problems

IDEA = "---\ntitle: {title}\nsubmitted: {submitted}\nauthor: {author}\n{extra}---\n{body}"


def idea(title="Dark mode", submitted="2026-03-02", author="bob", extra="", body="Please.\n"):
    """An idea file's text (not dedented: YAML escapes and odd characters stay as given)."""
    return IDEA.format(title=title, submitted=submitted, author=author, extra=extra, body=body)


def make(tmp_path, files: dict[str, str], hub_yaml: str = HUB_YAML):
    """A hub of exactly `files`, written byte for byte (no dedenting)."""
    (tmp_path / "hub.yaml").write_text(hub_yaml, encoding="utf-8")
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    return tmp_path


def built(root) -> bool:
    return build(root, root / "site", environ={"SOURCE_DATE_EPOCH": EPOCH}).ok


# -- text -------------------------------------------------------------------------


def test_control_characters_and_non_characters_are_errors_at_their_field(tmp_path):
    root = make(
        tmp_path,
        {
            "content/ideas/dark-mode.md": idea(
                title='"Dark\\e[31m mode"',
                extra=(
                    'tags: ["x\\Ny", "tab\\tis fine"]\n'
                    'supporters: [{name: "Eve\\x07"}, "a\\rb"]\n'
                    "updates:\n"
                    "  - date: 2026-03-03\n"
                    "    status: planned\n"
                    "    by: sam\n"
                    '    note: "soon\\x7f"\n'
                ),
                body="The body\nis a field \x0b too, and \ufffe.\n",
            ),
            "content/pages/about.md": "---\ntitle: About\n---\nAll planes: \U0010ffff\n",
            "content/people/sam.md": '---\nname: "Sam\\uFDD0"\n---\n',
        },
        hub_yaml='title: "Hub\\x0b"\nbase_url: https://hub.example.com/\n',
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:2:8: error: title: control character U+001B is not allowed (remove it)",
        "content/ideas/dark-mode.md:5:8: error: tags[1]: control character U+0085 is not allowed (remove it)",
        "content/ideas/dark-mode.md:6:21: error: supporters[1].name: control character U+0007 is not allowed (remove it)",
        "content/ideas/dark-mode.md:6:33: error: supporters[2]: control character U+000D is not allowed (remove it)",
        "content/ideas/dark-mode.md:11:11: error: updates[1].note: control character U+007F is not allowed (remove it)",
        "content/ideas/dark-mode.md:14:12: error: body: control character U+000B is not allowed (remove it)",
        "content/pages/about.md:4:13: error: body: Unicode non-character U+10FFFF is not allowed (remove it)",
        "content/people/sam.md:2:7: error: name: Unicode non-character U+FDD0 is not allowed (remove it)",
        "hub.yaml:1:8: error: title: control character U+000B is not allowed (remove it)",
    ]


def test_tabs_newlines_and_crlf_are_text(tmp_path):
    root = make(
        tmp_path,
        {
            "content/ideas/dark-mode.md": idea(
                title='"Dark\\tmode"', body="Line one\r\nline\ttwo\r\n"
            ).replace("\n", "\r\n"),
        },
    )
    assert lines(root) == []
    assert built(root)


def test_a_clean_title_next_to_a_bad_body_still_points_at_the_body(tmp_path):
    root = make(tmp_path, {"content/ideas/dark-mode.md": idea(body="ok\n\nthen \x1b[2J\n")})
    assert lines(root) == [
        "content/ideas/dark-mode.md:8:6: error: body: control character U+001B is not allowed (remove it)"
    ]


# -- dates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "9999-12-31",
        "0001-01-01",
        "1969-12-31",
        "9001-01-01",
        "9999-12-31T23:59:59-01:00",  # converting it to UTC overflows
        "0001-01-01T00:00:00+01:00",
        "9000-12-31T23:00:00-05:00",  # in range as written, 9001 in UTC
        "1970-01-01T00:30:00+01:00",  # 1969 in UTC
    ],
)
def test_dates_beyond_what_their_arithmetic_takes_are_errors(tmp_path, written):
    root = make(tmp_path, {"content/ideas/dark-mode.md": idea(submitted=written)})
    assert lines(root) == [
        f"content/ideas/dark-mode.md:3:12: error: submitted: expected a date (YYYY-MM-DD), "
        f"found '{written}' (dates fall in the years 1970 to 9000)"
    ]


def test_dates_at_the_edges_of_the_range_build(tmp_path):
    """The first and last days allowed, with the arithmetic the site does on them: a
    round closing on the last day closes the day after; feeds order both."""
    root = make(
        tmp_path,
        {
            "content/ideas/old.md": idea(title="Old", submitted="1970-01-01"),
            "content/ideas/far.md": idea(
                title="Far",
                submitted="9000-12-31T23:59:59+00:00",
                extra="updates:\n  - date: 9000-12-31\n    status: shipped\n    by: sam\n",
            ),
            "content/rounds/last.md": (
                "---\ntitle: Last\nopens: 9000-12-30\ncloses: 9000-12-31\n---\nAsk.\n"
            ),
            "content/changelog/late.md": (
                "---\ntitle: Late\ndate: 9000-12-31\nchanges:\n"
                "  - type: added\n    text: It.\n    ideas: [far]\n---\nNotes.\n"
            ),
        },
    )
    assert lines(root) == []
    assert built(root)


def test_digits_of_other_scripts_are_not_a_date(tmp_path):
    fullwidth = "\uff12\uff10\uff12\uff16-03-02"  # 2026 in fullwidth digits, which int() reads
    root = make(tmp_path, {"content/ideas/dark-mode.md": idea(submitted=f'"{fullwidth}"')})
    assert lines(root) == [
        "content/ideas/dark-mode.md:3:12: error: submitted: expected a date (YYYY-MM-DD), "
        f"found '{fullwidth}' (write dates as YYYY-MM-DD)"
    ]


# -- URLs -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "hint"),
    [
        ("https://x.example:99999/", "it does not parse as a URL: Port out of range 0-65535"),
        (
            "https://x.example:ab/",
            "it does not parse as a URL: Port could not be cast to integer value as 'ab'",
        ),
        ("https://[::1/", "it does not parse as a URL: Invalid IPv6 URL"),
        (
            "https://[nope]/",
            "it does not parse as a URL: 'nope' does not appear to be an IPv4 or IPv6 address",
        ),
        ("https://x.example/a\\b", "'\\' cannot be in a URL as it is: percent-encode it as %5C"),
        (
            'https://x.example/"onmouseover="x',
            "'\"' cannot be in a URL as it is: percent-encode it as %22",
        ),
        ("https://x.example/'", "''' cannot be in a URL as it is: percent-encode it as %27"),
        ("https://x.example/<script>", "'<' cannot be in a URL as it is: percent-encode it as %3C"),
        ("https://x.example/`", "'`' cannot be in a URL as it is: percent-encode it as %60"),
        ('"https://x.example/a b"', "a space cannot be in a URL"),
        ('"https://x.example/a\\u00a0b"', "U+00A0 cannot be in a URL"),
        (
            "https://user:secret@x.example/",
            "a user name or password in a URL would be published: leave them out",
        ),
        ("https://x.example/100%", "a % that does not start an escape like %20: write it as %25"),
        ("https://x_y.example/", "'x_y.example' is not a host name"),
        ("https:///path", "it names no host: write it like https://example.com/"),
        ("javascript:alert(1)", "start it with https://"),
        ("x.example", "start it with https://"),
    ],
)
def test_urls_that_a_later_stage_could_not_take_are_errors(tmp_path, url, hint):
    root = make(tmp_path, {"content/ideas/dark-mode.md": idea(extra=f"source: {url}\n")})
    found = url.strip('"').replace("\\u00a0", "\u00a0")
    assert lines(root) == [
        f"content/ideas/dark-mode.md:5:9: error: source: expected an http(s) URL, "
        f"found '{found}' ({hint})"
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://x.example/",
        "http://127.0.0.1:8080/path?q=1#frag",
        "https://[::1]:8443/",
        "https://bücher.example/straße",
        "https://x.example/a%20b%2Fc?x=%22",
        "HTTPS://X.EXAMPLE/",
    ],
)
def test_urls_that_parse_and_are_safe_build(tmp_path, url):
    root = make(tmp_path, {"content/ideas/dark-mode.md": idea(extra=f"source: {url}\n")})
    assert lines(root) == []
    assert built(root)


@pytest.mark.parametrize(
    ("base_url", "hint"),
    [
        (
            "https://hub.example.com/?preview=1",
            "the site's address has no query (?) or fragment (#): paths are added to it",
        ),
        (
            "https://hub.example.com/#top",
            "the site's address has no query (?) or fragment (#): paths are added to it",
        ),
        (
            "https://hub.example.com/a\\1",
            "'\\' cannot be in a URL as it is: percent-encode it as %5C",
        ),
        ('https://hub.example.com/"', "'\"' cannot be in a URL as it is: percent-encode it as %22"),
    ],
)
def test_base_url_in_hub_yaml_and_on_the_command_line_agree(tmp_path, capsys, base_url, hint):
    root = make(
        tmp_path,
        {"content/ideas/dark-mode.md": idea()},
        hub_yaml=f"title: Hub\nbase_url: '{base_url}'\n",
    )
    assert lines(root) == [
        f"hub.yaml:2:11: error: base_url: expected an http(s) URL, found '{base_url}' ({hint})"
    ]
    (root / "hub.yaml").write_text("title: Hub\nbase_url: https://hub.example.com/\n")
    assert cli.main(["build", "--root", str(root), "--base-url", base_url]) == 2
    assert capsys.readouterr().err == (
        f"cohub: --base-url must be an absolute http(s) URL, found {base_url!r} ({hint})\n"
    )
    assert not (root / "site").exists()


def test_a_good_base_url_on_the_command_line_builds(tmp_path):
    root = make(tmp_path, {"content/ideas/dark-mode.md": idea()})
    result = build(
        root,
        root / "site",
        base_url="https://preview--hub.example.app/pr/12/",
        environ={"SOURCE_DATE_EPOCH": EPOCH},
    )
    assert result.ok
    page = (root / "site/ideas/dark-mode/index.html").read_text()
    assert 'href="https://preview--hub.example.app/pr/12/ideas/dark-mode/"' in page


# -- names that become file names -------------------------------------------------


def test_names_that_become_file_names_are_bounded(tmp_path):
    long = "a" * 300
    root = make(
        tmp_path,
        {
            "content/ideas/dark-mode.md": idea(
                author=long, extra=f"tags: ['{'Ü' * 300}']\nround: {long}\nproduct: web\n"
            ),
            f"content/pages/{'b' * 81}.md": "---\ntitle: Long\n---\n",
            f"content/pages/{'c' * 80}.md": "---\ntitle: Long enough\n---\n",
        },
        hub_yaml=HUB_YAML + f"  {'k' * 90}: Kitchen\n",
    )
    assert lines(root) == [
        "content/ideas/dark-mode.md:4:9: error: author: the handle is 300 characters long, "
        "over the limit of 80 for a slug (shorten it)",
        "content/ideas/dark-mode.md:5:8: error: tags[1]: the URL made from "
        f"'{'Ü' * 59}…' is 300 characters long, over the limit of 80 for a slug (shorten it)",
        "content/ideas/dark-mode.md:6:8: error: round: the slug is 300 characters long, "
        "over the limit of 80 for a slug (no file has a name so long)",
        f"content/pages/{'b' * 81}.md:1:1: error: the file name is 81 characters long, "
        "over the limit of 80 for a slug (rename it)",
        f"hub.yaml:6:3: error: products.{'k' * 90}: the key is 90 characters long, "
        "over the limit of 80 for a slug (shorten it)",
    ]


def test_a_file_name_that_is_no_slug_suggests_one_that_fits(tmp_path):
    name = "Very " * 30
    path = tmp_path / f"{name}.md"
    path.write_text("---\ntitle: Long\n---\n")
    problems = Problems()
    load_file(path, f"content/pages/{name}.md", "pages", problems)
    suggestion = ("very-" * 16)[:80].rstrip("-")
    assert [d.text() for d in problems.items] == [
        f"content/pages/{name}.md:1:1: error: file name '{(name + '.md')[:59]}…' is not a valid slug "
        f"(lower-case letters and digits, words joined by single hyphens) (rename it to {suggestion}.md)"
    ]


# -- check is the build's gate ----------------------------------------------------


def test_check_and_build_agree_on_every_value_above(tmp_path, capsys):
    """A hub with one bad value of each kind: check fails (exit 1) and build writes
    nothing (exit 1), with no internal error (exit 70)."""
    root = make(
        tmp_path,
        {
            "content/ideas/a.md": idea(title='"\\x1b"'),
            "content/ideas/b.md": idea(submitted="9999-12-31"),
            "content/ideas/c.md": idea(extra="source: https://x.example:99999/\n"),
            "content/ideas/d.md": idea(extra=f"tags: [{'t' * 300}]\n"),
        },
    )
    assert run_check(root, environ={"SOURCE_DATE_EPOCH": EPOCH}) == 1
    assert cli.main(["build", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "internal error" not in err
    assert err.endswith(f"cohub: 4 errors: nothing was written, {root / 'site'} is as it was\n")
    assert not (root / "site").exists()


def test_a_whole_number_with_a_maximum_says_both_bounds(tmp_path):
    root = make(
        tmp_path,
        {"content/ideas/dark-mode.md": idea()},
        hub_yaml=HUB_YAML + "limits:\n  markdown_nesting: 99\n  yaml_depth: 0\n",
    )
    assert lines(root) == [
        "hub.yaml:7:21: error: limits.markdown_nesting: expected a whole number from 1 to 50, found 99",
        "hub.yaml:8:15: error: limits.yaml_depth: expected a whole number from 1 to 100, found 0",
    ]
