"""Reading PO text: a fast path for the common entry shape, and the general parser.

Both read comment lines with :meth:`_Parser.comment` and build entries with
:func:`_make_entry`; the fast path leaves to the general parser whatever it would read
differently, so what :func:`parse_po` returns never depends on which path read an entry.
"""

from __future__ import annotations

import os
import re

from i18npub.po.file import POFile
from i18npub.po.model import POEntry, POSyntaxError
from i18npub.po.syntax import KEYWORD_RE, STRING_RE, STRINGS_RE, BadEscape, unescape


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
                words = line.split()  # (none: a line of other blanks, such as "\f")
                raise self.error(i, f"keyword {words[0] if words else line!r} unknown")
            last = i
        return self.finish_file(last)

    def strings(self, text: str, index: int) -> str:
        """The concatenated contents of the string literals making up ``text``."""
        text = text.rstrip(" \t")
        if STRINGS_RE.fullmatch(text) is None:
            if text.startswith('"') and STRING_RE.match(text) is None:
                raise self.error(index, "end-of-line within string")
            raise self.error(index, "syntax error: unexpected text after string")
        return "".join(STRING_RE.findall(text))

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
        match = KEYWORD_RE.match(rest)
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
        match = KEYWORD_RE.match(line)
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
            return unescape(pieces[0] if len(pieces) == 1 else "".join(pieces))
        except BadEscape as error:
            first = d.lines.get(name, d.start)
            for offset, piece in enumerate(pieces):
                try:
                    unescape(piece)
                except BadEscape:
                    raise self.error(first + offset, str(error)) from None
            raise self.error(first, str(error)) from None

    def finish(self, last: int) -> None:
        d = self.draft
        assert d is not None
        self.draft = None
        if "msgstr" not in d.lines:
            raise self.error(d.lines.get("msgid", d.start), "missing msgstr")
        strings = d.strings
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
            self.previous_values(d),
            bool(d.obsolete),
            self.offset + d.start + 1,
            "\n".join(self.lines[d.start : last + 1]) + "\n",
            "\n".join(self.lines[self.gap : d.start]) + "\n" if self.gap < d.start else "",
        )
        self.entries.append(entry)
        self.gap = last + 1

    def previous_values(self, d: _Draft) -> tuple[str | None, str | None, str | None]:
        """The draft's previous msgctxt, msgid and msgid_plural (``#|`` lines)."""
        prev = d.prev
        if not prev:
            return _NO_PREVIOUS
        return (
            self.value(d, "#|msgctxt", prev.get("msgctxt")),
            self.value(d, "#|msgid", prev.get("msgid")),
            self.value(d, "#|msgid_plural", prev.get("msgid_plural")),
        )

    def comments(self, block: str) -> _Draft:
        """A draft of the comment lines ``block`` (no ``#~``), read by :meth:`comment`."""
        self.draft = None
        target: list[str] | None = None
        for i, line in enumerate(block.split("\n")[:-1]):
            if line[-1:] == "\r":
                line = line[:-1]
            target = self.comment(line, i, i - 1, target)
        assert self.draft is not None
        return self.draft

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
    entries, pos, line = _fast_entries(text, path)
    lines = text[pos:].split("\n")
    lines.pop()
    parser = _Parser(lines, path, line)
    entries += parser.run()
    po._trailer = parser.trailer()
    _attach(po, entries, path)
    return po


_new = object.__new__  # (a module name: looked up once per entry read, not twice)


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
    """A parsed entry, with its source text and a snapshot of its fields (both paths)."""
    entry = _new(POEntry)
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
_BLANK_LINES_RE = re.compile(r"(?:[ \t]*\r?\n)*")  # what the general parser skips


def _fast_entries(text: str, path: str) -> tuple[list[POEntry], int, int]:
    """Entries of the common shape from the start of ``text``; stops at anything else.

    A regular expression finds an entry's lines and strings; its comment lines are read by
    the general parser's :meth:`_Parser.comment`, and an entry whose comments or strings
    hold an error is left to the general parser, which reports it. When more than blank
    lines follow, the last entry is left to it too, so that what follows is read as it
    would read it (a string after blank lines continues that entry's last string; a second
    msgstr is a duplicate). Returns the entries, and the offset and line number where the
    general parser resumes.
    """
    entries: list[POEntry] = []
    pos = line = 0
    match = _FAST_RE.match
    count = text.count
    reader = _Parser([], path)
    last_pos = last_line = 0  # where the last entry's match began
    while (m := match(text, pos)) is not None:
        gap, body, comments, ctxt, msgid, idp, strs, msgstr = m.groups()
        tc: list[str] = []
        ec: list[str] = []
        refs: list[str] = []
        flags: list[str] = []
        previous: tuple[str | None, str | None, str | None] = _NO_PREVIOUS
        try:
            if comments[:3] == "#: " and count("\n", m.start(3), m.end(3)) == 1:
                refs = comments[3:].split()  # (9 entries in 10 have just this comment)
            elif comments:
                d = reader.comments(comments)
                tc, ec, refs, flags = d.tc, d.ec, d.refs, d.flags
                previous = reader.previous_values(d)
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
        except (POSyntaxError, BadEscape):
            break
        start_line = line + count("\n", pos, m.start(2))
        entries.append(
            _make_entry(
                msgid,
                msgstr,
                ctxt,
                idp,
                plural,
                flags,
                tc,
                ec,
                refs,
                previous,
                False,
                start_line + 1,
                body,
                gap,
            )
        )
        last_pos, last_line = pos, line
        line = start_line + count("\n", m.start(2), m.end())
        pos = m.end()
    if entries and _BLANK_LINES_RE.fullmatch(text, pos) is None:
        entries.pop()
        return entries, last_pos, last_line
    return entries, pos, line


def _pieces(group: str) -> str:
    """The value of the string lines ``group`` (escapes resolved)."""
    value = group[1 : group.rindex('"')]
    if group.count("\n") > 1:
        # A '"' newline '"' run can only be a line boundary: strings hold no raw newline.
        value = value.replace('"\n"', "")
        if "\n" in value:  # trailing blanks or CRs after some quote
            value = "".join(STRING_RE.findall(group))
    return unescape(value) if "\\" in value else value


def _fast_plural(strs: str, plural: dict[int, str]) -> bool:
    for n, (number, group) in enumerate(_PLURAL_RE.findall(strs)):
        if int(number) != n:
            return False
        plural[n] = _pieces(group)
    return True


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
