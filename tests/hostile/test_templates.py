"""Templates are code from a pull request: sandboxed, compiled by `check`, and every
error in one a diagnostic at `templates/NAME:LINE` — in `check`, in `build` (with
`--jobs` too) and in the preview, which keeps serving the last good build.
"""

from __future__ import annotations

import io
import time
import uuid
from pathlib import Path

import pytest
from conftest import EPOCH, site_files, write_hub
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder import cli
from builder.build import build
from builder.check import run_check
from builder.serve import Preview

IDEA = "---\ntitle: {title}\nsubmitted: 2026-03-02\nauthor: bob\n---\nPlease.\n"
IDEAS = {
    f"content/ideas/{slug}.md": IDEA.format(title=title)
    for slug, title in (("dark-mode", "Dark mode"), ("export", "Export"), ("sso", "SSO"))
}


def override(main: str) -> str:
    """An idea page that extends the default one and replaces its main block."""
    return '{% extends "!default/idea.html" %}\n{% block main %}\n' + main + "\n{% endblock %}\n"


def hub_with(tmp_path: Path, templates: dict[str, str | bytes]) -> Path:
    """A hub of three ideas, with `templates` (name -> text or bytes) of its own."""
    (tmp_path / "hub/templates").mkdir(parents=True)
    root = write_hub(tmp_path / "hub", IDEAS)
    for name, text in templates.items():
        path = root / "templates" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


def run(capsys, *argv: str) -> tuple[int, list[str], list[str]]:
    """`cohub ARGV`: the exit status, stdout's lines and stderr's lines."""
    status = cli.main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out.splitlines(), captured.err.splitlines()


@pytest.fixture(autouse=True)
def _epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in site_files(folder)}


# -- the sandbox -----------------------------------------------------------------

PWNED = f"/tmp/pwned-{uuid.uuid4().hex}"
TOUCH = f"touch {PWNED}"

ESCAPES = {
    "cycler": (
        f"{{{{ cycler.__init__.__globals__.os.popen('{TOUCH}').read() }}}}",
        "access to attribute '__init__' of 'type' object is unsafe.",
    ),
    "self": (
        f"{{{{ self.__init__.__globals__['os'].popen('{TOUCH}') }}}}",
        "access to attribute '__init__' of 'TemplateReference' object is unsafe.",
    ),
    "lipsum": (
        f"{{{{ lipsum.__globals__['os'].popen('{TOUCH}').read() }}}}",
        "access to attribute '__globals__' of 'function' object is unsafe.",
    ),
    "joiner": (
        f"{{{{ joiner.__init__.__globals__.os.system('{TOUCH}') }}}}",
        "access to attribute '__init__' of 'type' object is unsafe.",
    ),
    "range": (
        "{{ range.__class__.__base__.__subclasses__() }}",
        "access to attribute '__class__' of 'function' object is unsafe.",
    ),
    "class": (
        "{{ idea.__class__.__mro__[1].__subclasses__() }}",
        "access to attribute '__class__' of 'Idea' object is unsafe.",
    ),
    "mro": ("{{ dict.mro() }}", "access to attribute 'mro' of 'type' object is unsafe."),
    "attr filter": (
        "{{ idea | attr('__class__') }}",
        "access to attribute '__class__' of 'Idea' object is unsafe.",
    ),
    "str.format": (
        "{{ '{0.__class__.__base__.__subclasses__}'.format(idea) }}",
        "access to attribute '__class__' of 'Idea' object is unsafe.",
    ),
    "percent format": (
        "{{ '%s' % idea.__class__ }}",
        "access to attribute '__class__' of 'Idea' object is unsafe.",
    ),
    "a global's method": (
        "{{ cached.__self__.env.loader }}",
        "access to attribute '__self__' of 'method' object is unsafe.",
    ),
    "a mapping's method": (
        "{{ hub.ideas.values.__self__ }}",
        "access to attribute '__self__' of 'method' object is unsafe.",
    ),
    "cached by a private name": (
        "{{ cached('__init__') }}",
        "cached() takes the name of a macro of partials/macros.html, found '__init__'",
    ),
    "a huge repetition": (
        "{{ 'x' * 100000000 }}",
        "a repetition longer than 1,000,000 items is refused",
    ),
    "a huge power": ("{{ 9 ** 99999999 }}", "an exponent above 1000 is refused, found 99999999"),
    "a huge range": (
        "{{ range(10000000) | list | length }}",
        "OverflowError: Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).",
    ),
}


@pytest.mark.parametrize("name", list(ESCAPES))
def test_a_sandbox_escape_is_a_template_error_and_runs_nothing(tmp_path, capsys, name):
    payload, message = ESCAPES[name]
    root = hub_with(tmp_path, {"idea.html": override(payload)})
    status, _, err = run(capsys, "build", "--root", str(root))
    assert status == 1
    assert err == [
        f"templates/idea.html:3:1: error: template: {message} "
        "(while rendering /ideas/dark-mode/ and 2 other pages)",
        f"cohub: 1 error: nothing was written, {root / 'site'} is as it was",
    ]
    assert not Path(PWNED).exists()
    assert not (root / "site").exists()


def test_a_hub_s_partial_included_by_a_default_template_is_sandboxed(tmp_path, capsys):
    """The default theme's own code runs without the sandbox's checks; what it
    includes from the hub does not."""
    payload = f"{{{{ cycler.__init__.__globals__.os.popen('{TOUCH}').read() }}}}"
    root = hub_with(tmp_path, {"partials/figures.html": payload})
    status, _, err = run(capsys, "build", "--root", str(root))
    assert status == 1
    assert err[0] == (
        "templates/partials/figures.html:1:1: error: template: access to attribute "
        "'__init__' of 'type' object is unsafe. (while rendering / and 1 other page)"
    )
    assert not Path(PWNED).exists()


def test_a_hub_s_copy_of_the_default_theme_renders_the_same_sandboxed(tmp_path):
    """The sandboxed code of a hub's copy of every default template makes the same
    site as the default theme's unchecked code."""
    from builder.theme import default_theme

    plain = hub_with(tmp_path / "plain", {})
    copied = hub_with(
        tmp_path / "copied",
        {
            p.relative_to(default_theme()).as_posix(): p.read_text(encoding="utf-8")
            for p in default_theme().rglob("*")
            if p.is_file() and "static" not in p.parts
        },
    )
    for root in (plain, copied):
        assert build(root, environ={"SOURCE_DATE_EPOCH": EPOCH}).ok
    assert snapshot(copied / "site") == snapshot(plain / "site")


def test_the_default_theme_names_no_private_attribute(tmp_path):
    """What lets the default theme run unchecked: its code reads only public names
    it writes out (no `_name`, no `attr` filter, no `format` of a string it made)."""
    from jinja2 import nodes

    from builder.render import theme_environment

    def risky(node: nodes.Node) -> bool:
        if isinstance(node, nodes.Getattr):
            return node.attr.startswith("_") or (
                node.attr in ("format", "format_map") and not isinstance(node.node, nodes.Const)
            )
        if isinstance(node, nodes.Getitem):
            return isinstance(node.arg, nodes.Const) and str(node.arg.value).startswith("_")
        return node.name == "attr" or (
            node.name == "format" and not isinstance(node.node, nodes.Const)
        )

    env = theme_environment(tmp_path)
    found = []
    for name in env.list_templates():
        if name.startswith("!default/") and not name.startswith("!default/static/"):
            tree = env.parse(env.loader.get_source(env, name)[0])
            kinds = (nodes.Getattr, nodes.Getitem, nodes.Filter)
            found += [f"{name}:{n.lineno}" for n in tree.find_all(kinds) if risky(n)]
    assert found == []


def test_the_renderer_s_globals_and_filters_work_in_the_sandbox(tmp_path, capsys):
    """What the theme contract gives templates: `hub`, `site`, `urls`, `cached`,
    `cached_rows`, the filters, the gettext calls, Jinja's own globals."""
    root = hub_with(
        tmp_path,
        {
            "idea.html": override(
                "<h1>{{ idea.title }}</h1>\n"
                "<p id=n>{{ hub.ideas | length }} ideas in {{ site.title }}</p>\n"
                "<p id=u>{{ urls.idea(idea.slug) }} {{ urls.absolute('/x/') }}</p>\n"
                "<p id=d>{{ idea.submitted | date }} {{ idea.submitted | iso }}</p>\n"
                "<p id=p>{{ 3 | plural('vote') }} {{ 0.5 | percent }} {{ 1234 | number }}</p>\n"
                "<p id=t>{{ _('Ideas') }} {% trans n=2 %}{{ n }} idea{% pluralize %}{{ n }} ideas"
                "{% endtrans %} {{ ngettext('%(num)s vote', '%(num)s votes', 1) }}</p>\n"
                "<p id=c>{{ cached('status', idea.status) }}</p>\n"
                "{% for i in range(2) %}{{ loop.index }}{{ cycler('a', 'b').next() }}{% endfor %}\n"
                "<ul>{{ cached_rows('status', ['planned', 'shipped']) }}</ul>\n"
                "{{ '{}-{}'.format('a', 2) }} {{ 2 * 3 }} {{ 2 ** 10 }}"
            )
        },
    )
    status, _, err = run(capsys, "build", "--root", str(root))
    assert status == 0, err
    page = (root / "site/ideas/dark-mode/index.html").read_text(encoding="utf-8")
    assert "<h1>Dark mode</h1>" in page
    assert "<p id=n>3 ideas in Test Hub</p>" in page
    assert "<p id=u>/ideas/dark-mode/ https://hub.example.com/x/</p>" in page
    assert "<p id=d>March 2, 2026 2026-03-02</p>" in page
    assert "<p id=p>3 votes 50% 1,234</p>" in page
    assert "<p id=t>Ideas 2 ideas 1 vote</p>" in page
    assert "1a2a" in page and "a-2 6 1024" in page


def test_a_correct_override_of_every_kind_builds(tmp_path, capsys):
    """Themes are first-class: a hub's base layout extending the default's, an include
    of its own partial and an import of the default's macros build like the default
    theme, and `check` finds nothing to say."""
    root = hub_with(
        tmp_path,
        {
            "base.html": '{% extends "!default/base.html" %}\n'
            "{% block head %}{% include 'partials/meta.html' %}{% endblock %}\n",
            "partials/meta.html": '<meta name="hub" content="{{ site.title }}">\n',
            "page.html": '{% extends "base.html" %}\n'
            '{% from "partials/macros.html" import date with context %}\n'
            "{% block main %}<h1>{{ item.title }}</h1>{% endblock %}\n",
        },
    )
    status, out, err = run(capsys, "check", "--root", str(root))
    assert (status, out, err) == (0, [], ["0 errors, 0 warnings in 3 content files"])
    status, _, err = run(capsys, "build", "--root", str(root))
    assert status == 0, err
    page = (root / "site/ideas/dark-mode/index.html").read_text(encoding="utf-8")
    assert '<meta name="hub" content="Test Hub">' in page


# -- compiled by check -----------------------------------------------------------


def test_check_compiles_templates_a_syntax_error_at_its_line(tmp_path, capsys):
    root = hub_with(tmp_path, {"idea.html": override("<h1>{{ idea.title }</h1>")})
    status, out, err = run(capsys, "check", "--root", str(root))
    assert status == 1
    assert out == ["templates/idea.html:3:1: error: template: unexpected '}'"]
    assert err == ["1 error, 0 warnings in 3 content files"]
    status, _, err = run(capsys, "build", "--root", str(root))
    assert (status, err[0]) == (1, "templates/idea.html:3:1: error: template: unexpected '}'")


def test_check_reports_an_unclosed_block_and_a_binary_template(tmp_path, capsys):
    root = hub_with(
        tmp_path,
        {
            "idea.html": override("{% for x in idea.tags %}{{ x }}"),
            "home.html": b"\x89PNG\r\n\x1a\n\x00\x00",
        },
    )
    status, out, _ = run(capsys, "check", "--root", str(root))
    assert status == 1
    assert out == [
        "templates/home.html:1:1: error: template: the file is not UTF-8 (byte 0x89); "
        "save it as UTF-8",
        "templates/idea.html:4:1: error: template: Encountered unknown tag 'endblock'. You "
        "probably made a nesting mistake. Jinja is expecting this tag, but currently looking "
        "for 'endfor' or 'else'. The innermost block that needs to be closed is 'for'.",
    ]


def test_check_finds_a_template_no_one_has(tmp_path, capsys):
    root = hub_with(
        tmp_path,
        {
            "page.html": '{% extends "base.html" %}\n{% block main %}\n'
            '{% include "partials/nope.html" %}\n'
            '{% include "partials/maybe.html" ignore missing %}\n'
            '{% from "!default/nope.html" import x %}\n{% endblock %}\n',
        },
    )
    status, out, _ = run(capsys, "check", "--root", str(root))
    assert status == 1
    hint = (
        "looked for in templates/ and the default theme; !default/NAME is the default theme's own"
    )
    assert out == [
        f"templates/page.html:3:1: error: template: no template named 'partials/nope.html' ({hint})",
        f"templates/page.html:5:1: error: template: no template named '!default/nope.html' ({hint})",
    ]


def test_an_unknown_filter_or_test_is_found_by_check(tmp_path, capsys):
    root = hub_with(tmp_path, {"idea.html": override("{{ idea.title | shout }}")})
    status, out, _ = run(capsys, "check", "--root", str(root))
    assert status == 1
    assert out == ["templates/idea.html:3:1: error: template: No filter named 'shout'."]


def test_an_unused_template_of_the_hub_is_compiled_too(tmp_path, capsys):
    """What is in templates/ (outside static/) is a template, used or not yet."""
    root = hub_with(tmp_path, {"partials/draft.html": "{% if %}", "static/x.txt": "{% if %}"})
    status, out, _ = run(capsys, "check", "--root", str(root))
    assert status == 1
    assert out == [
        "templates/partials/draft.html:1:1: error: template: Expected an expression, got 'end "
        "of statement block'"
    ]


def test_check_s_json_and_github_formats_carry_the_template_field(tmp_path, capsys):
    root = hub_with(tmp_path, {"idea.html": override("{{ idea.title }")})
    status, out, _ = run(capsys, "check", "--root", str(root), "--format", "github")
    assert status == 1
    assert out == ["::error file=templates/idea.html,line=3,col=1::template: unexpected '}'"]


# -- runtime errors in build -----------------------------------------------------

RUNTIME = {
    "undefined attribute": ("{{ idea.titel }}", "'Idea object' has no attribute 'titel'"),
    "undefined name": ("{{ nothing_here }}", "'nothing_here' is undefined"),
    "division by zero": ("{{ 1 / 0 }}", "ZeroDivisionError: division by zero"),
    "a call on None": ("{{ none() }}", "TypeError: 'NoneType' object is not callable"),
    "a bad value for a filter": (
        "{{ idea.title | date }}",
        "TypeError: the date filter takes a date, found str",
    ),
    "a filter called wrong": (
        "{{ idea.tags | plural }}",
        "TypeError: plural() missing 1 required positional argument: 'singular'",
    ),
    "a template including itself through the default": (
        '{% include "idea.html" %}',
        "templates or macros call each other without end (too deep)",
    ),
    "a recursive macro": (
        "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
        "templates or macros call each other without end (too deep)",
    ),
    "an include by a name made at render": (
        "{% include site.title ~ '.html' %}",
        "no template named 'Test Hub.html'",
    ),
}


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("name", list(RUNTIME))
def test_a_runtime_error_is_one_diagnostic_and_the_old_site_stays(tmp_path, capsys, name, jobs):
    payload, message = RUNTIME[name]
    root = hub_with(tmp_path, {})
    assert run(capsys, "build", "--root", str(root))[0] == 0
    before = snapshot(root / "site")
    (root / "templates/idea.html").write_text(override(payload), encoding="utf-8")
    status, _, err = run(capsys, "build", "--root", str(root), "--jobs", jobs)
    assert status == 1
    assert err == [
        f"templates/idea.html:3:1: error: template: {message} "
        "(while rendering /ideas/dark-mode/ and 2 other pages)",
        f"cohub: 1 error: nothing was written, {root / 'site'} is as it was",
    ]
    assert snapshot(root / "site") == before
    assert [p.name for p in root.iterdir() if p.name.startswith(".site")] == []


def test_distinct_errors_are_each_reported_once_with_their_pages(tmp_path, capsys):
    root = hub_with(
        tmp_path,
        {
            "idea.html": override(
                "{% if idea.slug == 'sso' %}{{ idea.nope }}{% endif %}\n{{ 1 // 0 }}"
            ),
            "page.html": "{{ item.missing }}",
        },
    )
    (root / "content/pages").mkdir(parents=True)
    (root / "content/pages/about.md").write_text("---\ntitle: About\n---\nUs.\n", encoding="utf-8")
    status, _, err = run(capsys, "build", "--root", str(root), "--jobs", "3")
    assert status == 1
    assert err[:-1] == [
        "templates/idea.html:3:1: error: template: 'Idea object' has no attribute 'nope' "
        "(while rendering /ideas/sso/)",
        "templates/idea.html:4:1: error: template: ZeroDivisionError: integer division or "
        "modulo by zero (while rendering /ideas/dark-mode/ and 1 other page)",
        "templates/page.html:1:1: error: template: 'Page object' has no attribute 'missing' "
        "(while rendering /about/)",
    ]


def test_an_error_in_the_default_theme_s_file_says_so(tmp_path, capsys):
    """The line is in the default theme's partial, which this page includes with a
    context it does not have."""
    root = hub_with(
        tmp_path,
        {"idea.html": override('{% include "!default/partials/figures.html" %}')},
    )
    status, _, err = run(capsys, "build", "--root", str(root))
    assert status == 1
    assert err[0] == (
        "templates/partials/figures.html:2:1: error: template: 'figures' is undefined "
        "(in the default theme, while rendering /ideas/dark-mode/ and 2 other pages)"
    )


def test_an_error_in_a_feed_entry_template_is_a_diagnostic(tmp_path, capsys):
    """Feed entries render through feed-entry.html: its errors name the feed."""
    root = hub_with(tmp_path, {"feed-entry.html": "{{ kind.upper() }}{{ event.nope }}"})
    status, _, err = run(capsys, "build", "--root", str(root), "--jobs", "2")
    assert status == 1
    assert err == [
        "templates/feed-entry.html:1:1: error: template: 'event' is undefined "
        "(while rendering /changelog/feed.xml and 16 other pages)",
        f"cohub: 1 error: nothing was written, {root / 'site'} is as it was",
    ]


def test_a_bug_in_cohub_is_still_an_internal_error(tmp_path, capsys, monkeypatch):
    """Only errors from templates become template diagnostics."""
    from builder.render import Renderer

    root = hub_with(tmp_path, {})

    def broken(self, route):
        raise KeyError("a bug")

    monkeypatch.setattr(Renderer, "_idea", broken)
    status, _, err = run(capsys, "build", "--root", str(root))
    assert status == 70
    assert err == ["cohub: internal error: KeyError: 'a bug' (run with --debug for details)"]


# -- the preview -----------------------------------------------------------------


def preview(root: Path) -> Preview:
    made = Preview(root, environ={"SOURCE_DATE_EPOCH": EPOCH})
    assert not made.rebuild().broken
    return made


def test_the_preview_shows_a_template_error_and_heals(tmp_path):
    root = hub_with(tmp_path, {})
    shown = preview(root)
    good = shown.snapshot.files
    page = root / "templates/idea.html"
    for payload, message in [
        ("{{ idea.title }", "templates/idea.html:3:1: error: template: unexpected '}'"),
        (
            "{{ idea.titel }}",
            "templates/idea.html:3:1: error: template: 'Idea object' has no attribute "
            "'titel' (while rendering /ideas/dark-mode/ and 2 other pages)",
        ),
        (
            "{{ cycler.__init__ }}",
            "templates/idea.html:3:1: error: template: access to attribute '__init__' of "
            "'type' object is unsafe. (while rendering /ideas/dark-mode/ and 2 other pages)",
        ),
    ]:
        page.write_text(override(payload), encoding="utf-8")
        snap = shown.rebuild({"templates/idea.html"}, {"template"})
        assert [d.text() for d in snap.problems] == [message]
        assert snap.files is good  # the last good build is still served
    page.write_bytes(b"\xff\xfe{{")
    snap = shown.rebuild({"templates/idea.html"}, {"template"})
    assert [d.text() for d in snap.problems] == [
        "templates/idea.html:1:1: error: template: the file is not UTF-8 (byte 0xff); "
        "save it as UTF-8"
    ]
    page.write_text(override("<h1>Healed: {{ idea.title }}</h1>"), encoding="utf-8")
    snap = shown.rebuild({"templates/idea.html"}, {"template"})
    assert not snap.broken
    assert b"<h1>Healed: Dark mode</h1>" in snap.files["ideas/dark-mode/index.html"]


def test_content_that_breaks_a_template_is_shown_and_an_edit_heals_it(tmp_path):
    """A content edit the preview patches, which the hub's template cannot render:
    the diagnostic names the template, and the next good edit renders whole."""
    root = hub_with(
        tmp_path,
        {"idea.html": override("{{ 100 // (idea.title | length - 4) }}<h1>{{ idea.title }}</h1>")},
    )
    shown = preview(root)
    idea = root / "content/ideas/dark-mode.md"
    idea.write_text(IDEA.format(title="Dark"), encoding="utf-8")
    snap = shown.rebuild({"content/ideas/dark-mode.md"}, {"content"})
    assert [d.text() for d in snap.problems] == [
        "templates/idea.html:3:1: error: template: ZeroDivisionError: integer division or "
        "modulo by zero (while rendering /ideas/dark-mode/)"
    ]
    assert b"<h1>Dark mode</h1>" in snap.files["ideas/dark-mode/index.html"]
    idea.write_text(IDEA.format(title="Dark theme"), encoding="utf-8")
    snap = shown.rebuild({"content/ideas/dark-mode.md"}, {"content"})
    assert not snap.broken
    assert b"<h1>Dark theme</h1>" in snap.files["ideas/dark-mode/index.html"]
    assert b"<h1>SSO</h1>" in snap.files["ideas/sso/index.html"]


def test_the_preview_survives_a_bug_in_cohub(tmp_path, monkeypatch):
    from builder.render import Renderer

    root = hub_with(tmp_path, {})
    shown = preview(root)
    good = shown.snapshot.files
    original = Renderer._idea

    def broken(self, route):
        raise KeyError("a bug")

    monkeypatch.setattr(Renderer, "_idea", broken)
    sso = root / "content/ideas/sso.md"
    sso.write_text(sso.read_text(encoding="utf-8") + "\nAn edit.\n", encoding="utf-8")
    snap = shown.rebuild({"content/ideas/sso.md"}, {"content"})
    assert [d.text() for d in snap.problems] == [
        "cohub:1:1: error: internal error: KeyError: 'a bug' (a bug in cohub, not in the "
        "hub; cohub build --debug shows where)"
    ]
    assert snap.files is good
    monkeypatch.setattr(Renderer, "_idea", original)
    snap = shown.rebuild({"content/ideas/sso.md"}, {"content"})
    assert not snap.broken and "ideas/sso/index.html" in snap.files


def test_a_served_preview_overlays_a_template_error_and_heals(tmp_path):
    """Through the server and its watcher, as tests/test_serve.py runs it."""
    from test_serve import Server

    root = hub_with(tmp_path, {})
    server = Server(root)
    server.thread.start()
    try:
        assert server.ready.wait(15), server.log.getvalue()
        time.sleep(0.3)  # the watcher starts
        page = root / "templates/idea.html"
        page.write_text(override("{{ idea.title }"), encoding="utf-8")
        body = server.wait_for("/ideas/dark-mode/", lambda s, b: "cohub-overlay" in b, "overlay")
        assert "templates/idea.html:3:1" in body and "unexpected &#x27;}&#x27;" in body
        assert "<h1>Dark mode</h1>" in body  # the last good build
        page.write_text(override("<h1>Fixed {{ idea.title }}</h1>"), encoding="utf-8")
        body = server.wait_for("/ideas/dark-mode/", lambda s, b: "Fixed Dark mode" in b, "heal")
        assert "cohub-overlay" not in body
        assert "has errors; serving the last good build" in server.log.getvalue()
    finally:
        server.stop.set()
        server.thread.join(15)
    assert not server.thread.is_alive()


# -- arbitrary templates ---------------------------------------------------------

PIECES = st.sampled_from(
    [
        "{{ idea.title }}",
        "{{ idea.",
        "}}",
        "{%",
        "%}",
        "{% if idea.tags %}",
        "{% endif %}",
        "{% for t in idea.tags %}",
        "{% endfor %}",
        "{{ hub.ideas | length }}",
        "{#",
        "#}",
        "{{ cached('status', idea.status) }}",
        "{{ urls.idea(idea.slug) }}",
        "{{ 1/0 }}",
        "{% include 'nope.html' %}",
        "{% block x %}",
        "{% endblock %}",
        "{{ idea.__class__ }}",
        "{{ x | nofilter }}",
        "{{ idea.submitted | date }}",
        "{% raw %}",
        "{% endraw %}",
        "{{ lipsum() }}",
        "{% set a = 2 ** 3 %}{{ a }}",
        "<p>",
        "\x00",
        "\u2028",
        "é",
        "{{ '%s' | format(idea) }}",
        "{{ range(3) | list }}",
        "{{ super() }}",
        "{% macro m() %}",
        "{% endmacro %}",
        "{{ m() }}",
        "{% extends 'base.html' %}",
        "{{ idea['title'] }}",
    ]
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=12))
def test_no_template_crashes_check_build_or_the_preview(tmp_path_factory, pieces):
    """Whatever a template says, `check`, `build` and the preview answer with
    diagnostics at templates/idea.html, never an internal error; a build `check`
    passed fails only at a runtime error of that template."""
    root = hub_with(tmp_path_factory.mktemp("t"), {"idea.html": override("".join(pieces))})
    out = io.StringIO()
    checked = run_check(root, out=out, err=io.StringIO(), environ={"SOURCE_DATE_EPOCH": EPOCH})
    result = build(root, environ={"SOURCE_DATE_EPOCH": EPOCH}, jobs=2)
    errors = [d.text() for d in result.problems.errors]
    assert all(e.startswith("templates/idea.html:") for e in errors), errors
    if checked == 0:
        assert out.getvalue() == ""
        assert result.ok or all("(while rendering /" in e for e in errors), errors
    else:
        assert not result.ok
    snap = Preview(root, environ={"SOURCE_DATE_EPOCH": EPOCH}).rebuild()
    assert all(d.path == "templates/idea.html" for d in snap.problems), snap.problems
