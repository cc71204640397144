"""Feeds (SPEC §5), held to what the W3C Feed Validation Service checks.

The validator (github.com/w3c/feedvalidator) cannot be installed here, so this file
restates in its own code every error and warning of the validator that can apply to
the Atom 1.0, RSS 2.0 and OPML documents cohub writes. Each check names, in its
message, the validator message it stands for (the class name in the validator's
logging.py), so a failure reads like the validator's report. Where SPEC §5 asks for
more than the validator does (self links with a media type, RSS dates in `+0000`
form, absolute links in Atom content too, a `language`), the check says "SPEC".

Beyond validity: feeds are stable (ids and dates never come from the clock or from
`--base-url`), one new answer is one new entry, `feed_size` is honoured, and the
per-idea feeds are Atom only and unlisted.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from html import unescape
from html.entities import html5 as HTML5_ENTITIES
from html.entities import name2codepoint
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import feedparser
import pytest
from conftest import EPOCH, HUB_YAML, ROOT, write_hub
from lxml import etree
from lxml import html as lxml_html

from builder.build import build
from builder.pipeline import read_hub

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XHTML_NS = "http://www.w3.org/1999/xhtml"
DC_NS = "http://purl.org/dc/elements/1.1/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
A = f"{{{ATOM_NS}}}"
XML_LANG = f"{{{XML_NS}}}lang"
XML_BASE = f"{{{XML_NS}}}base"

#: Namespaces a feed of ours may declare, under the prefix feed tools expect.
KNOWN_PREFIXES = {
    "atom": ATOM_NS,
    "content": CONTENT_NS,
    "dc": DC_NS,
    "dcterms": "http://purl.org/dc/terms/",
    "xhtml": XHTML_NS,
    "xml": XML_NS,
}
PREFIX_OF = {uri: prefix for prefix, uri in KNOWN_PREFIXES.items()}

#: The build instant of `example_site`; events of the build's own day are published.
BUILT = datetime.fromtimestamp(int(EPOCH), UTC)
LATEST = BUILT + timedelta(days=1)
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


# -- the checker's vocabulary ------------------------------------------------------------


def words(text: str) -> set[str]:
    return set(text.split())


#: HTML element names, to tell HTML in plain text from text that merely has a slash.
HTML_ELEMENTS = words(
    """a abbr acronym address applet area article aside audio b base basefont bdi bdo
    big blockquote body br button canvas caption center cite code col colgroup data
    datalist dd del details dfn dialog dir div dl dt em embed fieldset figcaption figure
    font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe
    img input ins kbd label legend li link main map mark menu meta meter nav noframes
    noscript object ol optgroup option output p param picture pre progress q rp rt ruby
    s samp script section select slot small source span strike strong style sub summary
    sup table tbody td template textarea tfoot th thead time title tr track tt u ul var
    video wbr xmp"""
)

#: Elements entry HTML may use: harmless ones the validator also accepts.
SAFE_ELEMENTS = words(
    """a abbr b blockquote br caption cite code dd del details dfn div dl dt em figcaption
    figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong
    sub summary sup table tbody td tfoot th thead time tr u ul var wbr"""
)

#: Attributes entry HTML may use (plus data-*), again a subset of the validator's.
SAFE_ATTRIBUTES = words(
    """abbr align alt cite class colspan datetime dir headers height href hreflang id lang
    open rel reversed rowspan scope span src start title type width"""
)

#: Attributes that hold a URL, which feed readers resolve against nothing.
URL_ATTRIBUTES = {"href", "src", "cite", "poster", "action", "longdesc", "usemap"}

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}
VOID_ELEMENTS |= {"param", "source", "track", "wbr"}
#: Elements whose start tag ends an open paragraph.
CLOSES_P = words(
    """address article aside blockquote details div dl fieldset figcaption figure footer
    form h1 h2 h3 h4 h5 h6 header hr main menu nav ol p pre section table ul"""
)
#: Elements whose end tag HTML lets an author leave out.
OPTIONAL_END = {"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot"}
OPTIONAL_END |= {"option", "optgroup", "colgroup", "rt", "rp"}

#: ISO 639-1 codes (the validator also takes ISO 639-2 three-letter codes).
ISO_639_1 = words(
    """aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr
    cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv
    ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km
    kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na
    nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc
    sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt
    tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu"""
)

#: Registered link relations (IANA) that an Atom link may name without a URI.
LINK_RELATIONS = words(
    """alternate current describedby edit edit-media enclosure first hub last license next
    next-archive payment prev-archive previous related replies search self service up
    via"""
)
#: Feed-paging relations, which make no sense on a single entry.
PAGING_RELATIONS = {"current", "first", "last", "next", "next-archive", "prev-archive"}
PAGING_RELATIONS |= {"previous"}

URI_SCHEMES = {"http", "https", "mailto", "tag", "urn"}
URI_CHARS = re.compile(r"[A-Za-z0-9;/?:@&=+$.\-_!~*'()%,#\[\]]*")
TAG_URI = re.compile(
    r"tag:(?:[a-z0-9._-]+@)?[a-z0-9.-]+,\d{4}(?:-\d\d(?:-\d\d)?)?:"
    r"[A-Za-z0-9;/?:@&=+$.\-_!~*'()%,]*(?:#[A-Za-z0-9;/?:@&=+$.\-_!~*'()%,]*)?"
)
MIME_TYPE = re.compile(r"[^\s()<>,;:\\\"/\[\]?=]+/[^\s()<>,;:\\\"/\[\]?=]+")
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)")
RFC822_UTC = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d \+0000"
)
EMAIL = re.compile(r"[A-Za-z0-9_+.'-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z0-9][A-Za-z0-9-]*")
EMAIL_IN_TEXT = re.compile(r"<[A-Za-z0-9_+.'-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z0-9-]+>")


# -- findings --------------------------------------------------------------------------


class Findings(list):
    """The problems of one document: `code` is the validator message mirrored.
    `lines` keeps the document's source, for the one check that reads it."""

    lines: tuple[str, ...] = ()

    def add(self, code: str, where: str, detail: object = "") -> None:
        self.append(f"{where}: {code}" + (f" ({detail})" if detail != "" else ""))


def local(el) -> str:
    """An element's name as the validator prints it: `title` for the document's own
    vocabulary, `atom:link` or `dc:creator` for another."""
    qname = etree.QName(el)
    if qname.namespace == etree.QName(el.getroottree().getroot()).namespace:
        return qname.localname
    prefix = PREFIX_OF.get(qname.namespace)
    return f"{prefix}:{qname.localname}" if prefix else qname.text


def children(el) -> list:
    """Child elements, leaving out comments and processing instructions."""
    return [c for c in el if isinstance(c.tag, str)]


def value(el) -> str:
    return el.text or ""


# -- documents, characters, namespaces -------------------------------------------------


def parse_document(data: bytes, found: Findings, where: str):
    """The root element, after the document-level checks; None when not well-formed."""
    # BadXmlVersion / UnicodeError / SPEC: an XML 1.0 declaration naming UTF-8.
    head = data[:100].decode("ascii", "replace")
    declaration = re.match(r"<\?xml\s+version\s*=\s*['\"]([^'\"]*)['\"]", head)
    if not declaration or declaration.group(1) != "1.0":
        found.add("BadXmlVersion: an XML 1.0 declaration comes first", where)
    if not re.match(r"<\?xml[^>]*encoding\s*=\s*['\"]utf-8['\"]", head, re.IGNORECASE):
        found.add("MissingEncoding: declare encoding UTF-8", where)
    if data.startswith(b"\xef\xbb\xbf") or data[:1].isspace():
        found.add("WPBlankLine: nothing may come before the XML declaration", where)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        found.add("UnicodeError", where, exc)
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        tree = etree.fromstring(data, parser).getroottree()
    except etree.XMLSyntaxError as exc:
        found.add("SAXError: not well-formed XML", where, exc)
        return None
    # ContainsSystemEntity / InvalidDoctype: a feed has no DOCTYPE.
    if tree.docinfo.doctype:
        found.add("ContainsSystemEntity: no DOCTYPE", where, tree.docinfo.doctype)
    root = tree.getroot()
    found.lines = tuple(data.decode("utf-8").split("\n"))
    check_characters(root, found)
    return root


def check_characters(root, found: Findings) -> None:
    """BadCharacters: C1 controls and U+FFFD (Windows-1252 read as Latin-1), and Latin
    letters encoded twice (`Ã©` for `é`)."""
    bad = re.compile("[\x80-\x9f\ufffd]|[\u00c2\u00c3][\u0080-\u00bf]")
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        texts = [el.text or "", el.tail or "", *el.attrib.values()]
        if any(bad.search(t) for t in texts):
            found.add("BadCharacters", local(el))


def check_namespaces(root, found: Findings, *, atom: bool) -> None:
    """The namespaces a document declares, and their prefixes."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        parent = el.getparent()
        inherited = parent.nsmap if parent is not None else {}
        for prefix, uri in el.nsmap.items():
            if inherited.get(prefix) == uri:
                continue
            if prefix is None:
                # InvalidNamespace: Atom's default namespace is Atom's; RSS has none.
                if uri != (ATOM_NS if atom else None):
                    found.add("InvalidNamespace", local(el), uri)
                continue
            if prefix in KNOWN_PREFIXES and KNOWN_PREFIXES[prefix] != uri:
                found.add("ReservedPrefix", local(el), f"{prefix} -> {uri}")
            elif uri not in KNOWN_PREFIXES.values():
                found.add("UnknownNamespace", local(el), uri)
            elif KNOWN_PREFIXES.get(prefix) != uri:
                found.add("NonstdPrefix", local(el), f"{prefix} -> {uri}")
            if atom and prefix in ("atom", "xhtml"):
                found.add("AvoidNamespacePrefix", local(el), prefix)
        # SPEC: links are absolute, so nothing leans on xml:base.
        if XML_BASE in el.attrib:
            found.add("SPEC: no xml:base (links are absolute)", local(el))


def check_language(text: str | None, found: Findings, where: str) -> None:
    """InvalidLanguage: an ISO 639 code, optionally with subtags (`en`, `pt-BR`)."""
    if not text or not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", text):
        found.add("InvalidLanguage", where, text)
        return
    primary = text.split("-")[0].lower()
    if len(primary) == 2 and primary not in ISO_639_1:
        found.add("InvalidLanguage", where, text)


def check_attributes(el, allowed: set[str], found: Findings, where: str) -> None:
    """UnexpectedAttribute / UseOfExtensionAttr: only the attributes the format defines
    (xml:lang and friends are allowed everywhere)."""
    for name in el.attrib:
        if name.startswith(f"{{{XML_NS}}}"):
            continue
        if name not in allowed:
            found.add("UnexpectedAttribute", where, name)


def check_leaf(el, found: Findings, where: str) -> None:
    """UndefinedElement: text-only elements hold no elements."""
    for child in children(el):
        found.add("UndefinedElement", where, local(child))


def check_no_stray_text(el, found: Findings, where: str) -> None:
    """UnexpectedText: elements that hold elements hold no text of their own."""
    texts = [el.text or "", *(child.tail or "" for child in el)]
    if any(text.strip() for text in texts):
        found.add("UnexpectedText", where)


def check_no_whitespace(el, found: Findings, where: str) -> None:
    """UnexpectedWhitespace: ids, dates and URIs carry no surrounding whitespace."""
    if value(el) != value(el).strip():
        found.add("UnexpectedWhitespace", where)


def check_once(el, names: set[str], found: Findings, where: str) -> None:
    """DuplicateElement: elements that may occur once per parent."""
    seen: set[str] = set()
    for child in children(el):
        name = local(child)
        if name in names and name in seen:
            found.add("DuplicateElement", where, name)
        seen.add(name)


# -- values ------------------------------------------------------------------------------


def canonical_uri(uri: str) -> str | None:
    """The form the validator compares identifiers with (RFC 3986 normalization):
    lower-case scheme and host, no default port, no dot segments, upper-case
    percent-escapes, non-ASCII escaped, `/` for an empty path."""
    keep = "-._~!$&'()*+,;=:@"

    def norm(part: str, extra: str = "") -> str:
        return quote(unquote(part), safe=keep + extra)

    try:
        parts = urlsplit(uri)
        scheme = parts.scheme.lower()
        if parts.netloc:
            host = (parts.hostname or "").lower()
            port = parts.port
            if port is not None and port != {"http": 80, "https": 443}.get(scheme):
                host = f"{host}:{port}"
            if parts.username is not None:
                host = f"{parts.netloc.rsplit('@', 1)[0]}@{host}"
            segments: list[str] = []
            for segment in parts.path.split("/")[1:]:
                if segment == "..":
                    if segments:
                        segments.pop()
                elif segment != ".":
                    segments.append(segment)
            path = "/" + "/".join(norm(s) for s in segments)
            netloc = host
        else:
            path = norm(parts.path, "/")
            netloc = ""
        query = norm(parts.query, "/?")
        fragment = norm(parts.fragment, "/?")
    except ValueError:
        return None
    text = urlunsplit((scheme, netloc, path, query, fragment))
    if parts.query == "" and uri.endswith("?"):
        text += "?"
    return text


def check_uri(text: str, found: Findings, where: str, *, canonical: bool = False) -> None:
    """A full (absolute) URI: InvalidFullLink, InvalidUriChar, InvalidTAG,
    SchemeNotIANARegistered, and for ids NonCanonicalURI."""
    scheme = text.split(":", 1)[0].lower() if ":" in text else ""
    if not re.fullmatch(r"[a-z][a-z0-9+.-]*", scheme):
        found.add("InvalidFullLink: not an absolute URI", where, text)
        return
    if not URI_CHARS.fullmatch(text):
        found.add("InvalidUriChar", where, text)
        return
    if scheme == "tag":
        if not TAG_URI.fullmatch(text):
            found.add("InvalidTAG", where, text)
    elif scheme in ("http", "https"):
        if not re.match(r"https?://[^/]", text, re.IGNORECASE):
            found.add("InvalidFullLink", where, text)
    elif scheme not in URI_SCHEMES:
        found.add("SchemeNotIANARegistered", where, scheme)
    if canonical and canonical_uri(text) != text:
        found.add("NonCanonicalURI", where, f"{text} -> {canonical_uri(text)}")


def check_rfc3339(el, found: Findings, where: str) -> datetime | None:
    """InvalidRFC3339Date / ImplausibleDate (the validator's clock is the build's)."""
    text = value(el)
    check_no_whitespace(el, found, where)
    check_leaf(el, found, where)
    if not RFC3339.fullmatch(text.strip()):
        found.add("InvalidRFC3339Date", where, text)
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        found.add("InvalidRFC3339Date", where, text)
        return None
    if not EARLIEST <= moment <= LATEST:
        found.add("ImplausibleDate", where, text)
    return moment


def check_rfc822(el, found: Findings, where: str) -> datetime | None:
    """InvalidRFC2822Date / IncorrectDOW / ImplausibleDate, and SPEC's `+0000` zone."""
    text = value(el).strip()
    check_leaf(el, found, where)
    if not RFC822_UTC.fullmatch(text):
        found.add("InvalidRFC2822Date (SPEC: 'Day, DD Mon YYYY HH:MM:SS +0000')", where, text)
        return None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        found.add("InvalidRFC2822Date", where, text)
        return None
    if moment.strftime("%a") != text[:3]:
        found.add("IncorrectDOW", where, text)
    if not EARLIEST <= moment <= LATEST:
        found.add("ImplausibleDate", where, text)
    return moment


def html_in_text(text: str) -> bool:
    """What makes the validator think plain text holds HTML: an HTML end tag, or an
    entity reference written out (`&amp;`, `&#39;`) in the decoded text."""
    for tag in re.findall(r"</(\w+)>", text):
        if tag.lower() in HTML_ELEMENTS:
            return True
    for ref in re.findall(r"&(#?\w+)", text):
        if ref in name2codepoint or ref == "apos" or not ref.isalpha():
            return True
    return False


def check_plain_text(el, found: Findings, where: str, *, rss: bool, code: str) -> None:
    """Plain text: no HTML (ContainsHTML, or ContainsUndeclaredHTML for Atom text
    constructs) and, in RSS, a `<` or `&#` that a reader could take for markup written
    as a hexadecimal character reference (CharacterData, the RSS profile's advice:
    the validator lets it pass when the element's source lines hold `&#x`)."""
    text = value(el)
    if html_in_text(text):
        found.add(code, where, text)
    elif rss and re.search(r"&#[x0-9]|<[/a-zA-Z]", text):
        first = (el.sourceline or 1) - 1
        source = found.lines[first : first + text.count("\n") + 1]
        if not any("&#x" in line for line in source):
            found.add("CharacterData", where, text)


def check_name(el, found: Findings, where: str, *, rss: bool = False) -> None:
    """A person's name: NotBlank, ContainsHTML, ContainsEmail."""
    check_leaf(el, found, where)
    if not value(el).strip():
        found.add("NotBlank", where)
    check_plain_text(el, found, where, rss=rss, code="ContainsHTML")
    if EMAIL_IN_TEXT.search(value(el)):
        found.add("ContainsEmail", where, value(el))


# -- HTML inside feeds -------------------------------------------------------------------

#: Named references HTML also accepts without their `;` (with a parse error).
LEGACY_ENTITIES = {name for name in HTML5_ENTITIES if not name.endswith(";")}


class _HtmlScan(HTMLParser):
    """Walks an HTML fragment the way the validator's strict HTML5 parse does, for the
    problems it reports: NotHtml, SecurityRisk, SecurityRiskAttr, DangerousStyleAttr,
    and ContainsRelRef for relative URLs."""

    def __init__(self, found: Findings, where: str) -> None:
        super().__init__(convert_charrefs=False)
        self.found, self.where = found, where
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._element(tag, attrs)
        # A block inside a paragraph ends the paragraph; an HTML5 parser then reports
        # inline elements still open in it, and later the paragraph's stray end tag.
        if tag in CLOSES_P and "p" in self.open:
            self._close("p")
        if tag not in VOID_ELEMENTS:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self._element(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.found.add("NotHtml: self-closing non-void element", self.where, tag)

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS:
            self.found.add("NotHtml: end tag of a void element", self.where, tag)
            return
        if tag not in self.open:
            self.found.add("NotHtml: end tag without a start tag", self.where, tag)
            return
        self._close(tag)

    def _close(self, tag):
        while self.open:
            top = self.open.pop()
            if top == tag:
                break
            if top not in OPTIONAL_END:
                self.found.add("NotHtml: element left open", self.where, top)

    def handle_pi(self, data):
        # SecurityRisk: `<?import ...>` and other processing instructions.
        self.found.add("SecurityRisk", self.where, f"<?{data}")

    def handle_decl(self, decl):
        self.found.add("NotHtml: declaration in a fragment", self.where, decl)

    def _element(self, tag, attrs):
        if tag not in HTML_ELEMENTS:
            self.found.add("NotHtml: Non-html tag", self.where, tag)
        elif tag not in SAFE_ELEMENTS:
            self.found.add("SecurityRisk", self.where, tag)
        names = [name for name, _ in attrs]
        if len(names) != len(set(names)):
            self.found.add("NotHtml: duplicate attribute", self.where, tag)
        for name, text in attrs:
            if name == "style":
                self.found.add("DangerousStyleAttr", self.where, f"{tag} style")
            elif name not in SAFE_ATTRIBUTES and not name.startswith("data-"):
                self.found.add("SecurityRiskAttr", self.where, f"{tag} {name}")
            if name in URL_ATTRIBUTES and text is not None:
                target = unescape(text).strip()
                if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", target):
                    self.found.add("ContainsRelRef", self.where, f"{tag} {name}={text}")

    def done(self):
        self.close()
        for tag in self.open:
            if tag not in OPTIONAL_END:
                self.found.add("NotHtml: element left open", self.where, tag)


def check_html(text: str, found: Findings, where: str) -> None:
    """HTML carried as escaped text (Atom type="html", RSS description, OPML text)."""
    # NotHtml: the character references an HTML5 parser objects to: numeric ones
    # without `;` or malformed, named ones unknown yet closed by `;`, and the legacy
    # names (`&amp`, `&copy`) written without their `;`. A lone `&` (`R&D`) is fine.
    for match in re.finditer(r"&(#?[A-Za-z0-9]*)(;?)", text):
        ref, semicolon = match.groups()
        if ref.startswith("#"):
            if not semicolon or not re.fullmatch(r"#(\d+|[xX][0-9a-fA-F]+)", ref):
                found.add("NotHtml: malformed numeric reference", where, match.group())
        elif semicolon and ref and f"{ref};" not in HTML5_ENTITIES:
            found.add("NotHtml: unknown named reference", where, match.group())
        elif not semicolon and any(ref.startswith(name) for name in LEGACY_ENTITIES):
            found.add("NotHtml: named reference without ';'", where, match.group())
    for match in re.finditer(r"<(?![A-Za-z/!?])", text):
        found.add("NotHtml: '<' that starts no tag", where, text[match.start() : match.end() + 10])
    scan = _HtmlScan(found, where)
    scan.feed(text)
    scan.done()


# -- Atom ------------------------------------------------------------------------------

ATOM_FEED_CHILDREN = {"author", "category", "contributor", "generator", "icon", "id", "link"}
ATOM_FEED_CHILDREN |= {"logo", "rights", "subtitle", "title", "updated", "entry"}
ATOM_FEED_ONCE = {"generator", "icon", "id", "logo", "rights", "subtitle", "title", "updated"}
ATOM_ENTRY_CHILDREN = {"author", "category", "content", "contributor", "id", "link"}
ATOM_ENTRY_CHILDREN |= {"published", "rights", "source", "summary", "title", "updated"}
ATOM_ENTRY_ONCE = {"content", "id", "published", "rights", "source", "summary", "title"}
ATOM_ENTRY_ONCE |= {"updated"}


def check_atom(data: bytes, url: str) -> Findings:
    """Every validator check that can fire on an Atom 1.0 feed of ours. `url` is where
    the feed is published: its rel="self" link must name it."""
    found = Findings()
    root = parse_document(data, found, url)
    if root is None:
        return found
    check_namespaces(root, found, atom=True)
    if root.tag != f"{A}feed":
        # InvalidNamespace / MissingNamespace: an Atom feed is atom:feed.
        found.add("InvalidNamespace: the root is not atom:feed", url, root.tag)
        return found
    check_attributes(root, set(), found, "feed")
    check_no_stray_text(root, found, "feed")
    # SPEC / MissingDCLanguage: the feed says its language.
    check_language(root.get(XML_LANG), found, "feed xml:lang")
    feed_children = children(root)
    names = [local(c) for c in feed_children]
    for name in names:
        if name not in ATOM_FEED_CHILDREN:
            found.add("UndefinedElement", "feed", name)
    # MisplacedMetadata: feed metadata comes before the first entry.
    if "entry" in names:
        first = names.index("entry")
        for name in names[first:]:
            if name != "entry":
                found.add("MisplacedMetadata", "feed", name)
    check_once(root, ATOM_FEED_ONCE, found, "feed")
    # MissingElement: title, id and updated.
    for required in ("title", "id", "updated"):
        if required not in names:
            found.add("MissingElement", "feed", required)

    feed_updated = None
    for child in feed_children:
        name = local(child)
        if name == "id":
            check_id(child, found, "feed/id")
        elif name == "updated":
            feed_updated = check_rfc3339(child, found, "feed/updated")
        elif name in ("title", "subtitle", "rights"):
            check_text_construct(child, found, f"feed/{name}")
        elif name in ("author", "contributor"):
            check_person(child, found, f"feed/{name}")
        elif name == "category":
            check_category(child, found, "feed/category")
        elif name == "generator":
            check_generator(child, found)
        elif name in ("icon", "logo"):
            check_leaf(child, found, f"feed/{name}")
            check_no_whitespace(child, found, f"feed/{name}")
            check_uri(value(child).strip(), found, f"feed/{name}")
    links = [c for c in feed_children if local(c) == "link"]
    check_links(links, found, "feed")
    check_feed_links(links, url, found)

    entries = [c for c in feed_children if local(c) == "entry"]
    # MissingElement author: a feed without author needs one in every entry.
    feed_has_author = "author" in names
    ids: set[str] = set()
    stamps: set[str] = set()
    for n, entry in enumerate(entries, start=1):
        where = f"entry[{n}]"
        updated = check_entry(entry, found, where, feed_has_author=feed_has_author)
        entry_id = next((value(c) for c in children(entry) if local(c) == "id"), None)
        stamp = next((value(c).strip() for c in children(entry) if local(c) == "updated"), "")
        # DuplicateEntries: two entries with the same id.
        if entry_id is not None:
            if entry_id in ids:
                found.add("DuplicateEntries", where, entry_id)
            ids.add(entry_id)
        # DuplicateUpdated: two entries with the same value for atom:updated.
        if stamp:
            if stamp in stamps:
                found.add("DuplicateUpdated", where, stamp)
            stamps.add(stamp)
        # RFC 4287 4.2.15: the feed's updated is its most recent change.
        if feed_updated and updated and updated > feed_updated:
            found.add("SPEC: feed updated is older than an entry", where)
    if not entries and not feed_has_author:
        found.add("MissingElement", "feed", "author")
    return found


def check_id(el, found: Findings, where: str) -> None:
    """An Atom id: a full, canonical URI, no whitespace, no markup."""
    check_leaf(el, found, where)
    check_no_whitespace(el, found, where)
    if not value(el).strip():
        found.add("NotBlank", where)
        return
    check_uri(value(el).strip(), found, where, canonical=True)


def check_text_construct(el, found: Findings, where: str, *, content: bool = False) -> None:
    """title, subtitle, rights, summary and content."""
    allowed = {"type", "src"} if content else {"type"}
    check_attributes(el, allowed, found, where)
    kind = el.get("type", "text")
    if "type" in el.attrib and not kind:
        found.add("AttrNotBlank", where, "type")
    if "src" in el.attrib:
        # MissingTypeAttr: out-of-line content says what it is.
        if "type" not in el.attrib:
            found.add("MissingTypeAttr", where, "type")
        check_uri(el.get("src"), found, f"{where}@src")
    if kind not in ("text", "html", "xhtml"):
        if not content:
            found.add("InvalidTextType", where, kind)
        elif not MIME_TYPE.fullmatch(kind) or kind == "multipart/alternative":
            found.add("InvalidMIMEType", where, kind)
    text = value(el)
    if kind == "xhtml":
        divs = children(el)
        # MissingXhtmlDiv: xhtml content is one xhtml:div.
        if len(divs) != 1 or divs[0].tag != f"{{{XHTML_NS}}}div" or text.strip():
            found.add("MissingXhtmlDiv", where)
        return
    if kind == "text":
        check_leaf(el, found, where)
        check_plain_text(el, found, where, rss=False, code="ContainsUndeclaredHTML")
    elif kind == "html" or kind.endswith("/html"):
        check_leaf(el, found, where)
        check_html(text, found, where)
        # HtmlFragment: a text/html media type promises a whole document.
        if kind.endswith("/html") and "<html" not in text and "src" not in el.attrib:
            found.add("HtmlFragment", where, kind)
    # NotBlank: text constructs say something.
    if not text.strip() and not children(el) and "src" not in el.attrib:
        found.add("NotBlank", where)


def check_person(el, found: Findings, where: str) -> None:
    """author and contributor: one name; email an address; uri an IRI."""
    check_attributes(el, set(), found, where)
    check_no_stray_text(el, found, where)
    kids = children(el)
    names = [local(c) for c in kids]
    for name in names:
        if name not in ("name", "email", "uri"):
            found.add("UndefinedElement", where, name)
    check_once(el, {"name", "email", "uri"}, found, where)
    if "name" not in names:
        found.add("MissingElement", where, "name")
    for child, name in zip(kids, names, strict=True):
        if name == "name":
            check_name(child, found, f"{where}/name")
        elif name == "email":
            check_leaf(child, found, f"{where}/email")
            if not EMAIL.fullmatch(value(child).strip()):
                found.add("InvalidAddrSpec", f"{where}/email", value(child))
        elif name == "uri":
            check_leaf(child, found, f"{where}/uri")
            check_no_whitespace(child, found, f"{where}/uri")
            check_uri(value(child).strip(), found, f"{where}/uri")


def check_category(el, found: Findings, where: str) -> None:
    """An Atom category: a non-blank term; scheme a full IRI; label plain text."""
    check_attributes(el, {"term", "scheme", "label"}, found, where)
    if "term" not in el.attrib:
        found.add("MissingAttribute", where, "term")
    elif not el.get("term").strip():
        found.add("NotBlank", where, "term")
    if "scheme" in el.attrib:
        check_uri(el.get("scheme"), found, f"{where}@scheme")
    label = el.get("label")
    if label is not None and html_in_text(label):
        found.add("ContainsHTML", f"{where}@label", label)
    if value(el).strip() or children(el):
        found.add("UnexpectedText", where)


def check_generator(el, found: Findings) -> None:
    where = "feed/generator"
    check_attributes(el, {"uri", "version"}, found, where)
    check_leaf(el, found, where)
    if not value(el).strip():
        found.add("NotBlank", where)
    if "uri" in el.attrib:
        check_uri(el.get("uri"), found, f"{where}@uri")


def check_links(links: list, found: Findings, where: str, *, entry: bool = False) -> None:
    """atom:link elements of one feed or entry."""
    seen: set[tuple[str, str, str]] = set()
    for n, link in enumerate(links, start=1):
        at = f"{where}/link[{n}]"
        check_attributes(link, {"href", "rel", "type", "hreflang", "title", "length"}, found, at)
        rel = link.get("rel", "alternate")
        if "rel" in link.attrib:
            # AttrNotBlank / UnregisteredAtomLinkRel.
            if not rel:
                found.add("AttrNotBlank", at, "rel")
            elif rel not in LINK_RELATIONS and not re.match(r"[a-z][a-z0-9+.-]*:", rel):
                found.add("UnregisteredAtomLinkRel", at, rel)
        # FeedHistoryRelInEntry: paging relations belong to feeds.
        if entry and rel in PAGING_RELATIONS:
            found.add("FeedHistoryRelInEntry", at, rel)
        kind = link.get("type", "")
        if "type" in link.attrib:
            if not MIME_TYPE.fullmatch(kind):
                found.add("InvalidMIMEType", at, kind)
            elif rel == "self" and kind not in (
                "application/atom+xml",
                "application/rss+xml",
                "application/rdf+xml",
            ):
                found.add("SelfNotAtom", at, kind)
        if "title" in link.attrib:
            if not link.get("title").strip():
                found.add("AttrNotBlank", at, "title")
            if html_in_text(link.get("title")):
                found.add("ContainsHTML", f"{at}@title", link.get("title"))
        if "hreflang" in link.attrib:
            check_language(link.get("hreflang"), found, f"{at}@hreflang")
        if "length" in link.attrib and not re.fullmatch(r"\d+", link.get("length")):
            found.add("InvalidNonNegativeInteger", at, link.get("length"))
        # MissingHref, and hrefs are full URIs (SPEC: absolute links).
        if "href" not in link.attrib:
            found.add("MissingHref", at)
        else:
            check_uri(link.get("href"), found, f"{at}@href")
        # AtomLinkNotEmpty: all of a link is in its attributes.
        if value(link).strip() or children(link):
            found.add("AtomLinkNotEmpty", at)
        # DuplicateAtomLink: one link per rel, type and hreflang (entries: alternates).
        key = (rel, kind, link.get("hreflang", ""))
        if entry and rel != "alternate":
            continue
        if key in seen:
            found.add("DuplicateAtomLink", at, key)
        seen.add(key)


def check_feed_links(links: list, url: str, found: Findings) -> None:
    """The feed's own links: a self link naming the feed, and an alternate page."""
    selves = [link for link in links if link.get("rel") == "self"]
    if not selves:
        found.add("MissingSelf", "feed")
    for link in selves:
        href = link.get("href", "")
        # RelativeSelf / SelfDoesntMatchLocation.
        if not urlsplit(href).netloc:
            found.add("RelativeSelf", "feed/link[@rel=self]", href)
        if href != url:
            found.add("SelfDoesntMatchLocation", "feed/link[@rel=self]", f"{href} != {url}")
        # SPEC: the self link says it is Atom.
        if link.get("type") != "application/atom+xml":
            found.add("SPEC: self link type application/atom+xml", "feed", link.get("type"))
    # RFC 4287 4.1.1 (and SPEC): the feed links to the page it follows.
    alternates = [link for link in links if link.get("rel", "alternate") == "alternate"]
    if not alternates:
        found.add("MissingAlternateLink", "feed")


def check_entry(entry, found: Findings, where: str, *, feed_has_author: bool):
    """One Atom entry; returns its `updated`."""
    check_attributes(entry, set(), found, where)
    check_no_stray_text(entry, found, where)
    kids = children(entry)
    names = [local(c) for c in kids]
    for name in names:
        if name not in ATOM_ENTRY_CHILDREN:
            found.add("UndefinedElement", where, name)
    check_once(entry, ATOM_ENTRY_ONCE, found, where)
    for required in ("title", "id", "updated"):
        if required not in names:
            found.add("MissingElement", where, required)
    if "author" not in names and not feed_has_author:
        found.add("MissingElement", where, "author")
    updated = published = None
    content = None
    for child, name in zip(kids, names, strict=True):
        at = f"{where}/{name}"
        if name == "id":
            check_id(child, found, at)
        elif name == "updated":
            updated = check_rfc3339(child, found, at)
        elif name == "published":
            published = check_rfc3339(child, found, at)
        elif name in ("title", "summary", "rights"):
            check_text_construct(child, found, at)
        elif name == "content":
            content = child
            check_text_construct(child, found, at, content=True)
        elif name in ("author", "contributor"):
            check_person(child, found, at)
        elif name == "category":
            check_category(child, found, at)
    links = [c for c in kids if local(c) == "link"]
    check_links(links, found, where, entry=True)
    alternates = [link for link in links if link.get("rel", "alternate") == "alternate"]
    if content is not None:
        kind = content.get("type", "text")
        textual = kind in ("text", "html", "xhtml") or kind.endswith(("+xml", "/xml"))
        textual = textual or kind.startswith("text/")
        # MissingSummary: content elsewhere, or not text, needs a summary.
        if "summary" not in names and ("src" in content.attrib or not textual):
            found.add("MissingSummary", where)
    else:
        # MissingTextualContent / MissingContentOrAlternate.
        if "summary" not in names:
            found.add("MissingTextualContent", where)
        if not alternates:
            found.add("MissingContentOrAlternate", where)
    # SPEC: every entry links to its page.
    if not alternates:
        found.add("SPEC: entry has an alternate link", where)
    if updated and published and published > updated:
        found.add("SPEC: published after updated", where)
    return updated


# -- RSS 2.0 -----------------------------------------------------------------------------

RSS_CHANNEL_CHILDREN = {"title", "link", "description", "language", "copyright"}
RSS_CHANNEL_CHILDREN |= {"managingEditor", "webMaster", "pubDate", "lastBuildDate"}
RSS_CHANNEL_CHILDREN |= {"category", "generator", "docs", "cloud", "ttl", "image"}
RSS_CHANNEL_CHILDREN |= {"rating", "textInput", "skipHours", "skipDays", "item", "atom:link"}
RSS_CHANNEL_ONCE = RSS_CHANNEL_CHILDREN - {"category", "item", "atom:link"}
RSS_ITEM_CHILDREN = {"title", "link", "description", "author", "category", "comments"}
RSS_ITEM_CHILDREN |= {"enclosure", "guid", "pubDate", "source", "dc:creator", "dc:date"}
RSS_ITEM_CHILDREN |= {"dc:subject", "content:encoded", "atom:link"}
RSS_ITEM_ONCE = {"title", "link", "description", "author", "comments", "guid", "pubDate"}
RSS_ITEM_ONCE |= {"source", "content:encoded"}
#: DuplicateSemantics / DuplicateItemSemantics: a core element and an extension that
#: say the same thing.
SAME_MEANING = [
    ("language", "dc:language"),
    ("pubDate", "dc:date"),
    ("managingEditor", "dc:creator"),
    ("webMaster", "dc:publisher"),
    ("copyright", "dc:rights"),
    ("lastBuildDate", "dcterms:modified"),
    ("category", "dc:subject"),
    ("author", "dc:creator"),
    ("guid", "atom:id"),
    ("pubDate", "atom:published"),
]
#: DuplicateDescriptionSemantics: Atom text constructs (bar summary) inside RSS.
ATOM_TEXT_IN_RSS = {"atom:title", "atom:subtitle", "atom:rights", "atom:content"}


def check_rss(data: bytes, url: str) -> Findings:
    """Every validator check that can fire on an RSS 2.0 feed of ours."""
    found = Findings()
    root = parse_document(data, found, url)
    if root is None:
        return found
    check_namespaces(root, found, atom=False)
    if root.tag != "rss":
        found.add("InvalidNamespace: the root is not rss", url, root.tag)
        return found
    check_attributes(root, {"version"}, found, "rss")
    check_no_stray_text(root, found, "rss")
    # MissingAttribute version / InvalidRSSVersion; SPEC: RSS 2.0.
    if root.get("version") != "2.0":
        found.add("InvalidRSSVersion (SPEC: 2.0)", "rss", root.get("version"))
    channels = children(root)
    if [local(c) for c in channels] != ["channel"]:
        found.add("MissingElement / DuplicateElement: one channel", "rss", len(channels))
    for channel in channels:
        if local(channel) == "channel":
            check_channel(channel, url, found)
    return found


def check_channel(channel, url: str, found: Findings) -> None:
    check_attributes(channel, set(), found, "channel")
    check_no_stray_text(channel, found, "channel")
    kids = children(channel)
    names = [local(c) for c in kids]
    for name in names:
        if name not in RSS_CHANNEL_CHILDREN and name not in ATOM_TEXT_IN_RSS:
            found.add("UndefinedElement", "channel", name)
        if name in ATOM_TEXT_IN_RSS:
            found.add("DuplicateDescriptionSemantics", "channel", name)
    # MisplacedItem: channel elements come before the items.
    if "item" in names:
        for name in names[names.index("item") :]:
            if name != "item":
                found.add("MisplacedItem", "channel", name)
    check_once(channel, RSS_CHANNEL_ONCE, found, "channel")
    # MissingTitle / MissingLink / MissingDescription.
    for required, code in (
        ("title", "MissingTitle"),
        ("link", "MissingLink"),
        ("description", "MissingDescription"),
    ):
        if required not in names:
            found.add(code, "channel", required)
    # MissingDCLanguage (SPEC requires it): language, or dc:language, or xml:lang.
    if "language" not in names and "dc:language" not in names and XML_LANG not in channel.attrib:
        found.add("MissingDCLanguage", "channel", "language")
    # SPEC: lastBuildDate says when the newest item came.
    if "lastBuildDate" not in names:
        found.add("SPEC: channel has lastBuildDate", "channel")
    for core, extension in SAME_MEANING:
        if core in names and extension in names:
            found.add("DuplicateSemantics", "channel", f"{core} and {extension}")
    for child, name in zip(kids, names, strict=True):
        at = f"channel/{name}"
        if name == "title":
            check_leaf(child, found, at)
            if not value(child).strip():
                found.add("NotBlank", at)
            check_plain_text(child, found, at, rss=True, code="ContainsHTML")
        elif name in ("description", "copyright"):
            check_leaf(child, found, at)
            check_plain_text(child, found, at, rss=True, code="ContainsHTML")
        elif name in ("link", "docs"):
            check_leaf(child, found, at)
            check_uri(value(child).strip(), found, at)
        elif name == "language":
            check_leaf(child, found, at)
            check_language(value(child).strip(), found, at)
        elif name in ("pubDate", "lastBuildDate"):
            check_rfc822(child, found, at)
        elif name in ("managingEditor", "webMaster"):
            check_email_with_name(child, found, at)
        elif name == "ttl" and not re.fullmatch(r"[1-9]\d*", value(child).strip()):
            found.add("InvalidPositiveInteger", at, value(child))
        elif name == "textInput":
            found.add("AvoidTextInput", at)
        elif name == "category":
            check_rss_category(child, found, at)
        elif name == "generator":
            check_leaf(child, found, at)
    check_rss_self(kids, names, url, found)
    guids: set[str] = set()
    items = [c for c, name in zip(kids, names, strict=True) if name == "item"]
    for n, item in enumerate(items, start=1):
        check_item(item, found, f"item[{n}]", guids)


def check_rss_self(kids: list, names: list[str], url: str, found: Findings) -> None:
    """MissingAtomSelfLink, and the self link's href and type."""
    links = [c for c, name in zip(kids, names, strict=True) if name == "atom:link"]
    check_links(links, found, "channel")
    selves = [link for link in links if link.get("rel") == "self"]
    if not selves:
        found.add("MissingAtomSelfLink", "channel")
    for link in selves:
        href = link.get("href", "")
        if not urlsplit(href).netloc:
            found.add("RelativeSelf", "channel/atom:link", href)
        if href != url:
            found.add("SelfDoesntMatchLocation", "channel/atom:link", f"{href} != {url}")
        # SPEC: the self link says it is RSS.
        if link.get("type") != "application/rss+xml":
            found.add("SPEC: atom:link type application/rss+xml", "channel", link.get("type"))


def check_email_with_name(el, found: Findings, where: str) -> None:
    """RSS people: `address (Real Name)` (EmailFormat, MissingRealName, InvalidContact)."""
    text = value(el).strip()
    match = re.fullmatch(r"(\S+)\s+\((.+)\)", text)
    if not match:
        found.add("MissingRealName" if EMAIL.fullmatch(text) else "EmailFormat", where, text)
    elif not EMAIL.fullmatch(match.group(1)):
        found.add("InvalidContact", where, text)


def check_rss_category(el, found: Findings, where: str) -> None:
    check_attributes(el, {"domain"}, found, where)
    check_leaf(el, found, where)
    if not value(el).strip():
        found.add("NotBlank", where)
    check_plain_text(el, found, where, rss=True, code="ContainsHTML")


def check_item(item, found: Findings, where: str, guids: set[str]) -> None:
    check_attributes(item, set(), found, where)
    check_no_stray_text(item, found, where)
    kids = children(item)
    names = [local(c) for c in kids]
    for name in names:
        if name not in RSS_ITEM_CHILDREN and name not in ATOM_TEXT_IN_RSS:
            found.add("UndefinedElement", where, name)
        if name in ATOM_TEXT_IN_RSS:
            found.add("DuplicateDescriptionSemantics", where, name)
    check_once(item, RSS_ITEM_ONCE, found, where)
    # DuplicateEnclosure.
    if names.count("enclosure") > 1:
        found.add("DuplicateEnclosure", where)
    # ItemMustContainTitleOrDescription.
    if "title" not in names and "description" not in names:
        found.add("ItemMustContainTitleOrDescription", where)
    # MissingGuid.
    if "guid" not in names:
        found.add("MissingGuid", where, "guid")
    # SPEC: each item has its link and its date.
    for wanted in ("link", "pubDate"):
        if wanted not in names:
            found.add(f"SPEC: item has {wanted}", where)
    for core, extension in SAME_MEANING:
        if core in names and extension in names:
            found.add("DuplicateItemSemantics", where, f"{core} and {extension}")
    # NeedDescriptionBeforeContent.
    if "content:encoded" in names and (
        "description" not in names or names.index("description") > names.index("content:encoded")
    ):
        found.add("NeedDescriptionBeforeContent", where)
    for child, name in zip(kids, names, strict=True):
        at = f"{where}/{name}"
        if name == "title":
            check_leaf(child, found, at)
            if not value(child).strip():
                found.add("NotBlank", at)
            check_plain_text(child, found, at, rss=True, code="ContainsHTML")
        elif name in ("link", "comments"):
            check_leaf(child, found, at)
            check_uri(value(child).strip(), found, at)
        elif name in ("description", "content:encoded"):
            check_leaf(child, found, at)
            check_html(value(child), found, at)
        elif name == "guid":
            check_guid(child, found, at, guids)
        elif name == "pubDate":
            check_rfc822(child, found, at)
        elif name == "author":
            check_email_with_name(child, found, at)
        elif name == "category":
            check_rss_category(child, found, at)
        elif name == "dc:creator":
            check_name(child, found, at, rss=True)


def check_guid(el, found: Findings, where: str, guids: set[str]) -> None:
    check_attributes(el, {"isPermaLink"}, found, where)
    check_leaf(el, found, where)
    text = value(el).strip()
    flag = el.get("isPermaLink")
    # InvalidBooleanAttribute.
    if flag is not None and flag not in ("true", "false"):
        found.add("InvalidBooleanAttribute", where, flag)
    if flag != "false":
        # InvalidPermalink / InvalidHttpGUID: a permalink guid is a URL to fetch.
        if text.lower().startswith(("tag:", "urn:uuid:")):
            found.add("InvalidPermalink", where, text)
        else:
            check_uri(text, found, where)
    elif len(text) < 9 and text.isdigit():
        found.add("NotSufficientlyUnique", where, text)
    if not text:
        found.add("NotBlank", where)
    # DuplicateValue: guids are unique within a feed.
    if text in guids:
        found.add("DuplicateValue", where, text)
    guids.add(text)


# -- OPML --------------------------------------------------------------------------------

OPML_HEAD_CHILDREN = {"title", "dateCreated", "dateModified", "ownerName", "ownerEmail"}
OPML_HEAD_CHILDREN |= {"ownerId", "expansionState", "vertScrollState", "windowTop"}
OPML_HEAD_CHILDREN |= {"windowLeft", "windowBottom", "windowRight"}
OPML_OUTLINE_ATTRIBUTES = {"category", "created", "description", "htmlUrl", "isBreakpoint"}
OPML_OUTLINE_ATTRIBUTES |= {"isComment", "language", "text", "title", "type", "url"}
OPML_OUTLINE_ATTRIBUTES |= {"version", "xmlUrl"}


def check_opml(data: bytes) -> Findings:
    """The validator's OPML checks, except which elements <head> may hold (below)."""
    found = Findings()
    root = parse_document(data, found, "feeds.opml")
    if root is None:
        return found
    if root.tag != "opml":
        found.add("UndefinedElement: the root is not opml", "root", root.tag)
        return found
    check_attributes(root, {"version"}, found, "opml")
    # MissingAttribute version / InvalidOPMLVersion; SPEC: OPML 2.0.
    if root.get("version") != "2.0":
        found.add("InvalidOPMLVersion (SPEC: 2.0)", "opml", root.get("version"))
    kids = children(root)
    names = [local(c) for c in kids]
    for required in ("head", "body"):
        if names.count(required) != 1:
            found.add("MissingElement / DuplicateElement", "opml", required)
    for name in names:
        if name not in ("head", "body"):
            found.add("UndefinedElement", "opml", name)
    for child in kids:
        if local(child) == "head":
            check_opml_head(child, found)
        elif local(child) == "body":
            outlines = children(child)
            if not any(local(o) == "outline" for o in outlines):
                found.add("MissingElement", "body", "outline")
            for n, outline in enumerate(outlines, start=1):
                check_outline(outline, found, f"body/outline[{n}]")
    return found


def check_opml_head(head, found: Findings) -> None:
    check_once(head, OPML_HEAD_CHILDREN, found, "head")
    for child in children(head):
        name, at = local(child), f"head/{local(child)}"
        if name in ("title", "ownerName"):
            check_leaf(child, found, at)
            check_html(value(child), found, at)
        elif name in ("dateCreated", "dateModified"):
            check_rfc822(child, found, at)
        elif name == "ownerEmail" and not EMAIL.fullmatch(value(child).strip()):
            found.add("InvalidContact", at, value(child))
        elif name == "ownerId" and not re.match(r"https?://[^/]", value(child).strip()):
            found.add("InvalidURLAttribute", at, value(child))
        elif name == "expansionState" and not re.fullmatch(r"(\d+(,\s*\d+)*)?", value(child)):
            found.add("InvalidExpansionState", at, value(child))
        elif name.startswith(("window", "vertScroll")) and not re.fullmatch(
            r"[1-9]\d*", value(child).strip()
        ):
            found.add("InvalidPositiveInteger", at, value(child))


def opml_head_vocabulary(data: bytes) -> Findings:
    """UndefinedElement: the head elements the validator knows (OPML 2.0's <docs> is
    not among them, so the validator reports it as an error)."""
    found = Findings()
    root = lenient_xml(data)
    for head in root.iter("head"):
        for child in children(head):
            if local(child) not in OPML_HEAD_CHILDREN:
                found.add("UndefinedElement", "head", local(child))
    return found


def lenient_xml(data: bytes):
    """A document parsed after escaping stray `&`, for tests about something else than
    well-formedness (check_opml reports those)."""
    return etree.fromstring(re.sub(rb"&(?![A-Za-z]+;|#)", b"&amp;", data))


def check_outline(outline, found: Findings, where: str) -> None:
    if local(outline) != "outline":
        found.add("UndefinedElement", where, local(outline))
        return
    check_attributes(outline, OPML_OUTLINE_ATTRIBUTES, found, where)
    attrs = outline.attrib
    # MissingAttribute text.
    if "text" not in attrs:
        found.add("MissingAttribute", where, "text")
    kind = attrs.get("type", "").lower()
    if kind == "rss":
        if "xmlUrl" not in attrs:
            found.add("MissingXmlURL", where)
        if "title" not in attrs:
            found.add("MissingTitleAttr", where)
    elif kind == "link" and "url" not in attrs:
        found.add("MissingUrlAttr", where)
    # MissingOutlineType: more than text needs a type.
    if "type" not in attrs and set(attrs) & {"description", "htmlUrl", "language", "title"}:
        found.add("MissingOutlineType", where)
    if "version" in attrs and attrs["version"] not in ("RSS", "RSS1", "RSS2", "scriptingNews"):
        found.add("InvalidOutlineVersion", where, attrs["version"])
    for name in ("htmlUrl", "url", "xmlUrl"):
        if name in attrs:
            check_uri(attrs[name], found, f"{where}@{name}")
    for name in ("description", "title", "text"):
        if name in attrs:
            check_html(attrs[name], found, f"{where}@{name}")
    for name in ("isComment", "isBreakpoint"):
        if name in attrs and attrs[name].lower() not in ("true", "false"):
            found.add("InvalidTrueFalse", where, name)
    if "language" in attrs:
        check_language(attrs["language"], found, f"{where}@language")
    # UnexpectedText: outlines hold outlines, not text.
    if value(outline).strip():
        found.add("UnexpectedText", where)
    for n, child in enumerate(children(outline), start=1):
        check_outline(child, found, f"{where}/outline[{n}]")


# -- reading built sites -----------------------------------------------------------------


def feed_files(site: Path) -> list[Path]:
    """Every feed of a built site: feed.xml and rss.xml files, sorted."""
    return sorted(p for p in site.rglob("*.xml") if p.name in ("feed.xml", "rss.xml"))


def published_url(site: Path, path: Path, base: str) -> str:
    return base + path.relative_to(site).as_posix()


def check_file(site: Path, path: Path, base: str) -> Findings:
    url = published_url(site, path, base)
    data = path.read_bytes()
    return check_atom(data, url) if path.name == "feed.xml" else check_rss(data, url)


def entries(path: Path) -> dict[str, bytes]:
    """A feed's entries (Atom) or items (RSS) by id or guid, each as canonical XML."""
    root = etree.parse(str(path)).getroot()
    if root.tag == f"{A}feed":
        found = root.findall(f"{A}entry")
        key = f"{A}id"
    else:
        found = root.findall("channel/item")
        key = "guid"
    return {e.findtext(key): etree.tostring(e, method="c14n") for e in found}


def entry_ids(path: Path) -> list[str]:
    return list(entries(path))


def listed_feed_files(site: Path) -> list[Path]:
    """Feeds meant for /feeds/ and the OPML: all but the per-idea ones."""
    return [p for p in feed_files(site) if not per_idea(site, p)]


def per_idea(site: Path, path: Path) -> bool:
    parts = path.relative_to(site).parts
    return len(parts) == 3 and parts[0] == "ideas"


EXAMPLE_BASE = "https://hub.tally.example/"


# -- the example hub ---------------------------------------------------------------------


def test_the_example_has_every_kind_of_feed(example_site):
    """The hub, each section, product, tag and person: feed.xml and rss.xml."""
    rel = {p.relative_to(example_site).as_posix() for p in feed_files(example_site)}
    for owner in ("", "ideas/", "rounds/", "changelog/", "products/web/", "tags/api/"):
        assert {f"{owner}feed.xml", f"{owner}rss.xml"} <= rel
    assert any(r.startswith("people/") and r.endswith("/rss.xml") for r in rel)
    assert any(per_idea(example_site, example_site / r) for r in rel)


def test_every_feed_parses_cleanly_with_feedparser(example_site):
    for path in feed_files(example_site):
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        assert parsed.version in ("atom10", "rss20"), path
        for entry in parsed.entries:
            assert entry.get("id") and entry.get("link") and entry.get("title"), path


def test_every_feed_passes_the_validator_checks(example_site):
    problems = {}
    for path in feed_files(example_site):
        found = check_file(example_site, path, EXAMPLE_BASE)
        if found:
            problems[path.relative_to(example_site).as_posix()] = found
    assert problems == {}


def test_feeds_have_entries_and_the_dates_feeds_need(example_site):
    """Not a validator rule, but what makes the checks above mean something: real
    entries, each with a date, and entries newest first."""
    hub_feed = example_site / "feed.xml"
    root = etree.parse(str(hub_feed)).getroot()
    stamps = [e.findtext(f"{A}updated") for e in root.findall(f"{A}entry")]
    assert len(stamps) == 50  # feed_size in the example's hub.yaml
    moments = [datetime.fromisoformat(s) for s in stamps]
    assert moments == sorted(moments, reverse=True)
    assert root.findtext(f"{A}updated") == stamps[0]


def test_no_feed_carries_an_event_after_the_build_date(example_site):
    """The example's winter round opens after the build date: it is not news yet (an
    entry dated in the future is the validator's ImplausibleDate)."""
    text = (example_site / "feed.xml").read_text(encoding="utf-8")
    assert "rounds/year-end-2027/opened" not in text
    assert "rounds/api-webhooks-2026/opened" in text


def test_the_opml_is_valid_opml_2(example_site):
    """Well-formed first of all: titles such as `API & integrations` must reach the
    OPML escaped, or no reader can import the file."""
    data = (example_site / "feeds.opml").read_bytes()
    assert check_opml(data) == []


def test_the_opml_head_holds_only_elements_the_validator_knows(example_site):
    data = (example_site / "feeds.opml").read_bytes()
    assert opml_head_vocabulary(data) == []


def test_the_opml_and_the_feeds_page_list_the_same_feeds(example_site):
    """/feeds/ and /feeds.opml list the hub, sections, products, tags and people (their
    Atom feed, and RSS on the page); never the per-idea feeds."""
    expected = {
        published_url(example_site, p, EXAMPLE_BASE) for p in listed_feed_files(example_site)
    }
    atom = {u for u in expected if u.endswith("/feed.xml")}
    rss = expected - atom

    opml = lenient_xml((example_site / "feeds.opml").read_bytes())
    outlines = opml.findall("body//outline")
    in_opml = [o.get("xmlUrl") for o in outlines]
    assert len(in_opml) == len(set(in_opml))
    assert set(in_opml) == atom

    page = lxml_html.parse(str(example_site / "feeds" / "index.html")).getroot()
    shown = {c.text_content().strip() for c in page.xpath("//p[@class='feed-urls']//code")}
    assert shown == atom | rss
    assert not [u for u in shown if re.search(r"/ideas/[^/]+/(feed|rss)\.xml$", u)]

    # Each outline describes its feed as the feed describes itself.
    for outline in outlines:
        path = example_site / outline.get("xmlUrl").removeprefix(EXAMPLE_BASE)
        feed = etree.parse(str(path)).getroot()
        assert outline.get("type") == "rss"
        assert outline.get("title") == outline.get("text") == feed.findtext(f"{A}title")
        alternate = feed.find(f"{A}link[@rel='alternate']").get("href")
        assert outline.get("htmlUrl") == alternate


def test_per_idea_feeds_are_atom_only_and_skip_duplicates(example_site):
    hub = read_hub(ROOT, environ={"SOURCE_DATE_EPOCH": EPOCH}).hub
    originals = {slug for slug, idea in hub.ideas.items() if idea.duplicate_of is None}
    duplicates = set(hub.ideas) - originals
    assert duplicates, "the example should have duplicates to leave out"
    ideas = example_site / "ideas"
    with_feed = {p.parent.name for p in ideas.glob("*/feed.xml")}
    assert with_feed == originals
    assert not list(ideas.glob("*/rss.xml"))
    for slug in originals:
        path = ideas / slug / "feed.xml"
        root = etree.parse(str(path)).getroot()
        assert root.tag == f"{A}feed"
        ids = entry_ids(path)
        assert ids, slug  # at least its submission
        assert all(f":ideas/{slug}/" in i for i in ids), slug


# -- small hubs built for the purpose ----------------------------------------------------

SMALL_HUB = {
    "content/people/ana.md": "---\nname: Ana Lima\nteam: true\n---\nProduct.\n",
    "content/people/bo.md": "---\nname: Bo Berg\n---\n",
    "content/ideas/dark-mode.md": """
        ---
        title: Dark mode
        submitted: 2026-03-02
        author: bo
        product: web
        tags: [ui]
        updates:
          - date: 2026-03-04
            status: planned
            by: ana
            note: Planned, see [the spring round](/rounds/spring/) and [notes](#why).
        ---
        My eyes hurt at night. Like [this app](https://example.org/app) does it.
    """,
    "content/ideas/export.md": """
        ---
        title: Export to CSV & <Excel>
        submitted: 2026-03-06
        author: cy
        product: web
        tags: [data]
        ---
        Please.
    """,
    "content/ideas/offline.md": """
        ---
        title: Offline mode
        submitted: 2026-03-06
        author: bo
        product: mobile
        tags: [ui]
        ---
        Offline please.
    """,
    "content/ideas/night.md": """
        ---
        title: A night theme
        submitted: 2026-03-10
        author: dee
        duplicate_of: dark-mode
        ---
        Same as dark mode.
    """,
    "content/rounds/spring.md": """
        ---
        title: Spring round
        opens: 2026-03-01
        closes: 2026-03-31
        product: web
        questions: ["What slows you down?"]
        ---
    """,
    "content/changelog/v1.md": """
        ---
        title: Version 1
        date: 2026-03-12
        version: "1.0"
        product: web
        changes:
          - type: added
            text: Dark mode.
            ideas: [dark-mode]
            thanks: [bo]
          - type: fixed
            text: Exports keep their accents.
        ---
        The first release.
    """,
}

#: 2027-06-01T00:00:00Z: a second build date, after every date in SMALL_HUB.
LATER_EPOCH = "1811808000"
SMALL_BASE = "https://hub.example.com/"


def build_small(root: Path, out: Path, *, epoch: str = EPOCH, **kwargs) -> Path:
    result = build(root, out, environ={"SOURCE_DATE_EPOCH": epoch}, **kwargs)
    assert result.ok, [d.text() for d in result.problems.errors]
    return result.out


@pytest.fixture
def small(tmp_path):
    """The small hub written under tmp_path/hub; returns its root."""
    root = tmp_path / "hub"
    root.mkdir()
    return write_hub(root, SMALL_HUB)


def test_small_hub_feeds_pass_the_validator_checks(small, tmp_path):
    site = build_small(small, tmp_path / "site")
    problems = {}
    for path in feed_files(site):
        found = check_file(site, path, SMALL_BASE)
        if found:
            problems[path.relative_to(site).as_posix()] = found
    assert problems == {}
    # The example id of SPEC §5, from hub.yaml's host and the event.
    assert "tag:hub.example.com,2026-03-02:ideas/dark-mode/update-2026-03-04-planned" in entry_ids(
        site / "ideas" / "dark-mode" / "feed.xml"
    )
    # Links in entry content are absolute, fragments included.
    content = (site / "ideas" / "feed.xml").read_text(encoding="utf-8")
    assert "https://hub.example.com/rounds/spring/" in content
    assert "https://hub.example.com/ideas/dark-mode/#why" in content


def test_a_release_and_the_ideas_it_shipped_do_not_share_updated(small, tmp_path):
    """Date-only content puts a release and its shipped ideas at one midnight; their
    `updated` differ below the second, and `published` stays the content date."""
    site = build_small(small, tmp_path / "site")
    root = etree.parse(str(site / "feed.xml")).getroot()
    by_id = {e.findtext(f"{A}id"): e for e in root.findall(f"{A}entry")}
    release = by_id["tag:hub.example.com,2026-03-12:changelog/v1"]
    shipped = by_id["tag:hub.example.com,2026-03-02:ideas/dark-mode/shipped-v1"]
    for entry in (release, shipped):
        assert entry.findtext(f"{A}published") == "2026-03-12T00:00:00+00:00"
        assert entry.findtext(f"{A}updated").startswith("2026-03-12T00:00:00.")
    assert release.findtext(f"{A}updated") > shipped.findtext(f"{A}updated")


def test_feeds_do_not_depend_on_the_build_date(small, tmp_path):
    """Two builds on different days give byte-identical feeds: entry ids and dates
    come from content, never from the clock (both days follow every content date)."""
    first = build_small(small, tmp_path / "first", epoch=EPOCH)
    second = build_small(small, tmp_path / "second", epoch=LATER_EPOCH)
    paths = [p.relative_to(first) for p in feed_files(first)]
    assert paths == [p.relative_to(second) for p in feed_files(second)]
    assert len(paths) > 10
    for rel in [*paths, Path("feeds.opml")]:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_a_preview_base_url_moves_links_but_no_id(small, tmp_path):
    preview = "https://preview.example.net/pr-1/"
    live = build_small(small, tmp_path / "live")
    staged = build_small(small, tmp_path / "preview", base_url=preview)
    for path in feed_files(live):
        rel = path.relative_to(live)
        other = staged / rel
        assert entry_ids(path) == entry_ids(other), rel
        root = etree.parse(str(other)).getroot()
        if root.tag == f"{A}feed":
            assert root.findtext(f"{A}id") == etree.parse(str(path)).getroot().findtext(f"{A}id")
            self_link = root.find(f"{A}link[@rel='self']").get("href")
            alternate = root.find(f"{A}link[@rel='alternate']").get("href")
            entry_links = [e.find(f"{A}link").get("href") for e in root.findall(f"{A}entry")]
        else:
            self_link = root.find(f"channel/{A}link[@rel='self']").get("href")
            alternate = root.findtext("channel/link")
            entry_links = [i.findtext("link") for i in root.findall("channel/item")]
        assert self_link == preview + rel.as_posix()
        assert alternate.startswith(preview)
        assert all(link.startswith(preview) for link in entry_links)
        # The preview's feeds are valid where they are published.
        assert check_file(staged, other, preview) == []


def test_one_new_answer_is_one_new_entry(small, tmp_path):
    """Answering one idea adds exactly one entry to its feed, the /ideas/ feeds and
    the hub's, and changes no entry anywhere."""
    before = build_small(small, tmp_path / "before")
    idea = small / "content" / "ideas" / "offline.md"
    idea.write_text(
        idea.read_text(encoding="utf-8").replace(
            "tags: [ui]\n",
            "tags: [ui]\nupdates:\n  - date: 2026-03-20\n    status: under-review\n"
            "    by: ana\n    note: Looking into it.\n",
        ),
        encoding="utf-8",
    )
    after = build_small(small, tmp_path / "after")
    new_id = "tag:hub.example.com,2026-03-06:ideas/offline/update-2026-03-20-under-review"
    must_gain = {"ideas/offline/feed.xml", "ideas/feed.xml", "ideas/rss.xml"}
    must_gain |= {"feed.xml", "rss.xml"}
    assert [p.relative_to(before) for p in feed_files(before)] == [
        p.relative_to(after) for p in feed_files(after)
    ]
    for path in feed_files(before):
        rel = path.relative_to(before).as_posix()
        old, new = entries(path), entries(after / rel)
        added = set(new) - set(old)
        assert set(old) <= set(new), rel
        assert added <= {new_id}, rel
        if rel in must_gain:
            assert added == {new_id}, rel
        for key, xml in old.items():
            assert new[key] == xml, (rel, key)


def test_feed_size_keeps_the_newest_entries(small, tmp_path):
    full = build_small(small, tmp_path / "full")
    (small / "hub.yaml").write_text(HUB_YAML + "feed_size: 3\n", encoding="utf-8")
    short = build_small(small, tmp_path / "short")
    longest = 0
    for path in feed_files(full):
        rel = path.relative_to(full)
        everything = entry_ids(path)
        longest = max(longest, len(everything))
        assert entry_ids(short / rel) == everything[:3], rel
    assert longest > 3


def test_a_hub_with_no_events_still_writes_valid_feeds(hub, tmp_path):
    root = hub({"content/pages/about.md": "---\ntitle: About\n---\nHello.\n"})
    site = build_small(root, tmp_path / "empty-site")
    for path in feed_files(site):
        assert check_file(site, path, SMALL_BASE) == [], path
        assert entry_ids(path) == []


# -- the checker checks itself -----------------------------------------------------------


def test_the_checker_catches_what_the_validator_would(small, tmp_path):
    """Break a good feed in the ways the validator complains about, and see each
    break reported under the validator's name for it."""
    site = build_small(small, tmp_path / "site")
    atom = (site / "ideas" / "feed.xml").read_bytes()
    rss = (site / "ideas" / "rss.xml").read_bytes()
    atom_url, rss_url = SMALL_BASE + "ideas/feed.xml", SMALL_BASE + "ideas/rss.xml"
    assert check_atom(atom, atom_url) == []
    assert check_rss(rss, rss_url) == []

    def atom_codes(data: bytes) -> str:
        return "\n".join(check_atom(data, atom_url))

    def rss_codes(data: bytes) -> str:
        return "\n".join(check_rss(data, rss_url))

    first_updated = re.search(rb"<entry>.*?<updated>([^<]*)</updated>", atom, re.S).group(1)
    cases_atom = {
        "DuplicateUpdated": re.sub(
            rb"(<entry>.*?<updated>)[^<]*", rb"\g<1>" + first_updated, atom, flags=re.S
        ),
        "UnexpectedText": atom.replace(b"<entry>", b"<entry>stray", 1),
        "MissingSelf": atom.replace(b'rel="self"', b'rel="related"'),
        "SelfDoesntMatchLocation": atom.replace(b'ideas/feed.xml" rel', b'ideas/atom.xml" rel'),
        "InvalidRFC3339Date": atom.replace(b"+00:00</updated>", b"</updated>", 1),
        "ImplausibleDate": atom.replace(b"<updated>2026", b"<updated>2099", 1),
        "DuplicateEntries": re.sub(rb"<id>tag:[^<]*</id>", b"<id>tag:x.example,2026:a</id>", atom),
        "InvalidTAG": atom.replace(b"tag:hub.example.com,", b"tag:hub.example.com:", 1),
        "NonCanonicalURI": atom.replace(
            b"<id>https://hub.example.com/", b"<id>HTTPS://hub.example.com/"
        ),
        "ContainsRelRef": atom.replace(b"https://hub.example.com/rounds/", b"/rounds/", 1),
        "NotHtml": atom.replace(b"&lt;p&gt;", b"&lt;p&gt;&lt;em&gt;&lt;div&gt;x&lt;/div&gt;", 1),
        "SecurityRisk": atom.replace(b"&lt;p&gt;", b"&lt;script&gt;x&lt;/script&gt;&lt;p&gt;", 1),
        "SecurityRiskAttr": atom.replace(b"&lt;a href", b"&lt;a onclick=&quot;x&quot; href", 1),
        "ContainsUndeclaredHTML": atom.replace(b"<title>", b"<title>&lt;b&gt;x&lt;/b&gt;", 1),
        "MissingElement": atom.replace(b"<author>", b"<contributor>").replace(
            b"</author>", b"</contributor>"
        ),
        "MisplacedMetadata": atom.replace(b"</feed>", b"<rights>r</rights></feed>"),
        "UnregisteredAtomLinkRel": atom.replace(b'rel="alternate"', b'rel="homepage"', 1),
        "MissingTextualContent": re.sub(
            rb"<content[^>]*>.*?</content>", b"", atom, count=1, flags=re.S
        ),
        "InvalidLanguage": atom.replace(b'xml:lang="en"', b'xml:lang="english"'),
        "ReservedPrefix": atom.replace(b"<feed ", b'<feed xmlns:dc="http://example.com/dc" '),
        "BadCharacters": atom.replace(b"Dark mode", "Dark\u0085mode".encode(), 1),
    }
    missed = [code for code, broken in cases_atom.items() if code not in atom_codes(broken)]
    assert missed == []

    cases_rss = {
        "MissingGuid": re.sub(rb"<guid[^>]*>[^<]*</guid>", b"", rss, count=1),
        "InvalidPermalink": rss.replace(b'isPermaLink="false"', b'isPermaLink="true"', 1),
        "DuplicateValue": re.sub(rb"(<guid[^>]*>)[^<]*", rb"\g<1>tag:x.example,2026:a", rss),
        "MissingAtomSelfLink": re.sub(rb"<atom:link[^>]*/>", b"", rss),
        "InvalidRFC2822Date": rss.replace(b"+0000</lastBuildDate>", b"GMT</lastBuildDate>"),
        "IncorrectDOW": re.sub(rb"<pubDate>\w\w\w", b"<pubDate>" + wrong_day(rss), rss, count=1),
        "DuplicateItemSemantics": rss.replace(
            b"<dc:creator>", b"<author>a@b.example (A)</author><dc:creator>", 1
        ),
        "ContainsRelRef": rss.replace(b"https://hub.example.com/rounds/", b"../rounds/", 1),
        "ContainsHTML": rss.replace(b"<title>Dark", b"<title>&lt;/b&gt;Dark", 1),
        "CharacterData": rss.replace(b"<title>Dark", b"<title>&lt;b&gt;Dark", 1),
        "MissingDescription": re.sub(rb"<description>[^<]*</description>", b"", rss, count=1),
        "MisplacedItem": rss.replace(b"</channel>", b"<ttl>60</ttl></channel>"),
        "SPEC: atom:link type": rss.replace(b' type="application/rss+xml"', b""),
        "EmailFormat": rss.replace(
            b"<channel>", b"<channel><managingEditor>Ana a@b.example</managingEditor>"
        ),
    }
    missed = [code for code, broken in cases_rss.items() if code not in rss_codes(broken)]
    assert missed == []

    opml = (site / "feeds.opml").read_bytes()
    assert "MissingXmlURL" in "\n".join(check_opml(re.sub(rb' xmlUrl="[^"]*"', b"", opml, count=1)))
    assert "MissingAttribute" in "\n".join(
        check_opml(re.sub(rb' text="[^"]*"', b"", opml, count=1))
    )
    with_docs = opml.replace(b"<docs>http://opml.org/spec2.opml</docs>", b"")
    with_docs = with_docs.replace(b"<head>", b"<head><docs>http://opml.org/spec2.opml</docs>")
    assert opml_head_vocabulary(with_docs) == ["head: UndefinedElement (docs)"]


def wrong_day(rss: bytes) -> bytes:
    """A day name other than the first pubDate's."""
    day = re.search(rb"<pubDate>(\w\w\w)", rss).group(1)
    return b"Mon" if day != b"Mon" else b"Tue"


def test_the_tiebreak_is_a_pure_function_of_the_event():
    """Sub-second offsets come from the event's kind and key only (see feeds._distinct),
    so one event's `updated` never moves when another event is added."""
    from builder.feeds import _distinct

    when = datetime(2026, 3, 12, tzinfo=UTC)
    make = _event_factory(when)
    alone = _distinct([make("changelog/v1", "release")])
    crowded = _distinct(
        [make(f"ideas/i{n}/submitted", "submitted") for n in range(40)]
        + [make("changelog/v1", "release")]
    )
    [release] = [e for e in crowded if e.key == "changelog/v1"]
    assert release.updated == alone[0].updated
    assert len({e.updated for e in crowded}) == len(crowded)
    assert all(when < e.updated < when + timedelta(seconds=1) for e in crowded)
    digest = hashlib.sha256(b"changelog/v1").digest()
    assert alone[0].updated.microsecond % 100_000 == int.from_bytes(digest[:8], "big") % 100_000


def _event_factory(when: datetime):
    from builder.feeds import Event

    def make(key: str, kind: str) -> Event:
        return Event(
            key=key,
            tag_date=date(2026, 3, 2),
            moment=when,
            kind=kind,
            title=key,
            url="/",
            html="<p>x</p>",
            author="A",
            categories=(),
            section="ideas",
        )

    return make


def test_canonical_uri_agrees_with_rfc_3986():
    assert canonical_uri("https://hub.example.com/feed.xml") == "https://hub.example.com/feed.xml"
    assert canonical_uri("HTTPS://Hub.Example.com:443/a/./b/../c") == "https://hub.example.com/a/c"
    assert canonical_uri("https://hub.example.com") == "https://hub.example.com/"
    assert canonical_uri("https://hub.example.com/%7ex%2f") == "https://hub.example.com/~x%2F"
    tag = "tag:hub.example.com,2026-03-02:ideas/dark-mode/update-2026-03-04-planned"
    assert canonical_uri(tag) == tag


def test_stamps_depend_on_the_events_alone_not_their_order():
    """A later revision stamps the same events again (`Feeds` memos): each gets the
    same `updated` whatever order they come in and whatever else is new."""
    from builder.feeds import _distinct

    when = datetime(2026, 3, 12, tzinfo=UTC)
    make = _event_factory(when)
    events = [make(f"ideas/i{n}/submitted", "submitted") for n in range(40)]
    first = {e.key: e.updated for e in _distinct(events)}
    again = {
        e.key: e.updated
        for e in _distinct([*reversed(events), make("ideas/new/submitted", "submitted")])
    }
    assert all(again[key] == updated for key, updated in first.items())
