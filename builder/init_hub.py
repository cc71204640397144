"""`cohub init DIR`: a new hub repository that works as it is (SPEC §6).

Every file it writes comes from one place, the templates in `builder/starter/`,
rendered with the hub's values and with how cohub is installed: a new hub pins this
version in `requirements.txt`; cohub's own repository, whose example hub is its top
level, installs cohub from the checkout. That repository's `netlify.toml`, `.github/`
and `CONTRIBUTING.md` are the same templates rendered for its hub.yaml:
`python -m builder.init_hub --sync-repo` rewrites them, and a test fails when they
drift.

The templates are Jinja with their own delimiters (`{= value =}`, `{% if %}`), so
GitHub's `${{ … }}` and TOML's `[[headers]]` stay as they are. Values reach YAML
through the `yaml` filter (a quoted string), never as raw text.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import jinja2

from . import __version__
from .errors import Problems, UsageError
from .validate import url_problem

STARTER = Path(__file__).resolve().parent / "starter"

#: Names a folder may already hold: a fresh clone of a new GitHub repository.
ALLOWED = (".git",)
ALLOWED_PREFIXES = ("readme", "license", "licence")

#: What a new hub's base_url says until someone sets it: a valid URL that cannot be
#: anyone's site (.example is reserved, RFC 2606), with hub.yaml saying to change it.
PLACEHOLDER_BASE_URL = "https://change-me.example/"
#: The products a new hub starts with, as hub.yaml lists them.
STARTER_PRODUCTS = (("web", "Web app"), ("mobile", "Mobile app"))
#: The Python the workflows and Netlify use; cohub runs on 3.11 and up. 3.12 is the
#: newest with wheels of markdown-it-pyrs, cohub's Markdown fast path: on a later
#: Python every document takes the (identical, slower) reference renderer.
PYTHON_VERSION = "3.12"
#: The Netlify command line's major version for deploys (`npx netlify-cli@N`).
NETLIFY_CLI = "27"

#: The files of a hub that cohub's own repository keeps too (SPEC §6).
REPO_COPIES = ("netlify.toml", ".github/", "CONTRIBUTING.md")

_GITHUB_REMOTE = re.compile(
    r"""^(?:
        (?:https?|git|ssh)://(?:[^@/]+@)?github\.com(?::\d+)?/   # https://, ssh://git@
      | [^@/\s]+@github\.com:                                    # git@github.com:
    )(?P<owner>[A-Za-z0-9][A-Za-z0-9-]*)/(?P<name>[A-Za-z0-9._-]+?)(?:\.git)?/?$""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Flavour:
    """How the hub installs cohub: from the pin, or from the checkout it lives in."""

    #: The shell command that installs cohub, in workflows and on Netlify.
    install: str
    #: The same, as a person types it in a fresh virtual environment.
    install_local: str
    #: The file whose changes refresh the workflows' pip cache.
    dependency_file: str
    checkout: bool


PINNED = Flavour(
    install="python -m pip install -r requirements.txt",
    install_local="pip install -r requirements.txt",
    dependency_file="requirements.txt",
    checkout=False,
)
CHECKOUT = Flavour(
    install="python -m pip install .",
    install_local="pip install -e .",
    dependency_file="pyproject.toml",
    checkout=True,
)


@dataclass(frozen=True)
class HubValues:
    title: str
    base_url: str
    repository: str | None
    products: tuple[tuple[str, str], ...] = STARTER_PRODUCTS
    description: str = ""
    branch: str = "main"
    flavour: Flavour = PINNED


def cohub_version() -> str:
    """The installed cohub's version (what requirements.txt pins)."""
    try:
        return metadata.version("cohub")
    except metadata.PackageNotFoundError:  # run from a checkout that is not installed
        return __version__


# -- rendering ----------------------------------------------------------------------


def _yaml(value: object) -> str:
    """A YAML scalar for `value`: JSON strings are valid YAML, and quoting keeps a
    title such as `2027` or `No: thanks` text."""
    return json.dumps(value, ensure_ascii=False)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(STARTER),
        variable_start_string="{=",
        variable_end_string="=}",
        comment_start_string="{=#",
        comment_end_string="#=}",
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["yaml"] = _yaml
    return env


def starter_names() -> list[str]:
    """Every template, as a path relative to the starter folder."""
    return sorted(
        p.relative_to(STARTER).as_posix()
        for p in STARTER.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )


def output_name(template: str) -> str:
    """Where a template goes in the hub: `dot-github/x` → `.github/x`. The starter
    holds no dot files of its own, so git and packaging treat it as plain data."""
    return "/".join(
        "." + part[4:] if part.startswith("dot-") else part for part in template.split("/")
    )


def render(values: HubValues) -> dict[str, str]:
    """Every file of a new hub: its path in the hub → its text."""
    env = _environment()
    context = {
        "title": values.title,
        "base_url": values.base_url,
        "repository": values.repository or "",
        "description": values.description
        or f"Where customers of {values.title} shape what we build.",
        "branch": values.branch,
        "products": values.products,
        "first_product": values.products[0][0] if values.products else "",
        "version": cohub_version(),
        "python_version": PYTHON_VERSION,
        "netlify_cli": NETLIFY_CLI,
        "install": values.flavour.install,
        "install_local": values.flavour.install_local,
        "dependency_file": values.flavour.dependency_file,
        "checkout": values.flavour.checkout,
    }
    files = {}
    for name in starter_names():
        text = env.get_template(name).render(context)
        if not values.products and name.startswith("content/"):
            # Without products the examples name none.
            text = re.sub(r"(?m)^product: \n", "", text)
        files[output_name(name)] = text
    return files


# -- cohub init ----------------------------------------------------------------------


def github_repository(url: str) -> str | None:
    """https://github.com/OWNER/NAME for a GitHub remote in ssh or https form."""
    match = _GITHUB_REMOTE.match(url.strip())
    if not match:
        return None
    return f"https://github.com/{match['owner']}/{match['name']}"


def origin_repository(folder: Path) -> str | None:
    """The GitHub repository of `git -C folder remote get-url origin`, if any."""
    if not (folder / ".git").exists():
        return None
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), "remote", "get-url", "origin"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return github_repository(result.stdout) if result.returncode == 0 else None


def title_from(folder: Path) -> str:
    """`acme-hub` → `Acme Hub`."""
    words = re.split(r"[-_.\s]+", folder.resolve().name)
    title = " ".join(w[:1].upper() + w[1:] for w in words if w)
    return title or "Co-creation Hub"


def in_the_way(folder: Path) -> list[str]:
    """What in `folder` keeps `cohub init` from writing there."""
    if not folder.exists():
        return []
    return sorted(
        entry.name + ("/" if entry.is_dir() else "")
        for entry in folder.iterdir()
        if entry.name not in ALLOWED and not entry.name.lower().startswith(ALLOWED_PREFIXES)
    )


def _check_url(option: str, url: str) -> str:
    """The URL as `check` will judge it in hub.yaml, so that the hub init writes checks."""
    problem = url_problem(url, site=option == "--base-url")
    if problem is not None:
        raise UsageError(f"{option} must be an absolute http(s) URL, found {url!r} ({problem})")
    return url


def _check_text(option: str, text: str) -> str:
    if not text.strip() or any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise UsageError(f"{option} must be one line of text, found {text!r}")
    return text.strip()


def init_hub(
    target: Path,
    *,
    title: str | None = None,
    base_url: str | None = None,
    repository: str | None = None,
) -> list[Path]:
    """Write a new hub into `target` (created if missing) and return the files written.

    Never overwrites: a folder holding anything but `.git`, `README*` and `LICENSE*`
    is a usage error naming what is in the way.
    """
    if target.exists() and not target.is_dir():
        raise UsageError(f"cannot init {target}: it is a file, not a folder")
    blocking = in_the_way(target)
    if blocking:
        shown = ", ".join(blocking[:5]) + (
            f" and {len(blocking) - 5} more" if len(blocking) > 5 else ""
        )
        raise UsageError(
            f"cannot init {target}: it already holds {shown} "
            "(cohub init writes into an empty folder, or one with only .git, README* and LICENSE*)"
        )
    values = HubValues(
        title=_check_text("--title", title) if title is not None else title_from(target),
        base_url=_check_url("--base-url", base_url) if base_url else PLACEHOLDER_BASE_URL,
        repository=(
            _check_url("--repository", repository).rstrip("/").removesuffix(".git")
            if repository
            else origin_repository(target)
        ),
    )
    files = render(values)
    written = []
    try:
        target.mkdir(parents=True, exist_ok=True)
        for rel, text in files.items():
            path = target / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                with path.open("x", encoding="utf-8", newline="\n") as handle:
                    handle.write(text)
            except FileExistsError:
                raise UsageError(
                    f"{path} already exists; cohub init never overwrites a file"
                ) from None
            written.append(path)
    except OSError as exc:
        raise UsageError(f"cannot write {exc.filename or target}: {exc.strerror or exc}") from None
    return written


def next_steps(target: Path, written: Iterable[Path], repository: str | None) -> str:
    rel = [p.relative_to(target).as_posix() for p in written]
    where = "." if target.resolve() == Path.cwd().resolve() else str(target)
    lines = [f"cohub: wrote a new hub in {where}:", *(f"  {r}" for r in rel), "", "Next:"]
    steps = []
    if where != ".":
        steps.append(f"cd {where}")
    steps.append("look at hub.yaml: set base_url to the site's address, and the products you make")
    steps.append(
        "preview it: python3 -m venv .venv && . .venv/bin/activate && "
        "pip install -r requirements.txt && cohub serve"
    )
    if not (target / ".git").exists():
        steps.append("make it a git repository: git init -b main")
    if repository is None:
        steps.append(
            "create the GitHub repository, add it as origin, and set repository: in hub.yaml"
        )
    steps.append('push it: git add -A && git commit -m "Start the hub" && git push -u origin main')
    steps.append(
        "connect Netlify: Add new site → Import an existing project, pick the repository "
        "(it builds the deploy previews; the Deploy workflow publishes production)"
    )
    steps.append(
        "add the repository secrets NETLIFY_AUTH_TOKEN and NETLIFY_SITE_ID "
        "(Settings → Secrets and variables → Actions)"
    )
    steps.append(
        "for ideas from issues: create the labels idea, me-too and accepted, and turn on "
        "Settings → Actions → General → Allow GitHub Actions to create and approve pull requests"
    )
    lines += [f"  {n}. {step}" for n, step in enumerate(steps, start=1)]
    lines += ["", "CONTRIBUTING.md explains the rest, for the people who will run the hub."]
    return "\n".join(lines)


# -- the command line ------------------------------------------------------------------


def add_parser(commands) -> None:
    """`cohub init DIR [--title T] [--base-url URL] [--repository URL]`."""
    init = commands.add_parser("init", help="start a new hub repository, ready to push")
    init.add_argument("dir", type=Path, metavar="DIR", help="the folder (created if missing)")
    init.add_argument("--title", help="the hub's title (default: from the folder's name)")
    init.add_argument(
        "--base-url", help=f"the site's address (default: {PLACEHOLDER_BASE_URL}, to change)"
    )
    init.add_argument(
        "--repository",
        help="the GitHub repository (default: the folder's git remote origin, if on GitHub)",
    )
    init.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


def run(args: argparse.Namespace) -> int:
    target: Path = args.dir
    written = init_hub(target, title=args.title, base_url=args.base_url, repository=args.repository)
    repository = args.repository or origin_repository(target)
    print(next_steps(target, written, repository))
    return 0


# -- this repository's own copies -------------------------------------------------------


def repo_files(root: Path) -> dict[str, str]:
    """The files cohub's own repository keeps at its top (netlify.toml, .github/,
    CONTRIBUTING.md), rendered for its example hub with cohub installed from the
    checkout."""
    from .config import load_config

    problems = Problems()
    config = load_config(root, problems)
    if config is None:
        raise UsageError(f"{root}/hub.yaml has errors: run cohub check")
    values = HubValues(
        title=config.title,
        base_url=config.base_url,
        repository=config.repository,
        products=tuple(config.products.items()),
        description=config.description,
        branch=config.branch,
        flavour=CHECKOUT,
    )
    return {
        rel: text
        for rel, text in render(values).items()
        if any(rel == c or (c.endswith("/") and rel.startswith(c)) for c in REPO_COPIES)
    }


def sync_repo(root: Path) -> list[Path]:
    """Rewrite the repository's own copies from the starter; return what changed."""
    changed = []
    for rel, text in repo_files(root).items():
        path = root / rel
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m builder.init_hub",
        description="Rewrite this repository's netlify.toml, .github/ and CONTRIBUTING.md "
        "from cohub's starter templates.",
    )
    parser.add_argument("--sync-repo", action="store_true", required=True)
    parser.add_argument(
        "root", nargs="?", type=Path, default=Path(__file__).resolve().parent.parent
    )
    args = parser.parse_args(argv)
    try:
        changed = sync_repo(args.root)
    except UsageError as exc:
        print(f"cohub: {exc}", file=sys.stderr)
        return 2
    for path in changed:
        print(path.relative_to(args.root).as_posix())
    return 0


if __name__ == "__main__":
    sys.exit(main())
