"""Writing entries: unchanged lines verbatim, changed fields laid out in the file's style."""

from __future__ import annotations

import re
import textwrap
from typing import Any

from i18npub.po.directives import UNPROTECTED, directive_insides
from i18npub.po.layout import gnu_lines
from i18npub.po.model import DEFAULT_WIDTH, SNAP_INDEX, POEntry, WrapStyle, snapshot
from i18npub.po.syntax import KEYWORD_RE, PORTION_RE, escape

STRING_FIELDS = ("msgctxt", "msgid", "msgid_plural")
_RANK = {
    "translator_comments": 0,
    "extracted_comments": 1,
    "references": 2,
    "flags": 3,
    "previous_msgctxt": 4,
    "previous_msgid": 5,
    "previous_msgid_plural": 6,
    "msgctxt": 7,
    "msgid": 8,
    "msgid_plural": 9,
    "msgstr": 10,
}


def _rank(kind: str) -> float:
    if kind.startswith("msgstr["):
        return 10 + int(kind[7:-1]) / 1000
    return _RANK.get(kind, -1)


def render_entry(entry: POEntry, style: WrapStyle, nl: str, is_header: bool) -> str:
    """The text of a changed or new entry: unchanged parts verbatim, the rest laid out."""
    snap = entry._snap
    if (
        entry._raw is None
        or snap is None
        or entry.obsolete != snap[12]
        or (entry.msgid_plural is None) != (snap[2] is None)
    ):
        return nl.join(_entry_lines(entry, style, is_header)) + nl
    blocks = segments(entry._raw)
    changed = _changed_fields(entry, snap)
    out: list[tuple[float, str]] = []
    done: set[str] = set()
    rank = -1.0
    for kind, text in blocks:
        if kind in _RANK or kind.startswith("msgstr["):
            rank = _rank(kind)
        if kind not in changed:
            out.append((rank, text))
        elif kind not in done:
            done.add(kind)
            lines = field_lines(entry, kind, style, is_header)
            if lines:
                out.append((rank, nl.join(lines) + nl))
    for kind in sorted(changed - done, key=_rank):
        lines = field_lines(entry, kind, style, is_header)
        if lines:
            new_rank = _rank(kind)
            at = next((i for i, (r, _) in enumerate(out) if r > new_rank), len(out))
            out.insert(at, (new_rank, nl.join(lines) + nl))
    return "".join(text for _, text in out)


def _changed_fields(entry: POEntry, snap: tuple[Any, ...]) -> set[str]:
    now = snapshot(entry)
    changed = {name for name, i in SNAP_INDEX.items() if now[i] != snap[i]}
    new_plural, old_plural = dict(now[4]), dict(snap[4])
    for n in new_plural.keys() | old_plural.keys():
        if new_plural.get(n) != old_plural.get(n):
            changed.add(f"msgstr[{n}]")
    return changed


def segments(raw: str) -> list[tuple[str, str]]:
    """The lines of an entry's source grouped by the field they belong to."""
    blocks: list[list[Any]] = []
    kind = "other"
    for line in raw.split("\n")[:-1]:
        kind = _line_kind(line.rstrip("\r").lstrip(" \t"), kind)
        if blocks and blocks[-1][0] == kind:
            blocks[-1][1].append(line)
        else:
            blocks.append([kind, [line]])
    return [(k, "\n".join(lines) + "\n") for k, lines in blocks]


def _line_kind(s: str, previous: str) -> str:
    if not s:
        return "blank"
    if s[0] == '"':
        return previous
    if s[0] == "#":
        c2 = s[1:2]
        if c2 == "~":
            rest = s[2:].lstrip(" \t")
            if rest[:1] == "|":
                return _previous_kind(rest[1:].lstrip(" \t"), previous)
            if rest[:1] == '"':
                return previous
            match = KEYWORD_RE.match(rest)
            return _keyword_kind(match) if match else "other"
        if c2 == "|":
            return _previous_kind(s[2:].lstrip(" \t"), previous)
        return {":": "references", ",": "flags", ".": "extracted_comments"}.get(
            c2, "translator_comments"
        )
    match = KEYWORD_RE.match(s)
    return _keyword_kind(match) if match else "other"


def _previous_kind(rest: str, previous: str) -> str:
    if rest[:1] == '"':
        return previous
    match = KEYWORD_RE.match(rest)
    return "previous_" + match.group(1) if match else "other"


def _keyword_kind(match: re.Match[str]) -> str:
    name, number = match.group(1), match.group(2)
    return f"msgstr[{number}]" if number is not None else name


def _entry_lines(entry: POEntry, style: WrapStyle, is_header: bool) -> list[str]:
    lines: list[str] = []
    # (absent fields have no lines: they are skipped here rather than asked for)
    if entry.translator_comments:
        lines += _comment_lines(entry, "translator_comments", style)
    if entry.extracted_comments:
        lines += _comment_lines(entry, "extracted_comments", style)
    if entry.references:
        lines += reference_lines(entry.references, style)
    if entry.flags:
        lines.append("#, " + ", ".join(entry.flags))
    if entry.previous_msgctxt is not None:
        lines += field_lines(entry, "previous_msgctxt", style, is_header)
    if entry.previous_msgid is not None:
        lines += field_lines(entry, "previous_msgid", style, is_header)
    if entry.previous_msgid_plural is not None:
        lines += field_lines(entry, "previous_msgid_plural", style, is_header)
    if entry.msgctxt is not None:
        lines += field_lines(entry, "msgctxt", style, is_header)
    if (
        style.kind == "gnu"
        and (style.msgstr_kind is None or style.msgstr_kind == "gnu")
        and not style.msgstr_width
        and not entry.obsolete
        and not is_header
        and entry.msgid_plural is None
    ):  # the usual entry, as field_lines lays it out
        msgid, msgstr = entry.msgid, entry.msgstr
        protected = directive_insides(msgid, entry.flags, False) if "%" in msgid else UNPROTECTED
        lines += gnu_lines("", "msgid", msgid, style.width, protected)
        protected = directive_insides(msgstr, entry.flags, True) if "%" in msgstr else UNPROTECTED
        lines += gnu_lines("", "msgstr", msgstr, style.width, protected)
        return lines
    lines += field_lines(entry, "msgid", style, is_header)
    if entry.msgid_plural is None:
        lines += field_lines(entry, "msgstr", style, is_header)
    else:
        lines += field_lines(entry, "msgid_plural", style, is_header)
        for n in sorted(entry.msgstr_plural):
            lines += field_lines(entry, f"msgstr[{n}]", style, is_header)
    return lines


def field_lines(entry: POEntry, name: str, style: WrapStyle, is_header: bool) -> list[str]:
    """The lines of one field of ``entry`` (empty if the field is absent)."""
    if name in _COMMENT_FIELDS:
        return _comment_lines(entry, name, style)
    kind = style.kind
    width = style.width
    translated = name.startswith("msgstr")
    if (
        translated
        and style.msgstr_kind is not None
        and (style.msgstr_kind != kind or style.msgstr_width)
    ):
        kind = style.msgstr_kind
        width = style.msgstr_width or DEFAULT_WIDTH[kind]
    if is_header and not style.header_wrap:
        kind = "none"
    prefix = "#~ " if entry.obsolete else ""
    if name.startswith("previous_"):
        value = getattr(entry, name)
        prefix = "#~| " if entry.obsolete else "#| "
        name = name[9:]
    elif name.startswith("msgstr["):
        value = entry.msgstr_plural.get(int(name[7:-1]))
    elif name == "msgstr" and entry.msgid_plural is not None:
        return []
    else:
        value = getattr(entry, name)
    if value is None:
        return []
    if kind == "gnu":
        return _gnu_string(prefix, name, value, width, entry.flags, translated)
    return string_lines(prefix, name, value, kind, width, UNPROTECTED)


def _gnu_string(
    prefix: str, name: str, value: str, width: int, flags: list[str], translated: bool
) -> list[str]:
    protected = directive_insides(value, flags, translated) if "%" in value else UNPROTECTED
    return gnu_lines(prefix, name, value, width, protected)


_COMMENT_FIELDS = frozenset({"translator_comments", "extracted_comments", "references", "flags"})


def _comment_lines(entry: POEntry, name: str, style: WrapStyle) -> list[str]:
    """``#``, ``#.``, ``#:`` or ``#,`` lines; a comment with newlines takes several lines."""
    if name == "translator_comments":
        parts = [part for comment in entry.translator_comments for part in comment.split("\n")]
        return [f"# {part}" if part else style.empty_comment for part in parts]
    if name == "extracted_comments":
        parts = [part for comment in entry.extracted_comments for part in comment.split("\n")]
        return [f"#. {part}" if part else "#." for part in parts]
    if name == "references":
        return reference_lines(entry.references, style) if entry.references else []
    return ["#, " + ", ".join(entry.flags)] if entry.flags else []


def string_lines(
    prefix: str, name: str, value: str, kind: str, width: int, protected: frozenset[int]
) -> list[str]:
    """``name "value"`` in layout ``kind`` (``protected``: no GNU break inside these)."""
    if kind == "gnu":
        return gnu_lines(prefix, name, value, width, protected)
    if kind == "textwrap":
        return _polib_lines(prefix, name, value, width)
    if kind == "babel":
        return _babel_lines(prefix, name, value, width)
    if kind == "single":
        return [f'{prefix}{name} "{escape(value)}"']
    return gnu_lines(prefix, name, value, 1 << 30, protected)


def reference_lines(refs: list[str], style: WrapStyle) -> list[str]:
    """The ``#:`` lines of ``refs`` in the style's reference layout."""
    if len(refs) == 1 and style.refs != "textwrap":
        return ["#: " + refs[0]]  # (what each layout below makes of one reference)
    if style.refs == "single":
        return ["#: " + " ".join(refs)]
    if style.refs == "each":
        return ["#: " + ref for ref in refs]
    if style.refs == "textwrap":
        joined = " ".join(refs)
        if len(joined) + 3 <= style.ref_width:
            return ["#: " + joined]
        return textwrap.wrap(  # polib swaps "-" for "*" to the same effect
            joined,
            style.ref_width,
            initial_indent="#: ",
            subsequent_indent="#: ",
            break_long_words=False,
            break_on_hyphens=False,
        )
    lines: list[str] = []
    current, column = "#:", 2
    for ref in refs:
        size = len(ref.encode("utf-8")) + 1
        if column > 2 and column + size > style.ref_width:
            lines.append(current)
            current, column = "#:", 2
        current += " " + ref
        column += size
    lines.append(current)
    return lines


def _polib_lines(prefix: str, name: str, value: str, width: int) -> list[str]:
    """polib's layout: textwrap on the escaped string, multi-line strings unwrapped.

    (polib also starts a new line after ``\\r`` and other line separators; we only do so
    after ``\\n``.)
    """
    portions = PORTION_RE.findall(value)
    if len(portions) > 1:
        pieces = ["", *(escape(p) for p in portions)]
    else:
        escaped = escape(value)
        specials = len(escaped) - len(value) - value.count("\a")  # polib's count
        # polib's test (sic: escapes make the line longer, yet polib allows more)
        if width > 0 and len(value) > width - len(name) - 3 + specials:
            pieces = [
                "",
                *textwrap.wrap(escaped, width - 2, drop_whitespace=False, break_long_words=False),
            ]
        else:
            pieces = [escaped]
    lines = [f'{prefix}{name} "{pieces[0]}"']
    lines += [f'{prefix}"{piece}"' for piece in pieces[1:]]
    return lines


_BABEL_SEP_RE = re.compile(  # Babel's pofile.WORD_SEP
    r"(\s+|[^\s\w]*\w+[a-zA-Z]-(?=\w+[a-zA-Z])|(?<=[\w\!\"\'\&\.\,\?])-{2,}(?=\w))"
)


def _babel_escape(text: str) -> str:
    """Babel's escaping: backslash, tab, CR, LF and quote only."""
    return (
        text.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\r", "\\r")
        .replace("\n", "\\n")
        .replace('"', '\\"')
    )


_BABEL_SPECIAL_RE = re.compile(r'[\\\t\r\n"]')


def _babel_length(text: str) -> int:
    """``len(_babel_escape(text))`` (most chunks have nothing to escape)."""
    return len(text) if _BABEL_SPECIAL_RE.search(text) is None else len(_babel_escape(text))


def _babel_lines(prefix: str, name: str, value: str, width: int) -> list[str]:
    """Babel's ``normalize()``: chunks (words, spaces, hyphenated parts) packed while the
    escaped line stays under ``width`` code points, a long chunk alone on its line."""
    extra = len(prefix)
    lines: list[str] = []
    for line in value.splitlines(True):
        if _babel_length(line) + 2 + extra <= width:
            lines.append(line)
            continue
        chunks = _BABEL_SEP_RE.split(line)
        chunks.reverse()
        while chunks:
            buf: list[str] = []
            size = 2
            while chunks:
                length = _babel_length(chunks[-1]) + extra
                if size + length < width:
                    buf.append(chunks.pop())
                    size += length
                else:
                    if not buf:
                        buf.append(chunks.pop())
                    break
            lines.append("".join(buf))
    if len(lines) <= 1:
        return [f'{prefix}{name} "{_babel_escape(value)}"']
    if not lines[-1]:
        del lines[-1]
        lines[-1] += "\n"
    return [f'{prefix}{name} ""', *(f'{prefix}"{_babel_escape(line)}"' for line in lines)]
