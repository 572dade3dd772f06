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
  in :mod:`i18npub.po._linebreak_tables`, Unicode 14.0), never inside an escape sequence
  nor, in ``c-format`` and ``python-format`` entries, inside a format directive. So a Chinese
  run is broken between ideographs but never before ``，。、；：！？）」》``, after ``（「《``,
  nor between a quotation mark ``“”‘’`` (class QU, which glues to both sides in that
  revision) and what it touches.
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

The package, by layer: :mod:`~i18npub.po.model` (:class:`POEntry`, :class:`WrapStyle`,
:class:`POSyntaxError`), :mod:`~i18npub.po.file` (:class:`POFile`, :func:`new_po`),
:mod:`~i18npub.po.parse` (:func:`parse_po`, :func:`read_po`), :mod:`~i18npub.po.write`
(entries laid out), :mod:`~i18npub.po.style` (wrap style detection),
:mod:`~i18npub.po.directives` (format directives), :mod:`~i18npub.po.layout` (GNU layout of
one string), :mod:`~i18npub.po.linebreak` (UAX #14 and widths) and
:mod:`~i18npub.po.syntax` (keywords, literals, escapes). It imports nothing else of i18npub.
"""

from __future__ import annotations

from i18npub.po.file import POFile, new_po
from i18npub.po.model import GNU, NOWRAP, POLIB, POEntry, POSyntaxError, WrapStyle
from i18npub.po.parse import parse_po, read_po

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
