"""Plain-text sources, such as a scraped page saved as text.

Paragraphs are separated by blank lines. A scraped page often starts with a
long run of site-navigation labels; such runs are dropped. The first real
paragraph is the title, a following date line gives the date, photo credits
become captions, short unpunctuated lines between paragraphs become headings.
"""

from __future__ import annotations

import re

from i18npub.article import normalize_space
from i18npub.ingest.base import Draft, IngestError, RawBlock, RichText
from i18npub.ingest.dates import parse_date_line

CAPTION_RE = re.compile(
    r"^[(\[（]?\s*(?:photo|photos|picture|image|credit|credits|source|video|graphic|illustration)"
    r"s?\s*(?:credit)?\s*[:：].{0,120}?[)\]）]?$",
    re.I,
)
LIST_ITEM_RE = re.compile(r"^(?:[-*•·]|\d{1,3}[.)])\s+(?=\S)")
BOILERPLATE_RE = re.compile(
    r"^(?:share(?: this)?(?: article| story)?|follow us|print|e-?mail this|back to top|"
    r"related(?: articles| stories| news)?|tags?:|copyright|©|\(c\)|all rights reserved|"
    r"read more|subscribe|sign up for)\b",
    re.I,
)
SENTENCE_END_RE = re.compile(r"[.!?。！？][\"'”’)\]]*(?:\s|$)")


def read_text(text: str, source: str) -> Draft:
    """Read a plain-text article; raise IngestError if no article is found."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    paragraphs = _drop_navigation(paragraphs)
    if not paragraphs:
        raise IngestError(f"{source}: no article text found")
    title = normalize_space(paragraphs[0])
    body = paragraphs[1:]
    date = parse_date_line(body[0]) if body else None
    if date is not None:
        body = body[1:]
    blocks = _strip_trailing_boilerplate(_blocks(body))
    if not any(block.kind == "paragraph" for block in blocks):
        raise IngestError(f"{source}: no article paragraphs found (only a title or headings)")
    return Draft(title=title, date=date, blocks=blocks)


def is_navigation(paragraph: str) -> bool:
    """A long run of labels: many words, mostly capitalised, hardly any sentence ends."""
    words = paragraph.split()
    if len(words) < 25:
        return False
    sentence_ends = len(SENTENCE_END_RE.findall(paragraph))
    if sentence_ends > len(words) / 60:
        return False
    capitalised = sum(1 for word in words if word[0].isupper() or not word[0].isalpha())
    return capitalised / len(words) >= 0.6


def _drop_navigation(paragraphs: list[str]) -> list[str]:
    return [p for p in paragraphs if not is_navigation(p)]


def _blocks(paragraphs: list[str]) -> list[RawBlock]:
    blocks: list[RawBlock] = []
    for index, paragraph in enumerate(paragraphs):
        is_last = index == len(paragraphs) - 1
        for chunk in _split_lines(paragraph):
            blocks.append(_classify(chunk, is_last))
    return blocks


def _split_lines(paragraph: str) -> list[str]:
    """Caption and list lines stand alone; other consecutive lines are one wrapped paragraph."""
    chunks: list[str] = []
    pending: list[str] = []
    for line in paragraph.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if CAPTION_RE.match(stripped) or LIST_ITEM_RE.match(stripped):
            if pending:
                chunks.append(" ".join(pending))
                pending = []
            chunks.append(stripped)
        else:
            pending.append(stripped)
    if pending:
        chunks.append(" ".join(pending))
    return [normalize_space(chunk) for chunk in chunks]


def _classify(chunk: str, is_last: bool) -> RawBlock:
    if CAPTION_RE.match(chunk):
        return _raw("caption", chunk)
    if LIST_ITEM_RE.match(chunk):
        return _raw("list_item", LIST_ITEM_RE.sub("", chunk, count=1), level=1)
    if not is_last and _looks_like_heading(chunk):
        return _raw("heading", chunk, level=2)
    return _raw("paragraph", chunk)


def _looks_like_heading(chunk: str) -> bool:
    words = chunk.split()
    return 0 < len(words) <= 30 and not re.search(r"[.!?:;,。！？：；，]['\"”’]?$", chunk)


def _strip_trailing_boilerplate(blocks: list[RawBlock]) -> list[RawBlock]:
    while blocks and blocks[-1].kind != "caption" and BOILERPLATE_RE.match(blocks[-1].text):
        blocks = blocks[:-1]
    return blocks


def _raw(kind: str, text: str, level: int = 0) -> RawBlock:
    rich = RichText()
    rich.add(text)
    return RawBlock(kind=kind, text=rich.text, level=level)  # type: ignore[arg-type]
