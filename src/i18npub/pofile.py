"""Gettext PO catalogs, read and written faithful to the byte.

Translators' catalogs pass through Poedit, Weblate, Lokalize, Transifex and plain editors, each
with its own line wrapping. This module keeps every entry's source text: an entry whose fields
did not change is written back verbatim, and in a changed entry only the changed fields are
re-laid out, in the convention of the file it came from (:class:`WrapStyle`, detected on
first use). Blank lines, leading comments, trailing text, CRLF line ends, a BOM and a missing
final newline are kept as found.

>>> po = parse_po('msgid ""\\nmsgstr "Content-Type: text/plain; charset=UTF-8\\\\n"\\n\\n'
...               'msgid "Hello"\\nmsgstr ""\\n')
>>> po.find("Hello").msgstr = "你好"
>>> print(po.dumps(), end="")
msgid ""
msgstr "Content-Type: text/plain; charset=UTF-8\\n"
<BLANKLINE>
msgid "Hello"
msgstr "你好"

Layout of new and changed entries:

* ``gnu`` (default, our own catalogs): GNU gettext 0.21 ``msgcat`` byte for byte. Strings are
  broken at 79 display columns (East Asian Wide/Fullwidth = 2) at the line-break opportunities
  of Unicode UAX #14 as implemented by libunistring 1.0 (its class table and pair table are
  embedded below, Unicode 14.0), never inside an escape sequence nor, in ``c-format`` and
  ``python-format`` entries, inside a format directive. So a Chinese run is broken between
  ideographs but never before ``，。、；：！？）」》``, after ``（「《``, nor between a quotation
  mark ``“”‘’`` (class QU, which glues to both sides in that revision) and what it touches.
* ``textwrap``: polib's layout (``textwrap`` at 78 code points including the quotes, breaks
  after spaces and hyphens, multi-line strings one logical line per physical line), which is
  what Transifex writes for the Python documentation.
* ``babel``: Babel's ``write_po`` (``normalize()``: words, spaces and hyphenated parts packed
  under the width, 76 by default).
* ``none``: no wrapping (``msgcat --no-wrap``); ``single``: each string on one line, even
  across ``\\n`` (Transifex's msgstr in some projects, e.g. Sphinx).

The width is detected too (``msgcat -w 100``, polib at ``wrapwidth=76``): from the file's
longest lines, when no layout at its default width reproduces the file.

Known differences from ``msgcat``: we write entries and flags as they are in the
:class:`POFile`, whereas ``msgcat`` moves obsolete entries to the end, drops obsolete entries
with an empty ``msgstr``, drops ``fuzzy`` when ``msgstr`` is empty, rewrites
``possible-c-format`` as ``c-format`` and sorts flags. Character widths come from
``unicodedata`` (plus libunistring's exceptions), so on a Python whose Unicode database is
newer than 14.0 a newly assigned character may count differently. gettext 0.22+ (libunistring
1.1+) follows later UAX #14 revisions and breaks some characters differently, notably
quotation marks next to ideographs.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import re
import tempfile
import textwrap
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, SupportsIndex

__all__ = [
    "GNU",
    "NOWRAP",
    "POLIB",
    "POEntry",
    "POFile",
    "POSyntaxError",
    "WrapStyle",
    "new_po",
    "parse_po",
    "read_po",
]


class POSyntaxError(ValueError):
    """A PO file that cannot be read; ``str(error)`` is ``path:line: message``."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


Layout = Literal["gnu", "textwrap", "babel", "none", "single"]


@dataclass(frozen=True)
class WrapStyle:
    """How changed and new entries are laid out.

    ``kind``: ``gnu`` (msgcat: ``width`` display columns), ``textwrap`` (polib: ``width``
    code points), ``babel`` (Babel's ``write_po``: ``width`` code points, default 76),
    ``none`` (one line per logical line, like ``msgcat --no-wrap``) or ``single`` (the
    whole string on one line). ``msgstr_kind`` and ``msgstr_width``: the layout of
    translations when it differs (Transifex writes some projects' msgstr unwrapped; 0 is
    the kind's default width). ``header_wrap``:
    whether the header is wrapped like other entries (GNU) or one field per line (Transifex,
    polib). ``refs``: ``#:`` layout, ``gnu`` (fill to ``ref_width`` bytes), ``textwrap``
    (polib), ``single`` (one line) or ``each`` (one per line). ``empty_comment``: how an
    empty translator comment is written, ``#`` (GNU) or ``# `` (polib, Transifex).
    """

    kind: Layout = "gnu"
    width: int = 79
    msgstr_kind: Layout | None = None
    header_wrap: bool = True
    refs: Literal["gnu", "textwrap", "single", "each"] = "gnu"
    ref_width: int = 79
    empty_comment: str = "#"
    msgstr_width: int = 0


GNU = WrapStyle()
POLIB = WrapStyle(
    "textwrap", 78, header_wrap=False, refs="textwrap", ref_width=78, empty_comment="# "
)
NOWRAP = WrapStyle("none", 79, header_wrap=False, refs="single")
_DEFAULT_WIDTH = {"gnu": 79, "textwrap": 78, "babel": 76, "none": 79, "single": 79}

_KEY_FIELDS = frozenset({"msgid", "msgctxt", "obsolete"})


@dataclass(eq=False)
class POEntry:
    """One catalog entry. Equality is identity; ``lineno`` is where it starts (1-based)."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    translator_comments: list[str] = field(default_factory=list)
    extracted_comments: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    previous_msgctxt: str | None = None
    previous_msgid: str | None = None
    previous_msgid_plural: str | None = None
    obsolete: bool = False
    lineno: int = 0
    _raw: str | None = field(default=None, init=False, repr=False)
    _prefix: str | None = field(default=None, init=False, repr=False)
    _snap: tuple[Any, ...] | None = field(default=None, init=False, repr=False)
    _owner: POFile | None = field(default=None, init=False, repr=False)

    def __setattr__(self, name: str, value: Any) -> None:
        owner = self.__dict__.get("_owner")
        if owner is not None and name in _KEY_FIELDS:
            owner._unindex(self)
            object.__setattr__(self, name, value)
            owner._index(self)
        else:
            object.__setattr__(self, name, value)

    @property
    def key(self) -> tuple[str | None, str]:
        """``(msgctxt, msgid)``, what identifies the entry in its catalog."""
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        """Whether the ``fuzzy`` flag is set; setting adds it first or removes it."""
        return "fuzzy" in self.flags

    @fuzzy.setter
    def fuzzy(self, value: bool) -> None:
        if value and "fuzzy" not in self.flags:
            self.flags.insert(0, "fuzzy")
        elif not value:
            self.flags[:] = [f for f in self.flags if f != "fuzzy"]

    @property
    def translated(self) -> bool:
        """Every msgstr is non-empty, and the entry is neither fuzzy nor obsolete."""
        if self.obsolete or self.fuzzy:
            return False
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return bool(self.msgstr)

    def _unchanged(self) -> bool:
        """True if every field still has the value it was read with."""
        s = self._snap
        return s is not None and (
            self.msgstr == s[3]
            and self.msgid == s[1]
            and self.msgctxt == s[0]
            and self.msgid_plural == s[2]
            and tuple(self.msgstr_plural.items()) == s[4]
            and tuple(self.references) == s[8]
            and tuple(self.flags) == s[5]
            and tuple(self.translator_comments) == s[6]
            and tuple(self.extracted_comments) == s[7]
            and self.previous_msgid == s[10]
            and self.previous_msgctxt == s[9]
            and self.previous_msgid_plural == s[11]
            and self.obsolete == s[12]
        )


_SNAP_INDEX = {
    "msgctxt": 0,
    "msgid": 1,
    "msgid_plural": 2,
    "msgstr": 3,
    "flags": 5,
    "translator_comments": 6,
    "extracted_comments": 7,
    "references": 8,
    "previous_msgctxt": 9,
    "previous_msgid": 10,
    "previous_msgid_plural": 11,
}


def _snapshot(e: POEntry) -> tuple[Any, ...]:
    """The fields of ``e`` as compared by POEntry._unchanged."""
    return (
        e.msgctxt,
        e.msgid,
        e.msgid_plural,
        e.msgstr,
        tuple(e.msgstr_plural.items()),
        tuple(e.flags),
        tuple(e.translator_comments),
        tuple(e.extracted_comments),
        tuple(e.references),
        e.previous_msgctxt,
        e.previous_msgid,
        e.previous_msgid_plural,
        e.obsolete,
    )


class _EntryList(list[POEntry]):
    """``POFile.entries``: a list that keeps its catalog's lookup index in step."""

    def __init__(self, po: POFile) -> None:
        super().__init__()
        self._po = po

    def append(self, entry: POEntry) -> None:
        self._po._adopt(entry)
        super().append(entry)

    def insert(self, index: SupportsIndex, entry: POEntry) -> None:
        self._po._adopt(entry)
        super().insert(index, entry)

    def extend(self, entries: Iterable[POEntry]) -> None:
        for entry in entries:
            self.append(entry)

    def __iadd__(self, entries: Iterable[POEntry]) -> _EntryList:  # type: ignore[override,misc]
        self.extend(entries)
        return self

    def remove(self, entry: POEntry) -> None:
        for i, item in enumerate(self):
            if item is entry:
                del self[i]
                return
        raise ValueError("entry not in catalog")

    def pop(self, index: SupportsIndex = -1) -> POEntry:
        entry = super().pop(index)
        self._po._release(entry)
        return entry

    def clear(self) -> None:
        for entry in self:
            self._po._release(entry)
        super().clear()

    def __delitem__(self, index: SupportsIndex | slice) -> None:
        gone = self[index] if isinstance(index, slice) else [self[index]]
        super().__delitem__(index)
        for entry in gone:
            self._po._release(entry)

    def __setitem__(self, index: Any, value: Any) -> None:
        gone = self[index] if isinstance(index, slice) else [self[index]]
        new = list(value) if isinstance(index, slice) else [value]
        for entry in gone:
            self._po._release(entry)
        try:
            for entry in new:
                self._po._adopt(entry)
        except ValueError:
            for entry in gone:
                self._po._adopt(entry)
            raise
        super().__setitem__(index, new if isinstance(index, slice) else value)


class POFile:
    """A catalog: an optional ``header`` entry and the other ``entries`` in file order."""

    def __init__(self, wrap: WrapStyle | None = None, newline: str = "\n") -> None:
        self.path: str | None = None
        self.newline = newline
        self.entries: _EntryList = _EntryList(self)
        self._header: POEntry | None = None
        self._header_at = 0
        self._wrap = wrap
        self._keys: dict[tuple[str | None, str], POEntry] = {}
        self._obsolete_keys: dict[tuple[str | None, str], POEntry] = {}
        self._trailer = ""
        self._bom = False
        self._final_newline = True
        self._first: POEntry | None = None
        self._hash_space = False

    # --- header -------------------------------------------------------------------------

    @property
    def header(self) -> POEntry | None:
        """The ``msgid ""`` entry, or None."""
        return self._header

    @header.setter
    def header(self, entry: POEntry | None) -> None:
        if self._header is not None:
            self._release(self._header)
        if entry is not None:
            self._adopt(entry, header=True)
        self._header = entry

    def metadata(self) -> dict[str, str]:
        """The header's ``Key: value`` fields."""
        result: dict[str, str] = {}
        if self._header is not None:
            for line in self._header.msgstr.split("\n"):
                key, sep, value = line.partition(":")
                if sep and key.strip():
                    result[key.strip()] = value.strip()
        return result

    def set_metadata(self, key: str, value: str) -> None:
        """Set a header field, in place if present, else appended; creates the header."""
        if self._header is None:
            self.header = POEntry(msgid="")
        header = self._header
        assert header is not None
        lines = header.msgstr.split("\n")
        for i, line in enumerate(lines):
            name, sep, _ = line.partition(":")
            if sep and name.strip() == key:
                lines[i] = f"{key}: {value}"
                header.msgstr = "\n".join(lines)
                return
        text = header.msgstr
        if text and not text.endswith("\n"):
            text += "\n"
        header.msgstr = f"{text}{key}: {value}\n"

    # --- entries and lookup -------------------------------------------------------------

    def __iter__(self) -> Iterator[POEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def find(
        self, msgid: str, msgctxt: str | None = None, include_obsolete: bool = False
    ) -> POEntry | None:
        """The entry with this msgid and msgctxt (the header for ``""``), or None."""
        key = (msgctxt, msgid)
        entry = self._keys.get(key)
        if entry is None and include_obsolete:
            entry = self._obsolete_keys.get(key)
        return entry

    def append(self, entry: POEntry) -> None:
        """Add an entry at the end (a header-like entry becomes the header if none)."""
        if _is_header(entry) and self._header is None:
            self.header = entry
        else:
            self.entries.append(entry)

    def remove(self, entry: POEntry) -> None:
        """Remove an entry (or the header); raises ValueError if it is not in the catalog."""
        if entry is self._header:
            self.header = None
        else:
            self.entries.remove(entry)

    def _adopt(self, entry: POEntry, header: bool = False) -> None:
        if entry._owner is not None:
            raise ValueError("entry already belongs to a catalog")
        if not header and _is_header(entry) and self._header is not None:
            raise ValueError("catalog already has a header entry")
        if not entry.obsolete and entry.key in self._keys:
            raise ValueError(f"duplicate entry {entry.key!r}")
        object.__setattr__(entry, "_owner", self)
        self._index(entry)

    def _release(self, entry: POEntry) -> None:
        self._unindex(entry)
        object.__setattr__(entry, "_owner", None)

    def _index(self, entry: POEntry) -> None:
        keys = self._obsolete_keys if entry.obsolete else self._keys
        keys.setdefault(entry.key, entry)

    def _unindex(self, entry: POEntry) -> None:
        keys = self._obsolete_keys if entry.obsolete else self._keys
        key = entry.key
        if keys.get(key) is entry:
            del keys[key]
            if entry.obsolete:  # another obsolete entry may share the key
                for other in self.entries:
                    if other is not entry and other.obsolete and other.key == key:
                        keys[key] = other
                        break

    # --- layout -------------------------------------------------------------------------

    @property
    def wrap(self) -> WrapStyle:
        """The layout convention for new and changed entries (detected on first use)."""
        if self._wrap is None:
            self._wrap = _detect_style(self)
        return self._wrap

    @wrap.setter
    def wrap(self, style: WrapStyle) -> None:
        self._wrap = style

    def dumps(self) -> str:
        """The catalog as PO text."""
        parts: list[str] = []
        first = True
        style = None  # (detected when first needed: unchanged files never need it)
        for entry in self._ordered():
            prefix = entry._prefix
            if prefix is None:
                prefix = "" if first else self.newline
            elif first and entry is not self._first and not prefix.strip():
                prefix = ""
            parts.append(prefix)
            raw = entry._raw
            if raw is not None and entry._unchanged():
                parts.append(raw)
            else:
                style = style or self.wrap
                parts.append(_render_entry(entry, style, self.newline, entry is self._header))
            first = False
        parts.append(self._trailer)
        text = "".join(parts)
        if not self._final_newline and text.endswith("\n"):
            text = text[: -len(self.newline) if text.endswith(self.newline) else -1]
        return "\ufeff" + text if self._bom else text

    def save(self, path: str | os.PathLike[str] | None = None) -> None:
        """Write atomically: a temporary file in the same folder, fsync, then os.replace."""
        target = os.fspath(path if path is not None else self.path or "")
        if not target:
            raise ValueError("no path to save to")
        data = self.dumps().encode("utf-8")
        folder = os.path.dirname(os.path.abspath(target))
        fd, tmp = tempfile.mkstemp(
            dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".tmp"
        )
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.chmod(tmp, os.stat(target).st_mode & 0o7777)
            except FileNotFoundError:
                os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        _fsync_dir(folder)

    def _ordered(self) -> Iterator[POEntry]:
        header, at = self._header, self._header_at
        for i, entry in enumerate(self.entries):
            if header is not None and i == at:
                yield header
            yield entry
        if header is not None and at >= len(self.entries):
            yield header

    def _render(self, entry: POEntry) -> str:
        return _render_entry(entry, self.wrap, self.newline, entry is self._header)


def _is_header(entry: POEntry) -> bool:
    return entry.msgid == "" and entry.msgctxt is None and not entry.obsolete


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_dir(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def new_po(wrap: WrapStyle = GNU, metadata: dict[str, str] | None = None) -> POFile:
    """An empty catalog laid out in ``wrap`` (GNU msgcat style by default).

    With ``metadata``, a header entry with those fields is created.
    """
    po = POFile(wrap)
    if metadata:
        for key, value in metadata.items():
            po.set_metadata(key, value)
    return po


def read_po(path: str | os.PathLike[str]) -> POFile:
    """Read a UTF-8 PO file; POSyntaxError (``path:line: message``) if it is not valid."""
    name = os.fspath(path)
    with open(name, "rb") as handle:
        data = handle.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        charset = _declared_charset(data)
        if charset and not _is_utf8(charset):
            raise POSyntaxError(name, line, _charset_message(charset)) from error
        raise POSyntaxError(
            name, line, f"invalid UTF-8 (byte 0x{data[error.start]:02x}); only UTF-8 is supported"
        ) from error
    po = parse_po(text, name)
    po.path = name
    return po


_CHARSET_RE = re.compile(rb"charset=([^\s\"\\;]+)")


def _declared_charset(data: bytes) -> str | None:
    match = _CHARSET_RE.search(data, 0, 20000)
    return match.group(1).decode("ascii", "replace") if match else None


def _is_utf8(charset: str) -> bool:
    return charset.strip().upper() in {"UTF-8", "UTF8", "ASCII", "US-ASCII", "CHARSET"}


def _charset_message(charset: str) -> str:
    return (
        f"charset {charset!r} is not supported: only UTF-8 catalogs are "
        "(convert with: msgconv --to-code=UTF-8)"
    )


# --- reading ----------------------------------------------------------------------------

_KEYWORD_RE = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[([0-9]+)\])?(?![\w\[])[ \t]*")
_STRINGS_RE = re.compile(r'(?:"(?:[^"\\]|\\.)*"[ \t]*)+')
_STRING_RE = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"')
_ESCAPE_RE = re.compile(r"\\(?:([ntr\"\\abfv])|([0-7]{1,3})|x([0-9a-fA-F]+)|(.))", re.S)
_UNESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    '"': '"',
    "\\": "\\",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}


_BYTES_RE = re.compile("[\udc80-\udcff]")


class _BadEscape(Exception):
    pass


def _unescape_match(match: re.Match[str]) -> str:
    simple = match.group(1)
    if simple is not None:
        return _UNESCAPES[simple]
    if match.group(4) is not None:
        raise _BadEscape(f"invalid escape sequence '\\{match.group(4)}'")
    value = int(match.group(2), 8) if match.group(2) else int(match.group(3), 16)
    if value > 0xFF:
        raise _BadEscape(f"escape sequence out of range: {match.group(0)}")
    return chr(value) if value < 0x80 else chr(0xDC00 + value)  # a byte; decoded below


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    value = _ESCAPE_RE.sub(_unescape_match, text)
    if _BYTES_RE.search(value):
        try:
            value = value.encode("utf-8", "surrogateescape").decode("utf-8")
        except UnicodeError:
            raise _BadEscape("escaped bytes are not valid UTF-8") from None
    return value


class _Draft:
    """The entry being read."""

    __slots__ = (
        "ec",
        "flags",
        "lines",
        "obsolete",
        "plural",
        "prev",
        "prev_open",
        "refs",
        "start",
        "strings",
        "tc",
    )

    def __init__(self, start: int) -> None:
        self.start = start
        self.tc: list[str] = []
        self.ec: list[str] = []
        self.refs: list[str] = []
        self.flags: list[str] = []
        self.prev: dict[str, list[str]] = {}
        self.prev_open: list[str] | None = None  # the #| string that "#| ..." lines continue
        self.strings: dict[str, list[str]] = {}
        self.plural: dict[int, list[str]] = {}
        self.lines: dict[str, int] = {}
        self.obsolete: bool | None = None


class _Parser:
    """Single pass over the lines of a PO text."""

    def __init__(self, lines: list[str], path: str, offset: int = 0) -> None:
        self.lines = lines
        self.path = path
        self.offset = offset  # line number of lines[0] in the file, 0-based
        self.entries: list[POEntry] = []
        self.draft: _Draft | None = None
        self.gap = 0  # first line not yet given to an entry

    def error(self, index: int, message: str) -> POSyntaxError:
        return POSyntaxError(self.path, self.offset + index + 1, message)

    def run(self) -> list[POEntry]:
        target: list[str] | None = None  # string pieces that a "..." line continues
        last = -1  # last non-blank line
        for i, line in enumerate(self.lines):
            if line[-1:] == "\r":
                line = line[:-1]
            c = line[:1]
            if c == " " or c == "\t":
                line = line.lstrip(" \t")
                c = line[:1]
            if c == '"':
                if target is None:
                    raise self.error(i, "string without a keyword before it")
                if len(line) > 1 and line[-1] == '"':
                    inner = line[1:-1]
                    if '"' in inner or "\\" in inner:
                        inner = self.strings(line, i)
                else:
                    inner = self.strings(line, i)
                target.append(inner)
            elif c == "#":
                target = self.comment(line, i, last, target)
            elif c == "m":
                target = self.keyword(line, i, last, False)
            elif not c:
                continue
            else:
                raise self.error(i, f"keyword {line.split()[0]!r} unknown")
            last = i
        return self.finish_file(last)

    def strings(self, text: str, index: int) -> str:
        """The concatenated contents of the string literals making up ``text``."""
        text = text.rstrip(" \t")
        if _STRINGS_RE.fullmatch(text) is None:
            if text.startswith('"') and _STRING_RE.match(text) is None:
                raise self.error(index, "end-of-line within string")
            raise self.error(index, "syntax error: unexpected text after string")
        return "".join(_STRING_RE.findall(text))

    def begin(self, index: int, last: int) -> _Draft:
        if self.draft is not None:
            self.finish(last)
        self.draft = _Draft(index)
        return self.draft

    def open_draft(self, index: int, last: int) -> _Draft:
        """The draft that a comment line at ``index`` belongs to."""
        d = self.draft
        if d is None or "msgstr" in d.lines:
            d = self.begin(index, last)
        return d

    def comment(
        self, line: str, index: int, last: int, target: list[str] | None
    ) -> list[str] | None:
        c2 = line[1:2]
        if c2 == "~":
            rest = line[2:].lstrip(" \t")
            if rest[:1] == "|":
                return self.previous(rest[1:].lstrip(" \t"), index, last, target)
            if rest[:1] == '"':
                if target is None:
                    raise self.error(index, "string without a keyword before it")
                self.check_obsolete(index, True)
                target.append(self.strings(rest, index))
                return target
            if rest:
                return self.keyword(rest, index, last, True)
            self.open_draft(index, last)
            return None
        if c2 == "|":
            return self.previous(line[2:].lstrip(" \t"), index, last, target)
        d = self.open_draft(index, last)
        if c2 == ":":
            d.refs.extend(line[2:].split())
        elif c2 == ",":
            d.flags.extend(f for f in (x.strip() for x in line[2:].split(",")) if f)
        elif c2 == ".":
            text = line[2:]
            d.ec.append(text[1:] if text[:1] == " " else text)
        else:
            text = line[1:]
            d.tc.append(text[1:] if text[:1] == " " else text)
        return None

    def previous(
        self, rest: str, index: int, last: int, target: list[str] | None
    ) -> list[str] | None:
        """A ``#|`` (or ``#~|``) line: previous msgctxt/msgid/msgid_plural."""
        if rest[:1] == '"':
            d = self.draft
            if d is None or target is None or target is not d.prev_open:
                raise self.error(index, "'#|' string without a keyword before it")
            target.append(self.strings(rest, index))
            return target
        match = _KEYWORD_RE.match(rest)
        if match is None or match.group(1) == "msgstr" or match.group(2) is not None:
            raise self.error(index, "'#|' must be followed by msgctxt, msgid or msgid_plural")
        d = self.open_draft(index, last)
        name = match.group(1)
        if "msgid" in d.lines:
            raise self.error(index, "'#|' line after msgid")
        if name in d.prev:
            raise self.error(index, f"duplicate previous {name}")
        pieces = [self.need_string(rest[match.end() :], index, name)]
        d.prev[name] = d.prev_open = pieces
        d.lines["#|" + name] = index
        return pieces

    def need_string(self, text: str, index: int, name: str) -> str:
        if text[:1] != '"':
            raise self.error(index, f"{name} must be followed by a string")
        return self.strings(text, index)

    def check_obsolete(self, index: int, obsolete: bool) -> None:
        d = self.draft
        assert d is not None
        if d.obsolete is None:
            d.obsolete = obsolete
        elif d.obsolete != obsolete:
            raise self.error(index, "inconsistent use of #~")

    def keyword(self, line: str, index: int, last: int, obsolete: bool) -> list[str]:
        match = _KEYWORD_RE.match(line)
        if match is None:
            word = line.split()[0] if line.split() else line
            raise self.error(index, f"keyword {word!r} unknown")
        name, number = match.group(1), match.group(2)
        pieces = [self.need_string(line[match.end() :], index, name)]
        d = self.draft
        if name == "msgctxt" or name == "msgid":
            if d is None or "msgstr" in d.lines:
                d = self.begin(index, last)
            if "msgid" in d.lines:
                first = self.offset + d.lines["msgid"] + 1
                raise self.error(index, f"missing msgstr for the msgid at line {first}")
            if name == "msgctxt" and "msgctxt" in d.lines:
                raise self.error(index, "duplicate msgctxt")
        elif d is None or "msgid" not in d.lines:
            raise self.error(index, f"{name} without msgid")
        elif name == "msgid_plural":
            if "msgstr" in d.lines or "msgid_plural" in d.lines:
                raise self.error(index, "msgid_plural must follow msgid")
        elif number is None:
            if "msgid_plural" in d.lines:
                raise self.error(index, "msgstr without [index] after msgid_plural")
            if "msgstr" in d.lines:
                raise self.error(index, "duplicate msgstr")
        else:
            if "msgid_plural" not in d.lines:
                raise self.error(index, f"msgstr[{number}] without msgid_plural")
            if int(number) != len(d.plural):
                raise self.error(
                    index, f"msgstr[{number}] out of order (expected [{len(d.plural)}])"
                )
            d.plural[int(number)] = pieces
            d.lines.setdefault("msgstr", index)
            d.lines[f"msgstr[{number}]"] = index
            self.check_obsolete(index, obsolete)
            return pieces
        self.check_obsolete(index, obsolete)
        d.strings[name] = pieces
        d.lines[name] = index
        return pieces

    def value(self, d: _Draft, name: str, pieces: list[str] | None) -> str | None:
        if pieces is None:
            return None
        try:
            return _unescape(pieces[0] if len(pieces) == 1 else "".join(pieces))
        except _BadEscape as error:
            first = d.lines.get(name, d.start)
            for offset, piece in enumerate(pieces):
                try:
                    _unescape(piece)
                except _BadEscape:
                    raise self.error(first + offset, str(error)) from None
            raise self.error(first, str(error)) from None

    def finish(self, last: int) -> None:
        d = self.draft
        assert d is not None
        self.draft = None
        if "msgstr" not in d.lines:
            raise self.error(d.lines.get("msgid", d.start), "missing msgstr")
        strings, prev = d.strings, d.prev
        entry = _make_entry(
            self.value(d, "msgid", strings["msgid"]) or "",
            self.value(d, "msgstr", strings.get("msgstr")) or "",
            self.value(d, "msgctxt", strings.get("msgctxt")),
            self.value(d, "msgid_plural", strings.get("msgid_plural")),
            {n: self.value(d, f"msgstr[{n}]", p) or "" for n, p in d.plural.items()},
            d.flags,
            d.tc,
            d.ec,
            d.refs,
            (
                self.value(d, "#|msgctxt", prev.get("msgctxt")),
                self.value(d, "#|msgid", prev.get("msgid")),
                self.value(d, "#|msgid_plural", prev.get("msgid_plural")),
            )
            if prev
            else _NO_PREVIOUS,
            bool(d.obsolete),
            self.offset + d.start + 1,
            "\n".join(self.lines[d.start : last + 1]) + "\n",
            "\n".join(self.lines[self.gap : d.start]) + "\n" if self.gap < d.start else "",
        )
        self.entries.append(entry)
        self.gap = last + 1

    def finish_file(self, last: int) -> list[POEntry]:
        d = self.draft
        if d is not None and d.lines:
            self.finish(last)
        return self.entries

    def trailer(self) -> str:
        rest = self.lines[self.gap :]
        return "\n".join(rest) + "\n" if rest else ""


def parse_po(text: str, path: str = "<string>") -> POFile:
    """Read PO text; POSyntaxError (``path:line: message``) if it is not valid."""
    po = POFile()
    po.path = None if path == "<string>" else path
    if text.startswith("\ufeff"):
        po._bom = True
        text = text[1:]
    if text and not text.endswith("\n"):
        po._final_newline = False
        text += "\n"
    if text[: text.find("\n")].endswith("\r"):
        po.newline = "\r\n"
    po._hash_space = "\n# \n" in text or "\n# \r\n" in text or text.startswith(("# \n", "# \r\n"))
    entries, pos, line = _fast_entries(text)
    lines = text[pos:].split("\n")
    lines.pop()
    parser = _Parser(lines, path, line)
    entries += parser.run()
    po._trailer = parser.trailer()
    _attach(po, entries, path)
    return po


def _make_entry(
    msgid: str,
    msgstr: str,
    msgctxt: str | None,
    msgid_plural: str | None,
    msgstr_plural: dict[int, str],
    flags: list[str],
    tc: list[str],
    ec: list[str],
    refs: list[str],
    previous: tuple[str | None, str | None, str | None],
    obsolete: bool,
    lineno: int,
    raw: str,
    prefix: str,
) -> POEntry:
    """A parsed entry, with its source text and a snapshot of its fields."""
    entry = object.__new__(POEntry)
    entry.__dict__ = {
        "msgid": msgid,
        "msgstr": msgstr,
        "msgctxt": msgctxt,
        "msgid_plural": msgid_plural,
        "msgstr_plural": msgstr_plural,
        "flags": flags,
        "translator_comments": tc,
        "extracted_comments": ec,
        "references": refs,
        "previous_msgctxt": previous[0],
        "previous_msgid": previous[1],
        "previous_msgid_plural": previous[2],
        "obsolete": obsolete,
        "lineno": lineno,
        "_raw": raw,
        "_prefix": prefix,
        "_owner": None,
        "_snap": (
            msgctxt,
            msgid,
            msgid_plural,
            msgstr,
            tuple(msgstr_plural.items()),
            tuple(flags),
            tuple(tc),
            tuple(ec),
            tuple(refs),
            *previous,
            obsolete,
        ),
    }
    return entry


_NO_PREVIOUS: tuple[None, None, None] = (None, None, None)

# The common entry shape, matched whole: comments (no #~), msgctxt?, msgid, msgstr(s).
_S = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"[ \t]*\r?\n'
_SS = f"{_S}(?:{_S})*"
_FAST_RE = re.compile(
    r"(?P<gap>(?:[ \t]*\r?\n)*)"
    r"(?P<body>(?P<comments>(?:#(?!~)[^\n]*\n)*)"
    rf"(?:msgctxt[ \t]*(?P<ctxt>{_SS}))?"
    rf"msgid[ \t]*(?P<id>{_SS})"
    rf"(?:msgid_plural[ \t]*(?P<idp>{_SS})(?P<strs>(?:msgstr\[[0-9]+\][ \t]*{_SS})+)"
    rf"|msgstr[ \t]*(?P<str>{_SS})))"
)
_PLURAL_RE = re.compile(rf"msgstr\[([0-9]+)\][ \t]*({_SS})")


def _fast_entries(text: str) -> tuple[list[POEntry], int, int]:
    """Entries of the common shape from the start of ``text``; stops at anything else.

    Returns the entries, and the offset and line number where the general parser resumes.
    """
    entries: list[POEntry] = []
    pos = line = 0
    match = _FAST_RE.match
    count = text.count
    new = object.__new__
    while (m := match(text, pos)) is not None:
        gap, body, comments, ctxt, msgid, idp, strs, msgstr = m.groups()
        tc: list[str] = []
        ec: list[str] = []
        refs: list[str] = []
        flags: list[str] = []
        previous: tuple[str | None, str | None, str | None] = _NO_PREVIOUS
        if comments:
            if comments[:3] == "#: " and count("\n", m.start(3), m.end(3)) == 1:
                refs = comments[3:].split()
            elif (found := _fast_comments(comments, tc, ec, refs, flags)) is not None:
                previous = found
            else:
                break
        try:
            msgid = _pieces(msgid)
            plural: dict[int, str] = {}
            if strs is None:
                msgstr = _pieces(msgstr)
            else:
                msgstr, idp = "", _pieces(idp)
                if not _fast_plural(strs, plural):
                    break
            if ctxt is not None:
                ctxt = _pieces(ctxt)
        except _BadEscape:
            break
        start_line = line + count("\n", pos, m.start(2))
        entry = new(POEntry)
        entry.__dict__ = {
            "msgid": msgid,
            "msgstr": msgstr,
            "msgctxt": ctxt,
            "msgid_plural": idp,
            "msgstr_plural": plural,
            "flags": flags,
            "translator_comments": tc,
            "extracted_comments": ec,
            "references": refs,
            "previous_msgctxt": previous[0],
            "previous_msgid": previous[1],
            "previous_msgid_plural": previous[2],
            "obsolete": False,
            "lineno": start_line + 1,
            "_raw": body,
            "_prefix": gap,
            "_owner": None,
            "_snap": (
                ctxt,
                msgid,
                idp,
                msgstr,
                tuple(plural.items()),
                tuple(flags),
                tuple(tc),
                tuple(ec),
                tuple(refs),
                *previous,
                False,
            ),
        }
        entries.append(entry)
        line = start_line + count("\n", m.start(2), m.end())
        pos = m.end()
    return entries, pos, line


def _pieces(group: str) -> str:
    """The value of the string lines ``group`` (escapes resolved)."""
    value = group[1 : group.rindex('"')]
    if group.count("\n") > 1:
        # A '"' newline '"' run can only be a line boundary: strings hold no raw newline.
        value = value.replace('"\n"', "")
        if "\n" in value:  # trailing blanks or CRs after some quote
            value = "".join(_STRING_RE.findall(group))
    return _unescape(value) if "\\" in value else value


def _fast_plural(strs: str, plural: dict[int, str]) -> bool:
    for n, (number, group) in enumerate(_PLURAL_RE.findall(strs)):
        if int(number) != n:
            return False
        plural[n] = _pieces(group)
    return True


_PREVIOUS_NAMES = ("msgctxt", "msgid", "msgid_plural")
_ONE_STRING_RE = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"[ \t]*\r?')


def _fast_comments(
    comments: str, tc: list[str], ec: list[str], refs: list[str], flags: list[str]
) -> tuple[str | None, str | None, str | None] | None:
    """Fill the comment lists; the previous-msgid fields, or None if a line is unusual."""
    previous: dict[str, list[str]] = {}
    target: list[str] | None = None
    for line in comments.split("\n")[:-1]:
        if line[-1:] == "\r":
            line = line[:-1]
        c2 = line[1:2]
        if c2 == ":":
            refs.extend(line[2:].split())
        elif c2 == ",":
            flags.extend(f for f in (x.strip() for x in line[2:].split(",")) if f)
        elif c2 == ".":
            text = line[2:]
            ec.append(text[1:] if text[:1] == " " else text)
        elif c2 == "|":
            rest = line[2:].lstrip(" \t")
            match = _KEYWORD_RE.match(rest)
            if match is not None:
                name = match.group(1)
                if name not in _PREVIOUS_NAMES or match.group(2) or name in previous:
                    return None
                rest = rest[match.end() :]
                target = previous[name] = []
            string = _ONE_STRING_RE.fullmatch(rest)
            if string is None or target is None:
                return None
            target.append(string.group(1))
        else:
            target = None
            text = line[1:]
            tc.append(text[1:] if text[:1] == " " else text)
        if c2 != "|":
            target = None
    if not previous:
        return _NO_PREVIOUS
    try:
        return tuple(  # type: ignore[return-value]
            _unescape("".join(previous[n])) if n in previous else None for n in _PREVIOUS_NAMES
        )
    except _BadEscape:
        return None


def _attach(po: POFile, entries: list[POEntry], path: str) -> None:
    """Put parsed entries into ``po``: header, index, duplicate and charset checks."""
    keys = po._keys
    obsolete_keys = po._obsolete_keys
    plain = po.entries
    for entry in entries:
        entry.__dict__["_owner"] = po
        key = (entry.msgctxt, entry.msgid)
        first = keys.get(key) or obsolete_keys.get(key)
        if first is not None:  # as msgfmt: an obsolete copy (a git merge) counts too
            line = entry.lineno + _msgid_offset(entry)
            at = first.lineno + _msgid_offset(first)
            raise POSyntaxError(path, line, f"duplicate message definition (also at line {at})")
        if entry.obsolete:
            obsolete_keys[key] = entry
            list.append(plain, entry)
            continue
        keys[key] = entry
        if key == (None, "") and po._header is None:
            po._header = entry
            po._header_at = len(plain)
        else:
            list.append(plain, entry)
    if entries:
        po._first = entries[0]
    if po._header is not None:
        charset = _header_charset(po._header.msgstr)
        if charset and not _is_utf8(charset):
            raise POSyntaxError(path, po._header.lineno, _charset_message(charset))


def _msgid_offset(entry: POEntry) -> int:
    raw = entry._raw or ""
    for offset, line in enumerate(raw.split("\n")):
        if line.lstrip("#~ \t").startswith("msgid"):
            return offset
    return 0


def _header_charset(msgstr: str) -> str | None:
    match = re.search(r"charset=([^\s;]+)", msgstr)
    return match.group(1) if match else None


# --- writing ----------------------------------------------------------------------------

_STRING_FIELDS = ("msgctxt", "msgid", "msgid_plural")
_PREVIOUS_FIELDS = ("previous_msgctxt", "previous_msgid", "previous_msgid_plural")
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
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\v": "\\v",
}
_NEEDS_ESCAPE_RE = re.compile('[\\\\"\n\t\r\a\b\f\v]')
_PORTION_RE = re.compile(r"[^\n]*\n|[^\n]+")


def _escape(text: str) -> str:
    for char, escape in _ESCAPES.items():  # (backslash first; str.replace is fastest)
        if char in text:
            text = text.replace(char, escape)
    return text


def _rank(kind: str) -> float:
    if kind.startswith("msgstr["):
        return 10 + int(kind[7:-1]) / 1000
    return _RANK.get(kind, -1)


def _render_entry(entry: POEntry, style: WrapStyle, nl: str, is_header: bool) -> str:
    """The text of a changed or new entry: unchanged parts verbatim, the rest laid out."""
    snap = entry._snap
    if (
        entry._raw is None
        or snap is None
        or entry.obsolete != snap[12]
        or (entry.msgid_plural is None) != (snap[2] is None)
    ):
        return nl.join(_entry_lines(entry, style, is_header)) + nl
    blocks = _segments(entry._raw)
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
            lines = _field_lines(entry, kind, style, is_header)
            if lines:
                out.append((rank, nl.join(lines) + nl))
    for kind in sorted(changed - done, key=_rank):
        lines = _field_lines(entry, kind, style, is_header)
        if lines:
            new_rank = _rank(kind)
            at = next((i for i, (r, _) in enumerate(out) if r > new_rank), len(out))
            out.insert(at, (new_rank, nl.join(lines) + nl))
    return "".join(text for _, text in out)


def _changed_fields(entry: POEntry, snap: tuple[Any, ...]) -> set[str]:
    now = _snapshot(entry)
    changed = {name for name, i in _SNAP_INDEX.items() if now[i] != snap[i]}
    new_plural, old_plural = dict(now[4]), dict(snap[4])
    for n in new_plural.keys() | old_plural.keys():
        if new_plural.get(n) != old_plural.get(n):
            changed.add(f"msgstr[{n}]")
    return changed


def _segments(raw: str) -> list[tuple[str, str]]:
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
            match = _KEYWORD_RE.match(rest)
            return _keyword_kind(match) if match else "other"
        if c2 == "|":
            return _previous_kind(s[2:].lstrip(" \t"), previous)
        return {":": "references", ",": "flags", ".": "extracted_comments"}.get(
            c2, "translator_comments"
        )
    match = _KEYWORD_RE.match(s)
    return _keyword_kind(match) if match else "other"


def _previous_kind(rest: str, previous: str) -> str:
    if rest[:1] == '"':
        return previous
    match = _KEYWORD_RE.match(rest)
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
        lines += _reference_lines(entry.references, style)
    if entry.flags:
        lines.append("#, " + ", ".join(entry.flags))
    if entry.previous_msgctxt is not None:
        lines += _field_lines(entry, "previous_msgctxt", style, is_header)
    if entry.previous_msgid is not None:
        lines += _field_lines(entry, "previous_msgid", style, is_header)
    if entry.previous_msgid_plural is not None:
        lines += _field_lines(entry, "previous_msgid_plural", style, is_header)
    if entry.msgctxt is not None:
        lines += _field_lines(entry, "msgctxt", style, is_header)
    if (
        style.kind == "gnu"
        and (style.msgstr_kind is None or style.msgstr_kind == "gnu")
        and not style.msgstr_width
        and not entry.obsolete
        and not is_header
        and entry.msgid_plural is None
    ):  # the usual entry, as _field_lines lays it out
        msgid, msgstr = entry.msgid, entry.msgstr
        protected = _directive_insides(msgid, entry.flags, False) if "%" in msgid else _NONE
        lines += _gnu_lines("", "msgid", msgid, style.width, protected)
        protected = _directive_insides(msgstr, entry.flags, True) if "%" in msgstr else _NONE
        lines += _gnu_lines("", "msgstr", msgstr, style.width, protected)
        return lines
    lines += _field_lines(entry, "msgid", style, is_header)
    if entry.msgid_plural is None:
        lines += _field_lines(entry, "msgstr", style, is_header)
    else:
        lines += _field_lines(entry, "msgid_plural", style, is_header)
        for n in sorted(entry.msgstr_plural):
            lines += _field_lines(entry, f"msgstr[{n}]", style, is_header)
    return lines


def _field_lines(entry: POEntry, name: str, style: WrapStyle, is_header: bool) -> list[str]:
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
        width = style.msgstr_width or _DEFAULT_WIDTH[kind]
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
    return _string_lines(prefix, name, value, kind, width, _NONE)


def _gnu_string(
    prefix: str, name: str, value: str, width: int, flags: list[str], translated: bool
) -> list[str]:
    protected = _directive_insides(value, flags, translated) if "%" in value else _NONE
    return _gnu_lines(prefix, name, value, width, protected)


_NONE: frozenset[int] = frozenset()
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
        return _reference_lines(entry.references, style) if entry.references else []
    return ["#, " + ", ".join(entry.flags)] if entry.flags else []


def _string_lines(
    prefix: str, name: str, value: str, kind: str, width: int, protected: frozenset[int]
) -> list[str]:
    if kind == "gnu":
        return _gnu_lines(prefix, name, value, width, protected)
    if kind == "textwrap":
        return _polib_lines(prefix, name, value, width)
    if kind == "babel":
        return _babel_lines(prefix, name, value, width)
    if kind == "single":
        return [f'{prefix}{name} "{_escape(value)}"']
    return _gnu_lines(prefix, name, value, 1 << 30, protected)


def _reference_lines(refs: list[str], style: WrapStyle) -> list[str]:
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
    portions = _PORTION_RE.findall(value)
    if len(portions) > 1:
        pieces = ["", *(_escape(p) for p in portions)]
    else:
        escaped = _escape(value)
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


def _babel_lines(prefix: str, name: str, value: str, width: int) -> list[str]:
    """Babel's ``normalize()``: chunks (words, spaces, hyphenated parts) packed while the
    escaped line stays under ``width`` code points, a long chunk alone on its line."""
    extra = len(prefix)
    lines: list[str] = []
    for line in value.splitlines(True):
        if len(_babel_escape(line)) + 2 + extra <= width:
            lines.append(line)
            continue
        chunks = _BABEL_SEP_RE.split(line)
        chunks.reverse()
        while chunks:
            buf: list[str] = []
            size = 2
            while chunks:
                length = len(_babel_escape(chunks[-1])) + extra
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


def _gnu_lines(
    prefix: str, name: str, value: str, page_width: int, protected: frozenset[int]
) -> list[str]:
    """``name "value"`` laid out like GNU gettext's write-po.c ``wrap()``.

    Remembers recent results (a template and its catalogs carry the same msgids), computed
    by :func:`_gnu_lines_fast`, or by :func:`_gnu_lines_exact` for what it does not handle.
    """
    key = (prefix, name, value, page_width, protected)
    cached = _LINES_CACHE.get(key)
    if cached is not None:
        return list(cached)
    lines = _gnu_lines_fast(prefix, name, value, page_width, protected)
    if lines is None:
        lines = _gnu_lines_exact(prefix, name, value, page_width, protected)
    if len(value) <= _CACHE_MAX_CHARS:
        if len(_LINES_CACHE) >= _CACHE_SIZE:
            _LINES_CACHE.clear()  # (simple and thread-safe; refills within one catalog)
        _LINES_CACHE[key] = tuple(lines)
    return lines


_LINES_CACHE: dict[tuple[str, str, str, int, frozenset[int]], tuple[str, ...]] = {}
_CACHE_SIZE = 2048  # strings, of at most _CACHE_MAX_CHARS: some 10 MB in the worst case
_CACHE_MAX_CHARS = 1000


def _gnu_lines_exact(
    prefix: str, name: str, value: str, page_width: int, protected: frozenset[int]
) -> list[str]:
    """``name "value"`` laid out like GNU gettext's write-po.c ``wrap()`` (the reference)."""
    width = page_width - len(prefix) - 2  # room for both quotes, after the prefix
    portions = _PORTION_RE.findall(value) or [""]
    lines: list[str] = []
    first = True
    offset = 0
    for k, portion in enumerate(portions):
        chars, overrides = _escaped_units(portion, offset, protected)
        offset += len(portion)
        start = len(name) + 1 if first else 0
        breaks = _gnu_breaks(chars, overrides, width, start)
        if first and chars and (k + 1 < len(portions) or start > width or breaks):
            lines.append(f'{prefix}{name} ""')
            first = False
            breaks = _gnu_breaks(chars, overrides, width, 0)
        head = f"{prefix}{name} " if first else prefix
        first = False
        cut = 0
        for at in [*breaks, len(chars)]:
            lines.append(f'{head}"{chars[cut:at]}"')
            head, cut = prefix, at
    return lines


def _escaped_units(portion: str, offset: int, protected: frozenset[int]) -> tuple[str, list[int]]:
    """The escaped portion and its per-character break overrides (0 = none)."""
    escaped = _escape(portion)
    if len(escaped) == len(portion) and not protected:
        return escaped, []
    overrides: list[int] = []
    for i, c in enumerate(portion):
        mark = _PROHIBITED if offset + i in protected else 0
        if c in _ESCAPES:
            overrides += (mark, _PROHIBITED)
        else:
            overrides.append(mark)
    if portion.endswith("\n"):
        overrides[-2] = _PROHIBITED
    return escaped, overrides


# --- format directives (where GNU does not break) ---------------------------------------

_C_SIZES = ("hh", "ll", "h", "l", "L", "q", "j", "z", "Z", "t")
_C_PRI_RE = re.compile(r"<PRI[diouxX](?:MAX|PTR|(?:LEAST|FAST)?(?:8|16|32|64))>")


def _directive_insides(value: str, flags: list[str], translated: bool) -> frozenset[int]:
    """Indices of characters inside (not starting) a valid format directive of ``value``.

    Follows gettext 0.21's c-format and python-format parsers, which stop at the first
    invalid directive (write-po.c protects only the valid ones).
    """
    if "%" not in value:
        return frozenset()
    kinds = {f.removeprefix("possible-")[:-7] for f in flags if f.endswith("-format")}
    if "c" in kinds:
        return _scan(value, "%", lambda i: _c_directive(value, i, translated))
    if "python" in kinds:
        return _scan(value, "%", lambda i: _python_directive(value, i))
    return frozenset()  # gettext 0.21 protects no other kind (not even python-brace)


def _scan(value: str, start: str, directive: Any) -> frozenset[int]:
    """Run ``directive(i)`` -> (end or None, argument kind) at each ``start`` character."""
    inside: set[int] = set()
    kinds: set[str] = set()
    i = value.find(start)
    while i >= 0:
        end, kind = directive(i)
        if kind:
            kinds.add(kind)
        if end is None or len(kinds) > 1:  # invalid, or numbered and unnumbered mixed
            break
        inside.update(range(i + 1, end))
        i = value.find(start, end)
    return frozenset(inside)


def _digits(value: str, j: int) -> int:
    while j < len(value) and "0" <= value[j] <= "9":
        j += 1
    return j


def _argument(value: str, j: int) -> tuple[int, bool | None]:
    """Skip an ``m$`` argument number at ``j``: (new index, numbered?) or invalid (-1)."""
    k = _digits(value, j)
    if k > j and value[k : k + 1] == "$":
        return (k + 1, True) if int(value[j:k]) else (-1, None)
    return j, False


def _c_directive(value: str, i: int, translated: bool) -> tuple[int | None, str]:
    """End of the C directive at ``i`` (None if invalid), and its argument kind."""
    kinds: set[str] = set()
    j, numbered = _argument(value, i + 1)
    if j < 0:
        return None, ""
    flags = "'I +-#0" if translated else "' +-#0"
    while j < len(value) and value[j] in flags:
        j += 1
    for star in (True, False):  # width, then precision
        if not star:
            if value[j : j + 1] != ".":
                break
            j += 1
        if value[j : j + 1] == "*":
            j, numbered_star = _argument(value, j + 1)
            if j < 0:
                return None, ""
            kinds.add("numbered" if numbered_star else "unnumbered")
        else:
            j = _digits(value, j)
    if value[j : j + 1] == "<":
        match = _C_PRI_RE.match(value, j)
        if match is None:
            return None, ""
        end, conversion = match.end(), "d"
    else:
        j += len(next((z for z in _C_SIZES if value.startswith(z, j)), ""))
        conversion = value[j : j + 1]
        if not conversion or conversion not in "%mcCsSiduoxXeEfFgGaApn":
            return None, ""
        end = j + 1
    if conversion not in "%m":
        kinds.add("numbered" if numbered else "unnumbered")
    if len(kinds) > 1:
        return None, ""
    return end, kinds.pop() if kinds else ""


def _python_directive(value: str, i: int) -> tuple[int | None, str]:
    """End of the Python %-directive at ``i`` (None if invalid), and its argument kind."""
    j = i + 1
    named = value[j : j + 1] == "("
    if named:
        depth = 0
        j += 1
        while j < len(value):
            if value[j] == "(":
                depth += 1
            elif value[j] == ")":
                if depth == 0:
                    break
                depth -= 1
            j += 1
        if j >= len(value):
            return None, ""
        j += 1
    while j < len(value) and value[j] in "-+ #0":
        j += 1
    star = False
    for precision in (False, True):
        if precision:
            if value[j : j + 1] != ".":
                break
            j += 1
        if value[j : j + 1] == "*":
            star = True
            j += 1
        else:
            j = _digits(value, j)
    if j < len(value) and value[j] in "hlL":
        j += 1
    conversion = value[j : j + 1]
    if not conversion or conversion not in "%csriduoxXeEfgG":
        return None, ""
    if named and star:
        return None, ""
    if named:
        return j + 1, "numbered"
    return j + 1, "unnumbered" if conversion != "%" or star else ""


# --- wrap style detection ---------------------------------------------------------------

_LAYOUTS: tuple[Layout, ...] = ("gnu", "textwrap", "babel", "none", "single")
_WRAPPING: tuple[Layout, ...] = ("gnu", "textwrap", "babel")  # layouts with a width
_REF_LAYOUTS = ("gnu", "textwrap", "single", "each")
_ENOUGH = 40
_WIDTH_SLACK = 8  # widths tried: the longest line seen and the next few columns ...
_COMMON_WIDTHS = (79, 78, 76, 80, 77, 100, 72, 120)  # ... preferred in this order on a tie


@dataclass
class _Sample:
    """One field as the file lays it out, with what is needed to lay it out again."""

    prefix: str
    name: str
    value: str
    protected: frozenset[int]  # (for the GNU layout)
    lines: list[str]


def _detect_style(po: POFile) -> WrapStyle:
    """The convention the file's own entries follow (GNU when nothing tells).

    Every wrapped field votes for the (layout, width) pairs that reproduce it: each
    layout's default width, and for the wrapping layouts the widths from the longest line
    the file has (in display columns for GNU, code points otherwise) up a few columns, so
    ``msgcat -w 100`` or polib at ``wrapwidth=76`` is recognised too.
    """
    id_samples: list[_Sample] = []
    str_samples: list[_Sample] = []
    ref_votes = dict.fromkeys(_REF_LAYOUTS, 0)
    told = 0
    for entry in po.entries:
        snap = entry._snap  # (a changed entry's source still shows the layout it had)
        if entry._raw is None or snap is None:
            continue
        refs = list(snap[8])
        if told >= _ENOUGH and (sum(ref_votes.values()) >= 3 or len(refs) < 2):
            continue  # enough string evidence: only look for more #: evidence
        for name, text in _segments(entry._raw):
            if name == "references" and len(refs) > 1:
                _vote_refs(refs, text, ref_votes)
            elif told >= _ENOUGH:
                continue
            elif name in _STRING_FIELDS or name.startswith("msgstr"):
                sample = _sample(snap, name, text)
                if sample is not None:
                    group = str_samples if name.startswith("msgstr") else id_samples
                    group.append(sample)
                    told += _informative(sample)
    header = _header_layout(po)
    fallback: Layout = "textwrap" if header is False or po._hash_space else "gnu"
    kind, width = _vote_layout(id_samples or str_samples, (fallback, _DEFAULT_WIDTH[fallback]))
    str_kind, str_width = _vote_layout(str_samples, (kind, width))
    refs = _winner(ref_votes, "textwrap" if kind == "textwrap" else "gnu")
    return WrapStyle(
        kind,
        width,
        None if (str_kind, str_width) == (kind, width) else str_kind,
        header if header is not None else kind == "gnu",
        refs,
        78 if refs == "textwrap" else 79,
        "# " if po._hash_space else "#",
        0
        if (str_kind, str_width) == (kind, width) or str_width == _DEFAULT_WIDTH[str_kind]
        else str_width,
    )


def _winner(votes: dict[str, int], fallback: Any) -> Any:
    """The layout with most votes (``fallback`` if among them, else the first listed)."""
    top = max(votes.values())
    if top == 0 or votes.get(fallback) == top:
        return fallback
    return next(name for name, count in votes.items() if count == top)


def _sample(snap: tuple[Any, ...], name: str, text: str) -> _Sample | None:
    """The field as read (``snap``: the entry's snapshot) if its layout can tell
    conventions apart (long or on several lines)."""
    lines = [line.rstrip("\r") for line in text.split("\n")[:-1]]
    if len(lines) < 2 and len(lines[0]) < 70:
        return None
    prefix = "#~ " if snap[12] else ""
    if name.startswith("msgstr["):
        value = dict(snap[4]).get(int(name[7:-1]))
    else:
        value = snap[_SNAP_INDEX[name]]
    if value is None:
        return None
    flags = list(snap[5])
    protected = (
        _directive_insides(value, flags, name.startswith("msgstr")) if "%" in value else _NONE
    )
    return _Sample(prefix, name, value, protected, lines)


def _informative(sample: _Sample) -> int:
    """1 if the layouts at their default widths disagree on this field."""
    first = None
    for layout in _LAYOUTS:
        lines = _string_lines(
            sample.prefix,
            sample.name,
            sample.value,
            layout,
            _DEFAULT_WIDTH[layout],
            sample.protected if layout == "gnu" else _NONE,
        )
        if first is None:
            first = lines
        elif lines != first:
            return 1
    return 0


def _vote_layout(samples: list[_Sample], fallback: tuple[Layout, int]) -> tuple[Layout, int]:
    """The (layout, width) reproducing most samples; ``fallback`` when it ties.

    The default widths are tried first; other widths only when none of them reproduces
    every sample (most files take the first step only).
    """
    if not samples:
        return fallback
    candidates: list[tuple[Layout, int]] = [fallback]
    candidates += [(layout, _DEFAULT_WIDTH[layout]) for layout in _LAYOUTS]
    votes = _votes(samples, list(dict.fromkeys(candidates)))
    if max(votes.values()) < len(samples):
        longest = dict.fromkeys(_WRAPPING, 0)
        for sample in samples:
            for line in sample.lines[1:]:
                longest["gnu"] = max(longest["gnu"], _text_width(line))
                longest["textwrap"] = max(longest["textwrap"], len(line))
        longest["babel"] = longest["textwrap"]
        wider = [
            (layout, longest[layout] + d)
            for layout in _WRAPPING
            if longest[layout]
            for d in range(_WIDTH_SLACK)
            if (layout, longest[layout] + d) not in votes
        ]
        votes |= _votes(samples, wider)
    top = max(votes.values())
    if top == 0 or votes[fallback] == top:
        return fallback
    tied = [candidate for candidate, count in votes.items() if count == top]
    rank = {width: i for i, width in enumerate(_COMMON_WIDTHS)}
    return min(tied, key=lambda c: (rank.get(c[1], len(rank)), tied.index(c)))


def _votes(
    samples: list[_Sample], candidates: list[tuple[Layout, int]]
) -> dict[tuple[Layout, int], int]:
    """How many samples each (layout, width) reproduces."""
    votes = dict.fromkeys(candidates, 0)
    for layout, width in candidates:
        protected_by = layout == "gnu"
        for sample in samples:
            protected = sample.protected if protected_by else _NONE
            lines = _string_lines(
                sample.prefix, sample.name, sample.value, layout, width, protected
            )
            votes[(layout, width)] += lines == sample.lines
    return votes


def _vote_refs(refs: list[str], text: str, votes: dict[str, int]) -> None:
    lines = [line.rstrip("\r") for line in text.split("\n")[:-1]]
    for layout in votes:
        width = 78 if layout == "textwrap" else 79
        if _reference_lines(refs, WrapStyle(refs=layout, ref_width=width)) == lines:  # type: ignore[arg-type]
            votes[layout] += 1


def _header_layout(po: POFile) -> bool | None:
    """True if the header msgstr is GNU-wrapped, False if one field per line, else None."""
    header = po._header
    if header is None or header._raw is None:
        return None
    for name, text in _segments(header._raw):
        if name == "msgstr":
            lines = [line.rstrip("\r") for line in text.split("\n")[:-1]]
            wrapped = _gnu_lines("", "msgstr", header.msgstr, 79, frozenset())
            unwrapped = _gnu_lines("", "msgstr", header.msgstr, 1 << 30, frozenset())
            if wrapped == unwrapped:
                return None
            if lines == wrapped:
                return True
            if lines == unwrapped:
                return False
    return None


# --- GNU line breaking: UAX #14 as libunistring 1.0 implements it ------------------------

_PROHIBITED, _POSSIBLE, _MANDATORY = 1, 2, 3
(WJ, GL, B2, BA, BB, HY, CL, CP1, CP2, EX, IN, NS, OP1, OP2, QU, IS, NU, PO, PR, SY, AL, H2, H3) = (
    range(23)
)
ID1, ID2, JL, JV, JT, HL, RI, ZWJ, EB, EM, BK, CR, LF, CM, ZW, SP = range(23, 39)
_HL_BA = 99  # a Hebrew letter followed by a hyphen or break-after character
_LB_SYMBOLS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&()*+,-./:;<=>?@[]^_{|}~"
_lb_tables: tuple[list[int], list[int], bytes, list[int]] | None = None
_width_cache: dict[str, int] = {}


def _load_lb_tables() -> tuple[list[int], list[int], bytes, list[int]]:
    global _lb_tables
    if _lb_tables is None:
        starts: list[int] = []
        classes: list[int] = []
        position = 0
        for match in re.finditer(r"([0-9a-z]+)(.)", "".join(_LB_RANGES)):
            position += int(match.group(1), 36)
            starts.append(position)
            classes.append(_LB_SYMBOLS.index(match.group(2)))
        pairs = bytes(" DIP".index(c) for c in "".join(_LB_PAIRS))
        ascii_classes = [classes[bisect.bisect_right(starts, cp) - 1] for cp in range(128)]
        _lb_tables = (starts, classes, pairs, ascii_classes)
    return _lb_tables


def _lb_class(cp: int, starts: list[int], classes: list[int]) -> int:
    if 0xAC00 <= cp <= 0xD7A3:
        return H2 if (cp - 0xAC00) % 28 == 0 else H3
    return classes[bisect.bisect_right(starts, cp) - 1]


def _possible_breaks(text: str) -> list[int]:
    """Break opportunity before each character (libunistring u8_possible_linebreaks_v2)."""
    starts, classes, pairs, ascii_classes = _load_lb_tables()
    result = [_PROHIBITED] * len(text)
    prev = last = BK
    space = False
    ri_count = 0
    for i, c in enumerate(text):
        cp = ord(c)
        prop = ascii_classes[cp] if cp < 128 else _lb_class(cp, starts, classes)
        if prop in (BK, LF, CR):
            result[i] = _MANDATORY
            prev, last, space = prop, BK, False
        else:
            if prop == SP:
                space = True
            elif prop == ZW:
                last, space = ZW, False
            elif prop in (CM, ZWJ):
                if last == BK:
                    last, space = AL, False
                elif last == ZW or space:
                    result[i] = _POSSIBLE
                    last, space = AL, False
            else:
                if last == BK:
                    pass
                elif last == ZW:
                    result[i] = _POSSIBLE
                elif prev == ZWJ:
                    pass
                elif last == RI and prop == RI:
                    if space or ri_count % 2 == 0:
                        result[i] = _POSSIBLE
                elif prev == _HL_BA:
                    pass
                else:
                    rule = pairs[last * 33 + prop]
                    if rule == 1 or (rule == 2 and space):
                        result[i] = _POSSIBLE
                last, space = prop, False
            prev = _HL_BA if prev == HL and (prop in (HY, BA)) else prop
        ri_count = ri_count + 1 if prop == RI else 0
    return result


def _char_width(c: str) -> int:
    """Display columns of a character as libunistring's uc_width (UTF-8 locale)."""
    width = _width_cache.get(c)
    if width is None:
        cp = ord(c)
        category = unicodedata.category(c)
        if cp < 0x20 or 0x7F <= cp < 0xA0:
            width = 0
        elif category == "Cn":  # unassigned: wide only in CJK blocks (Python says "F")
            i = bisect.bisect_right(_WIDE_UNASSIGNED, cp)
            width = 2 if i % 2 else 1
        elif category in ("Mn", "Me", "Cf"):
            width = 1 if cp in (0x0CBF, 0x0CC6, 0x11A07, 0x11A08, 0x11C3F) else 0
        elif 0x1160 <= cp <= 0x11FF or 0xD7B0 <= cp <= 0xD7FF:
            width = 0
        else:
            width = 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
        _width_cache[c] = width
    return width


# Unassigned code points libunistring 1.0 counts as wide: [start, end + 1, start, ...].
_WIDE_UNASSIGNED = [
    0x2E9A, 0x2E9B, 0x2EF4, 0x2F00, 0x2FD6, 0x2FF0, 0x2FFC, 0x3000, 0x3040, 0x3041,
    0x3097, 0x3099, 0x3100, 0x3105, 0x3130, 0x3131, 0x318F, 0x3190, 0x31E4, 0x31F0,
    0x321F, 0x3220, 0xA48D, 0xA490, 0xA4C7, 0xA4D0, 0xFA6E, 0xFA70, 0xFADA, 0xFB00,
    0xFE1A, 0xFE20, 0xFE53, 0xFE54, 0xFE67, 0xFE68, 0xFE6C, 0xFE70, 0xFF00, 0xFF01,
    0x1F203, 0x1F210, 0x1F23C, 0x1F240, 0x1F249, 0x1F250, 0x1F252, 0x1F260, 0x1F266, 0x1F300,
    0x2A6E0, 0x2A700, 0x2B739, 0x2B740, 0x2B81E, 0x2B820, 0x2CEA2, 0x2CEB0, 0x2EBE1, 0x2F800,
    0x2FA1E, 0x30000, 0x3134B, 0x40000,
]  # fmt: skip


def _text_width(text: str) -> int:
    if text.isascii() and text.isprintable():
        return len(text)
    return sum(_char_width(c) for c in text)


def _gnu_breaks(text: str, overrides: list[int], width: int, start: int) -> list[int]:
    """Where lines must be broken (u8_width_linebreaks_v2); empty if it all fits."""
    if start + _text_width(text) <= width:
        return []
    possible = _possible_breaks(text)
    breaks: list[int] = []
    last_p = -1
    last_column = start
    piece = 0
    for i, c in enumerate(text):
        brk = possible[i]
        if overrides and overrides[i]:
            brk = overrides[i]
        if brk != _PROHIBITED and last_p >= 0 and last_column + piece > width:
            breaks.append(last_p)
            last_column = 0
        if brk == _MANDATORY:
            last_p, last_column, piece = -1, 0, 0
            continue
        if brk == _POSSIBLE:
            last_p = i
            last_column += piece
            piece = 0
        piece += _char_width(c)
    if last_p >= 0 and last_column + piece > width:
        breaks.append(last_p)
    return sorted(set(breaks))


# --- fast GNU layout --------------------------------------------------------------------
#
# The layout of _gnu_lines_exact without a Python step per character. Translation tables
# turn the escaped text into class codes, one byte per display column: 48 + class for the
# first column of a character, "~" for the second column of a wide one, " " for a space.
# Widths are then lengths and columns indices. Without the characters that need the state
# the exact algorithm keeps (mandatory breaks, ZW, CM, ZWJ, RI, HL) or have no width (they
# get code 0 and go the exact way), a break opportunity before a character depends only on
# its class, the class of the last non-space before it and whether spaces lie between:
# two lookups in tables of code pairs. A code with 0x80 set is a character that may not be
# broken before (inside an escape sequence or a format directive). Lines are found from the
# right edge back: in a line starting at column s, u8_width_linebreaks_v2 breaks at the last
# opportunity q > s that still fits (or at the first one after s when none fits) once
# anything after q does not fit.

_FALLBACK, _SPACE, _WIDE, _NO_BREAK = 0, 32, 126, 0x80
_UNSEEN = 128  # in _bmp_codes: not looked up yet
_ascii_codes: bytes | None = None  # for bytes.translate
_bmp_codes: list[int | str] | None = None  # for str.translate, filled as characters are met
_pair_tables: tuple[bytes, bytes] | None = None


def _columns_of(text: str) -> bytes | None:
    """The class codes of ``text`` by column, or None if it holds a character they lack."""
    if text.isascii():
        columns = text.encode("ascii").translate(_ascii_codes or _load_ascii_codes())
    else:
        table = _bmp_codes or _load_bmp_codes()
        codes = text.translate(table)
        if not codes.isascii():  # characters met for the first time, or beyond the BMP
            for char in set(text):
                cp = ord(char)
                if cp < 0x10000 and table[cp] == _UNSEEN:
                    table[cp] = _code_of(cp)
            codes = text.translate(table)
            if not codes.isascii():
                codes = "".join(_code_of(ord(char)) for char in text)
        columns = codes.encode("ascii")
    return None if _FALLBACK in columns else columns


def _load_ascii_codes() -> bytes:
    global _ascii_codes
    _ascii_codes = bytes(ord(_code_of(cp)) if cp < 128 else 0 for cp in range(256))
    return _ascii_codes


def _load_bmp_codes() -> list[int | str]:
    global _bmp_codes
    if _bmp_codes is None:
        _bmp_codes = [_UNSEEN] * 0x10000
    return _bmp_codes


def _code_of(cp: int) -> str:
    """The character's codes: chr(48 + its class), then "~" if it is wide; " " or "\\0"."""
    starts, classes, _, ascii_classes = _load_lb_tables()
    prop = ascii_classes[cp] if cp < 128 else _lb_class(cp, starts, classes)
    width = _char_width(chr(cp))
    if prop == SP and width == 1:
        return " "
    if prop > EM or prop in (HL, RI, ZWJ) or width == 0:
        return "\0"
    return chr(48 + prop) + "~" * (width - 1)


def _load_pair_tables() -> tuple[bytes, bytes]:
    """Tables indexed by ``last << 8 | code`` (``last``: the code before ``code``).

    ``direct``: 1 if a break is allowed with no space between, 2 if ``last`` is the second
    column of a wide character (look one further back), 3 if it is a space (look back past
    the spaces and use ``spaced``); ``spaced``: 1 if a break is allowed after spaces.
    """
    global _pair_tables
    if _pair_tables is None:
        pairs = _load_lb_tables()[2]
        direct = bytearray(1 << 16)
        spaced = bytearray(1 << 16)
        for prop in range(EM + 1):
            code = 48 + prop
            direct[_WIDE << 8 | code] = 2
            direct[_SPACE << 8 | code] = 3
            for last in range(EM + 1):
                rule = pairs[last * 33 + prop]
                for before in (48 + last, 48 + last | _NO_BREAK):
                    direct[before << 8 | code] = rule == 1
                    spaced[before << 8 | code] = rule in (1, 2)
        _pair_tables = (bytes(direct), bytes(spaced))
    return _pair_tables


def _gnu_lines_fast(
    prefix: str, name: str, value: str, page_width: int, protected: frozenset[int]
) -> list[str] | None:
    """What :func:`_gnu_lines_exact` returns, or None for text it leaves to that function."""
    if not value:
        return [f'{prefix}{name} ""']
    width = page_width - len(prefix) - 2
    portions = _PORTION_RE.findall(value) if value.find("\n", 0, -1) >= 0 else [value]
    lines: list[str] = []
    first = True
    offset = 0
    for portion in portions:
        plain = not ('"' in portion or "\\" in portion or "\n" in portion or "\t" in portion)
        escaped = portion if plain else _escape(portion)  # (rarer escapes: see below)
        if (
            first
            and len(portions) == 1
            and len(name) + 1 + len(escaped) <= width
            and escaped.isascii()
            and escaped.isprintable()
        ):
            return [f'{prefix}{name} "{escaped}"']  # the usual short string
        columns: bytes | bytearray | None = _columns_of(escaped)
        if columns is None:
            if not plain or not _NEEDS_ESCAPE_RE.search(portion):
                return None
            plain = False  # \r, \a, \b, \f or \v
            escaped = _escape(portion)
            columns = _columns_of(escaped)
            if columns is None:
                return None
        if not plain or protected:
            columns = _mark_no_breaks(columns, portion, escaped, offset, protected)
        offset += len(portion)
        breaks = _fast_breaks(columns, width)
        if first:
            first = False
            start = len(name) + 1
            if (
                len(portions) == 1
                and start <= width
                and not breaks  # fits after ' ""', or cannot be broken at all:
                and (start + len(columns) <= width or _next_break(columns, 0) < 0)
            ):
                lines.append(f'{prefix}{name} "{escaped}"')  # fits, or cannot be broken
                continue
            lines.append(f'{prefix}{name} ""')
        cut = 0
        wide = len(columns) != len(escaped)
        seen, counted = 0, 0  # wide characters before column ``counted`` (linear, not per line)
        for column in breaks:
            if wide:
                seen += columns.count(_WIDE, counted, column)
                counted = column
            at = column - seen
            lines.append(f'{prefix}"{escaped[cut:at]}"')
            cut = at
        lines.append(f'{prefix}"{escaped[cut:]}"')
    return lines


def _mark_no_breaks(
    columns: bytes | bytearray, portion: str, escaped: str, offset: int, protected: frozenset[int]
) -> bytes | bytearray:
    """``columns`` with _NO_BREAK where _escaped_units forbids a break."""
    escapes = []  # where each escape sequence starts in ``escaped``
    at = escaped.find("\\")
    while at >= 0:
        escapes.append(at)
        at = escaped.find("\\", at + 2)
    banned = {at + 1 for at in escapes}  # the letter after a backslash
    if portion.endswith("\n"):
        banned.add(len(escaped) - 2)
    if protected:
        found = [at - k for k, at in enumerate(escapes)]  # the escaped characters in portion
        end = offset + len(portion)
        for at in protected:
            if offset <= at < end:
                i = at - offset
                banned.add(i + bisect.bisect_left(found, i))
    if not banned:
        return columns
    if len(columns) != len(escaped):  # wide characters: escaped indices -> columns
        starts = [p for p, code in enumerate(columns) if code != _WIDE]
        banned = {starts[i] for i in banned}
    marked = bytearray(columns)
    for p in banned:
        marked[p] |= _NO_BREAK
    return marked


def _fast_breaks(columns: bytes | bytearray, width: int) -> list[int]:
    """The columns where the greedy breaks a line starting at column 0 (see above)."""
    direct, spaced = _pair_tables or _load_pair_tables()
    n = len(columns)
    breaks: list[int] = []
    s = 0
    while s + width < n:
        q = s + width  # the last opportunity in (s, s + width], else the first after it
        while q > s:
            rule = direct[columns[q - 1] << 8 | columns[q]]
            if rule:
                if rule == 1:
                    break
                if rule == 2:
                    if direct[columns[q - 2] << 8 | columns[q]] == 1:
                        break
                else:
                    k = q - 2
                    while k >= 0 and columns[k] == _SPACE:
                        k -= 1
                    if k >= 0:
                        if columns[k] == _WIDE:
                            k -= 1
                        if spaced[columns[k] << 8 | columns[q]]:
                            break
            q -= 1
        if q <= s:
            q = _next_break(columns, s + width if width > 0 else s)
            if q < 0:
                break
        breaks.append(q)
        s = q
    return breaks


def _next_break(columns: bytes | bytearray, after: int) -> int:
    """The first break opportunity after column ``after`` (-1 if none)."""
    direct, spaced = _pair_tables or _load_pair_tables()
    for q in range(after + 1, len(columns)):
        rule = direct[columns[q - 1] << 8 | columns[q]]
        if not rule:
            continue
        if rule == 1:
            return q
        if rule == 2:
            if direct[columns[q - 2] << 8 | columns[q]] == 1:
                return q
        else:
            k = q - 2
            while k >= 0 and columns[k] == _SPACE:
                k -= 1
            if k >= 0:
                if columns[k] == _WIDE:
                    k -= 1
                if spaced[columns[k] << 8 | columns[q]]:
                    return q
    return -1


# Line-break classes of all code points, from libunistring 1.0 (Unicode 14.0) with its
# resolution of AI/SA/XX to AL and CB to ID; Hangul syllables (H2/H3) are computed above.
# Each range is "<start - previous start, base 36><class symbol from _LB_SYMBOLS>".
_LB_RANGES = (
    "0-9D1,1*2+1-i/1J1O1U1S1R1U1O1M1H1U1S1P1F1P1T1QaP2U3J1UrM1S1H1UtM1D1G1U1-6*1-qB1M1R1S3U5O1U"
    "1D1U2R1S1U2E1U6O1U3M1UegE1U3E1UiE1Uw-27B1-cB7-dUeP1U78-7U73P1D1U4S1U1-19D1-1U1-2U1-2J1-1U8"
    "$rU4$4UmR3P2U2-bJ1-1J3U17-lQaR1Q2U3-1U2rJ1U1-7U2-6U2-2U1-4U2QaUn-1Uu-rU2j-bUfQaUx-9U4P1J1U"
    "3-1S2Um-4U1-9U1-3U1-5U17-3U1o-8U16-oU1-xU1i-3U1-iU1-7Ua-2D2QaUh-3U1k-1U1-7U2-2U2-3U9-1Ua-2"
    "U2QaU2R2U5R1U1S1U2-1U2-3U1k-1U1-5U4-2U2-3U3-1UkQa-2U3-1Ub-3U1k-1U1-8U1-3U1-3Uk-2U2QaU1S1U8"
    "-6U1-3U1k-1U1-7U2-2U2-3U7-3Ua-2U2QaUi-1U1n-5U3-3U1-4U9-1UeQaU9S1U6-5U1j-1U1-7U1-3U1-4U7-2U"
    "b-2U2QaU7E1U9-3E1U1j-1U1-7U1-3U1-4U7-2Ub-2U2QaUg-4U1j-2U1-7U1-3U1-4U9-1Ua-2U2QaU9R1U7-3U1y"
    "-1U4-6U1-1U1-8U6QaU2-2U23S1UgQaD2U38QaU13E4U1E2B1E2D1B1J5B1U1J1U3-2U6QaUaD1-1U1-1U1-1M1G1M"
    "1G1-2U1d-eD1-5D1-2U5-bU1-10U1D2U6-1U9E2D1E1U5B2U2tQaD2U1wQaU2uZ2o!20#2gU9p-3U1D1U4eD1UhrD1"
    "UqM1G1U26D3U10-4Us-3D2Ur-2Uu-2U2oD2L1U1D1U1D1S1U4QaUoJ2D2E1U1J2U1-3B1-1QaU2z-2Uy-1U3a-cU4-"
    "cU8J2QaU3kQaU1p-5U2r-1QaU6QaUm-vU1d-5U1b-hUbQaD2U1D4Ua-9U9D2U1-3Uu-dU2QaU18-eU1c-kU3D5QaU6"
    "QaU10D2U28-3U1-lU4-1U6-1U2-3U5i-1sUe5E1U2D7B1D3.1-1&1-2D1B1D2C1U3O2M1O3M1O1U4K3D1*2-5B1R8U"
    "1O2U1L2U6P1M1G1L3UcD1U1D4U1D3A1U5-aUdM1G1UeM1G1UhS7R1SeR1S4R1S2R1S1R1Sf-xUiR1U5R1UcS1U6zS2"
    "U63K1UoM1G1M1G1UeX2UdN1G1U5hX4UekX4UgX2U2X1U1X3(1X2UpX3U18X1UmX1U1pXcU4X1U1X3U1X2U3X2U2X1U"
    "2X3U8X1U6X5U1X2(1X1U2X8U3X2(4U25O6U1J2X1U3M1G1M1G1M1G1M1G1M1G1M1G1M1G1U27M1G1UvM1G1M1G1M1G"
    "1M1G1M1G1Ub7M1G1M1G1M1G1M1G1M1G1M1G1M1G1M1G1M1G1M1G1M1G1U1rM1G1M1G1UwM1G1Ukx-3U7J1D3U1J1D1"
    "U34D1Ue-1U2o-wOeD8U1D1M1D1U2O2U2O2M1G1M1G1M1G1M1G1D4J1U1D2U1D2U5C2D3U1D2M1D8U1D1U1D2U3J2M1"
    "G1M1G1M1G1M1G1D1UyXqU1X2hUcX5yUqXcU4D1G2X2L1X2N1G1N1G1N1G1N1G1N1G1X2N1G1N1G1N1G1N1G1L1N1G2"
    "Xa-6X5-1X5L2X3U1L1X1L1X1L1X1L1X1L1XpL1XvL1X1L1X1L1X6L1X6L2U2-2L4X1L2X1L1X1L1X1L1X1L1XpL1Xv"
    "L1X1L1X1L1X6L1X6L2X4L4X1U5X17U1X2mU1X2cUcLgXvU1X14U8X5f4U1sXg7pL1XvrU3X1jU1jD2U7hD1J1D1UgQ"
    "aU1x-4U1-aUw-2U28-2U1D5U7e-1U3-1U4-1Un-5U4-1UbR1U1nE2J2U8-2U1e-iU8D2QaU6-iUaE1U2-1QaUs-8D2"
    "Un-dUcZtU3-4U1b-eU6D3U6QaUmQaU1b-eUc-1U8-2U2QaU3D3U3v-5D2U3-2U6k-8D1-2U2QaU6W8mcUc!nU4#1dU"
    "6isXe8Ut$1-1$aU1$dU1$5U1$1U1$2U1$2U1$aUdqG1M1U58R1U3-gP1G2P2J2N1G1K1U6-gX5N1G1N1G1N1G1N1G1"
    "N1G1N1G1N1G1N1G1X2N1G1X7G1X1G1U1L2J2X1N1G1N1G1N1G1X8U1X1S1R1X1U43A1U1J1X2S1R1X2N1G1X2G1X1G"
    "1XbL2X3J1XrN1X1G1XtN1X1G1X1N1G2N1G2L1X1LaX19L2XvU3X6U2X6U2X6U2X3U3R1S1X3S2Ui-3X1U77D3U6y-1"
    "U6a-1U45-5U10D1U1cD1U5rQaUq5D1U5jD1U69-3U1-2U5-4U14-3U4-1UgD8U3x-2U9D6K1U1uD7Udg-4U8QaUa9-"
    "2D1U48-bU1d-4U3e-3U1h-fD2UtQa-1U2-2Ua-4U19-bU3D4-1U19QaU6-3U10-eU1QaD4U1-2U18-1U1E1Ua-3U1c"
    "-eU4D2U1D1-4U1-2QaU1E1U1D3U24-cD2U1D2U1-1U2yD1U1h-cU5QaU6-4U1j-2U1-7U2-2U2-3U9-1Ua-2U2-7U3"
    "-5U5c-iU4D4U1QaD2U2-1U29-kUcQaU5x-7U2-9E1D2J2U3DfU4-2U2a-hD2UdQaU6EdU1q-dU8QaU2uQaU2D3U6l-"
    "fU4lQaU1y-6U1-2U2-4U1-1U1-2D3U9QaU3b-7U2-7U1E1U1-1Us-aU14-7U1-4E1U1D4E1U1-1U9-bU1a-gD3U1E3"
    "D2Ub0-8U1-8U1D5UaQaUmE1J1Uw-mU1-eU3e-6U3-1U1-2U1-7U1-1U8QaU1c-5U1-2U1-5U8QaU95-4U6eR4UuD1U"
    "vkD5U2qrM3G3U10G1U3M1G1M1G1U6nM1G2U50B7M1G1U3h1M1G1U780QaU4D2U28QaU12-5D1U1m-7D3UaD1UbQaUn"
    "1D2U52-1U1-1jU7-4U25L4B1Ub-2UeX4qgU8XlcUe8X9U6wnX83U19L3UhL4U8Xb0U1wh-2D1-4U3mk-1aU2-nUf2-"
    "5U3-mU2-7Uu-4U44-3U13dQ1eUe8-1jU4-1eU8-1Ue-1U2D4Ug-5U1-fU11s-7U1-hU2-7U1-2U1-5U79-7U9QaU9w"
    "-1U1p-4QaU5S1U15c-7U31-7U5QaU4M2UngR1U3R1UnjX18Y4X2sYcXfY2XfY1XfY1X11YaUdX3U2lX3U1pX1Y1k%q"
    "X3YdX18Y4X9Y7X2YeX6Y4aX3p(1XmU2XnU2X5U1X5(3X2(1X2(3X1a)5X1u(2X2(bXl(jX3(1X4(3X1(3X7(1X1(1X"
    "eU1X1U1X1U1X5(1X4U1X1U2X25U7XgUeXdUoX16(2X4(1Xl(1X4(2X1pU8XoU6X23(3X3(5U12O3L3U4Xz(1Xg(3X9"
    "(1Xb(1XbY5XgY3XdY3U38YcU2dX4Y7XcY4X1YfUcY4U1kY8UaY6U14Y8UuY2X2Y26Uc(1X2(1X8(8X6(1X9(aX2(3X"
    "1k(1X1p(2X1(2X1(1Xh(3X1(dXyU2cYcXeY2X5Y3X5Y3X7Y9XtY3XbY5X3(3YaXaY6X8Y8(7Y9U6oQaU6YseU2X1ek"
    "eU2X1ekeUe1oj-1Uu-2oU3k-6oU"
)
_LB_PAIRS = (
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII"  # WJ
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII"  # GL
    "PIPIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD"  # B2
    "PDDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD"  # BA
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII"  # BB
    "PDDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD"  # HY
    "PIDIDIPPPPIPDDIPDIIPDDDDDDDDDDDDD"  # CL
    "PIDIDIPPPPIIDDIPIIIPIDDDDDDDIDIDD"  # CP1
    "PIDIDIPPPPIIDDIPDIIPDDDDDDDDDDDDD"  # CP2
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD"  # EX
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD"  # IN
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD"  # NS
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP"  # OP1
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP"  # OP2
    "PIIIIIPPPPIIPPIPIIIPIIIIIIIIIIIII"  # QU
    "PIDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD"  # IS
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD"  # NU
    "PIDIDIPPPPIIIIIPIDDPIDDDDDDDIDIDD"  # PO
    "PIDIDIPPPPIIIIIPIDDPIIIIIIIIIDIII"  # PR
    "PIDIDIPPPPIIDDIPIDDPDDDDDDDDIDDDD"  # SY
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD"  # AL
    "PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD"  # H2
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD"  # H3
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD"  # ID1
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI"  # ID2
    "PIDIDIPPPPIIDDIPDIDPDIIDDIIDDDDDD"  # JL
    "PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD"  # JV
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD"  # JT
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD"  # HL
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD"  # RI
    "PIDIDIPPPPIIIDIPIIIPIDDIIDDDIDIII"  # ZWJ
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI"  # EB
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD"  # EM
)
