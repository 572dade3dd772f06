"""GNU layout of one string: write-po.c's ``wrap()``, exact and fast, with a cache."""

from __future__ import annotations

import bisect

from i18npub.po.linebreak import (
    EM,
    HL,
    PROHIBITED,
    RI,
    SP,
    ZWJ,
    char_width,
    gnu_breaks,
    lb_class,
    load_lb_tables,
)
from i18npub.po.syntax import ESCAPES, NEEDS_ESCAPE_RE, PORTION_RE, escape


def gnu_lines(
    prefix: str, name: str, value: str, page_width: int, protected: frozenset[int]
) -> list[str]:
    """``name "value"`` laid out like GNU gettext's write-po.c ``wrap()``.

    Remembers recent results (a template and its catalogs carry the same msgids), computed
    by :func:`gnu_lines_fast`, or by :func:`gnu_lines_exact` for what it does not handle.
    """
    key = (prefix, name, value, page_width, protected)
    cached = LINES_CACHE.get(key)
    if cached is not None:
        return list(cached)
    lines = gnu_lines_fast(prefix, name, value, page_width, protected)
    if lines is None:
        lines = gnu_lines_exact(prefix, name, value, page_width, protected)
    if len(value) <= _CACHE_MAX_CHARS:
        if len(LINES_CACHE) >= CACHE_SIZE:
            LINES_CACHE.clear()  # (simple and thread-safe; refills within one catalog)
        LINES_CACHE[key] = tuple(lines)
    return lines


LINES_CACHE: dict[tuple[str, str, str, int, frozenset[int]], tuple[str, ...]] = {}
CACHE_SIZE = 2048  # strings, of at most _CACHE_MAX_CHARS: some 10 MB in the worst case
_CACHE_MAX_CHARS = 1000


def gnu_lines_exact(
    prefix: str, name: str, value: str, page_width: int, protected: frozenset[int]
) -> list[str]:
    """``name "value"`` laid out like GNU gettext's write-po.c ``wrap()`` (the reference)."""
    width = page_width - len(prefix) - 2  # room for both quotes, after the prefix
    portions = PORTION_RE.findall(value) or [""]
    lines: list[str] = []
    first = True
    offset = 0
    for k, portion in enumerate(portions):
        chars, overrides = _escaped_units(portion, offset, protected)
        offset += len(portion)
        start = len(name) + 1 if first else 0
        breaks = gnu_breaks(chars, overrides, width, start)
        if first and chars and (k + 1 < len(portions) or start > width or breaks):
            lines.append(f'{prefix}{name} ""')
            first = False
            breaks = gnu_breaks(chars, overrides, width, 0)
        head = f"{prefix}{name} " if first else prefix
        first = False
        cut = 0
        for at in [*breaks, len(chars)]:
            lines.append(f'{head}"{chars[cut:at]}"')
            head, cut = prefix, at
    return lines


def _escaped_units(portion: str, offset: int, protected: frozenset[int]) -> tuple[str, list[int]]:
    """The escaped portion and its per-character break overrides (0 = none)."""
    escaped = escape(portion)
    if len(escaped) == len(portion) and not protected:
        return escaped, []
    overrides: list[int] = []
    for i, c in enumerate(portion):
        mark = PROHIBITED if offset + i in protected else 0
        if c in ESCAPES:
            overrides += (mark, PROHIBITED)
        else:
            overrides.append(mark)
    if portion.endswith("\n"):
        overrides[-2] = PROHIBITED
    return escaped, overrides


# --- fast GNU layout --------------------------------------------------------------------
#
# The layout of gnu_lines_exact without a Python step per character. Translation tables
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


def columns_of(text: str) -> bytes | None:
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
    starts, classes, _, ascii_classes = load_lb_tables()
    prop = ascii_classes[cp] if cp < 128 else lb_class(cp, starts, classes)
    width = char_width(chr(cp))
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
        pairs = load_lb_tables()[2]
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


def gnu_lines_fast(
    prefix: str, name: str, value: str, page_width: int, protected: frozenset[int]
) -> list[str] | None:
    """What :func:`gnu_lines_exact` returns, or None for text it leaves to that function."""
    if not value:
        return [f'{prefix}{name} ""']
    width = page_width - len(prefix) - 2
    portions = PORTION_RE.findall(value) if value.find("\n", 0, -1) >= 0 else [value]
    lines: list[str] = []
    first = True
    offset = 0
    for portion in portions:
        plain = not ('"' in portion or "\\" in portion or "\n" in portion or "\t" in portion)
        escaped = portion if plain else escape(portion)  # (rarer escapes: see below)
        if (
            first
            and len(portions) == 1
            and len(name) + 1 + len(escaped) <= width
            and escaped.isascii()
            and escaped.isprintable()
        ):
            return [f'{prefix}{name} "{escaped}"']  # the usual short string
        columns: bytes | bytearray | None = columns_of(escaped)
        if columns is None:
            if not plain or not NEEDS_ESCAPE_RE.search(portion):
                return None
            plain = False  # \r, \a, \b, \f or \v
            escaped = escape(portion)
            columns = columns_of(escaped)
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
