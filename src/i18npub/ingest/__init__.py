"""Ingest: turn a source (text, Markdown, HTML file, folder or URL) into Articles."""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from i18npub.article import PLACEHOLDER_RE, Article, Block, Inline, Segment
from i18npub.ingest.base import Draft, IngestError, RawBlock
from i18npub.segment import split_sentences

__all__ = [
    "IngestError",
    "SourceDocument",
    "draft_to_article",
    "iter_sources",
    "load_source",
    "parse_document",
]

# Bump when reading or segmentation changes, so re-ingest refreshes every article.
INGEST_VERSION = "1"
SUFFIX_KINDS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
UNSPLIT_KINDS = {"title", "heading"}
# In these blocks, emphasis around the whole text is presentation, not meaning.
UNWRAP_KINDS = {"title", "heading", "caption"}
_WHOLE_WRAP_RE = re.compile(r"^<(\d+)>(.*)</\1>$", re.S)


@dataclass
class SourceDocument:
    """A source read into memory: where it came from, its kind and its decoded text."""

    source: str
    kind: str
    text: str
    digest: str
    url: str = ""


def iter_sources(path: Path) -> Iterator[Path]:
    """The readable files of a folder (sorted), or the file itself."""
    if not path.is_dir():
        yield path
        return
    found: list[tuple[str, ...]] = []  # relative parts: sorted as pathlib sorts paths
    for folder, subfolders, files in os.walk(path):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        relative = os.path.relpath(folder, path)
        base = () if relative == "." else tuple(relative.split(os.sep))
        for name in files:
            full = os.path.join(folder, name)
            if (
                not name.startswith(".")
                and os.path.splitext(name)[1].lower() in SUFFIX_KINDS
                and os.path.isfile(full)
            ):
                found.append((*base, name))
    for parts in sorted(found):
        yield path.joinpath(*parts)


def load_source(source: str, max_bytes: int, timeout: float, label: str = "") -> SourceDocument:
    """Read a file or URL into a SourceDocument, or raise IngestError naming it."""
    label = label or source
    if re.match(r"^https?://", source, re.I):
        from i18npub.ingest.fetch import fetch_url

        fetched = fetch_url(source, timeout, max_bytes)
        text = decode(fetched.data, label, fetched.charset)
        return SourceDocument(label, fetched.kind, text, _digest(fetched.data), url=fetched.url)
    path = Path(source)
    kind = SUFFIX_KINDS.get(path.suffix.lower())
    if kind is None:
        raise IngestError(f"{label}: unsupported file type (use .txt, .md, .html or a folder)")
    data = _read_file(path, label, max_bytes)
    return SourceDocument(label, kind, decode(data, label), _digest(data))


def _read_file(path: Path, label: str, max_bytes: int) -> bytes:
    """A regular file's bytes, at most ``max_bytes`` of them whatever ``st_size`` says.

    Opened without blocking (a FIFO would wait for a writer) and checked on the open
    descriptor, so a device (``/dev/zero``) or a FIFO is refused, never read.
    """
    try:
        mode = path.stat().st_mode  # (a socket cannot even be opened)
        if not stat.S_ISREG(mode):
            raise IngestError(f"{label}: not a regular file ({_file_kind(mode)})")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except FileNotFoundError as error:
        raise IngestError(f"{label}: no such file") from error
    except OSError as error:
        raise IngestError(f"{label}: cannot read: {error.strerror or error}") from error
    with os.fdopen(fd, "rb") as handle:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise IngestError(f"{label}: not a regular file ({_file_kind(info.st_mode)})")
            if info.st_size > max_bytes:
                raise IngestError(f"{label}: too large ({info.st_size} bytes; limit {max_bytes})")
            data = handle.read(max_bytes + 1)
        except OSError as error:
            raise IngestError(f"{label}: cannot read: {error.strerror or error}") from error
    if len(data) > max_bytes:
        raise IngestError(f"{label}: too large (over {max_bytes} bytes)")
    return data


def _file_kind(mode: int) -> str:
    kinds = {
        stat.S_ISDIR: "a folder",
        stat.S_ISFIFO: "a FIFO",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISSOCK: "a socket",
    }
    return next((name for test, name in kinds.items() if test(mode)), "not a file")


def decode(data: bytes, label: str, charset: str | None = None) -> str:
    """Decode UTF-8 (or a declared charset); refuse empty, binary or undecodable input."""
    if not data.strip():
        raise IngestError(f"{label}: empty source")
    for bom, encoding in _WIDE_BOMS:  # UTF-16/32 text is full of NUL bytes: not binary
        if data.startswith(bom):
            try:
                return decode(data[len(bom) :].decode(encoding).encode("utf-8"), label)
            except UnicodeDecodeError as error:
                raise IngestError(f"{label}: not valid {encoding} ({error.reason})") from error
    if b"\x00" in data[:8192] or _control_ratio(data[:8192]) > 0.05:
        raise IngestError(f"{label}: looks like a binary file, not text")
    for candidate in ("utf-8-sig", charset):
        if candidate:
            try:
                return data.decode(candidate)
            except (UnicodeDecodeError, LookupError):
                continue
    guess = _guess_encoding(data)
    if guess is None:
        raise IngestError(f"{label}: not UTF-8 and no other encoding fits")
    return data.decode(guess)


def _guess_encoding(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - charset_normalizer comes with httpx/requests
        return None
    best = from_bytes(data).best()
    if best is None or best.chaos > 0.2:
        return None
    return best.encoding


_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def _control_ratio(sample: bytes) -> float:
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls / max(len(sample), 1)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_draft(document: SourceDocument, language: str | None = None) -> Draft:
    """Parse a SourceDocument with the reader for its kind; with ``language`` (a code such
    as ``en``), refuse a source clearly written in another language."""
    if document.kind == "markdown":
        from i18npub.ingest.markdown import read_markdown

        draft = read_markdown(document.text, document.source)
    elif document.kind == "html":
        from i18npub.ingest.html import read_html

        draft = read_html(document.text, url=document.url, source=document.source)
    else:
        from i18npub.ingest.text import read_text

        draft = read_text(document.text, document.source)
    if document.url and not draft.url:
        draft.url = document.url
    if language:
        check_language(draft, language, document.source)
    return draft


def check_language(draft: Draft, expected: str, source: str) -> None:
    """Raise IngestError naming the language when the draft is clearly not in ``expected``."""
    from i18npub.ingest.language import foreign_language, language_name

    texts = [draft.title] + [block.text for block in draft.blocks if block.kind != "code"]
    guess = foreign_language(PLACEHOLDER_RE.sub("", "\n".join(texts)), expected)
    if guess is None:
        return
    raise IngestError(
        f"{source}: {guess.describe(language_name(expected))}; not ingested"
        f" ([project] source_language is {expected!r})"
    )


def draft_to_article(draft: Draft, slug: str, source: str, digest: str) -> Article:
    """Split every block of a draft into sentences and build the Article."""
    title_block = RawBlock("title", text=draft.title)
    blocks = [_segment_block(raw) for raw in [title_block, *draft.blocks]]
    return Article(
        slug=slug,
        title=draft.title,
        blocks=[block for block in blocks if block.segments or block.kind == "code"],
        date=draft.date,
        source=source,
        source_hash=f"{INGEST_VERSION}:{digest}",
        url=draft.url,
        byline=draft.byline,
    )


def parse_document(
    document: SourceDocument, language: str | None = None
) -> tuple[Draft, Article] | IngestError:
    """``read_draft`` and ``draft_to_article`` under no slug yet: the part of ingesting a
    source that reads no file and writes none (a worker process runs it). An IngestError
    is returned, not raised."""
    try:
        draft = read_draft(document, language)
    except IngestError as error:
        return error
    return draft, draft_to_article(draft, "", document.source, document.digest)


def _segment_block(raw: RawBlock) -> Block:
    if raw.kind == "code":
        return Block("code", code=raw.code, language=raw.language)
    if not raw.text.strip():
        return Block(raw.kind, level=raw.level)
    text = _unwrap(raw.text.strip()) if raw.kind in UNWRAP_KINDS else raw.text
    sentences = [text.strip()] if raw.kind in UNSPLIT_KINDS else split_sentences(text)
    segments = [_renumber(sentence, raw.markup) for sentence in sentences]
    return Block(raw.kind, segments=segments, level=raw.level)


def _unwrap(text: str) -> str:
    """``<1>whole text</1>`` → ``whole text`` (when 1 is not used inside)."""
    match = _WHOLE_WRAP_RE.match(text)
    if match and f"<{match.group(1)}>" not in match.group(2):
        return match.group(2).strip()
    return text


def _renumber(sentence: str, markup: list[Inline]) -> Segment:
    """Number a sentence's placeholders from 1 and keep only the markup it uses."""
    mapping: dict[int, int] = {}
    used: list[Inline] = []

    def replace(match: re.Match[str]) -> str:
        old = int(match.group(2))
        if old not in mapping:
            if not 1 <= old <= len(markup):
                return match.group(0)
            used.append(markup[old - 1])
            mapping[old] = len(used)
        return f"<{match.group(1)}{mapping[old]}{match.group(3)}>"

    text = PLACEHOLDER_RE.sub(replace, sentence)
    return Segment(text, tuple(used))
