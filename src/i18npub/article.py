"""The data model: an Article is an ordered list of Blocks, each holding Segments.

A segment is one sentence. Inline markup (links, bold, italics, inline code) is
replaced by numbered placeholders so translators and engines see plain text:

* ``<1>`` … ``</1>`` wraps text that carries markup (a link, bold, italics);
* ``<2/>`` stands for something that is never translated (inline code, an image).

Placeholders are numbered from 1 within each segment, so the same sentence gets
the same msgid wherever it occurs; ``Segment.markup[n - 1]`` says what ``n`` is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal

BlockKind = Literal["title", "heading", "paragraph", "caption", "quote", "list_item", "code"]
BLOCK_KINDS: tuple[str, ...] = (
    "title",
    "heading",
    "paragraph",
    "caption",
    "quote",
    "list_item",
    "code",
)
InlineKind = Literal["link", "strong", "emphasis", "code", "image"]

PLACEHOLDER_RE = re.compile(r"<(/?)(\d{1,3})(/?)>")
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")


@dataclass(frozen=True)
class Inline:
    """What a placeholder stands for: a kind plus attributes (``href``, ``text``…)."""

    kind: InlineKind
    attrs: tuple[tuple[str, str], ...] = ()

    @property
    def paired(self) -> bool:
        """Paired placeholders wrap translatable text; the others are atomic."""
        return self.kind in ("link", "strong", "emphasis")

    def attr(self, name: str, default: str = "") -> str:
        return dict(self.attrs).get(name, default)

    def describe(self) -> str:
        """A short note for translators (``#.`` comments)."""
        if self.kind == "link":
            return f"link to {self.attr('href')}"
        if self.kind == "code":
            return f"code `{self.attr('text')}` (keep as is)"
        if self.kind == "image":
            return f"image {self.attr('src')}"
        return self.kind


@dataclass(frozen=True)
class Segment:
    """One sentence: text with placeholders, and what each placeholder stands for."""

    text: str
    markup: tuple[Inline, ...] = ()

    @property
    def key(self) -> str:
        """A stable identity: the hash of the whitespace-normalized text."""
        return text_hash(self.text)


@dataclass
class Block:
    """A heading, paragraph, caption, quote, list item or code block."""

    kind: BlockKind
    segments: list[Segment] = field(default_factory=list)
    level: int = 0
    code: str = ""  # for code blocks: the literal, never translated
    language: str = ""  # for code blocks: the info string

    @property
    def translatable(self) -> bool:
        return self.kind != "code"


@dataclass
class Article:
    """An ingested news article."""

    slug: str
    title: str
    blocks: list[Block]
    date: dt.date | None = None
    source: str = ""
    source_hash: str = ""
    url: str = ""
    byline: str = ""
    lang: str = "en"

    def segments(self) -> list[tuple[int, Block, Segment]]:
        """Every translatable segment with its block index, in document order."""
        return [
            (index, block, segment)
            for index, block in enumerate(self.blocks)
            if block.translatable
            for segment in block.segments
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "source": self.source,
            "source_hash": self.source_hash,
            "url": self.url,
            "byline": self.byline,
            "lang": self.lang,
            "blocks": [_block_to_dict(block) for block in self.blocks],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        date = data.get("date")
        return cls(
            slug=data["slug"],
            title=data["title"],
            date=dt.date.fromisoformat(date) if date else None,
            source=data.get("source", ""),
            source_hash=data.get("source_hash", ""),
            url=data.get("url", ""),
            byline=data.get("byline", ""),
            lang=data.get("lang", "en"),
            blocks=[_block_from_dict(item) for item in data["blocks"]],
        )


def _block_to_dict(block: Block) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": block.kind}
    if block.level:
        data["level"] = block.level
    if block.kind == "code":
        data["code"] = block.code
        if block.language:
            data["language"] = block.language
        return data
    data["segments"] = [_segment_to_dict(segment) for segment in block.segments]
    return data


def _segment_to_dict(segment: Segment) -> dict[str, Any] | str:
    if not segment.markup:
        return segment.text
    return {
        "text": segment.text,
        "markup": [{"kind": m.kind, **dict(m.attrs)} for m in segment.markup],
    }


def _block_from_dict(data: dict[str, Any]) -> Block:
    kind = data["kind"]
    if kind not in BLOCK_KINDS:
        raise ValueError(f"unknown block kind {kind!r}")
    return Block(
        kind=kind,
        level=data.get("level", 0),
        code=data.get("code", ""),
        language=data.get("language", ""),
        segments=[_segment_from_dict(item) for item in data.get("segments", [])],
    )


def _segment_from_dict(data: dict[str, Any] | str) -> Segment:
    if isinstance(data, str):
        return Segment(data)
    markup = tuple(
        Inline(item["kind"], tuple((k, v) for k, v in item.items() if k != "kind"))
        for item in data.get("markup", [])
    )
    return Segment(data["text"], markup)


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    return " ".join(text.split())


def text_hash(text: str) -> str:
    """A short stable hash of whitespace-normalized text."""
    return hashlib.sha1(normalize_space(text).encode("utf-8")).hexdigest()[:12]


def slugify(text: str, max_length: int = 60) -> str:
    """An ASCII slug: lowercase letters, digits and single hyphens (always a valid slug)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    if not slug and words:  # one word longer than the limit: cut it
        slug = words[0][:max_length]
    return slug or "article"


NUMBERED_BASE = 55  # a numbered slug keeps this much of the wanted one, then "-<n>"


def numbered_slug(wanted: str, number: int) -> str:
    """The ``number``-th variant of ``wanted`` (``fire-2``), a valid slug whatever ``wanted`` is.

    The cut never leaves a trailing hyphen, so ``…-rate-`` + ``-2`` cannot become ``--``.
    """
    base = wanted[:NUMBERED_BASE].rstrip("-") or "article"
    return f"{base}-{number}"


def validate_slug(slug: str) -> str:
    """Return ``slug`` if it is safe as a single path component, else raise ValueError."""
    if not SLUG_RE.match(slug) or "--" in slug:
        raise ValueError(
            f"invalid slug {slug!r}: use 1-80 lowercase letters, digits and single hyphens"
        )
    return slug
