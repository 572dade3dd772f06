"""PO syntax shared by reading and writing: keywords, string literals and their escapes."""

from __future__ import annotations

import re

# A keyword at the start of a line (``msgstr[2]``: name, index) and the blanks after it.
KEYWORD_RE = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[([0-9]+)\])?(?![\w\[])[ \t]*")
STRINGS_RE = re.compile(r'(?:"(?:[^"\\]|\\.)*"[ \t]*)+')  # one or more literals on a line
STRING_RE = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"')  # one literal; group 1: its inside
PORTION_RE = re.compile(r"[^\n]*\n|[^\n]+")  # a value's logical lines, each with its "\n"

# --- reading: escape sequences to characters ---------------------------------------------

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


class BadEscape(Exception):
    """An escape sequence that is invalid, out of range, or makes invalid UTF-8."""


def _unescape_match(match: re.Match[str]) -> str:
    simple = match.group(1)
    if simple is not None:
        return _UNESCAPES[simple]
    if match.group(4) is not None:
        raise BadEscape(f"invalid escape sequence '\\{match.group(4)}'")
    value = int(match.group(2), 8) if match.group(2) else int(match.group(3), 16)
    if value > 0xFF:
        raise BadEscape(f"escape sequence out of range: {match.group(0)}")
    return chr(value) if value < 0x80 else chr(0xDC00 + value)  # a byte; decoded below


def unescape(text: str) -> str:
    """The value of a string literal's inside; BadEscape if an escape is not valid."""
    if "\\" not in text:
        return text
    value = _ESCAPE_RE.sub(_unescape_match, text)
    if _BYTES_RE.search(value):
        try:
            value = value.encode("utf-8", "surrogateescape").decode("utf-8")
        except UnicodeError:
            raise BadEscape("escaped bytes are not valid UTF-8") from None
    return value


# --- writing: characters to escape sequences ---------------------------------------------

ESCAPES = {
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
NEEDS_ESCAPE_RE = re.compile('[\\\\"\n\t\r\a\b\f\v]')


def escape(text: str) -> str:
    """``text`` as the inside of a string literal."""
    for char, sequence in ESCAPES.items():  # (backslash first; str.replace is fastest)
        if char in text:
            text = text.replace(char, sequence)
    return text
