"""`cohub init DIR`: a hub repository that checks and builds as it is, written only into
a folder where nothing is in the way (SPEC §6)."""

from __future__ import annotations

import json
import subprocess
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from conftest import EPOCH

from builder import cli
from builder.config import load_config
from builder.errors import Problems
from builder.init_hub import PLACEHOLDER_BASE_URL, github_repository

FILES = [
    ".github/ISSUE_TEMPLATE/config.yml",
    ".github/ISSUE_TEMPLATE/idea.yml",
    ".github/ISSUE_TEMPLATE/me-too.yml",
    ".github/pull_request_template.md",
    ".github/workflows/check.yml",
    ".github/workflows/deploy.yml",
    ".github/workflows/intake.yml",
    ".gitignore",
    "CONTRIBUTING.md",
    "content/changelog/spring-release.md",
    "content/ideas/export-to-spreadsheet.md",
    "content/pages/about.md",
    "content/people/sam-taylor.md",
    "content/rounds/how-you-use-reports.md",
    "hub.yaml",
    "netlify.toml",
    "requirements.txt",
]


@pytest.fixture(autouse=True)
def pinned_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def cohub(*args: str | Path) -> int:
    return cli.main([str(a) for a in args])


def tree(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(folder).parts
    )


def config(root: Path):
    problems = Problems()
    found = load_config(root, problems)
    assert found is not None, [d.text() for d in problems.sorted()]
    return found


def git(*args: str | Path) -> None:
    subprocess.run(["git", *map(str, args)], check=True, capture_output=True)


def test_init_writes_a_hub_that_passes_check_strict_and_builds(tmp_path, capsys):
    root = tmp_path / "acme-hub"
    assert cohub("init", root) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert tree(root) == FILES
    lines = out.splitlines()
    assert lines[0] == f"cohub: wrote a new hub in {root}:"
    assert sorted(line.strip() for line in lines[1 : 1 + len(FILES)]) == FILES
    assert "Next:" in lines
    for step in ("push it", "connect Netlify", "NETLIFY_AUTH_TOKEN", "NETLIFY_SITE_ID"):
        assert step in out

    assert cohub("check", "--root", root, "--strict") == 0
    assert capsys.readouterr().err == "0 errors, 0 warnings in 5 content files\n"
    assert cohub("build", "--root", root, "--out", tmp_path / "site") == 0
    assert (tmp_path / "site" / "ideas" / "export-to-spreadsheet" / "index.html").is_file()


def test_defaults_title_from_the_folder_base_url_placeholder_and_pin(tmp_path):
    root = tmp_path / "acme_co-creation-hub"
    assert cohub("init", root) == 0
    hub = config(root)
    assert hub.title == "Acme Co Creation Hub"
    assert hub.base_url == PLACEHOLDER_BASE_URL
    assert hub.repository is None  # not a git repository: nothing to infer
    assert "CHANGE THIS" in (root / "hub.yaml").read_text(encoding="utf-8")
    pins = [
        line
        for line in (root / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert pins == [f"cohub=={metadata.version('cohub')}"]


def test_options_reach_hub_yaml_as_values(tmp_path):
    root = tmp_path / "hub"
    title = 'No: thanks #1 "quoted" {braces}'
    assert (
        cohub(
            "init",
            root,
            "--title",
            title,
            "--base-url",
            "https://hub.acme.example",
            "--repository",
            "https://github.com/acme/hub.git/",
        )
        == 0
    )
    hub = config(root)
    assert (hub.title, hub.base_url, hub.repository) == (
        title,
        "https://hub.acme.example/",
        "https://github.com/acme/hub",
    )
    assert 'url: "https://hub.acme.example"' in (
        root / ".github/ISSUE_TEMPLATE/config.yml"
    ).read_text(encoding="utf-8")


def test_works_in_a_fresh_clone_and_infers_the_repository(tmp_path, capsys):
    root = tmp_path / "clone"
    git("init", "-q", "-b", "main", root)
    git("-C", root, "remote", "add", "origin", "git@github.com:acme/ideas-hub.git")
    (root / "README.md").write_text("# Ideas\n", encoding="utf-8")
    (root / "LICENSE").write_text("MIT\n", encoding="utf-8")
    assert cohub("init", root) == 0
    assert config(root).repository == "https://github.com/acme/ideas-hub"
    assert (root / "README.md").read_text(encoding="utf-8") == "# Ideas\n"
    assert tree(root) == sorted([*FILES, "LICENSE", "README.md"])
    out = capsys.readouterr().out
    assert "git init" not in out  # already a repository
    assert "set repository:" not in out  # already known


@pytest.mark.parametrize(
    ("remote", "repository"),
    [
        ("git@github.com:acme/hub.git", "https://github.com/acme/hub"),
        ("git@github.com:acme/hub", "https://github.com/acme/hub"),
        ("ssh://git@github.com/acme/hub.git", "https://github.com/acme/hub"),
        ("https://github.com/acme/hub.git", "https://github.com/acme/hub"),
        ("https://github.com/acme/hub", "https://github.com/acme/hub"),
        (
            "https://x-access-token:abc@github.com/acme/my.hub.git\n",
            "https://github.com/acme/my.hub",
        ),
        ("git@gitlab.com:acme/hub.git", None),
        ("https://github.com.evil.example/acme/hub", None),
        ("https://github.com/acme", None),
        ("/srv/git/hub.git", None),
    ],
)
def test_github_remotes_in_ssh_and_https_form(remote, repository):
    assert github_repository(remote) == repository


def test_refuses_a_folder_with_other_files_and_writes_nothing(tmp_path, capsys):
    root = tmp_path / "busy"
    (root / "docs").mkdir(parents=True)
    (root / "notes.txt").write_text("keep me\n", encoding="utf-8")
    (root / "README.md").write_text("# Busy\n", encoding="utf-8")
    assert cohub("init", root) == 2
    assert capsys.readouterr().err == (
        f"cohub: cannot init {root}: it already holds docs/, notes.txt (cohub init writes "
        "into an empty folder, or one with only .git, README* and LICENSE*)\n"
    )
    assert tree(root) == ["README.md", "notes.txt"]


def test_never_overwrites_a_hub(tmp_path, capsys):
    root = tmp_path / "hub"
    assert cohub("init", root) == 0
    before = {rel: (root / rel).read_bytes() for rel in FILES}
    (root / "hub.yaml").write_text("title: Mine\nbase_url: https://mine.example/\n")
    before["hub.yaml"] = (root / "hub.yaml").read_bytes()
    capsys.readouterr()
    assert cohub("init", root) == 2
    assert capsys.readouterr().err == (
        f"cohub: cannot init {root}: it already holds .github/, .gitignore, CONTRIBUTING.md, "
        "content/, hub.yaml and 2 more (cohub init writes into an empty folder, or one with "
        "only .git, README* and LICENSE*)\n"
    )
    assert {rel: (root / rel).read_bytes() for rel in FILES} == before


def test_refuses_a_file_and_a_bad_url(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    assert cohub("init", tmp_path / "file") == 2
    assert capsys.readouterr().err == (
        f"cohub: cannot init {tmp_path / 'file'}: it is a file, not a folder\n"
    )
    assert cohub("init", tmp_path / "new", "--base-url", "hub.example.com") == 2
    assert capsys.readouterr().err == (
        "cohub: --base-url must be an absolute http(s) URL, found 'hub.example.com' "
        "(start it with https://)\n"
    )
    assert not (tmp_path / "new").exists()


def test_creates_missing_folders(tmp_path):
    root = tmp_path / "a" / "b" / "hub"
    assert cohub("init", root) == 0
    assert tree(root) == FILES


def test_the_example_idea_form_lists_the_products_of_hub_yaml(tmp_path):
    root = tmp_path / "hub"
    assert cohub("init", root) == 0
    form = yaml.safe_load((root / ".github/ISSUE_TEMPLATE/idea.yml").read_text())
    (dropdown,) = [item for item in form["body"] if item.get("id") == "product"]
    assert dropdown["attributes"]["options"] == list(config(root).products.values())


def issue_event(root: Path, form_name: str, values: dict[str, str], **issue) -> Path:
    """The `issues` event GitHub sends when `accepted` is added to an issue made with
    the hub's own form: the body is each field's `### Label` and value."""
    form = yaml.safe_load((root / ".github/ISSUE_TEMPLATE" / form_name).read_text())
    body = "\n\n".join(
        f"### {item['attributes']['label']}\n\n{values.get(item['id']) or '_No response_'}"
        for item in form["body"]
        if item["type"] != "markdown"
    )
    payload = {
        "action": "labeled",
        "label": {"name": "accepted"},
        "issue": {
            "html_url": f"https://github.com/acme/hub/issues/{issue['number']}",
            "created_at": "2026-11-20T10:00:00Z",
            "body": body,
            "labels": [{"name": name} for name in (*form["labels"], "accepted")],
            **issue,
        },
        "repository": {"full_name": "acme/hub", "html_url": "https://github.com/acme/hub"},
    }
    path = root.parent / f"event-{issue['number']}.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


def test_its_forms_feed_cohub_intake(tmp_path, capsys):
    """The forms `cohub init` writes are the ones `cohub intake` reads: an accepted
    idea and an "I want this too" become content that passes check --strict."""
    root = tmp_path / "hub"
    assert cohub("init", root, "--repository", "https://github.com/acme/hub") == 0
    idea = issue_event(
        root,
        "idea.yml",
        {"idea": "Please add a dark mode.", "product": "Mobile app", "tags": "reports"},
        number=12,
        title="Dark mode",
        user={"login": "Night-Owl"},
    )
    me_too = issue_event(
        root,
        "me-too.yml",
        {"idea": "export-to-spreadsheet"},
        number=13,
        title="I want this too: Export reports to a spreadsheet",
        user={"login": "sam-b"},
    )
    capsys.readouterr()
    assert cohub("intake", "--root", root, idea) == 0
    assert capsys.readouterr().out == "content/ideas/dark-mode.md\n"
    assert cohub("intake", "--root", root, me_too) == 0
    assert capsys.readouterr().out == "content/ideas/export-to-spreadsheet.md\n"
    text = (root / "content/ideas/dark-mode.md").read_text(encoding="utf-8")
    assert "product: mobile\n" in text and "tags: [reports]" in text.replace('"', "")
    assert "  - sam-b\n" in (root / "content/ideas/export-to-spreadsheet.md").read_text()
    assert cohub("check", "--root", root, "--strict") == 0
