"""Sentences to safe HTML: catalog text is escaped, markup comes only from the article.

A segment's text (the English msgid or a translator's msgstr) holds numbered placeholders
(``<1>…</1>``, ``<2/>``). They become HTML only through the article's own ``Inline`` list:
``<1>`` is a link, bold or italics when ``markup[0]`` says so, and the link's ``href`` is the
article's, never the translator's. Everything else in the text is escaped. Links keep only
``http``, ``https``, ``mailto`` and relative targets. Bidirectional controls and other
invisible control characters are dropped (a "Trojan source" cannot reorder what readers see).

>>> from i18npub.article import Inline
>>> str(segment_html("See <1>the site</1>.", (Inline("link", (("href", "/x"),)),)))
'See <a href="/x">the site</a>.'
>>> str(segment_html("<script>{{ 7*7 }}</script>"))
'&lt;script&gt;{{ 7*7 }}&lt;/script&gt;'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from i18npub.article import PLACEHOLDER_RE, Inline

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
IMAGE_SCHEMES = frozenset({"http", "https"})
# C0/C1 controls (not tab/newline), bidi embeddings/overrides/isolates and marks, BOM.
INVISIBLE_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_CJK = (
    "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3200-\u32ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\ufe10-\ufe1f\ufe30-\ufe4f\uff00-\uffef“”‘’…—·"
)
_TAGS = r"(?:</?\d{1,3}/?>)*"
# Whitespace between two Chinese characters (placeholders in between are transparent).
_CJK_GAP_RE = re.compile(rf"([{_CJK}]{_TAGS})\s+({_TAGS}[{_CJK}])")
_SPACE_RE = re.compile(r"[ \t\n\r\f\v]+")  # ASCII only: no-break and ideographic spaces stay


def clean_text(text: str, chinese: bool = False) -> str:
    """Drop invisible controls and collapse whitespace; in Chinese, no space between ideographs."""
    if INVISIBLE_RE.search(text):
        text = INVISIBLE_RE.sub("", text)
    text = _SPACE_RE.sub(" ", text).strip(" ")
    if chinese and " " in text:
        text = _CJK_GAP_RE.sub(r"\1\2", text)
        text = _CJK_GAP_RE.sub(r"\1\2", text)  # overlapping gaps ("中 文 字")
    return text


def safe_url(url: str, schemes: frozenset[str] = LINK_SCHEMES) -> str | None:
    """``url`` if it is relative or uses an allowed scheme, else None."""
    url = INVISIBLE_RE.sub("", url).strip()
    # Browsers ignore tabs and newlines inside URLs ("java\tscript:"), so judge without them.
    compact = re.sub(r"[\t\n\r ]", "", url)
    try:
        scheme = urlsplit(compact).scheme.lower()
    except ValueError:
        return None
    if scheme and scheme not in schemes:
        return None
    return url if url else None


def render_sentence(
    text: str, markup: Sequence[Inline] = (), chinese: bool = False
) -> tuple[Markup, str]:
    """A sentence as safe HTML and as plain text (one cleaning for both)."""
    text = clean_text(text, chinese)
    return _html(text, markup), _plain(text, markup, chinese)


def segment_html(text: str, markup: Sequence[Inline] = (), chinese: bool = False) -> Markup:
    """One sentence as safe HTML; placeholders are substituted from ``markup`` only."""
    return _html(clean_text(text, chinese), markup)


def _html(text: str, markup: Sequence[Inline]) -> Markup:
    out: list[str] = []
    stack: list[tuple[int, str]] = []  # open paired placeholders: (number, closing tag)
    position = 0
    for match in PLACEHOLDER_RE.finditer(text):
        out.append(escape(text[position : match.start()]))
        position = match.end()
        closing, number, atomic = match.group(1) == "/", int(match.group(2)), match.group(3)
        inline = markup[number - 1] if 0 < number <= len(markup) else None
        if inline is None:
            out.append(escape(match.group(0)))  # not a placeholder of this sentence: literal
        elif closing:
            out.append(_close(stack, number))
        elif atomic and not inline.paired:
            out.append(_atomic_html(inline))
        elif not atomic and inline.paired:
            opening, closer = _paired_tags(inline)
            out.append(opening)
            stack.append((number, closer))
        # a known number in the wrong form (``<1/>`` for a link) carries no text: dropped
    out.append(escape(text[position:]))
    out.extend(closer for _, closer in reversed(stack))
    return Markup("".join(out))


def _close(stack: list[tuple[int, str]], number: int) -> str:
    """Close ``number`` and anything opened inside it; nothing if it is not open."""
    if all(open_number != number for open_number, _ in stack):
        return ""
    closers = []
    while stack:
        open_number, closer = stack.pop()
        closers.append(closer)
        if open_number == number:
            break
    return "".join(closers)


def _paired_tags(inline: Inline) -> tuple[str, str]:
    if inline.kind == "strong":
        return "<strong>", "</strong>"
    if inline.kind == "emphasis":
        return "<em>", "</em>"
    href = safe_url(inline.attr("href"))
    if href is None:
        return "", ""
    return f'<a href="{escape(href)}">', "</a>"


def _atomic_html(inline: Inline) -> str:
    if inline.kind == "code":
        return f'<code translate="no">{escape(clean_text(inline.attr("text")))}</code>'
    if inline.kind == "image":
        alt = escape(clean_text(inline.attr("alt")))
        src = safe_url(inline.attr("src"), IMAGE_SCHEMES)
        if src is None:
            return str(alt)
        return f'<img src="{escape(src)}" alt="{alt}" loading="lazy" referrerpolicy="no-referrer">'
    return ""


def plain_text(text: str, markup: Sequence[Inline] = (), chinese: bool = False) -> str:
    """The sentence as readers hear it, without markup (for titles, feeds and summaries)."""
    return _plain(clean_text(text, chinese), markup, chinese)


def _plain(text: str, markup: Sequence[Inline], chinese: bool) -> str:
    if "<" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        number = int(match.group(2))
        inline = markup[number - 1] if 0 < number <= len(markup) else None
        if inline is None:
            return match.group(0)
        if match.group(3) and not inline.paired:
            return inline.attr("text") or inline.attr("alt")
        return ""

    return clean_text(PLACEHOLDER_RE.sub(replace, text), chinese)


def join_sentences(pieces: Sequence[tuple[Markup | str, bool]]) -> Markup:
    """Join safe HTML sentences, ``(html, is_chinese)``: no space between Chinese sentences.

    The pieces must already be safe HTML (``segment_html`` output, or spans around it).
    """
    out: list[str] = []
    previous_chinese: bool | None = None
    for html, chinese in pieces:
        if previous_chinese is not None and not (previous_chinese and chinese):
            out.append(" ")
        out.append(html)
        previous_chinese = chinese
    return Markup("".join(out))
