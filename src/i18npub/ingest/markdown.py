"""Markdown sources with optional YAML front matter (title, date, slug, source URL).

Fenced and indented code blocks become ``code`` blocks that are never
translated; links, emphasis and inline code become placeholders.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from i18npub.article import PLACEHOLDER_RE, Inline, normalize_space
from i18npub.ingest.base import Draft, IngestError, RawBlock, RichText
from i18npub.ingest.dates import parse_date_line
from i18npub.ingest.text import CAPTION_RE

FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_PAIRED = {"strong_open": "strong", "em_open": "emphasis", "link_open": "link"}
_CLOSERS = {"strong_close", "em_close", "link_close"}
_PARSER = MarkdownIt("commonmark")
_USED_KEYS = ("title", "date", "author", "byline", "source", "url", "slug")
_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: same rules, 10x faster
_BOOL_TAG = "tag:yaml.org,2002:bool"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _FrontMatterLoader(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """Safe YAML with 1.2 booleans (``title: yes`` stays text) and dates left as text.

    Dates are parsed by :func:`_date`, so an impossible one (``2026-02-30``) is one
    clear line instead of an exception from inside the YAML constructor.
    """


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_BOOL_TAG, _TIMESTAMP_TAG)]
    for first, resolvers in _BASE_LOADER.yaml_implicit_resolvers.items()
}
_FrontMatterLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_YAML_LOADER = _FrontMatterLoader


def read_markdown(text: str, source: str) -> Draft:
    """Read a Markdown article; raise IngestError naming the source if it has none."""
    meta, body = _front_matter(text, source)
    blocks, heading_title = _blocks(_PARSER.parse(body))
    title = str(meta.get("title") or heading_title or "").strip()
    if not title:
        raise IngestError(f"{source}: no title (add `title:` front matter or a `# Heading`)")
    if not any(block.kind != "code" for block in blocks):
        raise IngestError(f"{source}: no article text found")
    return Draft(
        title=normalize_space(title),
        blocks=blocks,
        date=_date(meta.get("date"), source),
        byline=str(meta.get("author") or meta.get("byline") or ""),
        url=str(meta.get("source") or meta.get("url") or ""),
        slug=str(meta.get("slug") or ""),
    )


def _front_matter(text: str, source: str) -> tuple[dict[str, Any], str]:
    match = FRONT_MATTER_RE.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.load(match.group(1), Loader=_YAML_LOADER) or {}
    except yaml.YAMLError as error:
        line = getattr(getattr(error, "problem_mark", None), "line", 0) + 2
        detail = " ".join(str(getattr(error, "problem", None) or error).split())  # one line
        raise IngestError(f"{source}:{line}: invalid front matter: {detail}") from error
    except ValueError as error:  # an explicitly tagged value YAML cannot build (!!timestamp)
        detail = " ".join(str(error).split())
        raise IngestError(f"{source}: invalid front matter: {detail}") from error
    if not isinstance(meta, dict):
        raise IngestError(f"{source}: front matter must be a mapping of keys to values")
    for key in _USED_KEYS:  # str() of a nested alias bomb would never end
        if not isinstance(meta.get(key), str | int | float | dt.date | None):
            raise IngestError(f"{source}: front matter `{key}` must be a single value")
    return meta, text[match.end() :]


def _date(value: Any, source: str) -> dt.date | None:
    """The front matter date; an impossible or unreadable one refuses the source."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    parsed = parse_date_line(text)
    if parsed is None:
        try:  # 2021-09-09T10:00:00Z, 2021-09-09 10:00
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            parsed = None
    if parsed is None:
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise IngestError(f"{source}: front matter date {shown!r} is not a date (use 2021-09-09)")
    return parsed


def _blocks(tokens: list[Token]) -> tuple[list[RawBlock], str]:
    """Walk block tokens; the first level-1 heading becomes the title."""
    blocks: list[RawBlock] = []
    title = ""
    list_depth = 0
    quote_depth = 0
    pending_kind = "paragraph"
    pending_level = 0
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif token.type == "blockquote_open":
            quote_depth += 1
        elif token.type == "blockquote_close":
            quote_depth -= 1
        elif token.type == "heading_open":
            pending_kind, pending_level = "heading", int(token.tag[1])
        elif token.type == "paragraph_open":
            pending_kind = "list_item" if list_depth else "quote" if quote_depth else "paragraph"
            pending_level = list_depth
        elif token.type in ("fence", "code_block"):
            blocks.append(RawBlock("code", code=token.content, language=token.info.strip()))
        elif token.type == "inline":
            block = _inline_block(token, pending_kind, pending_level)
            if block.kind == "heading" and block.level == 1 and not title and not blocks:
                title = block.text
            elif block.text:
                blocks.append(block)
    return blocks, title


def _inline_block(token: Token, kind: str, level: int) -> RawBlock:
    rich = RichText()
    stack: list[int] = []
    for child in token.children or []:
        _inline(child, rich, stack)
    text = normalize_space(rich.text)
    if kind == "paragraph" and CAPTION_RE.match(PLACEHOLDER_RE.sub("", text)):
        kind = "caption"
    return RawBlock(kind, text=text, markup=rich.markup, level=level)  # type: ignore[arg-type]


def _inline(child: Token, rich: RichText, stack: list[int]) -> None:
    if child.type == "text":
        rich.add(child.content)
    elif child.type in ("softbreak", "hardbreak"):
        rich.add(" ")
    elif child.type in _PAIRED:
        attrs: tuple[tuple[str, str], ...] = ()
        if child.type == "link_open":
            attrs = (("href", str(child.attrs.get("href", ""))),)
        stack.append(rich.open(Inline(_PAIRED[child.type], attrs)))  # type: ignore[arg-type]
    elif child.type in _CLOSERS and stack:
        rich.close(stack.pop())
    elif child.type == "code_inline":
        rich.atom(Inline("code", (("text", child.content),)))
    elif child.type == "image":
        alt = child.content or ""
        rich.atom(Inline("image", (("src", str(child.attrs.get("src", ""))), ("alt", alt))))
    elif child.type == "html_inline":
        return  # raw inline HTML tags are dropped; their text content stays
