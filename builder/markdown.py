"""Markdown to safe HTML.

Content is untrusted: customers' words are pasted into files by marketers. So the
Markdown is rendered with raw HTML allowed (people paste it) and the result always
goes through an allow-list sanitizer (nh3, a binding to the Rust ammonia crate: a
maintained sanitizer beats a hand-rolled one). Several fragments can share one page
(an idea's body and each answer's note), so every fragment gets an id prefix to keep
heading and footnote ids unique.

markdown-it-py with cohub's rules below is the reference. Most documents take a fast
path instead (`fastmd`, the Rust port of markdown-it), which is proven to give the
same HTML for every document it accepts and hands every other one back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from html.parser import HTMLParser
from itertools import accumulate
from urllib.parse import urljoin, urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

from . import fastmd
from .limits import MARKDOWN_NESTING_MAX, SLUG_LENGTH
from .slugs import slugify

_PYGMENTS_CLASSES = {c for c in STANDARD_TYPES.values() if c}

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input",
    "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "section", "small", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "u", "ul",
}  # fmt: skip
ATTRIBUTES = {
    "*": {"id", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading"},
    "input": {"type", "checked", "disabled"},
    "ol": {"start", "reversed"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "li": {"value"},
}
#: What a Markdown table's `| --: |` becomes: a class, since the site's
#: Content-Security-Policy (netlify.toml) applies no inline style.
ALIGN_CLASSES = {"align-left", "align-right", "align-center"}
CLASSES = {
    "pre": {"highlight"},
    "td": ALIGN_CLASSES,
    "th": ALIGN_CLASSES,
    "span": _PYGMENTS_CLASSES,
    "input": {"task-list-item-checkbox"},
    "li": {"task-list-item", "footnote-item"},
    "ul": {"contains-task-list"},
    "a": {"footnote-ref", "footnote-backref"},
    "sup": {"footnote-ref"},
    "hr": {"footnotes-sep"},
    "section": {"footnotes"},
    "ol": {"footnotes-list"},
}
#: The alignments of table cells, the one use of `style` and `align` in content:
#: markdown-it writes `style="text-align:right"` for `| --: |`. Any other property or
#: value (`expression(…)`, `url(…)`, `position:fixed`) is dropped with the attribute,
#: so content cannot restyle, overlay or load anything through CSS.
ALIGNMENTS = ("left", "right", "center", "justify")
_ALIGN_VALUES = {
    "style": {
        f"text-align:{space}{a}{end}"
        for a in ALIGNMENTS
        for space in ("", " ")
        for end in ("", ";")
    },
    "align": set(ALIGNMENTS),
}
ATTRIBUTE_VALUES = {"td": _ALIGN_VALUES, "th": _ALIGN_VALUES}
SCHEMES = {"http", "https", "mailto"}
UGC_REL = "nofollow ugc noopener"

#: Fenced blocks highlighted per build, by (language, code): the same snippet in many
#: documents, or a document rendered for its page and its feeds, costs Pygments once.
HIGHLIGHT_CACHE = 1024

_A_TAG = re.compile(r'<a((?:\s[\w:-]+="[^"]*")*)\s*>')
_HREF = re.compile(r'\shref="([^"]*)"')


class Markdown:
    """A configured renderer. One per build: its cache lives and dies with the build."""

    def __init__(self, site_host: str = "", fast: bool = True) -> None:
        """`fast`: let the fast path take the documents it can (the output is the same)."""
        self.site_host = site_host
        self.highlight = lru_cache(maxsize=HIGHLIGHT_CACHE)(_pygments)
        self.md = (
            MarkdownIt("commonmark", {"html": True, "linkify": True, "typographer": True})
            .enable(["table", "strikethrough", "linkify", "replacements", "smartquotes"])
            .use(footnote_plugin)
            .use(tasklists_plugin)
        )
        self.md.options["highlight"] = lambda code, lang, _attrs: self.highlight(lang, code)
        self.md.inline.ruler.at("linkify", _linkify)
        self.md.core.ruler.before("block", "cohub_block_nesting", _nesting(RENDER_NESTING))
        self.md.core.ruler.before("inline", "cohub_inline_nesting", _nesting(INLINE_NESTING))
        self.md.core.ruler.push("cohub_headings", _headings)
        self.md.core.ruler.push("cohub_cell_alignment", _cell_alignment)
        self.fast = (
            fastmd.FastPath(self.highlight, heading_ids, _fuzzy_ip(self.md.linkify))
            if fast and fastmd.AVAILABLE
            else None
        )
        self.render = lru_cache(maxsize=65536)(self._render)

    def _render(self, text: str, doc_id: str = "", ugc: bool = False) -> str:
        """HTML for `text`. `doc_id` prefixes ids; `ugc` marks external links as
        user-generated (customers' words) so search engines do not credit them."""
        html = self.fast.render(text, doc_id) if self.fast else None
        if html is None:
            html = self.reference(text, doc_id)
        return self.sanitize(html, ugc)

    def reference(self, text: str, doc_id: str = "") -> str:
        """The reference's HTML for `text` (markdown-it-py), before sanitizing."""
        env = {"docId": doc_id} if doc_id else {}
        return self.md.render(text, env)

    def sanitize(self, html: str, ugc: bool = False) -> str:
        """Rendered HTML as the site shows it: allow-listed, with the rel of links."""
        clean = nh3.clean(
            html,
            tags=TAGS,
            attributes=ATTRIBUTES,
            tag_attribute_values=ATTRIBUTE_VALUES,
            allowed_classes=CLASSES,
            url_schemes=SCHEMES,
            link_rel=None,
            strip_comments=True,
            clean_content_tags={"script", "style"},
        )
        # ammonia leaves `class=""` where it removed every class; drop the husk.
        clean = clean.replace(' class=""', "")
        return _A_TAG.sub(lambda m: self._link(m, ugc), clean)

    def _link(self, match: re.Match, ugc: bool) -> str:
        attrs = match.group(1)
        href = _HREF.search(attrs)
        if href and self._external(href.group(1)):
            rel = UGC_REL if ugc else "noopener"
            return f'<a{attrs} rel="{rel}">'
        return match.group(0)

    def _external(self, href: str) -> bool:
        parts = urlsplit(href.replace("&amp;", "&"))
        return parts.scheme in ("http", "https") and parts.hostname != self.site_host


def absolute_links(html: str, page_url: str) -> str:
    """Feed readers show entries away from the site: make every href and src absolute."""
    parts = urlsplit(page_url)
    origin = f"{parts.scheme}://{parts.netloc}"

    def absolute(url: str) -> str:
        if url.startswith("/") and not url.startswith("//"):
            return origin + url  # the common case, without urljoin's cost
        if url.startswith(("https://", "http://", "mailto:")):
            return url
        return urljoin(page_url, url)

    return rewrite_links(html, absolute)


def prefixed_links(html: str, prefix: str) -> str:
    """Site-relative hrefs and srcs (`/ideas/x/`) under the path a hub is published
    at (`/hub/ideas/x/`), for a site whose base URL has a path."""
    if not prefix:
        return html
    return rewrite_links(
        html, lambda url: prefix + url if url.startswith("/") and not url.startswith("//") else url
    )


def rewrite_links(html: str, convert: Callable[[str], str]) -> str:
    """`html` with the value of every href and src attribute passed through `convert`.

    The tags are found by Python's HTML tokenizer, as a browser finds them, not by a
    pattern over the text: a code span showing ` href="` is text, and must neither be
    rewritten nor hide the links after it. Only the tags whose links change are written
    again (attributes escaped as nh3 escapes them); every other byte is kept as it was.
    """
    if "href" not in html and "src" not in html:
        return html
    finder = _LinkTags(convert)
    finder.feed(html)
    finder.close()
    if not finder.edits:
        return html
    # The tokenizer counts lines by "\n" alone; so do the offsets of their starts.
    starts = [0, *accumulate(len(line) + 1 for line in html.split("\n"))]
    out, at = [], 0
    for (line, column), raw, tag in finder.edits:
        begin = starts[line - 1] + column
        out += (html[at:begin], tag)
        at = begin + len(raw)
    out.append(html[at:])
    return "".join(out)


_LINK_ATTRIBUTES = ("href", "src")


class _LinkTags(HTMLParser):
    """Collects, for each start tag whose href or src `convert` changes, where it is
    (line, column), its text as written, and the tag written again."""

    def __init__(self, convert: Callable[[str], str]) -> None:
        super().__init__()
        self.convert = convert
        self.edits: list[tuple[tuple[int, int], str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not any(name in _LINK_ATTRIBUTES for name, _ in attrs):
            return
        changed = [
            (name, self.convert(value) if name in _LINK_ATTRIBUTES and value else value)
            for name, value in attrs
        ]
        if changed == attrs:
            return
        raw = self.get_starttag_text() or ""
        written = "".join(
            f" {name}" if value is None else f' {name}="{_attribute(value)}"'
            for name, value in changed
        )
        close = "/>" if raw.endswith("/>") else ">"
        self.edits.append((self.getpos(), raw, f"<{tag}{written}{close}"))

    handle_startendtag = handle_starttag


def _attribute(value: str) -> str:
    """An attribute value escaped for double quotes, as nh3 writes them."""
    return (
        value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def _fuzzy_ip(linkify) -> bool:
    """Whether linkify-it links bare IP addresses (markdown-it-py leaves it off)."""
    return bool(getattr(linkify, "_opts", {}).get("fuzzy_ip", True))


def _pygments(lang: str, code: str) -> str:
    """Pygments HTML for a fenced block with a known language; an empty string makes
    markdown-it fall back to a plain, escaped <pre><code>."""
    lexer = _lexer(lang) if lang else None
    if lexer is None:
        return ""
    body = highlight(code, lexer, _FORMATTER)
    return f'<pre class="highlight"><code>{body}</code></pre>\n'


#: One formatter for every block: making one builds its whole stylesheet.
_FORMATTER = HtmlFormatter(nowrap=True)


@lru_cache(maxsize=256)
def _lexer(lang: str):
    """The lexer Pygments has for `lang`, or None (looked up once per language)."""
    try:
        return get_lexer_by_name(lang)
    except ClassNotFound:
        return None


def _cell_alignment(state) -> None:
    """A table cell's alignment as a class instead of markdown-it's inline `style`:
    the site's Content-Security-Policy allows no inline style, and a column of figures
    aligned right must stay aligned on the published site too."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open"):
            style = token.attrGet("style")
            if isinstance(style, str) and style.startswith("text-align:"):
                del token.attrs["style"]
                token.attrSet("class", "align-" + style.removeprefix("text-align:"))


def _headings(state) -> None:
    """Headings in content sit under the page's own <h1>: a fragment whose top heading
    is `#` is shifted down one level (authors who start at `##` are left alone, so no
    level is skipped). Each heading gets an id, prefixed per fragment and unique on
    the page, for links to sections; the number to try next is kept per id, so that
    10,000 headings alike cost no more than 10,000 different ones."""
    tokens: list[Token] = state.tokens
    opening = [i for i, t in enumerate(tokens) if t.type == "heading_open"]
    written = [(int(tokens[i].tag[1]), tokens[i + 1].content) for i in opening]
    placed = heading_ids(written, state.env.get("docId", ""), state.env)
    for i, (level, slug) in zip(opening, placed, strict=True):
        tokens[i].tag = f"h{level}"
        tokens[i].attrSet("id", slug)
        close = next(j for j in range(i + 1, len(tokens)) if tokens[j].type == "heading_close")
        tokens[close].tag = f"h{level}"


def heading_ids(
    headings: Sequence[tuple[int, str]], prefix: str = "", env: dict | None = None
) -> list[tuple[int, str]]:
    """(level, id) for each heading of a fragment, given as (level, its text as
    written): the levels shifted as `_headings` says, the ids prefixed and unique."""
    env = {} if env is None else env
    used: set[str] = env.setdefault("_ids", set())
    next_number: dict[str, int] = env.setdefault("_id_numbers", {})
    shift = 1 if headings and min(level for level, _ in headings) == 1 else 0
    placed = []
    for written_level, content in headings:
        base = slugify(content)[:SLUG_LENGTH].rstrip("-") or "section"
        if prefix:
            base = f"{prefix}-{base}"
        n = next_number.get(base, 1)
        slug = base if n == 1 else f"{base}-{n}"
        while slug in used:
            n += 1
            slug = f"{base}-{n}"
        next_number[base] = n
        used.add(slug)
        placed.append((min(written_level + shift, 6), slug))
    return placed


# -- bounds ---------------------------------------------------------------------------

#: The nesting markdown-it renders (its `maxNesting`, counted in tokens: a list is two
#: levels, its list and its item). Past it markdown-it drops content without a word,
#: so it sits above whatever `limits.markdown_nesting` lets through, and below the
#: depth at which its recursion would meet Python's limit.
RENDER_NESTING = 2 * MARKDOWN_NESTING_MAX + 10
#: Inline, markdown-it's own bound stays: its link labels cost time in proportion to
#: it (a paragraph of `![![![` renders in time linear in its length times this).
INLINE_NESTING = 20


def _nesting(levels: int):
    """A core rule setting the nesting of the stages after it: markdown-it has one
    `maxNesting` for blocks and inline, and blocks need more than inline can afford."""

    def rule(state) -> None:
        state.md.options["maxNesting"] = levels

    return rule


_CONTAINERS = {"blockquote_open": 1, "bullet_list_open": 1, "ordered_list_open": 1}
_CONTAINERS |= {name.replace("_open", "_close"): -1 for name in list(_CONTAINERS)}


def markdown_excess(text: str, nesting: int, rows: int) -> tuple[int, str, str, str] | None:
    """Where Markdown `text` goes past a limit, before anything renders it: (its line,
    counting from 0, the message, the limit's name, the fix), or None.

    `nesting` bounds quotes and lists inside each other, `rows` the rows of one
    table. markdown-it's block parser alone answers both, in linear time and at a
    small part of the cost of rendering (no inline parsing, no sanitizing), so
    `check` asks it for every body and Markdown field.
    """
    if "|" not in text and "[^" not in text and not _MAY_NEST.search(text):
        # Neither a table nor a container: the common case, at no cost. (A footnote's
        # definition opens its container after a label, `[^1]: - …`, which the
        # pattern of line starts does not see.)
        return None
    if _within_bounds(text, nesting, rows):
        return None  # no line could reach either limit: nothing to parse
    return _parsed_excess(text, nesting, rows)


def _parsed_excess(text: str, nesting: int, rows: int) -> tuple[int, str, str, str] | None:
    """`markdown_excess` as the block parser answers it, for any text."""
    md = _block_parser(nesting)
    tokens: list[Token] = []
    md.block.parse(text, md, {}, tokens)
    depth, table_rows = 0, 0
    for token in tokens:
        if token.type in _CONTAINERS:
            depth += _CONTAINERS[token.type]
            if depth > nesting:
                message = f"Markdown nesting over the limit of {nesting} quotes and lists"
                return _line(token), message, "markdown_nesting", "flatten it"
        elif token.type == "tbody_open":
            table_rows = 0  # the rows under the header are the table's rows
        elif token.type == "tr_open":
            table_rows += 1
            if table_rows > rows:
                message = f"a table over the limit of {rows} rows"
                return _line(token), message, "table_rows", "split it"
    return None


def _within_bounds(text: str, nesting: int, rows: int) -> bool:
    """Whether `text` cannot go past either limit, by counting alone.

    Every quote or list open at a line takes at least one column of that line's
    prefix (a `>`, a list marker, or the indentation a nested item needs), and a
    line that is not a lazy continuation carries the markers of every container
    around it; a lazy line only continues a paragraph and opens nothing. So no line
    is nested deeper than its prefix is wide. A table's rows are consecutive
    non-blank lines after its header and delimiter. Both bounds are loose, so a
    text they pass is one the block parser would pass too (tested against it); it
    spares `check` a parse of nearly every body. A footnote's definition opens
    its container after a label (`[^1]: > …`), so a text with one is parsed."""
    if "[^" in text:
        return False
    widest, run, longest = 0, 0, 0
    for line in text.split("\n"):
        if not line.strip():
            run = 0
            continue
        run += 1
        longest = max(longest, run)
        prefix = len(line) - len(line.lstrip(_PREFIX_CHARS))
        widest = max(widest, prefix + 3 * line.count("\t", 0, prefix))  # a tab: 4 columns
    return widest <= nesting and longest <= rows + 2


#: What the prefix of a nested line is made of: indentation, quote markers, bullets
#: and the digits and delimiters of ordered list markers.
_PREFIX_CHARS = " \t>-+*.)0123456789"

#: A line that may open a quote or a list: the only way Markdown nests blocks.
_MAY_NEST = re.compile(r"^[ \t>]*(?:>|[-+*][ \t]|[-+*]$|[0-9]{1,9}[.)](?:[ \t]|$))", re.M)


def _line(token: Token) -> int:
    return token.map[0] if token.map else 0


@lru_cache(maxsize=4)
def _block_parser(nesting: int) -> MarkdownIt:
    """A parser with the renderer's block rules, nesting just deep enough to see the
    first container past `nesting` (what lies deeper is skipped unparsed)."""
    return (
        MarkdownIt("commonmark", {"maxNesting": 2 * nesting + 4})
        .enable("table")
        .use(footnote_plugin)
    )


#: markdown-it's linkify rule looks for a URL's scheme in all of the paragraph's text
#: read so far, and hands linkify-it the whole rest of the source, at every `://`:
#: a paragraph of many `(https://` takes quadratic time (minutes for a few hundred
#: kilobytes). This is the same rule, looking at the few characters a scheme can be
#: and at a window of the source, so it takes linear time; and it never "matches"
#: without moving on, which makes markdown-it-py raise (`[e.com[x+ftp://aftp://`).
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-")
_SCHEME_LENGTH = 64  # linkify-it knows a handful of schemes, none near this long
_URL_WINDOW = 4096  # a link reaching the window's end is matched again on the whole rest


def _linkify(state, silent: bool) -> bool:
    """An `https://example.org/` in text as a link (markdown-it's `linkify` rule)."""
    if not state.md.options.linkify or state.linkLevel > 0:
        return False
    pos = state.pos
    if pos + 3 > state.posMax or state.src[pos : pos + 3] != "://":
        return False
    proto = _scheme_before(state.pending)
    # Read ahead (`silent`, inside a link's text) the text read so far is stale: the
    # scheme must be what stands before the `://` in the source, or nothing is.
    if not proto or state.src[pos - len(proto) : pos] != proto:
        return False
    link = _link_at(state.md.linkify, state.src, pos - len(proto))
    # A "link" no longer than its scheme moves nothing, which markdown-it-py takes
    # for a broken rule and raises at (markdown-it's own JavaScript checks for it).
    if link is None or len(link.url) <= len(proto):
        return False
    url: str = link.url.rstrip("*")  # a '*' at the end is emphasis, not the link's
    full_url = state.md.normalizeLink(url)
    if not state.md.validateLink(full_url):
        return False
    if not silent:
        state.pending = state.pending[: -len(proto)]
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": full_url}
        token.markup = "linkify"
        token.info = "auto"
        token = state.push("text", "", 0)
        token.content = state.md.normalizeLinkText(url)
        token = state.push("link_close", "a", -1)
        token.markup = "linkify"
        token.info = "auto"
    state.pos += len(url) - len(proto)
    return True


def _scheme_before(pending: str) -> str:
    """The scheme that the text read so far ends with: its last run of scheme
    characters, which must start with a letter (what markdown-it's pattern
    `(?:^|[^a-z0-9.+-])([a-z][a-z0-9.+-]*)$` finds), or "" when there is none."""
    start = len(pending)
    while start > 0 and pending[start - 1] in _SCHEME_CHARS:
        start -= 1
        if len(pending) - start > _SCHEME_LENGTH:
            return ""
    proto = pending[start:]
    return proto if proto[:1].isascii() and proto[:1].isalpha() else ""


def _link_at(linkify, src: str, start: int):
    """linkify-it's link starting at `start` of `src`, looking at a window first."""
    window = src[start : start + _URL_WINDOW]
    link = linkify.match_at_start(window)
    if link is not None and len(window) == _URL_WINDOW and link.last_index >= len(window):
        link = linkify.match_at_start(src[start:])
    return link


def pygments_css() -> str:
    """The highlighting stylesheet, light by default and dark under
    prefers-color-scheme, generated so no colour is hand-copied."""
    light = HtmlFormatter(style="default").get_style_defs(".highlight")
    dark = HtmlFormatter(style="monokai").get_style_defs(".highlight")
    dark = "\n".join("  " + line for line in dark.splitlines())
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
