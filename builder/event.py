"""The GitHub `issues` event `cohub intake` reads, and the words it carries.

A workflow gets the event's payload as a JSON file ($GITHUB_EVENT_PATH). Only an
issue labelled `accepted` is taken; every other payload, and every payload of the
wrong shape, is one line saying what it is (SPEC §6). The issue's words are the
customer's and are kept, save what no reader can see and `check` would refuse.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from .errors import UsageError
from .slugs import is_slug, slugify
from .validate import FORBIDDEN

#: The label a maintainer adds to take an issue in.
ACCEPTED = "accepted"


class IntakeError(Exception):
    """An event or an issue that cannot be taken in: one line, exit 1."""


@dataclass(frozen=True)
class Issue:
    number: int
    title: str
    body: str
    login: str
    opened: date
    url: str
    labels: tuple[str, ...]


def read_event(path: Path) -> Issue:
    """The issue of an `issues` event labelled `accepted`; IntakeError otherwise."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file (cohub intake takes a GitHub event file)") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder; cohub intake takes a GitHub event file") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    try:
        payload = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise IntakeError(f"{path} is not JSON: it is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise IntakeError(
            f"{path} is not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise IntakeError(f"{path} is not JSON cohub can read: it is nested too deeply") from None
    if not isinstance(payload, dict):
        raise IntakeError(
            f"{path} is not a GitHub event: expected a JSON object, found {_json_kind(payload)}"
        )
    wanted = f"cohub intake takes an issues event, an issue labelled '{ACCEPTED}'"
    if "issue" not in payload:
        if "pull_request" in payload:
            raise IntakeError(f"{path} is a pull_request event; {wanted}")
        raise IntakeError(f"{path} is not an issues event: it has no issue; {wanted}")
    if "comment" in payload:
        raise IntakeError(f"{path} is an issue_comment event; {wanted}")
    get = _Getter(path, payload)
    action = get("action", str)
    if action != "labeled":
        raise IntakeError(
            f"ignored: {path} is an issues event with action '{shown(action)}', not 'labeled'; "
            + wanted
        )
    label = get("label.name", str)
    if label.casefold() != ACCEPTED:  # GitHub's label names ignore case
        raise IntakeError(f"ignored: the label added is '{shown(label)}', not '{ACCEPTED}'")
    number = get("issue.number", int)
    if number < 1:
        raise IntakeError(f"{path}: issue.number must be at least 1, found {number}")
    if isinstance(payload["issue"].get("pull_request"), dict):
        raise IntakeError(f"issue #{number} is a pull request; {wanted}")
    body = get("issue.body", str, optional=True) or ""
    created = get("issue.created_at", str)
    try:
        moment = datetime.fromisoformat(created.strip())
    except ValueError:
        raise IntakeError(
            f"{path}: issue.created_at must be a date and time like "
            f"2026-03-02T09:30:00Z, found '{shown(created)}'"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # GitHub's times are UTC
    url = get("issue.html_url", str).strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or _unsafe(url):
        raise IntakeError(f"{path}: issue.html_url must be an http(s) URL, found '{shown(url)}'")
    labels = get("issue.labels", list, optional=True) or []
    return Issue(
        number=number,
        title=get("issue.title", str),
        body=body,
        login=get("issue.user.login", str),
        opened=moment.astimezone(UTC).date(),
        url=url,
        labels=tuple(
            x["name"] for x in labels if isinstance(x, dict) and isinstance(x.get("name"), str)
        ),
    )


class _Getter:
    """Typed look-ups in the payload, each failure one line naming the field."""

    def __init__(self, path: Path, payload: dict) -> None:
        self.path, self.payload = path, payload

    def __call__(self, name: str, kind: type, optional: bool = False):
        value = self.payload
        for part in name.split("."):
            if not isinstance(value, dict) or part not in value:
                if optional:
                    return None
                raise IntakeError(f"{self.path}: the event has no {name}")
            value = value[part]
        if value is None and optional:
            return None
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            expected = {str: "text", int: "a whole number", list: "a list"}[kind]
            found = _json_kind(value)
            if isinstance(value, str):
                found += f" ('{shown(value)}')"
            elif isinstance(value, int | float) and not isinstance(value, bool):
                found += f" ({value})"
            raise IntakeError(f"{self.path}: {name} must be {expected}, found {found}")
        return value


def _json_kind(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "null"
    return {str: "text", int: "a number", float: "a number", list: "a list", dict: "an object"}[
        type(value)
    ]


# -- words from the issue -------------------------------------------------------------

#: Bidi embeddings, overrides and isolates: invisible, and able to make text read
#: other than it is (the "Trojan Source" trick).
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


#: What intake drops from an issue's words: what `check` refuses in any text (one
#: rule, `validate.FORBIDDEN`), and bidi controls, which no reader can see.
_DROPPED = re.compile(f"{FORBIDDEN.pattern}|[{''.join(sorted(_BIDI))}]")


def clean(text: str) -> tuple[str, int]:
    """`text` with line endings made LF and invisible controls removed, and how many
    characters were removed (a customer's words are otherwise kept as written)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _DROPPED.subn("", text)


def one_line(text: str) -> tuple[str, int]:
    text, removed = clean(text)
    return " ".join(text.replace("\u2028", " ").replace("\u2029", " ").split()), removed


def _unsafe(text: str) -> bool:
    return _DROPPED.search(text) is not None or any(c.isspace() for c in text)


def shown(text: str, limit: int = 60) -> str:
    """Issue text inside a message: one line, no controls, bounded."""
    line = one_line(text)[0]
    return line if len(line) <= limit else line[: limit - 1] + "…"


def handle_for(login: str) -> str:
    """A GitHub login as a handle: lower case, slugified when it is not one
    (`dependabot[bot]` → `dependabot-bot`)."""
    handle = login.strip().lower()
    return handle if is_slug(handle) else slugify(handle)
