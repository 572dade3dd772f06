"""Headline, date and byline of a page from JSON-LD, meta tags, ``<h1>``, ``<time>`` and
datelines; the JSON-LD articleBody when the extracted article misses it."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import json
import re
from dataclasses import dataclass

from lxml import etree

from i18npub.ingest.base import RawBlock, RichText
from i18npub.ingest.html.parse import norm, text_of
from i18npub.ingest.html.vocabulary import (
    BYLINE_PREFIX_RE,
    DATELINE_RE,
    LD_BODY_WORDS,
    LD_RECALL,
    WORD_RE,
)
from i18npub.ingest.html.walk import Piece, tidy

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
class Meta:
    """Headline, date and byline from JSON-LD, meta tags and the page's headings."""

    title: str
    date: dt.date | None
    byline: str
    body: str = ""  # schema.org articleBody, when the page's JSON-LD has a long one

    @classmethod
    def read(cls, root: etree._Element) -> Meta:
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
    return norm(htmllib.unescape(text) if "&" in text else text)


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


def misses_body(kept: list[Piece], body: str) -> bool:
    """Whether the extracted article holds less than LD_RECALL of the articleBody's text
    (a wrong container, or an article the HTML does not show)."""
    wanted = _shingles(_unescape(body))
    found = _shingles(" ".join(piece.plain for piece in kept if piece.kind != "caption"))
    return len(wanted & found) < LD_RECALL * len(wanted)


def body_blocks(body: str) -> list[RawBlock]:
    """Paragraph blocks from an articleBody: its line breaks, else the one text."""
    if "<" in body:  # some publishers put markup in it
        body = re.sub(r"<[^>]*>", " ", re.sub(r"(?i)</p\s*>|<br\s*/?>", "\n", body))
    blocks = []
    for paragraph in re.split(r"\n\s*\n|\r?\n", htmllib.unescape(body)):
        if text := tidy(paragraph, False):
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
    page_title = _strip_site_name(text_of(title_tag), site) if title_tag is not None else ""
    others = [text for text in (*named, page_title) if text]
    h1s = [text for text in (text_of(h1) for h1 in root.iter("h1")) if text]
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
        if date := parse_date(element.get("datetime") or text_of(element)):
            return date
    return None


def visible_date(body: etree._Element, chosen: list[Piece]) -> dt.date | None:
    """A dateline among the article's first short blocks (bylines first), else in a
    date-named element."""
    first = [piece.plain for piece in chosen[:12] if piece.kind != "caption" and piece.words < 30]
    for text in sorted(first, key=lambda text: not DATELINE_RE.match(text)):
        if date := parse_date(text):
            return date
    tried = 0
    for element in body.iter():
        if (names := element.get("class")) and DATE_CLASS_RE.search(names):
            text = text_of(element)
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
        if text := _clean_byline(text_of(element)):
            return text
    return ""


def _clean_byline(text: str) -> str:
    """``By Jane Doe, Reporter November 5, 2019`` → ``Jane Doe, Reporter``; "" if too long."""
    text = BYLINE_PREFIX_RE.sub("", norm(text))
    for regex in (ISO_DATE_RE, MDY_RE, DMY_RE):
        if (found := regex.search(text)) and found.start() > 2:
            text = text[: found.start()].rstrip(" ,|–—-·")
    return text if 1 < len(text) <= 100 else ""
