"""Slugs: the one spelling rule for file names, handles, product keys and tag URLs."""

from __future__ import annotations

import difflib
import re
import unicodedata

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_RULE = "lower-case letters and digits, words joined by single hyphens"


def is_slug(text: str) -> bool:
    return SLUG.fullmatch(text) is not None


def slugify(text: str) -> str:
    """Unicode NFKD folded to ASCII, lower case, runs of anything else to one `-`
    (SPEC §8), so `Café Menu` and `cafe-menu` are the same tag."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def close_to(word: str, candidates, limit: int = 1) -> list[str]:
    """Candidates one typo away, best first, for "did you mean" hints."""
    return difflib.get_close_matches(word, sorted(candidates), n=limit, cutoff=0.6)


def did_you_mean(word: str, candidates) -> str:
    match = close_to(word, candidates)
    return f"did you mean '{match[0]}'?" if match else ""


def one_edit_apart(a: str, b: str) -> bool:
    """True when `a` and `b` differ by one insertion, deletion, substitution or swap of
    neighbours: the typos that turn a profile's handle into a stranger's."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
