"""How wide a line of badge text is, without a font: badges are drawn at build time
and must come out the same on every machine (SPEC §7), so no font file is read.

The widths are the advances of DejaVu Sans at 11px (the metrics Verdana's, which
shields.io measures by, closely share), per printable ASCII character. A badge gives
each text its estimate as `textLength`, so whatever sans-serif the reader's
browser picks, the words fill the box they were given instead of running out of it.
"""

from __future__ import annotations

import math
import unicodedata

#: Advance width in pixels at 11px of each printable ASCII character.
WIDTHS = {
    ' ': 3.5, '!': 4.4, '"': 5.1, '#': 9.2, '$': 7.0, '%': 10.4, '&': 8.6, "'": 3.0,
    '(': 4.3, ')': 4.3, '*': 5.5, '+': 9.2, ',': 3.5, '-': 4.0, '.': 3.5, '/': 3.7,
    '0': 7.0, '1': 7.0, '2': 7.0, '3': 7.0, '4': 7.0, '5': 7.0, '6': 7.0, '7': 7.0,
    '8': 7.0, '9': 7.0, ':': 3.7, ';': 3.7, '<': 9.2, '=': 9.2, '>': 9.2, '?': 5.8,
    '@': 11.0, 'A': 7.5, 'B': 7.5, 'C': 7.7, 'D': 8.5, 'E': 7.0, 'F': 6.3, 'G': 8.5,
    'H': 8.3, 'I': 3.2, 'J': 3.2, 'K': 7.2, 'L': 6.1, 'M': 9.5, 'N': 8.2, 'O': 8.7,
    'P': 6.6, 'Q': 8.7, 'R': 7.6, 'S': 7.0, 'T': 6.7, 'U': 8.1, 'V': 7.5, 'W': 10.9,
    'X': 7.5, 'Y': 6.7, 'Z': 7.5, '[': 4.3, '\\': 3.7, ']': 4.3, '^': 9.2, '_': 5.5,
    '`': 5.5, 'a': 6.7, 'b': 7.0, 'c': 6.0, 'd': 7.0, 'e': 6.8, 'f': 3.9, 'g': 7.0,
    'h': 7.0, 'i': 3.1, 'j': 3.1, 'k': 6.4, 'l': 3.1, 'm': 10.7, 'n': 7.0, 'o': 6.7,
    'p': 7.0, 'q': 7.0, 'r': 4.5, 's': 5.7, 't': 4.3, 'u': 7.0, 'v': 6.5, 'w': 9.0,
    'x': 6.5, 'y': 6.5, 'z': 5.8, '{': 7.0, '|': 3.7, '}': 7.0, '~': 9.2,
}  # fmt: skip

#: What a character outside the table counts for: about an average lower-case letter,
#: and a full em for the wide characters of East Asian scripts.
OTHER = 7.0
WIDE = 11.0


def char_width(char: str) -> float:
    """The width of one character: from the table, else from the letter it is an
    accented form of (`é` as `e`), else an estimate by its East Asian width;
    combining marks take no room of their own."""
    if char in WIDTHS:
        return WIDTHS[char]
    if unicodedata.combining(char):
        return 0.0
    base = unicodedata.normalize("NFKD", char)[:1]
    if base in WIDTHS:
        return WIDTHS[base]
    return WIDE if unicodedata.east_asian_width(char) in ("W", "F") else OTHER


def text_width(text: str) -> int:
    """The width of `text` at 11px, rounded up to a whole pixel so that the sums a
    template makes of it stay whole numbers, written the same on every run."""
    return math.ceil(sum(char_width(c) for c in text))
