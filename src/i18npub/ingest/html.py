"""Read a saved news web page: keep the article, drop the site chrome.

``read_html`` parses the page once with lxml and walks its body once. The walk turns every
run of text into a candidate block (paragraph, heading, list item, quote, caption, code)
with its word and link-word counts, and records which blocks each container element holds.

* The article container is the element whose blocks add up to the most prose: long,
  link-poor text counts for it (little when it hangs under a linked headline, like a
  teaser); links and short fragments count against it (less when they sit in a small gap
  between two prose blocks, like an inline "related" box); text inside elements named like
  page chrome (``comments``, ``related``, ``share``, ``<aside>``, hidden…) counts as
  dropped. Article markup (``<article>``, ``itemprop=articleBody``, ``article-body``-like
  names) and starting right after the ``<h1>`` headline earn a bonus. Small chrome-named
  elements are not even walked, only counted.
* Inside the container each block is kept or dropped much as jusText does: long link-poor
  blocks are good, link lists and boilerplate phrases bad, and short blocks take their
  neighbours' side; what follows a closing ``<hr>`` is cut when it is a small tail.
* Headline, date and byline come from JSON-LD, meta tags, ``<h1>``/``<time>`` and datelines.

No rule names a site: everything keys on HTML structure, text statistics and the generic
class-name vocabulary of web page templates.
"""

from __future__ import annotations

import datetime as dt
import gc
import html as htmllib
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin

from lxml import etree

from i18npub.article import PLACEHOLDER_RE, Inline
from i18npub.ingest.base import Draft, IngestError, RawBlock, RichText

__all__ = ["parse_date", "read_html"]

# ---------------------------------------------------------------- tags

# Removed from the tree before walking (their text is never page text).
STRIP_TAGS = ("script", "style", "noscript", "template", "svg", "math", "object", "embed")
# Not walked at all.
SKIP_TAGS = frozenset(
    {
        *STRIP_TAGS,
        *("iframe", "frame", "frameset", "canvas", "video", "audio", "source", "track"),
        *("map", "area", "button", "input", "select", "textarea", "option", "optgroup"),
        *("datalist", "head", "title", "meta", "link", "base", "dialog", "nav"),
    }
)
# Walked as part of the running text; everything else starts a new block.
INLINE_TAGS = frozenset(
    {
        *("a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "dfn"),
        *("em", "font", "i", "img", "ins", "kbd", "label", "mark", "nobr", "q", "rp", "rt"),
        *("ruby", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time"),
        *("tt", "u", "var", "wbr", "del"),
    }
)
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
MARKUP_KINDS = {"strong": "strong", "b": "strong", "em": "emphasis", "i": "emphasis"}
CODE_TAGS = frozenset({"code", "kbd", "samp", "tt"})
LIST_TAGS = frozenset({"ul", "ol", "menu", "dir"})
CAPTION_INLINE = frozenset({"span", "small", "cite", "font", "em", "i"})
TAG_HINTS = {  # tag → (junk level, content bonus)
    "aside": (2, 0.0),
    "footer": (2, 0.0),
    "header": (1, 0.0),
    "article": (0, 0.1),
    "main": (0, 0.1),
}
JUNK_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "menu"}
)
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})

# ---------------------------------------------------------------- class and id names

# Substrings of class/id names of page chrome: such an element is boilerplate (level 2).
STRONG_JUNK_RE = re.compile(
    "comment|disqus|cookie|consent|gdpr|newsletter|subscri|signup|outbrain|taboola|"
    "breadcrumb|share|sharing|social|related|recommend|sidebar|advert|sponsor|promo|paywall|"
    "popup|modal|trending|popular|pullquote"
)
# Whole class/id tokens that make an element suspect (level 1): not prose by itself.
WEAK_JUNK = frozenset(
    {
        *("ad", "ads", "adslot", "adunit", "banner", "nav", "navbar", "navigation", "menu"),
        *("footer", "header", "masthead", "widget", "widgets", "tags", "tag", "topics"),
        *("byline", "author", "authors", "bio", "dateline", "meta", "timestamp", "date"),
        *("toolbar", "pagination", "pager", "more", "next", "prev", "previous", "skip"),
        *("hidden", "hide", "offscreen", "print"),
    }
)
BODY_HINT_RE = re.compile(
    r"(?:article|story|entry|post|blog|news)[-_]?(?:body|content|text)|articlebody|storytext|"
    r"body[-_]?(?:text|copy)|main[-_]?content"
)
CAPTION_RE = re.compile(r"(?<!no-)(?<!no)caption|credit")
TOKEN_SPLIT_RE = re.compile(r"[^a-z0-9]+")
HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)

# ---------------------------------------------------------------- text patterns

BOILERPLATE_RE = re.compile(
    r"^(?:advertisements?|ad|sponsored(?: content)?|story continues below(?: advertisement)?|"
    r"continue reading(?: below| the main story)?|read more|read next|see also|"
    r"related(?: articles| stories| content| coverage)?|more on this(?: story)?|"
    r"share this(?: article| story)?|share|tweet|email|print|click here|"
    r"(?:sign up|subscribe)(?: for| to)?[\w ]{0,40}|loading\W*|image|photo|video|"
    r"watch|listen|skip (?:to|ad)[\w ]{0,20}|supported by|scroll to continue[\w ]*)\W*$",
    re.I,
)
CTA_RE = re.compile(  # calls to action, in blocks of fewer than 2 * GOOD_WORDS words
    r"\b(?:subscribe (?:now|today|here|to (?:our|my))|sign up (?:now|today|here|for (?:our|my))|"
    r"(?:our|free|daily|weekly|email) newsletter|click here|download (?:our|the) app|"
    r"like us on|follow [\w@ ]{1,30} on (?:twitter|facebook|instagram|linkedin|youtube|tiktok)|"
    r"share (?:this (?:article|story|post|page)|it with (?:a friend|your friends)))\b",
    re.I,
)
CTA_START_RE = re.compile(  # imperative calls to action opening a short block
    r"(?:Subscribe|SUBSCRIBE|Sign up|Sign in|Log in|Register|Follow us|Chat with us|Join us|"
    r"Join the conversation|Download (?:our|the)|Get (?:our|the latest))\b"
)
BYLINE_START_RE = re.compile(
    r"(?:By|BY|Written by|Posted by|Story by|Words by)\s+(?:[A-Z][\w.'’-]*\s*){1,4}"
    r"(?:$|[,|·•–—(-]|(?:and|&|on|in|for|at|updated|published)\b)"
)
DATELINE_RE = re.compile(
    r"(?:by|written by|posted by|story by|published|updated|posted|last modified)\b", re.I
)
BYLINE_PREFIX_RE = re.compile(r"^\s*(?:by|written by|posted by|author:?)\s+", re.I)
SENTENCE_ENDS = (".", "!", "?", '"', "”", "’", ":", ".)")
LANG_CLASS_RE = re.compile(r"(?:language|lang|highlight-source|brush:)[-_ ]?([\w+#-]+)", re.I)
SCHEME_RE = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
HTML_TAG_RE = re.compile(
    rb"<(?:!doctype|html|head|body|p|div|span|a|br|h[1-6]|article|section|main|meta|title|"
    rb"table|ul|ol|li|img|b|i|em|strong|blockquote|pre|figure)[\s/>]",
    re.I,
)
CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\ufffd]")
INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
TIDY_OPEN_RE = re.compile(r"(<\d+>)\s+")
TIDY_CLOSE_RE = re.compile(r"\s+(</\d+>)")
WORD_RE = re.compile(r"\w+")

# ---------------------------------------------------------------- thresholds

GOOD_WORDS = 10  # a block of this many non-link words ...
GOOD_LINK_DENSITY = 0.35  # ... and at most this share of link words is prose
BAD_LINK_DENSITY = 0.5  # a block with more link words than this is a link list
CAPTION_WORDS = 80  # a block named like a caption but longer than this is not one
WRAPPER_SHARE = 0.6  # a chrome-named element holding this share of the prose is a wrapper
SKIP_SHARE = 0.4  # chrome-named elements with less of the page's text and <p> are not walked
TAIL_SHARE = 0.25  # what follows the article's last <hr> is a footer below this share
TITLE_GAP = 8  # a container starting at most this many blocks after the headline ...
TITLE_BONUS = 0.3  # ... earns this bonus
TEASER_WEIGHT = 0.25  # the weight of prose right after a link-only block
SMALL_GAP = 40  # links and fragments between two prose blocks costing at most this ...
INSIDE_COST = 0.25  # ... cost this share of it
RETRY_WORDS = 30  # an article shorter than this is looked for again, names not trusted
LD_BODY_WORDS = 80  # a JSON-LD articleBody this long ...
LD_RECALL = 0.5  # ... of which the extracted article holds less than this share replaces it

# ---------------------------------------------------------------- API


def read_html(html: str | bytes, url: str = "", source: str = "") -> Draft:
    """Extract the article of a news page: headline, date, byline and body blocks.

    ``url`` makes links absolute; ``source`` names the page in errors. Raises IngestError
    when the page holds no article text (empty, binary, navigation only).
    """
    with _gc_paused():  # the walk makes many small objects and no cycles
        return _read(html, url, source or url or "HTML")


@contextmanager
def _gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read(html: str | bytes, url: str, name: str) -> Draft:
    root = _parse(html, name)
    meta = _Meta.read(root)
    base = _base_url(root, url)
    body = root.find("body")
    body = body if body is not None else root
    etree.strip_elements(body, *STRIP_TAGS, with_tail=False)
    found = _extract(body, base, meta.title, names=True)
    words = sum(piece.words for piece in found.kept)
    if words < RETRY_WORDS:  # was the article inside an element with an unlucky name?
        retry = _extract(body, base, meta.title, names=False)
        if sum(piece.words for piece in retry.kept) >= max(2 * words, RETRY_WORDS):
            found = retry
    blocks = [piece.raw(base) for piece in found.kept]
    if meta.body and _misses(found.kept, meta.body):  # the publisher's own text says so
        blocks = _body_blocks(meta.body)
    if not blocks:
        raise IngestError(f"{name}: no article text found in HTML")
    return Draft(
        title=meta.title,
        blocks=blocks,
        date=meta.date or _visible_date(body, found.chosen),
        byline=meta.byline,
        url=url,
    )


# ---------------------------------------------------------------- parsing

_local = threading.local()  # lxml parsers must not be shared between threads


def _parser() -> etree.HTMLParser:
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = etree.HTMLParser(
            encoding="utf-8", remove_comments=True, remove_pis=True
        )
    return parser


def _parse(html: str | bytes, name: str) -> etree._Element:
    """The parsed page; IngestError for empty input or binary garbage."""
    data = _utf8(html) if isinstance(html, bytes) else html.encode("utf-8", "replace")
    if not data.strip():
        raise IngestError(f"{name}: empty HTML")
    sample = data[:4096].decode("utf-8", "replace")
    if len(CONTROL_RE.findall(sample)) > len(sample) * 0.05:
        raise IngestError(f"{name}: not HTML (binary data)")
    if not HTML_TAG_RE.search(data, 0, 100_000):
        raise IngestError(f"{name}: not HTML (no HTML tags found)")
    try:
        root = etree.fromstring(data, _parser())
    except (etree.ParserError, ValueError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise IngestError(f"{name}: cannot parse HTML ({reason})") from None
    if root is None:
        raise IngestError(f"{name}: no article text found in HTML")
    return root


def _utf8(data: bytes) -> bytes:
    """Page bytes as UTF-8: from a BOM, as they are, the declared charset or Windows-1252."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, "replace").encode("utf-8")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return data
    codec = "cp1252"
    if found := re.search(rb"""<meta[^>]{0,200}?charset=["']?([\w.:-]+)""", data[:8192], re.I):
        codec = found.group(1).decode("ascii")
    try:
        return data.decode(codec, "replace").encode("utf-8")
    except LookupError:
        return data.decode("cp1252", "replace").encode("utf-8")


def _base_url(root: etree._Element, url: str) -> str:
    """The page URL, moved by a ``<base href>`` if the page has one."""
    base = root.find("head/base[@href]")
    return urljoin(url, base.get("href", "").strip()) if base is not None else url


def _norm(text: str) -> str:
    return " ".join(text.split())


def _text_of(element: etree._Element) -> str:
    return _norm("".join(element.itertext()))


# ---------------------------------------------------------------- metadata

DATE_META = (
    *("article:published_time", "og:published_time", "article:published", "datepublished"),
    *("date", "pubdate", "publishdate", "publish-date", "publish_date", "published_time"),
    *("published-date", "dc.date", "dc.date.issued", "dc.date.created", "dcterms.date"),
    *("dcterms.created", "dcterms.issued", "sailthru.date", "parsely-pub-date"),
    *("article.published", "original-publish-date", "displaydate", "last-modified"),
    *("article:modified_time", "og:updated_time"),
)
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
ISO_DATE_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)[-/.](\d\d?)[-/.](\d\d?)(?!\d)")
MDY_RE = re.compile(_MONTH + r"\.?\s+(\d\d?)(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b", re.I)
DMY_RE = re.compile(
    r"\b(\d\d?)(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"\.?,?\s+((?:19|20)\d\d)\b", re.I
)
ARTICLE_TYPES_RE = re.compile(r"article|posting|report|blog|news|webpage", re.I)
DATE_CLASS_RE = re.compile(r"date|time|publish|posted|byline", re.I)
AUTHOR_XPATH = etree.XPath("//*[@rel='author' or @itemprop='author' or @class='byline']")
DATE_ITEMPROP_XPATH = etree.XPath("//*[@itemprop='datePublished']")


def parse_date(text: str) -> dt.date | None:
    """The first calendar date in ``text``: ISO, ``Month D, YYYY`` or ``D Month YYYY``."""
    candidates = []
    for regex, order in ((ISO_DATE_RE, "ymd"), (MDY_RE, "mdy"), (DMY_RE, "dmy")):
        if found := regex.search(text):
            candidates.append((found.start(), found.groups(), order))
    for _, groups, order in sorted(candidates):
        parts = dict(zip(order, groups, strict=True))
        month = parts["m"]
        number = int(month) if month.isdigit() else MONTHS.get(month.lower().rstrip("."), 0)
        try:
            return dt.date(int(parts["y"]), number, int(parts["d"]))
        except ValueError:
            continue
    return None


@dataclass
class _Meta:
    """Headline, date and byline from JSON-LD, meta tags and the page's headings."""

    title: str
    date: dt.date | None
    byline: str
    body: str = ""  # schema.org articleBody, when the page's JSON-LD has a long one

    @classmethod
    def read(cls, root: etree._Element) -> _Meta:
        metas = _meta_tags(root)
        ld = _json_ld(root)
        body = ld.get("articleBody")
        body = body if isinstance(body, str) and len(body.split()) >= LD_BODY_WORDS else ""
        title, date, byline = (
            _title(root, metas, ld),
            _date(root, metas, ld),
            _byline(root, metas, ld),
        )
        return cls(title, date, byline, body)


def _meta_tags(root: etree._Element) -> dict[str, str]:
    """``<meta>`` name/property/itemprop → content (the first occurrence wins)."""
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        content = meta.get("content")
        if key and content and content.strip():
            found.setdefault(key.strip().lower(), _unescape(content))
    return found


def _unescape(text: str) -> str:
    """Whitespace-normalized text with entities left escaped twice by the page decoded."""
    return _norm(htmllib.unescape(text) if "&" in text else text)


def _json_ld(root: etree._Element) -> dict[str, object]:
    """The first schema.org article-like object in the page's JSON-LD, or {}."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        text = script.text or ""
        if "headline" not in text and "datePublished" not in text:
            continue  # not an article (an organization, breadcrumbs…): skip the parse
        try:
            data = json.loads(text)
        except ValueError:
            continue
        if found := _find_article(data):
            return found
    return {}


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = WORD_RE.findall(text)
    return {tuple(words[i : i + 4]) for i in range(max(len(words) - 3, 1))} if words else set()


def _misses(kept: list[_Piece], body: str) -> bool:
    """Whether the extracted article holds less than LD_RECALL of the articleBody's text
    (a wrong container, or an article the HTML does not show)."""
    wanted = _shingles(_unescape(body))
    found = _shingles(" ".join(piece.plain for piece in kept if piece.kind != "caption"))
    return len(wanted & found) < LD_RECALL * len(wanted)


def _body_blocks(body: str) -> list[RawBlock]:
    """Paragraph blocks from an articleBody: its line breaks, else the one text."""
    if "<" in body:  # some publishers put markup in it
        body = re.sub(r"<[^>]*>", " ", re.sub(r"(?i)</p\s*>|<br\s*/?>", "\n", body))
    blocks = []
    for paragraph in re.split(r"\n\s*\n|\r?\n", htmllib.unescape(body)):
        if text := _tidy(paragraph, False):
            rich = RichText()
            rich.add(text)
            blocks.append(RawBlock(kind="paragraph", text=rich.text))
    return blocks


def _find_article(data: object, depth: int = 0) -> dict[str, object] | None:
    if depth > 4:
        return None
    if isinstance(data, list):
        for item in data:
            if found := _find_article(item, depth + 1):
                return found
        return None
    if not isinstance(data, dict):
        return None
    kind = data.get("@type")
    kinds = " ".join(map(str, kind)) if isinstance(kind, list) else str(kind or "")
    if ARTICLE_TYPES_RE.search(kinds) and ("headline" in data or "datePublished" in data):
        return data
    for key in ("@graph", "mainEntity", "mainEntityOfPage"):
        if key in data and (found := _find_article(data[key], depth + 1)):
            return found
    return None


def _title(root: etree._Element, metas: dict[str, str], ld: dict[str, object]) -> str:
    """The headline: the ``<h1>`` that agrees with the metadata, else the metadata's."""
    site = metas.get("og:site_name", "")
    named = [
        _unescape(headline) if isinstance(headline := ld.get("headline"), str) else "",
        _strip_site_name(metas.get("og:title", ""), site),
        _strip_site_name(metas.get("twitter:title", ""), site),
    ]
    title_tag = root.find("head/title")
    page_title = _strip_site_name(_text_of(title_tag), site) if title_tag is not None else ""
    others = [text for text in (*named, page_title) if text]
    h1s = [text for text in (_text_of(h1) for h1 in root.iter("h1")) if text]
    for text in h1s:
        if any(_same_headline(text, other) for other in others):
            return text
    if others:
        return others[0]
    return h1s[0] if h1s else ""


def _strip_site_name(title: str, site: str) -> str:
    """``Headline | Site`` → ``Headline``."""
    title = _unescape(title)
    parts = re.split(r"\s+[|–—:-]\s+|\s+::\s+", title)
    if len(parts) > 1:
        if site and parts[-1].lower() == site.lower():
            return title[: -len(parts[-1])].rstrip(" |–—:-")
        if "|" in title or len(parts[-1]) < len(parts[0]) / 2:
            return max(parts, key=len)
    return title


def _same_headline(h1: str, other: str) -> bool:
    """Whether an ``<h1>`` text and a metadata title name the same headline."""
    first, second = set(WORD_RE.findall(h1.lower())), set(WORD_RE.findall(other.lower()))
    if len(first) < 2 or not second:
        return False
    return len(first & second) >= 0.5 * min(len(first), len(second))


def _date(root: etree._Element, metas: dict[str, str], ld: dict[str, object]) -> dt.date | None:
    """Publication date from JSON-LD, meta tags, ``<time>`` and date-named elements."""
    for value in (ld.get("datePublished"), ld.get("dateCreated")):
        if isinstance(value, str) and (date := parse_date(value)):
            return date
    for key in DATE_META:
        if key in metas and (date := parse_date(metas[key])):
            return date
    for element in DATE_ITEMPROP_XPATH(root):
        if date := parse_date(element.get("content") or element.get("datetime") or ""):
            return date
    for element in root.iter("time"):
        if date := parse_date(element.get("datetime") or _text_of(element)):
            return date
    return None


def _visible_date(body: etree._Element, chosen: list[_Piece]) -> dt.date | None:
    """A dateline among the article's first short blocks (bylines first), else in a
    date-named element."""
    first = [piece.plain for piece in chosen[:12] if piece.kind != "caption" and piece.words < 30]
    for text in sorted(first, key=lambda text: not DATELINE_RE.match(text)):
        if date := parse_date(text):
            return date
    tried = 0
    for element in body.iter():
        if (names := element.get("class")) and DATE_CLASS_RE.search(names):
            text = _text_of(element)
            if len(text) < 100 and (date := parse_date(text)):
                return date
            tried += 1
            if tried > 20:
                break
    return None


def _byline(root: etree._Element, metas: dict[str, str], ld: dict[str, object]) -> str:
    """Author names from JSON-LD, meta tags or a ``rel=author``/byline element."""
    author = ld.get("author")
    names = []
    for item in author if isinstance(author, list) else [author]:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and "://" not in name:
            names.append(_clean_byline(name))
    if names := [name for name in names if name]:
        return ", ".join(dict.fromkeys(names))
    meta_author = metas.get("author", "")
    if meta_author and "://" not in meta_author:
        return _clean_byline(meta_author)
    for element in AUTHOR_XPATH(root):
        if text := _clean_byline(_text_of(element)):
            return text
    return ""


def _clean_byline(text: str) -> str:
    """``By Jane Doe, Reporter November 5, 2019`` → ``Jane Doe, Reporter``; "" if too long."""
    text = BYLINE_PREFIX_RE.sub("", _norm(text))
    for regex in (ISO_DATE_RE, MDY_RE, DMY_RE):
        if (found := regex.search(text)) and found.start() > 2:
            text = text[: found.start()].rstrip(" ,|–—-·")
    return text if 1 < len(text) <= 100 else ""


# ---------------------------------------------------------------- walking


@dataclass(slots=True)
class _Piece:
    """A candidate block and what the classifier needs to know about it."""

    kind: str
    text: str
    markup: list[Inline]
    level: int
    words: int  # words outside links
    link_words: int = 0
    code: str = ""
    language: str = ""
    junk: int = 0  # 2 inside a chrome-named element, 1 inside a suspect one
    group: int = 0  # list items: which list
    keep: int = 0  # 1 kept, -1 dropped, 0 undecided

    @property
    def plain(self) -> str:
        return PLACEHOLDER_RE.sub("", self.text) if self.markup else self.text

    @property
    def link_density(self) -> float:
        total = self.words + self.link_words
        return self.link_words / total if total else 1.0

    @property
    def prose(self) -> bool:
        return self.words >= GOOD_WORDS and self.link_density <= GOOD_LINK_DENSITY

    def value(self) -> float:
        """What this block adds to a container's claim to be the article."""
        if self.kind == "code":
            return self.words / 2
        if self.kind == "caption" or (self.kind == "heading" and not self.link_words):
            return 0
        if self.junk > 1:  # dropped anyway: a container holding it is not worse for that
            return -1
        if self.prose and not self.junk:
            return self.words - self.link_words
        return -self.link_words - 1

    def raw(self, base: str) -> RawBlock:
        """The RawBlock, with link and image addresses made absolute against ``base``."""
        if self.kind == "code":
            return RawBlock(kind="code", code=self.code, language=self.language)
        markup = [_absolute(inline, base) for inline in self.markup] if base else self.markup
        kind = self.kind
        return RawBlock(kind=kind, text=self.text, markup=markup, level=self.level)  # type: ignore[arg-type]


def _absolute(inline: Inline, base: str) -> Inline:
    """The inline with its ``href`` or ``src`` resolved against ``base``."""
    if inline.kind not in ("link", "image"):
        return inline
    attrs = tuple(
        (name, urljoin(base, value) if name in ("href", "src") else value)
        for name, value in inline.attrs
    )
    return Inline(inline.kind, attrs)


@dataclass(slots=True)
class _Open:
    """A markup element being walked: its Inline and its number in the current block."""

    inline: Inline
    number: int = 0  # 0 while not yet opened in the current block (no text since)


class _Walker:
    """One pass over the body: candidate blocks and the block range of every container."""

    def __init__(self, names: bool = True) -> None:
        self.pieces: list[_Piece] = []
        # (element, first piece, end piece, junk level, content bonus)
        self.containers: list[tuple[etree._Element, int, int, int, float]] = []
        self.rules: list[int] = []  # piece indices where an <hr> stands
        self.kind = "paragraph"
        self.level = 0
        self.list_depth = 0
        self.group = 0  # the list that list items belong to
        self.groups = 0
        self.in_link = 0
        self.stack: list[_Open] = []  # markup elements around the current text
        self.unopened = 0
        self.names = names  # trust class and id names
        self.skip_chars = 0.0
        self.skip_paragraphs = 0
        self._new_block()

    def walk_page(self, body: etree._Element) -> None:
        """Walk the page body."""
        text = etree.tostring(body, method="text", encoding="unicode", with_tail=False)
        self.skip_chars = SKIP_SHARE * len(text)
        self.skip_paragraphs = int(SKIP_SHARE * sum(1 for _ in body.iter("p")))
        self.walk_children(body)
        if self.has_text:
            self.flush()
        if self.pieces:  # the body itself is a candidate too (paragraphs right under it)
            self.containers.append((body, 0, len(self.pieces), 0, 0.0))

    def _new_block(self) -> None:
        self.rich = RichText()
        self.has_text = False
        self.space = False
        self.words = 0
        self.link_words = 0
        self.after_br = False

    # ------------------------------------------------ running text

    def text(self, text: str) -> None:
        """Add a text node to the current block."""
        if text.isspace():
            self.space = self.has_text
            return
        if self.unopened:
            self._open_pending()
        if self.space:
            text = " " + text
            self.space = False
        self.rich.add(text)
        self.has_text = True
        self.after_br = False
        if self.in_link:
            self.link_words += len(text.split())
        else:
            self.words += len(text.split())

    def _open_pending(self) -> None:
        """Open the markup that text is about to appear in."""
        if self.space:
            self.rich.add(" ")
            self.space = False
        for entry in self.stack:
            if not entry.number:
                entry.number = self.rich.open(entry.inline)
        self.unopened = 0

    def flush(self) -> None:
        """End the current block (which holds text) and keep it as a piece."""
        for entry in reversed(self.stack):
            if entry.number:
                self.rich.close(entry.number)
                entry.number = 0
        self.unopened = len(self.stack)
        if text := _tidy(self.rich.text, bool(self.rich.markup)):
            group = self.group if self.kind == "list_item" else 0
            words, links = self.words, self.link_words
            self.pieces.append(
                _Piece(self.kind, text, self.rich.markup, self.level, words, links, group=group)
            )
        self._new_block()

    def line_break(self) -> None:
        """``<br>`` is a space; two in a row end the block."""
        if self.after_br:
            self.flush()
        elif self.has_text:
            self.space = True
            self.after_br = True

    # ------------------------------------------------ elements

    def walk_children(self, element: etree._Element) -> None:
        """Walk the text and the children of ``element``."""
        if element.text:
            self.text(element.text)
        for child in element:
            tag = child.tag
            if tag.__class__ is str and tag not in SKIP_TAGS:
                if tag in INLINE_TAGS:
                    if tag in CAPTION_INLINE and self.kind != "caption" and _is_caption(child):
                        self.block(child, tag)
                    else:
                        self.inline(child, tag)
                elif tag == "br":
                    self.line_break()
                elif tag == "pre":
                    self.code_block(child)
                elif tag == "hr":
                    if self.has_text:
                        self.flush()
                    self.rules.append(len(self.pieces))
                else:
                    self.block(child, tag)
            if child.tail:
                self.text(child.tail)

    def inline(self, element: etree._Element, tag: str) -> None:
        """Walk running-text markup: links, bold, italics; code and images are atoms."""
        entry = None
        is_link = False
        if tag == "a":
            href = element.get("href")
            is_link = href is not None
            if target := _href(href):
                entry = _Open(Inline("link", (("href", target),)))
        elif tag in MARKUP_KINDS:
            kind = MARKUP_KINDS[tag]
            if not any(open_.inline.kind == kind for open_ in self.stack):
                entry = _Open(Inline(kind))  # type: ignore[arg-type]
        elif tag == "img":
            self.image(element)
            return
        elif tag in CODE_TAGS:
            self.inline_code(element)
            return
        self.in_link += is_link
        if entry:
            self.stack.append(entry)
            self.unopened += 1
        self.walk_children(element)
        if entry:
            self.stack.pop()
            if entry.number:
                self.rich.close(entry.number)
            else:
                self.unopened -= 1
        self.in_link -= is_link

    def inline_code(self, element: etree._Element) -> None:
        if text := _text_of(element):
            self._open_pending()
            self.rich.atom(Inline("code", (("text", text),)))
            self.has_text = True
            self.after_br = False
            self.words += len(text.split())

    def image(self, element: etree._Element) -> None:
        """An image inside running text becomes an atom; elsewhere it is dropped."""
        src = element.get("src") or ""
        if not self.has_text or not src or src.startswith("data:"):
            return
        attrs = [("src", src)]
        if alt := _norm(element.get("alt") or ""):
            attrs.append(("alt", alt))
        self._open_pending()
        self.rich.atom(Inline("image", tuple(attrs)))

    def code_block(self, element: etree._Element) -> None:
        if self.has_text:
            self.flush()
        code = "".join(element.itertext()).strip("\n").rstrip()
        if code.strip():
            language = _code_language(element)
            self.pieces.append(
                _Piece("code", "", [], 0, len(code.split()), code=code, language=language)
            )

    def block(self, element: etree._Element, tag: str) -> None:
        """Walk a block element: a new block starts before and after it."""
        if self.has_text:
            self.flush()
        start = len(self.pieces)
        names = element.keys()
        classes = (
            f"{element.get('class') or ''} {element.get('id') or ''}".lower()
            if "class" in names or "id" in names
            else ""
        )
        junk, bonus = _hints(element, tag, classes if self.names else "", names)
        if junk > 1 and self.skip_small(element, start):
            return
        saved = (self.kind, self.level, self.list_depth, self.group)
        by_class = self._enter(tag, classes)
        self.walk_children(element)
        if self.has_text:
            self.flush()
        self.kind, self.level, self.list_depth, self.group = saved
        if len(self.pieces) == start:
            return
        if by_class and sum(piece.words for piece in self.pieces[start:]) > CAPTION_WORDS:
            for piece in self.pieces[start:]:  # a "caption" that long is something else
                piece.kind = "paragraph" if piece.kind == "caption" else piece.kind
        self.containers.append((element, start, len(self.pieces), junk, bonus))

    def _enter(self, tag: str, classes: str) -> bool:
        """Set the block kind for an element's content; True if set by a caption name."""
        if tag in HEADINGS:
            self.kind, self.level = "heading", max(2, HEADINGS[tag])
        elif tag == "li":
            self.kind, self.level = "list_item", max(1, self.list_depth)
        elif tag in LIST_TAGS:
            self.list_depth += 1
            self.groups += 1
            self.group = self.groups
        elif tag == "blockquote":
            self.kind, self.level = "quote", 0
        elif tag == "figcaption":
            self.kind, self.level = "caption", 0
        elif classes and self.kind != "caption" and _class_hints(classes)[2]:
            self.kind, self.level = "caption", 0
            return True
        return False

    def skip_small(self, element: etree._Element, start: int) -> bool:
        """Count a small chrome-named element as one junk piece instead of walking it.

        Its text is never output, so only its size matters. An element holding much of the
        page's text or paragraphs is walked all the same: it may be a wrapper.
        """
        text = etree.tostring(element, method="text", encoding="unicode", with_tail=False)
        if len(text) > self.skip_chars:
            return False
        if self.skip_paragraphs and sum(1 for _ in element.iter("p")) > self.skip_paragraphs:
            return False
        if words := len(text.split()):
            self.pieces.append(_Piece("paragraph", "", [], 0, words, junk=2))
            self.containers.append((element, start, start + 1, 2, 0.0))
        return True


def _href(href: str | None) -> str:
    """The link target if it is http(s), mailto or relative; else ""."""
    if not href:
        return ""
    href = "".join(href.split())
    scheme = SCHEME_RE.match(href)
    if scheme and scheme.group(1).lower() not in ALLOWED_SCHEMES:
        return ""
    return href


def _hints(element: etree._Element, tag: str, classes: str, names: list[str]) -> tuple[int, float]:
    """(junk level 0-2, content bonus) of a container from its tag and attributes."""
    junk, bonus, _ = _class_hints(classes) if classes else (0, 0.0, False)
    if len(names) > ("class" in names) + ("id" in names):
        style = element.get("style")
        role = element.get("role")
        if (
            "hidden" in names
            or (style and HIDDEN_STYLE_RE.search(style))
            or (role and role.lower() in JUNK_ROLES)
        ):
            junk = 2
        if element.get("itemprop") == "articleBody":
            bonus = 0.25
    if tag in TAG_HINTS:
        tag_junk, tag_bonus = TAG_HINTS[tag]
        junk, bonus = max(junk, tag_junk), max(bonus, tag_bonus)
    if bonus and junk < 2:
        junk = 0
    return junk, bonus


def _is_caption(element: etree._Element) -> bool:
    classes = element.get("class")
    return bool(classes) and _class_hints(classes.lower())[2]


@lru_cache(maxsize=4096)
def _class_hints(classes: str) -> tuple[int, float, bool]:
    """(junk level, content bonus, names a caption) from lowercase class and id names."""
    bonus = 0.2 if BODY_HINT_RE.search(classes) else 0.0
    caption = bool(CAPTION_RE.search(classes))
    if STRONG_JUNK_RE.search(classes) and "commentary" not in classes:
        return 2, bonus, caption
    if not WEAK_JUNK.isdisjoint(TOKEN_SPLIT_RE.split(classes)):
        return 1, bonus, caption
    return 0, bonus, caption


def _code_language(element: etree._Element) -> str:
    for candidate in (element, *element.iter("code")):
        if found := LANG_CLASS_RE.search(candidate.get("class") or ""):
            return found.group(1).lower()
    return ""


def _tidy(text: str, markup: bool) -> str:
    """Collapse whitespace, drop zero-width characters, move spaces out of placeholders."""
    if INVISIBLE_RE.search(text):
        text = INVISIBLE_RE.sub("", text)
    text = " ".join(text.split())
    if markup:
        text = TIDY_CLOSE_RE.sub(r"\1 ", TIDY_OPEN_RE.sub(r" \1", text))
        text = " ".join(text.split())
    return text


# ---------------------------------------------------------------- selection


@dataclass
class _Found:
    """The pieces of the chosen container, and those of them kept as the article."""

    chosen: list[_Piece]
    kept: list[_Piece]


def _extract(body: etree._Element, base: str, title: str, names: bool) -> _Found:
    """Walk the body and select the article; ``names``: trust class and id names."""
    walker = _Walker(names)
    walker.walk_page(body)
    if not walker.pieces:
        return _Found([], [])
    _mark_junk(walker)
    start, end = _best_container(walker, title)
    end = _cut_after_rule(walker, start, end)
    chosen = walker.pieces[start:end]
    _classify(chosen, title)
    return _Found(chosen, _dedupe([piece for piece in chosen if piece.keep > 0]))


def _mark_junk(walker: _Walker) -> None:
    """Flag the pieces inside chrome-named containers, unless one wraps most of the prose."""
    pieces = walker.pieces
    prose = _prefix([max(piece.value(), 0.0) for piece in pieces])
    total = prose[-1] or 1.0
    strong = [0] * (len(pieces) + 1)
    weak = [0] * (len(pieces) + 1)
    for _, start, end, junk, _ in walker.containers:
        if junk and (prose[end] - prose[start]) / total < WRAPPER_SHARE:
            marks = strong if junk > 1 else weak
            marks[start] += 1
            marks[end] -= 1
    strong_depth = weak_depth = 0
    for index, piece in enumerate(pieces):
        strong_depth += strong[index]
        weak_depth += weak[index]
        piece.junk = 2 if strong_depth > 0 else 1 if weak_depth > 0 else 0


def _prefix(values: list[float]) -> list[float]:
    sums = [0.0]
    for value in values:
        sums.append(sums[-1] + value)
    return sums


def _best_container(walker: _Walker, title: str) -> tuple[int, int]:
    """The piece range of the container with the highest prose score.

    A small gap of links and fragments between two prose blocks (an inline "related" box)
    costs less than the links around a container (menus, link lists, sidebars). Article
    markup adds to the score, and so does starting at or right after the headline.
    """
    pieces = walker.pieces
    values = _values(pieces)
    sums = _prefix(values)
    refunds = _prefix(_gap_refunds(values))
    first_after, last_before = _prose_bounds(values)
    key = _norm(title).lower()
    anchor = next((i for i, piece in enumerate(pieces) if piece.plain.lower() == key), -1)
    best, best_range = float("-inf"), (0, len(pieces))
    for _, start, end, _, bonus in walker.containers:  # inner elements come first
        score = sums[end] - sums[start]
        first, last = first_after[start], last_before[end]
        if first < last:
            score += refunds[last] - refunds[first]
        if key and anchor >= 0 and anchor - 2 <= start <= anchor + TITLE_GAP:
            bonus += TITLE_BONUS
        if score > 0:
            score *= 1 + bonus
        if score > best:
            best, best_range = score, (start, end)
    return best_range


def _gap_refunds(values: list[float]) -> list[float]:
    """What to give back of each cost inside a small gap between two prose pieces."""
    refunds = [0.0] * len(values)
    previous = -1  # the last prose piece
    for index, value in enumerate(values):
        if value <= 0:
            continue
        gap = range(previous + 1, index)
        if previous >= 0 and -sum(values[i] for i in gap) <= SMALL_GAP:
            for i in gap:
                refunds[i] = -values[i] * (1 - INSIDE_COST)
        previous = index
    return refunds


def _prose_bounds(values: list[float]) -> tuple[list[int], list[int]]:
    """For each index i: the first prose piece at or after i, and the end of the last one
    before i; len(values) and 0 when there is none."""
    count = len(values)
    first_after = [count] * (count + 1)
    for index in range(count - 1, -1, -1):
        first_after[index] = index if values[index] > 0 else first_after[index + 1]
    last_before = [0] * (count + 1)
    for index in range(1, count + 1):
        last_before[index] = index if values[index - 1] > 0 else last_before[index - 1]
    return first_after, last_before


def _values(pieces: list[_Piece]) -> list[float]:
    """Each piece's value; prose right after a link-only block (a teaser under its linked
    headline) counts for little."""
    values = []
    after_link = False
    for piece in pieces:
        value = piece.value()
        if after_link and value > 0:
            value *= TEASER_WEIGHT
        values.append(value)
        after_link = _link_only(piece)
    return values


def _link_only(piece: _Piece) -> bool:
    """A linked headline or line outside a list (what a teaser hangs from)."""
    return piece.link_words >= 2 and piece.words <= 1 and not piece.group


def _cut_after_rule(walker: _Walker, start: int, end: int) -> int:
    """End the article at its last ``<hr>`` when only a small tail follows (an "about us"
    box, a disclaimer, more stories)."""
    rules = [index for index in walker.rules if start < index < end]
    if not rules:
        return end
    words = [piece.words for piece in walker.pieces[start:end]]
    tail = sum(words[rules[-1] - start :])
    return rules[-1] if tail < TAIL_SHARE * sum(words) else end


# ---------------------------------------------------------------- classification


def _classify(pieces: list[_Piece], title: str) -> None:
    """Mark each piece kept (1) or dropped (-1), jusText-style with neighbour context."""
    title_key = _norm(title).lower()
    after_link = False
    for piece in pieces:
        teaser, after_link = after_link, _link_only(piece)
        if piece.kind == "code":
            piece.keep = 1
        elif piece.kind == "caption":
            continue
        elif (
            piece.junk > 1
            or piece.plain.lower() == title_key
            or piece.link_density > BAD_LINK_DENSITY
            or _boilerplate(piece)
        ):
            piece.keep = -1
        elif piece.prose and not piece.junk and not teaser:  # teasers go by their neighbours
            piece.keep = 1
    _classify_lists(pieces)
    initial = [piece.keep for piece in pieces]
    good = [index for index, keep in enumerate(initial) if keep > 0]
    if not good:
        _keep_short_text(pieces)
        return
    last = good[-1]
    for index, piece in enumerate(pieces):
        if piece.keep:
            continue
        if piece.kind == "caption":
            piece.keep = 1 if _good_caption(piece) else -1
            continue
        before = _neighbour(initial, index, -1)
        after = _neighbour(initial, index, 1)
        if before > 0 and after > 0:
            piece.keep = 1
        elif piece.kind == "heading" and index > last:
            piece.keep = -1
        else:
            piece.keep = 1 if (before > 0 or after > 0) and _sentence_like(piece) else -1


def _keep_short_text(pieces: list[_Piece]) -> None:
    """With no prose block at all, keep the plain short blocks if they add up to prose."""
    plain = [
        piece
        for piece in pieces
        if not piece.keep and not piece.junk and piece.kind not in ("caption", "heading")
    ]
    if sum(piece.words for piece in plain) >= RETRY_WORDS:
        for piece in plain:
            piece.keep = 1


def _boilerplate(piece: _Piece) -> bool:
    """A short block of site chrome: "Advertisement", a call to action, a byline."""
    text = piece.plain
    if BOILERPLATE_RE.match(text):
        return True
    if piece.words + piece.link_words >= 2 * GOOD_WORDS:
        return False
    if CTA_RE.search(text) or CTA_START_RE.match(text):
        return True
    return bool(BYLINE_START_RE.match(text)) and (piece.words <= 10 or bool(parse_date(text)))


def _good_caption(piece: _Piece) -> bool:
    """A caption worth keeping: a few words, not a link list or a gallery button."""
    return (
        piece.junk < 2
        and piece.words >= 3
        and piece.link_density <= BAD_LINK_DENSITY
        and not BOILERPLATE_RE.match(piece.plain)
    )


def _classify_lists(pieces: list[_Piece]) -> None:
    """The short items of a list that, taken whole, reads as prose are good together."""
    groups: dict[int, list[_Piece]] = {}
    for piece in pieces:
        if piece.group and not piece.keep and not piece.junk:
            groups.setdefault(piece.group, []).append(piece)
    for items in groups.values():
        words = sum(item.words for item in items)
        links = sum(item.link_words for item in items)
        if words >= GOOD_WORDS and links <= GOOD_LINK_DENSITY * (words + links):
            for item in items:
                item.keep = 1


def _sentence_like(piece: _Piece) -> bool:
    """A short block that reads like a sentence: several words, closing punctuation."""
    return piece.words >= 4 and piece.link_density < 0.3 and piece.plain.endswith(SENTENCE_ENDS)


def _neighbour(decisions: list[int], index: int, step: int) -> int:
    """The first decision in direction ``step`` from ``index`` (0 at an edge)."""
    index += step
    while 0 <= index < len(decisions):
        if decisions[index]:
            return decisions[index]
        index += step
    return 0


def _dedupe(pieces: list[_Piece]) -> list[_Piece]:
    """Drop repeats of blocks of five words or more (pull quotes, doubled captions)."""
    seen: set[str] = set()
    kept = []
    for piece in pieces:
        if piece.words + piece.link_words >= 5:
            key = piece.code or piece.plain
            if key in seen:
                continue
            seen.add(key)
        kept.append(piece)
    return kept
