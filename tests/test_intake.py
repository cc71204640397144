"""`cohub intake`: GitHub issue-form submissions, labelled `accepted`, become changes.

Every test goes through the command line on a small hub with its own copy of the
forms, and the events are shaped like the payloads GitHub gives a workflow
(tests/events/*.json); the splice intake shares with `cohub new update` is also
tested on its own, where the command line cannot reach.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import EPOCH, HUB_YAML, ROOT, lines, write_hub

from builder import cli, forms, intake, splice
from builder.build import build
from builder.content import split_front_matter

EVENTS = Path(__file__).parent / "events"

DARK_MODE = """\
---
title: Dark mode
submitted: 2026-01-20
author: kwame-mensah
tags: [design, Accessibility]
# Others who asked, oldest first.
supporters:
  - sofia-marchetti   # asked at the meetup
  - {name: "Grace Oduya"}
updates:
  - date: 2026-02-27
    status: planned
    by: tomas
    note: >-
      Planned, after the receipts work.
---
I do my invoicing at night.
"""

CSV_EXPORT = """\
---
title: CSV export
submitted: 2026-01-21
author: bob
tags: [reports, Accessibility]
---
Please.
"""

IDEA_TEXT = """\
---
title: "Dark mode for the mobile app"
submitted: 2026-03-03
author: kwame-mensah
product: mobile
tags: [design, Accessibility]
source: "https://github.com/acme/hub/issues/12"
---
I do my invoicing at night, in a dark room, and the app is blinding white.

Everything else on my phone is dark.
"""


@pytest.fixture(autouse=True)
def pinned_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture
def make_hub(tmp_path):
    """A hub in tmp_path/hub with the forms of tests/events/`forms` (None: none)."""

    def make(files=None, forms: str | None = "forms", hub_yaml: str = HUB_YAML) -> Path:
        root = tmp_path / "hub"
        root.mkdir(exist_ok=True)
        write_hub(root, files or {}, hub_yaml)
        if forms:
            shutil.copytree(EVENTS / forms, root / ".github" / "ISSUE_TEMPLATE")
        return root

    return make


@pytest.fixture
def run(tmp_path, capsys):
    """run(root, payload) writes the payload (a fixture's name, a dict, or raw text)
    beside the hub and runs `cohub intake` on it: (exit status, stdout, stderr)."""

    def go(root: Path, payload, name: str = "event.json") -> tuple[int, str, str]:
        path = tmp_path / name
        if isinstance(payload, str) and re.fullmatch(r"[a-z-]+", payload):
            payload = event(payload)
        if isinstance(payload, bytes):
            path.write_bytes(payload)
        elif isinstance(payload, str):
            path.write_text(payload, encoding="utf-8")
        else:
            path.write_text(json.dumps(payload), encoding="utf-8")
        capsys.readouterr()
        code = cli.main(["intake", str(path), "--root", str(root)])
        out, err = capsys.readouterr()
        return code, out, err.replace(str(path), "EVENT")

    return go


def event(name: str, **issue) -> dict:
    """A fixture's payload, with some of its issue's fields replaced."""
    payload = json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))
    if issue:
        payload["issue"].update(issue)
    return payload


def idea_body(idea: str, product: str = "_No response_", tags: str = "_No response_") -> str:
    return f"### Your idea\n\n{idea}\n\n### Product\n\n{product}\n\n### Tags\n\n{tags}"


def me_too(idea: str, why: str = "_No response_", number: int = 15, login: str = "LiWei") -> dict:
    body = f"### Idea\n\n{idea}\n\n### Why does it matter to you?\n\n{why}"
    return event("me-too", body=body, number=number, user={"login": login, "id": 1})


def front_and_body(path: Path) -> tuple[dict, str]:
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), body


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


HUB = {"content/ideas/dark-mode.md": DARK_MODE, "content/ideas/csv-export.md": CSV_EXPORT}


# -- the idea form ---------------------------------------------------------------------


def test_an_accepted_idea_becomes_an_idea_file(make_hub, run):
    root = make_hub(HUB)
    code, out, err = run(root, "idea")
    assert (code, out) == (0, "content/ideas/dark-mode-for-the-mobile-app.md\n")
    assert err == (
        "cohub: took in issue #12 as content/ideas/dark-mode-for-the-mobile-app.md "
        "(by kwame-mensah; product mobile; tags design, Accessibility; "
        "not in the hub, left out: tag 'night owls')\n"
    )
    # The title without the form's "[Idea] " prefix, the UTC date it was opened
    # (23:30 at -02:00 is the next day), the login as a handle, the product by its
    # display name, the tags the hub has in its own spelling, the customer's words.
    assert (root / out.strip()).read_text(encoding="utf-8") == IDEA_TEXT
    assert lines(root) == []


def test_intake_output_passes_check(make_hub, run, capsys):
    root = make_hub(HUB)
    for payload in ("idea", "hostile", "me-too"):
        assert run(root, payload)[0] == 0
    assert cli.main(["check", "--root", str(root), "--strict"]) == 0
    assert capsys.readouterr().err == "0 errors, 0 warnings in 4 content files\n"


def test_intake_changes_nothing_else(make_hub, run):
    root = make_hub(HUB)
    before = snapshot(root)
    code, out, _ = run(root, "idea")
    after = snapshot(root)
    assert code == 0
    assert after.keys() - before.keys() == {out.strip()}
    assert {k: v for k, v in after.items() if k in before} == before


HOSTILE_TITLE = (
    '--- title: pwned {{ 7*7 }} {% include "x" %} <script>alert(1)</script> "quoted" '
    "'single' key: value # no comment [a, b] &anchor *alias !!python/object evil bell"
)

HOSTILE_BODY = """\
---
title: not the title
author: mallory
---
<script>alert('body')</script>
{{ 7*7 }} {% raw %}x{% endraw %}

<img src=x onerror=alert(2)>
"""


def test_a_body_built_to_make_a_regex_backtrack_is_read_in_one_pass(make_hub, run):
    """Unclosed comments and a heading line of spaces: an issue body is untrusted,
    and each once cost time quadratic in its length (seconds at this size)."""
    root = make_hub(HUB)
    words = "<!--" * 20_000 + " Please add dark mode."
    body = f"### Your idea\n\n{words}\n\n###{' ' * 50_000}\n\n### Product\n\nWeb app\n\n### Tags\n\n_No response_\n"
    code, out, err = run(root, event("idea", body=body))
    assert code == 0, err
    written = (root / out.strip()).read_text(encoding="utf-8")
    assert written.endswith(words + "\n\n###\n")


def test_hostile_words_stay_words(make_hub, run, tmp_path):
    root = make_hub(HUB)
    code, out, err = run(root, "hostile")
    rel = "content/ideas/title-pwned-7-7-include-x-script-alert-1-script-quoted-single-key-value-no.md"
    assert (code, out) == (0, rel + "\n")
    assert (
        err
        == f"cohub: took in issue #13 as {rel} (by mallory; removed 3 invisible control characters)\n"
    )
    front, body = front_and_body(root / rel)
    # Newlines in the title became spaces, the bell and the bidi override are gone;
    # everything else is the customer's, as a value and as the body.
    assert front == {
        "title": HOSTILE_TITLE,
        "submitted": date(2026, 3, 3),
        "author": "mallory",
        "source": "https://github.com/acme/hub/issues/13",
    }
    assert body == HOSTILE_BODY
    assert lines(root) == []
    result = build(root, tmp_path / "site", environ={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.ok
    page = (tmp_path / "site" / "ideas" / Path(rel).stem / "index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the title, as text
    assert "{{ 7*7 }}" in page  # Jinja syntax is text, not run
    for html in (tmp_path / "site").rglob("*.html"):
        text = html.read_text()
        assert "<script>alert" not in text and "onerror" not in text, html


def test_the_same_title_twice_gets_a_number(make_hub, run):
    root = make_hub(HUB)
    assert run(root, "idea")[1] == "content/ideas/dark-mode-for-the-mobile-app.md\n"
    again = event("idea", number=14, html_url="https://github.com/acme/hub/issues/14")
    code, out, err = run(root, again)
    assert (code, out) == (0, "content/ideas/dark-mode-for-the-mobile-app-2.md\n")
    assert err == (
        "cohub: took in issue #14 as content/ideas/dark-mode-for-the-mobile-app-2.md "
        "(by kwame-mensah; product mobile; tags design, Accessibility; "
        "content/ideas/dark-mode-for-the-mobile-app.md exists: a duplicate?; "
        "not in the hub, left out: tag 'night owls')\n"
    )
    third = event("idea", number=16, html_url="https://github.com/acme/hub/issues/16")
    assert run(root, third)[1] == "content/ideas/dark-mode-for-the-mobile-app-3.md\n"


def test_a_title_without_slug_characters_is_named_by_its_number(make_hub, run):
    root = make_hub(HUB)
    code, out, _ = run(root, event("idea", title="💡 ✨ !!!", number=42))
    assert (code, out) == (0, "content/ideas/idea-42.md\n")
    assert front_and_body(root / out.strip())[0]["title"] == "💡 ✨ !!!"


def test_a_long_title_gives_a_slug_cut_at_a_hyphen(make_hub, run):
    root = make_hub(HUB)
    title = "Let me export every report " + "as a spreadsheet " * 10
    code, out, _ = run(root, event("idea", title=title))
    slug = Path(out.strip()).stem
    assert code == 0 and len(slug) <= 80 and not slug.endswith("-")
    assert (
        slug == "let-me-export-every-report-as-a-spreadsheet-as-a-spreadsheet-as-a-spreadsheet-as"
    )
    assert front_and_body(root / out.strip())[0]["title"] == title.strip()


def test_a_slug_the_site_keeps_is_not_used(make_hub, run):
    root = make_hub(HUB)
    code, out, err = run(root, event("idea", title="Page"))
    assert (code, out) == (0, "content/ideas/page-2.md\n")
    assert err == (
        "cohub: took in issue #12 as content/ideas/page-2.md (by kwame-mensah; product mobile; "
        "tags design, Accessibility; not in the hub, left out: tag 'night owls')\n"
    )


def test_an_issue_labelled_twice_is_taken_in_once(make_hub, run):
    root = make_hub(HUB)
    run(root, "idea")
    before = snapshot(root)
    assert run(root, "idea") == (
        0,
        "",
        "cohub: issue #12 was already taken in as "
        "content/ideas/dark-mode-for-the-mobile-app.md; nothing to do\n",
    )
    assert snapshot(root) == before


def test_a_product_or_tags_the_hub_lacks_are_left_out(make_hub, run):
    root = make_hub(HUB)
    body = idea_body("Print it.", product="Desktop", tags="#Reports, ACCESSIBILITY, , Printing")
    code, out, err = run(root, event("idea", body=body))
    assert code == 0
    assert err == (
        "cohub: took in issue #12 as content/ideas/dark-mode-for-the-mobile-app.md "
        "(by kwame-mensah; tags reports, Accessibility; "
        "not in the hub, left out: product 'Desktop', tag 'Printing')\n"
    )
    front, body = front_and_body(root / out.strip())
    assert "product" not in front
    assert front["tags"] == ["reports", "Accessibility"]
    assert body == "Print it.\n"


def test_a_heading_in_the_customers_words_stays_in_them(make_hub, run):
    root = make_hub(HUB)
    words = "First.\n\n### Product\n\nNot this one.\n\n### Tags\n\nnor this"
    code, out, _ = run(root, event("idea", body=idea_body(words, "Web app", "reports")))
    assert code == 0
    front, body = front_and_body(root / out.strip())
    assert (front["product"], front["tags"], body) == ("web", ["reports"], words + "\n")


def test_logins_become_handles(make_hub, run):
    root = make_hub(HUB)
    bot = event("idea", user={"login": "Renovate[bot]", "id": 2})
    assert run(root, bot)[0] == 0
    assert front_and_body(root / "content/ideas/dark-mode-for-the-mobile-app.md")[0]["author"] == (
        "renovate-bot"
    )


def test_the_label_is_accepted_in_any_case(make_hub, run):
    root = make_hub(HUB)
    payload = {**event("idea"), "label": {"name": "Accepted"}}
    assert run(root, payload)[:2] == (0, "content/ideas/dark-mode-for-the-mobile-app.md\n")


def test_warnings_about_the_written_file_are_shown(make_hub, run):
    root = make_hub({**HUB, "content/people/kwame-mensah.md": "---\nname: Kwame Mensah\n---\n"})
    code, out, err = run(root, event("idea", user={"login": "Kwame-Mensa", "id": 3}))
    assert (code, out) == (0, "content/ideas/dark-mode-for-the-mobile-app.md\n")
    assert err.splitlines() == [
        "content/ideas/dark-mode-for-the-mobile-app.md:4:9: warning: author: 'kwame-mensa' "
        "has no profile in content/people/ (did you mean 'kwame-mensah'?)",
        "cohub: took in issue #12 as content/ideas/dark-mode-for-the-mobile-app.md "
        "(by kwame-mensa; product mobile; tags design, Accessibility; "
        "not in the hub, left out: tag 'night owls')",
    ]


def test_control_characters_and_lone_surrogates_are_removed(make_hub, run):
    root = make_hub(HUB)
    # JSON can carry what UTF-8 cannot: a lone surrogate.
    payload = event(
        "idea", title="Tabs\x00 and\x7f bells", body=idea_body("A\x07B\ud800C\uffffD\tE")
    )
    code, out, err = run(root, payload)
    assert code == 0
    assert err.endswith("removed 5 invisible control characters)\n")
    front, body = front_and_body(root / out.strip())
    assert (front["title"], body) == ("Tabs and bells", "ABCD\tE\n")


# -- the "I want this too" form ----------------------------------------------------------


def test_me_too_adds_a_supporter_to_a_block_list(make_hub, run):
    root = make_hub(HUB)
    before = snapshot(root)
    code, out, err = run(root, "me-too")
    assert (code, out) == (0, "content/ideas/dark-mode.md\n")
    assert err == "cohub: issue #15: added liwei to the supporters of content/ideas/dark-mode.md\n"
    text = (root / "content/ideas/dark-mode.md").read_text(encoding="utf-8")
    # One line more, in the list's own style; every other byte as it was.
    assert text == DARK_MODE.replace(
        '  - {name: "Grace Oduya"}\n', '  - {name: "Grace Oduya"}\n  - liwei\n'
    )
    after = snapshot(root)
    assert {k: v for k, v in after.items() if k != out.strip()} == {
        k: v for k, v in before.items() if k != out.strip()
    }
    assert lines(root) == []


@pytest.mark.parametrize(
    ("supporters", "expected"),
    [
        (
            "supporters: [sofia, {name: Grace}]  # flow\n",
            "supporters: [sofia, {name: Grace}, liwei]  # flow\n",
        ),
        ("supporters: []\n", "supporters: [liwei]\n"),
        ("supporters: [\n    sofia,\n  ]\n", "supporters: [\n    sofia, liwei,\n  ]\n"),
        ("supporters:\n- sofia\n", "supporters:\n- sofia\n- liwei\n"),
        ("supporters:\n    -   sofia\n", "supporters:\n    -   sofia\n    -   liwei\n"),
        (
            "supporters:\n  - name: Grace\n    # a comment\n",
            "supporters:\n  - name: Grace\n  - liwei\n    # a comment\n",
        ),
        ("supporters:   # none yet\n", "supporters:   # none yet\n  - liwei\n"),
        ("supporters: ~\n", "supporters: [liwei]\n"),
    ],
)
def test_me_too_keeps_the_style_of_the_list(make_hub, run, supporters, expected):
    template = (
        "---\ntitle: Dark mode\nsubmitted: 2026-01-20\nauthor: bob\n{}tags: [x]\n---\nWords.\n"
    )
    root = make_hub({"content/ideas/dark-mode.md": template.format(supporters)})
    code, out, err = run(root, "me-too")
    assert (code, out) == (0, "content/ideas/dark-mode.md\n"), err
    assert (root / "content/ideas/dark-mode.md").read_text() == template.format(expected)
    assert lines(root) == []


def test_me_too_without_supporters_adds_the_key_at_the_end(make_hub, run):
    text = DARK_MODE.replace(
        "# Others who asked, oldest first.\nsupporters:\n  - sofia-marchetti   # asked at the meetup\n"
        '  - {name: "Grace Oduya"}\n',
        "",
    )
    root = make_hub({"content/ideas/dark-mode.md": text})
    assert run(root, "me-too")[0] == 0
    # After the last answer's folded note, in the file's own list indentation.
    assert (root / "content/ideas/dark-mode.md").read_text() == text.replace(
        "receipts work.\n---\n", "receipts work.\nsupporters:\n  - liwei\n---\n"
    )
    assert lines(root) == []


def test_me_too_keeps_crlf_line_endings_and_a_bom(make_hub, run):
    root = make_hub({})
    path = root / "content/ideas/dark-mode.md"
    path.parent.mkdir(parents=True)
    original = "\ufeff---\r\ntitle: Dark mode\r\nsubmitted: 2026-01-20\r\nauthor: bob\r\nsupporters:\r\n  - sofia\r\n---\r\nWords.\r\n"
    path.write_bytes(original.encode())
    assert run(root, "me-too")[0] == 0
    assert (
        path.read_bytes()
        == original.replace("  - sofia\r\n", "  - sofia\r\n  - liwei\r\n").encode()
    )


def test_me_too_twice_or_by_the_author_has_nothing_to_do(make_hub, run):
    root = make_hub(HUB)
    run(root, "me-too")
    before = snapshot(root)
    assert run(root, "me-too") == (
        0,
        "",
        "cohub: issue #15: liwei is already a supporter of dark-mode; nothing to do\n",
    )
    assert run(root, me_too("dark-mode", login="Kwame-Mensah")) == (
        0,
        "",
        "cohub: issue #15: kwame-mensah is the author of dark-mode; nothing to do\n",
    )
    assert snapshot(root) == before


def test_me_too_on_a_duplicate_supports_the_original(make_hub, run):
    night = "---\ntitle: Night theme\nsubmitted: 2026-02-01\nauthor: erin\nduplicate_of: dark-mode\n---\nDark.\n"
    root = make_hub({**HUB, "content/ideas/night-theme.md": night})
    code, out, err = run(root, me_too("night-theme"))
    assert (code, out) == (0, "content/ideas/dark-mode.md\n")
    assert err == (
        "cohub: issue #15: added liwei to the supporters of content/ideas/dark-mode.md "
        "(content/ideas/night-theme.md, which was asked for, is a duplicate of it)\n"
    )
    assert (root / "content/ideas/night-theme.md").read_text() == night
    assert run(root, me_too("dark-mode", login="erin")) == (
        0,
        "",
        "cohub: issue #15: erin already asked for it in content/ideas/night-theme.md, "
        "a duplicate of dark-mode; nothing to do\n",
    )


@pytest.mark.parametrize(
    "named",
    [
        "dark-mode",
        "  Dark-Mode ",
        "https://hub.example.com/ideas/dark-mode/",
        "/ideas/dark-mode/",
        "Dark mode",
    ],
)
def test_me_too_finds_the_idea_by_slug_url_or_title(make_hub, run, named):
    root = make_hub(HUB)
    assert run(root, me_too(named))[:2] == (0, "content/ideas/dark-mode.md\n")


def test_me_too_on_an_unknown_idea_says_what_is_close(make_hub, run):
    root = make_hub(HUB)
    before = snapshot(root)
    assert run(root, me_too("dark-mod")) == (
        1,
        "",
        "cohub: issue #15 wants an idea that does not exist: 'dark-mod' (did you mean 'dark-mode'?)\n",
    )
    assert run(root, me_too("quantum teleport"))[2] == (
        "cohub: issue #15 wants an idea that does not exist: 'quantum teleport'\n"
    )
    assert run(root, me_too("_No response_"))[2] == (
        "cohub: issue #15 does not say which idea it wants too\n"
    )
    assert snapshot(root) == before


# -- forms -------------------------------------------------------------------------------


def test_translated_forms_are_mapped_by_field_id(make_hub, run):
    root = make_hub(HUB, forms="forms-de", hub_yaml=HUB_YAML.replace("Mobile app", "Mobile-App"))
    code, out, err = run(root, "idea-de")
    assert (code, out) == (0, "content/ideas/dunkler-modus-fur-die-mobile-app.md\n"), err
    front, body = front_and_body(root / out.strip())
    assert (front["title"], front["product"], front["tags"]) == (
        "Dunkler Modus für die Mobile-App",
        "mobile",
        ["design"],
    )
    assert body == "Nachts ist die App viel zu hell.\n"
    german = "### Idee\n\ndark-mode\n\n### Warum ist sie Ihnen wichtig?\n\n_No response_"
    assert run(root, event("me-too", body=german))[:2] == (0, "content/ideas/dark-mode.md\n")


def test_without_forms_the_default_headings_are_read(make_hub, run):
    root = make_hub(HUB, forms=None)
    body = "### Your idea\n\nPlease.\n\n### Product\n\nWeb app\n\n### Tags\n\n_No response_"
    code, out, _ = run(root, event("idea", title="Dark mode for the mobile app", body=body))
    assert (code, out) == (0, "content/ideas/dark-mode-for-the-mobile-app.md\n")
    assert front_and_body(root / out.strip())[0]["product"] == "web"
    code, _, err = run(root, event("idea", body="### Something else\n\nPlease."))
    assert code == 1
    assert err == (
        "cohub: issue #12 is labelled 'idea' but its body does not follow cohub's default "
        "idea form: it has no '### Your idea', '### Product', '### Tags' (was it edited?)\n"
    )
    unlabelled = event("idea", body="Just words.", labels=[])
    assert run(root, unlabelled)[2] == (
        "cohub: issue #12 was not made with a form cohub knows: there are no forms cohub can "
        "read in .github/ISSUE_TEMPLATE, and its body has neither the headings of cohub's idea "
        "form ('### Your idea', '### Product', '### Tags') nor those of its me-too form "
        "('### Idea', '### Why you need it')\n"
    )
    # A form that is not YAML is named, rather than passed over in silence.
    (root / ".github/ISSUE_TEMPLATE").mkdir(parents=True)
    (root / ".github/ISSUE_TEMPLATE/idea.yml").write_text("name: Idea\nname: Idea\nbody: []\n")
    assert run(root, unlabelled)[2].endswith(
        "('### Idea', '### Why you need it'); .github/ISSUE_TEMPLATE/idea.yml: "
        "duplicate key 'name' (first at line 1) (line 2)\n"
    )


def test_the_default_forms_are_those_cohub_init_writes():
    # This repository's own forms are the ones `cohub init` writes, for its example hub.
    starter = ROOT / ".github" / "ISSUE_TEMPLATE"
    if not starter.is_dir():
        pytest.skip("no forms in this checkout")
    for name, text in forms.DEFAULT_FORMS.items():
        default = forms.parse_form(Path(name), text)
        written = forms.parse_form(starter / name, (starter / name).read_text(encoding="utf-8"))
        assert [(f.type, f.id, f.label) for f in default.fields] == [
            (f.type, f.id, f.label) for f in written.fields
        ]
        assert default.labels == written.labels


def test_forms_at_the_top_of_the_repository_serve_a_hub_in_a_subfolder(tmp_path, run, capsys):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    forms_folder = tmp_path / "repo" / ".github" / "ISSUE_TEMPLATE"
    shutil.copytree(EVENTS / "forms", forms_folder)
    (tmp_path / "repo" / "hub").mkdir()
    root = write_hub(tmp_path / "repo" / "hub", HUB)
    assert run(root, "idea")[:2] == (0, "content/ideas/dark-mode-for-the-mobile-app.md\n")
    # check names the form from the hub root, as every diagnostic does.
    idea_form = forms_folder / "idea.yml"
    idea_form.write_text(idea_form.read_text().replace("        - Mobile app\n", ""))
    assert cli.main(["check", "--root", str(root)]) == 0
    assert capsys.readouterr().out == (
        "../.github/ISSUE_TEMPLATE/idea.yml:23:9: warning: body[3].attributes.options: the "
        "product options differ from hub.yaml's products: missing 'Mobile app' (list the "
        "display name of each product in hub.yaml)\n"
    )
    # A pull request's annotation needs the path from the repository top.
    assert cli.main(["check", "--root", str(root), "--format", "github"]) == 0
    assert capsys.readouterr().out.startswith(
        "::warning file=.github/ISSUE_TEMPLATE/idea.yml,line=23,col=9::"
    )


def test_an_edited_body_that_follows_no_form_is_refused(make_hub, run):
    root = make_hub(HUB)
    edited = event("idea", body="### Your idea\n\nPlease.\n\n### Tags\n\nreports")
    assert run(root, edited) == (
        1,
        "",
        "cohub: issue #12 is labelled 'idea' but its body does not follow "
        ".github/ISSUE_TEMPLATE/idea.yml: it has no '### Product' (was it edited?)\n",
    )
    shuffled = event("idea", body="### Your idea\n\nA\n\n### Tags\n\nx\n\n### Product\n\nWeb app")
    assert run(root, shuffled)[2] == (
        "cohub: issue #12 is labelled 'idea' but its body does not follow "
        ".github/ISSUE_TEMPLATE/idea.yml: its headings are not '### Your idea', "
        "'### Product', '### Tags' in that order, each with its answer (was it edited?)\n"
    )
    plain = event("idea", body="I would like dark mode.", labels=[])
    assert run(root, plain)[2] == (
        "cohub: issue #12 was not made with the hub's forms: its body has neither the headings "
        "of .github/ISSUE_TEMPLATE/idea.yml ('### Your idea', '### Product', '### Tags') nor "
        "those of .github/ISSUE_TEMPLATE/me-too.yml ('### Idea', '### Why does it matter to you?')\n"
    )


def test_an_empty_idea_is_refused(make_hub, run):
    root = make_hub(HUB)
    for words in ("_No response_", "<!-- nothing -->\n\n   "):
        assert run(root, event("idea", body=idea_body(words))) == (
            1,
            "",
            "cohub: issue #12: the idea is empty ('### Your idea' holds no text); "
            "there is nothing to take in\n",
        )


def test_check_warns_when_the_form_offers_other_products(make_hub, capsys):
    form = (EVENTS / "forms" / "idea.yml").read_text().replace("- Mobile app", "- Desktop")
    root = make_hub(HUB)
    (root / ".github/ISSUE_TEMPLATE/idea.yml").write_text(form)
    assert cli.main(["check", "--root", str(root)]) == 0
    assert capsys.readouterr().out == (
        ".github/ISSUE_TEMPLATE/idea.yml:23:9: warning: body[3].attributes.options: the "
        "product options differ from hub.yaml's products: missing 'Mobile app'; 'Desktop' "
        "is not a product (list the display name of each product in hub.yaml)\n"
    )


def test_check_is_quiet_when_the_forms_match_or_there_are_none(make_hub, capsys):
    root = make_hub(HUB)
    assert cli.main(["check", "--root", str(root), "--strict"]) == 0
    shutil.rmtree(root / ".github")
    assert cli.main(["check", "--root", str(root), "--strict"]) == 0
    assert capsys.readouterr().out == ""


# -- what is refused ---------------------------------------------------------------------


def _without(name: str, *path: str) -> dict:
    payload = copy.deepcopy(event(name))
    target = payload
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return payload


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            "{not json",
            "EVENT is not JSON: Expecting property name enclosed in double quotes (line 1, column 2)",
        ),
        (b"\xff\xfe{}", "EVENT is not JSON: it is not UTF-8 text"),
        ("[1, 2]", "EVENT is not a GitHub event: expected a JSON object, found a list"),
        (
            "{}",
            "EVENT is not an issues event: it has no issue; cohub intake takes an issues event, an issue labelled 'accepted'",
        ),
        (
            "pull-request",
            "EVENT is a pull_request event; cohub intake takes an issues event, an issue labelled 'accepted'",
        ),
        (
            {**event("idea"), "comment": {"body": "+1"}},
            "EVENT is an issue_comment event; cohub intake takes an issues event, an issue labelled 'accepted'",
        ),
        (
            {**event("idea"), "action": "opened"},
            "ignored: EVENT is an issues event with action 'opened', not 'labeled'; cohub intake takes an issues event, an issue labelled 'accepted'",
        ),
        (
            {**event("idea"), "label": {"name": "bug"}},
            "ignored: the label added is 'bug', not 'accepted'",
        ),
        (_without("idea", "label"), "EVENT: the event has no label.name"),
        (_without("idea", "issue", "user"), "EVENT: the event has no issue.user.login"),
        (
            event("idea", number="12"),
            "EVENT: issue.number must be a whole number, found text ('12')",
        ),
        (
            event("idea", number=True),
            "EVENT: issue.number must be a whole number, found true/false",
        ),
        (event("idea", title=None), "EVENT: issue.title must be text, found null"),
        (event("idea", body=["a"]), "EVENT: issue.body must be text, found a list"),
        (
            event("idea", created_at="last Tuesday"),
            "EVENT: issue.created_at must be a date and time like 2026-03-02T09:30:00Z, found 'last Tuesday'",
        ),
        (
            event("idea", html_url="javascript:alert(1)"),
            "EVENT: issue.html_url must be an http(s) URL, found 'javascript:alert(1)'",
        ),
        (
            event("idea", pull_request={"url": "x"}),
            "issue #12 is a pull request; cohub intake takes an issues event, an issue labelled 'accepted'",
        ),
        (
            event("idea", body=None, labels=[]),
            "issue #12 was not made with the hub's forms: its body has neither the headings of .github/ISSUE_TEMPLATE/idea.yml ('### Your idea', '### Product', '### Tags') nor those of .github/ISSUE_TEMPLATE/me-too.yml ('### Idea', '### Why does it matter to you?')",
        ),
        (event("idea", title="[Idea] "), "issue #12 has no title to give the idea"),
        ("[" * 100000 + "]" * 100000, "EVENT is not JSON cohub can read: it is nested too deeply"),
    ],
)
def test_what_cannot_be_taken_in_is_one_line_and_exit_1(make_hub, run, payload, message):
    root = make_hub(HUB)
    before = snapshot(root)
    assert run(root, payload) == (1, "", f"cohub: {message}\n")
    assert snapshot(root) == before


def test_a_missing_event_file_is_a_usage_error(make_hub, capsys, tmp_path):
    root = make_hub(HUB)
    assert cli.main(["intake", str(tmp_path / "nope.json"), "--root", str(root)]) == 2
    assert capsys.readouterr().err == (
        f"cohub: {tmp_path / 'nope.json'}: no such file (cohub intake takes a GitHub event file)\n"
    )


def test_a_change_that_check_would_refuse_is_undone(make_hub, run, monkeypatch):
    # Were the site's own /ideas/page/ not kept out of the slugs, check would refuse
    # the file: intake reads the hub back, finds the error and removes what it wrote.
    monkeypatch.setattr(intake, "_RESERVED_SLUGS", frozenset())
    root = make_hub({})
    before = snapshot(root)
    code, out, err = run(root, event("idea", title="Page"))
    assert (code, out) == (1, "")
    assert err == (
        "cohub: content/ideas/page.md would not pass cohub check, so nothing was changed\n"
        "content/ideas/page.md:1:1: error: this file would be published at /ideas/page/, "
        "which the pagination of /ideas/ already uses (rename the file)\n"
    )
    assert snapshot(root) == before
    assert not (root / "content").exists()


# The splice that intake and `cohub new update` share, on files no idea is written as.


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (  # YAML breaks lines at U+2028 too; the file's lines do not move for it
            '---\ntitle: "Dark\u2028mode"\nsupporters:\n  - sofia\ntags: [x]\n---\n',
            '---\ntitle: "Dark\u2028mode"\nsupporters:\n  - sofia\n  - liwei\ntags: [x]\n---\n',
        ),
        (  # the blank lines of a `|+` item are its value: the new item goes after them
            "---\nsupporters:\n  - |+\n    sofia\n\ntags: [x]\n---\n",
            "---\nsupporters:\n  - |+\n    sofia\n\n  - liwei\ntags: [x]\n---\n",
        ),
        (  # a new key joins the fields, before the blank lines that end them
            "---\ntitle: Dark mode\n\n---\n",
            "---\ntitle: Dark mode\nsupporters:\n  - liwei\n\n---\n",
        ),
        (  # but not before those a `|+` value keeps
            "---\ntitle: |+\n  Dark\n\n\n---\n",
            "---\ntitle: |+\n  Dark\n\nsupporters:\n  - liwei\n\n---\n",
        ),
    ],
    ids=["line-separator", "kept-item", "blank-end", "kept-end"],
)
def test_splice_keeps_what_every_other_value_says(before, after):
    assert splice.append_item(before.encode(), "supporters", "liwei").decode() == after
    fields = yaml.safe_load(split_front_matter(before)[0])
    assert yaml.safe_load(split_front_matter(after)[0]) == {
        **fields,
        "supporters": [*fields.get("supporters", ()), "liwei"],
    }


def test_splice_offers_an_empty_list_both_ways_in_the_order_asked():
    def block(style: splice.Style) -> list[str]:
        return [f"{style.first}a: 1\n{style.rest}b: 2\n"]

    data = b"---\nk: ~  # none\n---\n"
    lines_first = [
        b"---\nk:  # none\n  - a: 1\n    b: 2\n---\n",
        b"---\nk: [{a: 1, b: 2}]  # none\n---\n",
    ]
    assert list(splice.edits(data, "k", block, ["{a: 1, b: 2}"], inline=False)) == lines_first
    inline_first = list(splice.edits(data, "k", block, ["{a: 1, b: 2}"], inline=True))
    assert inline_first == lines_first[::-1]
