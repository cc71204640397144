"""A fast path for Markdown: markdown-it-pyrs, where it gives what the reference gives.

The reference is markdown-it-py with cohub's rules (`markdown.Markdown`). Its Rust
port, markdown-it-pyrs (same project), parses the same CommonMark, tables,
strikethrough, replacements and smart quotes to the same HTML about twenty times
faster. cohub's own rules are then applied to that HTML where they can be exactly:
heading levels and ids, table alignment as classes, Pygments on fenced code. Any
document that uses something the fast path does not reproduce goes to the
reference instead, decided by a cheap scan before rendering and by checks on what
was rendered (`FastPath.render` returns None). tests/test_markdown_fast.py proves
the two paths give byte-identical sanitized HTML over the shared benchmark corpus,
the example hub, documents made to tell them apart and a seeded soup of marks.

What goes to the reference, each found by the differential test or a fuzzer:

- footnotes (`[^1]`, `^[inline]`) and task lists (`[ ]`, `[x]`): the port writes
  other ids and attributes;
- any text that linkify could read as a link (`https://…`, `www.…`, `name.org`,
  `a@b`, even as a link's text): linkify-it and the port's linkify disagree at the
  edges, and cohub has its own linear-time rule;
- raw HTML that cohub's rewriting could mistake for Markdown's (`<h2>`,
  `style="text-align:`, `code class="language-`);
- smart quotes the port reads otherwise: it pairs them across blocks and across
  emphasis and links, and reads a block's edge from the next block, so a quote at a
  block's edge (but the document's own), one left open in its block, a pair across
  emphasis or a link, one beside an entity, escape, `(c)`, `+-` or Unicode symbol
  (even through markup with no text, `*"x"*`), quotes in code spans or images' text
  the port changed, and typed curly quotes beside straight ones;
- emphasis marks beside a Unicode symbol (`*€5*`), tilde runs but a fence's (`~~~`);
- Unicode spaces where the reference trims them (a line's or a cell's edge);
- block structure read otherwise: an empty list item, a quote's lazy continuation, a
  table right under a line, a table row that may start a list, a table's first line
  without `|`, an empty quote, a tight list item's text running into code or HTML, a
  last line without its newline in code or HTML, a setext heading in a list, a code
  span of spaces only, an image's text over more than a line or with an entity;
- deep nesting (a line opening 32 or more quotes and lists, brackets 9 deep), where
  markdown-it-py's bounds apply and the port's recursion grows; over 50,000
  characters; `\\r` or NUL, which normalizing moves; the port's panic on `[a `b`;
- anything the checks after rendering do not find as expected.

The typographer's changes to code spans and images' text are undone from a render
without it; headings' text as written is read from the port's syntax tree.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from itertools import pairwise

try:
    import markdown_it_pyrs
    from markdown_it.common.utils import escapeHtml, mdTrim, unescapeAll
    from markdown_it.renderer import MD_TRIM_RE
except ImportError:  # no wheel for this platform, or an older markdown-it-py
    markdown_it_pyrs = None

#: Whether the fast path can run here; without it every document takes the reference.
AVAILABLE = markdown_it_pyrs is not None

#: Longer documents go to the reference: the port recurses once per nesting level
#: of emphasis, and this keeps every nesting far below what its stack takes.
MAX_LENGTH = 50_000
#: Container markers (quotes, list markers, indentation) opening one line: each
#: nesting level adds at least one, so 32 bounds the nesting of quotes and lists.
MAX_PREFIX = 32
#: Brackets open at once: markdown-it-py's inline nesting bound (20) counts link
#: labels inside link labels; this stays well below it.
MAX_BRACKETS = 8

_UNICODE_SPACE = "[\x0b\x0c\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
#: What sends a document to the reference, line by line (each pattern starts with a
#: line's "\n", so that the regex engine skips straight to line starts).
_LINES = re.compile(
    rf"\n[ \t>*+\-.)0-9]{{{MAX_PREFIX}}}"  # deep nesting of quotes and lists
    r"|\n[ \t>]*(?:[-+*]|[0-9]{1,9}[.)])[ \t]*(?=\n)"  # an empty list item
)
#: A quote's lazy continuation: a line opening a quote (at any depth) followed by one
#: that does not.
_LAZY_QUOTE = re.compile(r"\n[ \t>*+\-.)0-9]*>[^\n]*\n(?![ \t]*(?:>|\n|$))")
_TILDES = re.compile(r"\n(?! {0,3}~~~)[^\n]*?~~~")  # a run of tildes other than a fence's
_TASK = re.compile(r"\[[ xX]\]")
_RAW_HEADING = re.compile(r"</?h[1-6]>")
_QUOTE_BESIDE = re.compile(
    r"""['"][&\\]|(?:;|\\.?)['"]"""  # a quote next to an entity or escape
    r"""|(?i:\((?:c|r|tm)\)|\+-)['"]|['"](?i:\((?:c|r|tm)\)|\+-)"""  # or to a ™ or ±
)
#: Unicode spaces where the reference trims them and the port does not.
_LOOSE_SPACE = re.compile(
    rf"(?:^|[\s>|#*+\-.)]){_UNICODE_SPACE}|{_UNICODE_SPACE}(?:$|[\s|#])", re.M
)


def _refused(text: str) -> bool:
    """Whether the scan before rendering sends `text` to the reference."""
    lines = "\n" + text + "\n"
    return bool(
        "[^" in text  # footnotes
        or "^[" in text
        or "\r" in text  # normalized by both parsers: offsets would move
        or "\0" in text
        or 'style="text-align:' in text  # raw HTML our rewriting would read as Markdown's
        or 'code class="language-' in text
        or ("h" in text and _RAW_HEADING.search(text))
        or ("]" in text and _TASK.search(text))
        or _LINES.search(lines)
        or (">" in text and _LAZY_QUOTE.search(lines))
        or ("~~~" in text and _TILDES.search(lines))
        or (("'" in text or '"' in text) and _QUOTE_BESIDE.search(text))
        or (not text.isascii() and _LOOSE_SPACE.search(text))
    )


_BRACKETS = re.compile(r"[^\[\]]+")
#: A non-ASCII character beside a mark whose meaning depends on its neighbours.
_BESIDE_MARK = re.compile(r"""[*_~'"]([^\x00-\x7f])|([^\x00-\x7f])[*_~'"]""")
_IMAGE = re.compile(r"!\[(.*)")
_BACKTICK_LINE = re.compile(r"^.*`.*$", re.M)
_FENCE_LINE = re.compile(r" {0,3}```[^`]*$")
_RUNS = re.compile(r"`+")

#: What the reference's linkify could link in text, loosely: `@`, `//`, `www.`,
#: `localhost` and these, a superset of linkify-it's `pretest` (itself a superset of
#: its matches) that holds whatever stands next to the text; one check each, as each
#: alone is fast.
_SCHEME = re.compile(r"(?:https?|ftp|mailto):", re.I)
_DOT_NAME = re.compile(r"\.(?:[a-z]{2}|рф)", re.I)
#: With linkify-it's `fuzzy_ip` (markdown-it-py leaves it off), `1.2.3.4` too.
_DOTTED_NUMBER = re.compile(r"\.\d{1,3}\.")
#: What the port's typographer may have made of the text of code and images.
_TYPOGRAPHED = re.compile("[\u2019\u2018\u201c\u201d\u2013\u2014\u2026±©®™§,?!.]")
#: The typographer's marks, undone, so text is tested for links as linkify saw it.
_UNTYPOGRAPHED = str.maketrans(
    {
        "©": "(c)",
        "®": "(r)",
        "™": "(tm)",
        "±": "+-",
        "\u2026": "...",
        "\u2013": "--",
        "\u2014": "---",
        "\u201c": '"',
        "\u201d": '"',
        "\u2018": "'",
        "\u2019": "'",
    }
)
_CODE_INLINE = re.compile(r"<code>([^<]*)</code>")
_CODE_SPAN = re.compile(r"<code>[^<]*</code>|<pre><code[^>]*>[^<]*</code></pre>")
_TAG = re.compile(r"<[^>]*>")
_NEEDS_TREE = re.compile(r"<h[1-6]>|<pre><code class=|<table>|<li>")
#: A code span of spaces only, which the reference keeps whole and the port trims.
_SPACES_CODE = re.compile(r"<code> +</code>")
_BLANK = re.compile(r"[ \t>]*")
_DELIMITER = re.compile(r"^[ \t>]*[|:\-][-:| \t]*$", re.M)
_BLOCK_START = re.compile(r"[ \t]*(?:[-+*>#<]|[0-9]{1,9}[.)]|```|~~~)")
_ENTITY_OR_ESCAPE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);|\\")
_QUOTE_AT_TAG = re.compile(
    "(?:>|&[a-z]+;)(?:['\"\u201c\u201d\u2018\u2019]|&quot;)"
    "|(?:['\"\u201c\u201d\u2018\u2019]|&quot;)(?:<|&[a-z]+;)"
)
_BESIDE_QUOTE = re.compile(
    "['\"\u201c\u201d\u2018\u2019]([^\x00-\x7f])|([^\x00-\x7f])['\"\u201c\u201d\u2018\u2019]"
)
#: The inline tags Markdown writes, and curly quotes.
_MARKUP_OR_CURLY = re.compile(r"<(/?(?:em|strong|s|a)\b)[^>]*>|([\u201c\u201d\u2018\u2019])")
#: Those tags written as raw HTML, which the reference does not count as depth: a
#: document with one has its curly quotes paired by the reference.
_RAW_MARKUP = re.compile(r"</?(?:em|strong|s|a)\b")
_CURLY = re.compile("[\u201c\u201d\u2018\u2019]")
_QUOTE = re.compile("[\u201c\u201d\u2018\u2019'\"]|&quot;")
_STARTS_QUOTED = re.compile("^(?:[\u201c\u201d\u2018\u2019'\"]|&quot;)")
_ENDS_QUOTED = re.compile("(?:[\u201c\u201d\u2018\u2019'\"]|&quot;)$")
_BLOCK_TAG = re.compile(
    r"</?(?:p|li|h[1-6]|th|td|tr|thead|tbody|table|ul|ol|blockquote|pre|div)\b[^>]*>|<hr />"
)
_ALT = re.compile(r'<img [^>]*?alt="([^"]*)"')  # the attribute's end is the match's
_HEADING_TAG = re.compile(r"<(/?)h([1-6])>")
_FENCE = re.compile(r'<pre><code class="language-([^"]*)">([^<]*)</code></pre>\n')
_ALIGNED_CELL = re.compile(r'<(th|td) style="text-align:(left|right|center)">')

#: Blocks the fast path knows, and those it looks into for headings and fences.
_BLOCKS = {
    "paragraph", "heading", "lheading", "fence", "code_block", "html_block", "hr",
    "table", "blockquote", "bullet_list", "ordered_list", "list_item", "definition",
}  # fmt: skip
_CONTAINERS = {"blockquote", "bullet_list", "ordered_list", "list_item"}
_VERBATIM = {"fence", "code_block", "html_block"}
#: What a tight list's item holds without a paragraph around it.
_INLINES = {
    "text", "text_special", "softbreak", "hardbreak", "em", "strong", "strikethrough",
    "code_inline", "link", "image", "autolink", "html_inline",
}  # fmt: skip

#: (heading level, its text as written) for each heading -> (level, id) for each.
HeadingIds = Callable[[Sequence[tuple[int, str]], str], list[tuple[int, str]]]


class FastPath:
    """Renders the documents it can take; `render` returns None for the others."""

    def __init__(
        self, highlight: Callable[[str, str], str], heading_ids: HeadingIds, fuzzy_ip: bool = True
    ):
        """`highlight(lang, code)`: the reference's Pygments HTML or "";
        `heading_ids`: the reference's ids for a fragment's headings; `fuzzy_ip`:
        whether the reference's linkify-it links bare IP addresses."""
        self.fuzzy_ip = fuzzy_ip
        self.md = markdown_it_pyrs.MarkdownIt("commonmark").enable_many(
            ["table", "strikethrough", "replacements", "smartquotes"]
        )
        #: Without the typographer, which the port applies to code spans and image
        #: descriptions too, where the reference leaves them as written.
        self.plain = markdown_it_pyrs.MarkdownIt("commonmark").enable_many(
            ["table", "strikethrough"]
        )
        self.highlight = highlight
        self.heading_ids = heading_ids

    def render(self, text: str, doc_id: str = "") -> str | None:
        """The HTML the reference renders for `text` before sanitizing, or None when
        `text` must go to the reference."""
        if (
            len(text) > MAX_LENGTH
            or _refused(text)
            or _brackets_deep(text)
            or _unpaired_backticks(text)
            or ("![" in text and _image_lines(text))
            or (not text.isascii() and _symbol_beside_mark(text))
        ):
            return None
        try:
            html = self.md.render(text)
            if (
                _may_link(html, self.fuzzy_ip)
                or "<blockquote>\n</blockquote>" in html
                or _quotes_across_blocks(text, html)
                or _SPACES_CODE.search(html)
            ):
                return None
            html = self._verbatim(text, html)
            if html is None:
                return None
            # A last line without its newline ends a block: only the port's code and
            # HTML blocks would keep a newline there that the reference does not.
            ends_open = not text.endswith("\n")
            if "|" in text and _delimiter_rows(text) != html.count("<table>"):
                return None  # a table one of the two may not see
            if not ends_open and not _NEEDS_TREE.search(html):
                return _aligned(html)  # no headings, fenced code with a language, tables
            blocks = self._blocks(text, ends_open)
        except BaseException as exc:  # the port's panics are BaseExceptions
            if type(exc).__name__ == "PanicException":
                return None
            raise
        if blocks is None:
            return None
        headings, fences = blocks
        html = self._headings(html, headings, doc_id) if headings else html
        if html is None:
            return None
        html = self._fences(html, fences)
        return None if html is None else _aligned(html)

    def _verbatim(self, text: str, html: str) -> str | None:
        """`html` with code spans and images' text as written, as the reference keeps
        them: the port's typographer changes them too. None where a quote is among
        them, which the port pairs with those in the text around."""
        codes, alts = _CODE_INLINE.findall(html), _ALT.findall(html)
        if not any(_TYPOGRAPHED.search(part) for part in codes + alts):
            return html
        plain = self.plain.render(text)
        plain_codes, plain_alts = _CODE_INLINE.findall(plain), _ALT.findall(plain)
        if len(plain_codes) != len(codes) or len(plain_alts) != len(alts):
            return None
        if any(_QUOTE.search(part) for part in plain_codes + plain_alts):
            return None
        if codes != plain_codes:
            written = iter(plain_codes)
            html = _CODE_INLINE.sub(lambda _: f"<code>{next(written)}</code>", html)
        if alts != plain_alts:
            written = iter(plain_alts)
            html = _ALT.sub(
                lambda m: m.group()[: m.start(1) - m.start()] + next(written) + '"', html
            )
        return html

    def _blocks(self, text: str, ends_open: bool):
        """([(level, text as written)] of the headings, [(info, code)] of the fences),
        in document order, from the port's syntax tree; None for a tree with a block
        the fast path does not know or a heading it cannot read, or (`ends_open`) whose
        last block keeps its lines as they are."""
        source = text.encode() if not text.isascii() else None
        headings: list[tuple[int, str]] = []
        fences: list[tuple[str, str]] = []
        root = self.md.tree(text)
        if ends_open:
            last = root
            while last.name in _CONTAINERS or last.name == "root":
                if not last.children:
                    break
                last = last.children[-1]
            if last.name in _VERBATIM:
                return None
        stack = [(node, False) for node in reversed(root.children)]
        while stack:
            node, nested = stack.pop()
            name = node.name
            if name not in _BLOCKS:
                if nested and name in _INLINES:
                    continue
                return None
            if name in _CONTAINERS:
                children = node.children
                if name == "list_item" and _runs_into_verbatim(children):
                    return None  # the port puts a line break between them, the reference not
                stack.extend((child, True) for child in reversed(children))
            elif name == "heading" or name == "lheading":
                if node.srcmap is None or (nested and name == "lheading"):
                    return None
                start, end = node.srcmap
                written = source[start:end].decode() if source else text[start:end]
                heading = _atx(written) if name == "heading" else _setext(written, node)
                if heading is None:
                    return None
                headings.append(heading)
            elif name == "table":
                start, end = node.srcmap
                before = (source[:start].decode() if source else text[:start]).rsplit("\n", 2)
                rows = (source[start:end].decode() if source else text[start:end]).split("\n")
                if "|" not in rows[0]:
                    return None  # the reference wants a `|` in a table's first line
                if any(_BLOCK_START.match(row) for row in rows[2:]):
                    return None  # a row that may start a list or a quote instead
                if len(before) >= 2 and not _BLANK.fullmatch(before[-2]):
                    return None  # a table right under a line may continue that line's quote
            elif name == "fence":
                meta = node.meta
                fences.append((meta.get("info", ""), meta["content"]))
        return headings, fences

    def _headings(self, html: str, headings: list[tuple[int, str]], doc_id: str) -> str | None:
        """`html` with each heading moved to the reference's level and given its id."""
        tags = _HEADING_TAG.findall(html)
        if len(tags) != 2 * len(headings):
            return None
        for (slash, level), (written_level, _) in zip(tags[::2], headings, strict=True):
            if slash or int(level) != written_level:
                return None
        if not all(slash for slash, _ in tags[1::2]):
            return None
        placed = iter(self.heading_ids(headings, doc_id))
        current: list[int] = []

        def tag(match: re.Match) -> str:
            if match.group(1):
                return f"</h{current[0]}>"
            level, slug = next(placed)
            current[:] = [level]
            return f'<h{level} id="{escapeHtml(slug)}">'

        return _HEADING_TAG.sub(tag, html)

    def _fences(self, html: str, fences: list[tuple[str, str]]) -> str | None:
        """`html` with each fenced block of a language Pygments knows highlighted as the
        reference's renderer does; None if the blocks are not the tree's fences."""
        named = []
        for info, code in fences:
            lang = mdTrim(unescapeAll(info)) if info else ""
            if lang:
                named.append((MD_TRIM_RE.split(lang, maxsplit=1)[0], code))
        blocks = list(_FENCE.finditer(html))
        if len(blocks) != len(named):
            return None
        out, at = [], 0
        for block, (lang, code) in zip(blocks, named, strict=True):
            if block.group(1) != escapeHtml(lang) or block.group(2) != escapeHtml(code):
                return None
            highlighted = self.highlight(lang, code)
            if highlighted:
                out += (html[at : block.start()], highlighted, "\n")
                at = block.end()
        out.append(html[at:])
        return "".join(out)


def _quotes_across_blocks(text: str, html: str) -> bool:
    """Whether the port may have read a quote with what stands in another block: it
    pairs smart quotes across the document, and reads the neighbours of a quote at a
    block's edge there, the reference within each paragraph, heading or cell. So no
    block but the first may begin with a quote, none but the last may end with one,
    and each must close every quote it opens and open every one it closes (a closing
    single quote between letters, or with none open, is an apostrophe)."""
    if "'" not in text and '"' not in text:
        return False  # the port made no quote curly
    html = _CODE_SPAN.sub("", html)  # quotes in code are as written (see `_verbatim`)
    flat = _TAG.sub("", html).replace("&quot;", '"')
    if not _QUOTE.search(flat):
        return False
    # What stands beside a quote is read through markup with no text of its own
    # (`*`, `[](…)`): an entity's or escape's character, or a symbol, read there
    # is read otherwise by the two.
    if _ENTITY_OR_ESCAPE.search(text) and _QUOTE_AT_TAG.search(html):
        return True
    for match in _BESIDE_QUOTE.finditer(flat):
        char = match.group(1) or match.group(2)
        if ord(char) > 0xFFFF or unicodedata.category(char)[0] == "S":
            return True
    if _CURLY.search(text) and ("'" in text or '"' in text):
        return True  # quotes typed curly cannot be told from those the port made
    raw_markup = bool(_RAW_MARKUP.search(text))
    blocks = [(block, _TAG.sub("", block).strip()) for block in _BLOCK_TAG.split(html)]
    blocks = [(block, words) for block, words in blocks if words]
    for at, (block, words) in enumerate(blocks):
        if not _QUOTE.search(words):
            continue
        if (at and _STARTS_QUOTED.search(words)) or (
            at < len(blocks) - 1 and _ENDS_QUOTED.search(words)
        ):
            return True
        if _CURLY.search(block) and (raw_markup or _unpaired_in(block)):
            return True
    return False


def _unpaired_in(block: str) -> bool:
    """Whether a block's curly quotes may not pair as the reference pairs them: each
    opened one closed in the block, at the same depth of emphasis and links (the
    reference pairs none across them)."""
    depth = 0
    double: list[int] = []
    single: list[int] = []
    for match in _MARKUP_OR_CURLY.finditer(block):
        tag, mark = match.group(1), match.group(2)
        if tag is not None:
            depth += -1 if tag.startswith("/") else 1
        elif mark == "\u201c":
            double.append(depth)
        elif mark == "\u2018":
            single.append(depth)
        elif mark == "\u201d":
            if not double or double.pop() != depth:
                return True
        elif single and not _between_letters(block, match.start()) and single.pop() != depth:
            return True
    return bool(double or single)


def _between_letters(text: str, at: int) -> bool:
    return 0 < at < len(text) - 1 and text[at - 1].isalnum() and text[at + 1].isalnum()


def _may_link(html: str, ip: bool = True) -> bool:
    """Whether the reference could link some of the text (cohub's rule at `://`,
    markdown-it's linkify of `www.`, `name.org`, `a@b.example`): its words, outside
    tags and code, and an image's words (cohub's rule reads them too)."""
    words = _TAG.sub("\n", _CODE_SPAN.sub("\n", html))
    if "<img" in html:
        words += "\n" + "\n".join(_ALT.findall(html))
    for variant in (words, words.translate(_UNTYPOGRAPHED)):
        folded = variant.casefold()  # as loose as the pretest's IGNORECASE, or looser
        if "@" in folded or "//" in folded or "www." in folded or "localhost" in folded:
            return True
        if _DOT_NAME.search(variant) or (":" in folded and _SCHEME.search(folded)):
            return True
        if ip and _DOTTED_NUMBER.search(variant):
            return True
    return False


def _aligned(html: str) -> str:
    """Table cells' alignment as the reference's class instead of a style."""
    if "text-align:" not in html:
        return html
    return _ALIGNED_CELL.sub(r'<\1 class="align-\2">', html)


def _runs_into_verbatim(children) -> bool:
    """Whether a tight list item's text runs straight into code or HTML."""
    names = [child.name for child in children]
    return any(a in _INLINES and b in _VERBATIM for a, b in pairwise(names))


def _atx(written: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading as written (`## Text ##`), as markdown-it-py's
    heading rule reads it."""
    pos, end = 0, len(written)
    while pos < end and written[pos] in " \t":
        pos += 1
    level = 0
    while pos < end and written[pos] == "#":
        level += 1
        pos += 1
    if not 1 <= level <= 6 or (pos < end and written[pos] not in " \t"):
        return None
    while end > pos and written[end - 1] in " \t":  # skipSpacesBack
        end -= 1
    tail = end
    while tail > pos and written[tail - 1] == "#":  # skipCharsStrBack
        tail -= 1
    if tail > pos and written[tail - 1] in " \t":
        end = tail
    return level, mdTrim(written[pos:end])


def _setext(written: str, node) -> tuple[int, str] | None:
    """(level, text) of a setext heading (`Text` over `===`) as written (at the top
    level, where markdown-it-py takes its lines as they are)."""
    if written.count("\n") < 1:
        return None
    level = node.meta.get("level")
    if level not in (1, 2):
        return None
    return level, mdTrim(written[: written.rindex("\n")])


def _unpaired_backticks(text: str) -> bool:
    """Whether a code span's backticks might go unclosed in a text with brackets.

    The port panics (and is caught, but prints a backtrace) when it meets again an
    unclosed run of backticks in a link's text (`[a `b`). Read conservatively: every
    line with backticks, fenced code included, must pair its runs by itself, and so
    must each of its table cells, with no escape, tag or autolink that could take one
    of them away; a line opening or closing a fence at the top level is left out.
    """
    if "`" not in text or "[" not in text:
        return False
    for line in _BACKTICK_LINE.findall(text):
        if _FENCE_LINE.match(line):
            continue
        if "\\" in line or "<" in line:
            return True
        pieces = [line, *line.split("|")] if "|" in line else [line]
        if not all(_paired(piece) for piece in pieces):
            return True
    return False


def _paired(line: str) -> bool:
    """Whether each run of backticks in `line` is closed by the next of its length."""
    runs = _RUNS.findall(line)
    while runs:
        opener = runs.pop(0)
        if opener not in runs:
            return False
        del runs[: runs.index(opener) + 1]
    return True


def _delimiter_rows(text: str) -> int:
    """How many lines may be the `|---|:-:|` line under a table's header, at most."""
    count = 0
    for match in _DELIMITER.finditer(text):
        row, end = match.group(), match.start() - 1
        if "-" in row and ("|" in row or "|" in text[text.rfind("\n", 0, max(end, 0)) + 1 : end]):
            count += 1
    return count


def _symbol_beside_mark(text: str) -> bool:
    """Whether an emphasis mark or quote stands beside a Unicode symbol (`*€5*`,
    `'😀`): the reference counts symbols as punctuation there, the port does not."""
    for match in _BESIDE_MARK.finditer(text):
        char = match.group(1) or match.group(2)
        if ord(char) > 0xFFFF or unicodedata.category(char)[0] == "S":
            return True
    return False


def _image_lines(text: str) -> bool:
    """Whether an image's description may go on past its line: the reference keeps
    the line break in its alt text, the port drops it. Conservatively, any image
    whose line holds code, an escape or a tag after it, or fewer `]` than `[`."""
    for rest in _IMAGE.findall(text):
        if "`" in rest or "\\" in rest or "<" in rest or "&" in rest:
            return True
        depth = 1
        for mark in _BRACKETS.sub("", rest):
            depth += 1 if mark == "[" else -1
            if depth == 0:
                break
        else:
            return True
    return False


def _brackets_deep(text: str) -> bool:
    """Whether brackets nest more than MAX_BRACKETS deep anywhere (counting every `[`
    and `]`, escaped or in code too: an over-estimate, never an under-estimate)."""
    if text.count("[") <= MAX_BRACKETS:
        return False
    depth = 0
    for mark in _BRACKETS.sub("", text):
        if mark == "[":
            depth += 1
            if depth > MAX_BRACKETS:
                return True
        elif depth:
            depth -= 1
    return False
