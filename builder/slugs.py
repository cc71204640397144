"""Slugs: the one spelling rule for file names, handles, product keys and tag URLs."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_RULE = "lower-case letters and digits, words joined by single hyphens"


def is_slug(text: str) -> bool:
    return SLUG.fullmatch(text) is not None


def slugify(text: str) -> str:
    """Unicode NFKD folded to ASCII, lower case, runs of anything else to one `-`
    (SPEC §8), so `Café Menu` and `cafe-menu` are the same tag."""
    # A hub repeats the same few hundred tags thousands of times, and each is
    # slugified by several checks: short texts are remembered.
    return _slugify_short(text) if len(text) <= 100 else _slugify(text)


def _slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")


_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_slugify_short = lru_cache(maxsize=16384)(_slugify)


def close_to(word: str, candidates, limit: int = 1) -> list[str]:
    """Candidates one typo away, best first, for "did you mean" hints."""
    return difflib.get_close_matches(word, sorted(candidates), n=limit, cutoff=0.6)


def did_you_mean(word: str, candidates) -> str:
    match = close_to(word, candidates)
    return f"did you mean '{match[0]}'?" if match else ""


class Suggester:
    """Suggestions ("did you mean") against one set of known words, for many unknown ones.

    difflib compares a word with every candidate, at tens of microseconds each for
    words alike, so 5,000 unknown references against 5,000 slugs took minutes. A small
    set is still searched whole, exactly as `did_you_mean` does. A large one is
    indexed by deletions (each candidate, and each way of deleting one of its
    characters): a word's own deletions then find every candidate one typo away (an
    insertion, deletion, substitution or swap of neighbours) in time that grows with
    the word, not the set, and difflib ranks those few. Each word is looked up once.
    """

    #: Up to this many candidates, difflib looks at all of them.
    SMALL = 200

    def __init__(self, candidates) -> None:
        self.candidates = sorted(set(candidates))
        self.hints: dict[str, str] = {}
        self._index: dict[str, list[str]] | None = None
        self._longest = max(map(len, self.candidates), default=0)

    def __call__(self, word: str) -> str:
        """The hint for `word`: "did you mean 'x'?", or "" when nothing is close."""
        if word not in self.hints:
            pool = self.candidates if len(self.candidates) <= self.SMALL else self.near(word)
            self.hints[word] = did_you_mean(word, pool)
        return self.hints[word]

    def near(self, word: str) -> list[str]:
        """The candidates at most one typo from `word` (and a few two typos away:
        callers that need exactly one check with `one_edit_apart`), sorted."""
        if len(word) > self._longest + 1:
            return []
        index = self._deletions()
        found = set(index.get(word, ()))
        for variant in _deletions(word):
            found.update(index.get(variant, ()))
        return sorted(found)

    def _deletions(self) -> dict[str, list[str]]:
        if self._index is None:
            self._index = {}
            for candidate in self.candidates:
                for key in {candidate, *_deletions(candidate)}:
                    self._index.setdefault(key, []).append(candidate)
        return self._index


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


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
