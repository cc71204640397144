"""The checker meets content it has never seen: whatever a file holds, reading the
hub gives diagnostics, never an exception."""

from __future__ import annotations

import random
import textwrap

from conftest import HUB_YAML, read
from test_model import FILES

MUTATIONS = (
    "delete a line",
    "duplicate a line",
    "swap two lines",
    "indent a line",
    "dedent a line",
    "truncate",
    "insert noise",
    "replace a value",
)
NOISE = [
    "[",
    "]",
    "{",
    "}",
    ": ",
    "- ",
    "&a ",
    "*a",
    "!!binary ",
    "'",
    '"',
    "\t",
    "#",
    "|",
    ">",
    "---",
    "\ufeff",
    "ü",
    "2026-99-99",
    "~",
    "null",
    "yes",
]


def mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    kind = rng.choice(MUTATIONS)
    i = rng.randrange(len(lines))
    if kind == "delete a line":
        del lines[i]
    elif kind == "duplicate a line":
        lines.insert(i, lines[i])
    elif kind == "swap two lines":
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "indent a line":
        lines[i] = "  " + lines[i]
    elif kind == "dedent a line":
        lines[i] = lines[i].lstrip()
    elif kind == "truncate":
        return text[: rng.randrange(len(text) + 1)]
    elif kind == "insert noise":
        at = rng.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:at] + rng.choice(NOISE) + lines[i][at:]
    else:
        key, sep, _ = lines[i].partition(": ")
        if sep:
            lines[i] = key + ": " + rng.choice([*NOISE, "1.10", "[]", "{}", "x y", "-1"])
    return "\n".join(lines)


def test_mutated_content_never_raises(tmp_path):
    rng = random.Random(20261122)
    originals = {rel: textwrap.dedent(text).lstrip("\n") for rel, text in FILES.items()}
    originals["hub.yaml"] = HUB_YAML
    for attempt in range(300):
        root = tmp_path / str(attempt)
        files = dict(originals)
        for rel in rng.sample(sorted(files), 3):
            for _ in range(rng.randint(1, 3)):
                files[rel] = mutate(files[rel], rng)
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        reading = read(root)  # must not raise
        for diagnostic in reading.problems.sorted():
            assert diagnostic.line >= 1 and diagnostic.column >= 1, diagnostic
            assert diagnostic.path in files, diagnostic
