"""Regenerate ``src/i18npub/po/_linebreak_tables.py`` from libunistring 1.0.

GNU gettext 0.21 (``msgcat``, ``msgmerge``) breaks PO strings with libunistring 1.0, whose
UAX #14 tables are those of Unicode 14.0. ``i18npub.po.linebreak`` embeds what it needs of
them, and this script reads them from the library itself:

* the line-break class of every code point (``unilbrkprop``, a three-level table), with the
  resolution ``u8_possible_linebreaks`` applies in a UTF-8 locale: AI, SA and XX to AL, CB
  to ID1; the Hangul syllables U+AC00..U+D7A3 are one H3 range, as
  ``linebreak.lb_class`` computes H2/H3 for them;
* the pair table ``unilbrk_table[33][33]`` (D direct, I indirect, P prohibited);
* the unassigned code points ``uc_width`` counts as two columns, and the combining marks and
  format characters it counts as one (``linebreak.char_width`` asks ``unicodedata`` for the
  rest).

Requirements: libunistring 1.0.x as a shared library (Debian 12's ``libunistring2`` 1.0-2;
the script refuses another version, whose tables differ) and a Python whose ``unicodedata``
is Unicode 14.0 (Python 3.11), which decides what is unassigned. Run from the repository root::

    .venv/bin/python scripts/gen_linebreak_tables.py          # rewrite the module
    .venv/bin/python scripts/gen_linebreak_tables.py --check  # exit 1 if it is out of date

The output is ruff-format clean as written.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import sys
import unicodedata
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "src" / "i18npub" / "po" / "_linebreak_tables.py"

# libunistring 1.0's enum (lib/unilbrk/lbrktables.h): values 0..32 index the pair table,
# 33..38 are resolved by the algorithm, 39..42 resolved below.
CLASSES = (
    *("WJ", "GL", "B2", "BA", "BB", "HY", "CL", "CP1", "CP2", "EX", "IN", "NS", "OP1", "OP2"),
    *("QU", "IS", "NU", "PO", "PR", "SY", "AL", "H2", "H3", "ID1", "ID2", "JL", "JV", "JT"),
    *("HL", "RI", "ZWJ", "EB", "EM", "BK", "CR", "LF", "CM", "ZW", "SP"),
)
CB, AI, SA, XX = 39, 40, 41, 42
AL, H3, ID1 = CLASSES.index("AL"), CLASSES.index("H3"), CLASSES.index("ID1")
PAIRED = CLASSES.index("EM") + 1  # 33
# The three-level table of lib/unilbrk/lbrkprop1.h (lbrkprop_header_0..4 in 1.0):
# int level1[15]; int level2[blocks << 9]; unsigned char level3[blocks << 7].
SHIFT1, LEVEL1, SHIFT2, MASK2, MASK3 = 16, 15, 7, 511, 127
SYMBOLS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&()*+,-./:;<=>?@[]^_{|}~"  # one per class
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
LINE = 90  # characters of encoded ranges per source line


def load_library() -> ctypes.CDLL:
    name = ctypes.util.find_library("unistring") or "libunistring.so.2"
    library = ctypes.CDLL(name)
    version = ctypes.c_int.in_dll(library, "_libunistring_version").value
    if version >> 8 != 0x0100:
        sys.exit(f"{name} is libunistring {version >> 16}.{version >> 8 & 255}: 1.0 is needed")
    if unicodedata.unidata_version != "14.0.0":
        sys.exit(f"this Python's Unicode is {unicodedata.unidata_version}: 14.0.0 is needed")
    return library


def line_break_classes(library: ctypes.CDLL) -> list[int]:
    """The resolved class of every code point, 0..0x10FFFF."""
    symbol = "libunistring_unilbrkprop"
    level1 = list((ctypes.c_int * LEVEL1).in_dll(library, symbol))
    blocks2 = max(level1) // (MASK2 + 1) + 1

    class Level2(ctypes.Structure):
        _fields_ = [("level1", ctypes.c_int * LEVEL1), ("level2", ctypes.c_int * (blocks2 << 9))]

    level2 = list(Level2.in_dll(library, symbol).level2)
    blocks3 = max(level2) // (MASK3 + 1) + 1

    class Table(ctypes.Structure):
        _fields_ = [
            ("level1", ctypes.c_int * LEVEL1),
            ("level2", ctypes.c_int * (blocks2 << 9)),
            ("level3", ctypes.c_ubyte * (blocks3 << 7)),
        ]

    level3 = bytes(Table.in_dll(library, symbol).level3)
    resolved = {AI: AL, SA: AL, XX: AL, CB: ID1}
    classes = []
    for cp in range(0x110000):
        prop = XX
        index1 = cp >> SHIFT1
        if index1 < LEVEL1 and level1[index1] >= 0:
            lookup2 = level2[level1[index1] + (cp >> SHIFT2 & MASK2)]
            if lookup2 >= 0:
                prop = level3[lookup2 + (cp & MASK3)]
        prop = H3 if 0xAC00 <= cp <= 0xD7A3 else resolved.get(prop, prop)
        if prop >= len(CLASSES):
            sys.exit(f"U+{cp:04X}: unexpected line-break class {prop}")
        classes.append(prop)
    return classes


def encoded_ranges(classes: list[int]) -> list[str]:
    """Runs of one class as "<start - previous start, base 36><class symbol>", by line."""
    parts = []
    previous_start = 0
    for cp, prop in enumerate(classes):
        if cp == 0 or prop != classes[cp - 1]:
            parts.append(base36(cp - previous_start) + SYMBOLS[prop])
            previous_start = cp
    text = "".join(parts)
    return [text[i : i + LINE] for i in range(0, len(text), LINE)]


def base36(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = DIGITS[digit] + digits
        if not number:
            return digits


def pair_rows(library: ctypes.CDLL) -> list[str]:
    table = bytes(
        (ctypes.c_ubyte * (PAIRED * PAIRED)).in_dll(library, "libunistring_unilbrk_table")
    )
    return [
        "".join(" DIP"[rule] for rule in table[i : i + PAIRED])
        for i in range(0, len(table), PAIRED)
    ]


def widths(library: ctypes.CDLL) -> tuple[list[int], list[int]]:
    """Unassigned wide code points as [start, end + 1, ...]; marks one column wide."""
    uc_width = library.uc_width
    uc_width.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
    uc_width.restype = ctypes.c_int
    bounds: list[int] = []
    narrow: list[int] = []
    inside = False
    for cp in range(0x110000):
        category = unicodedata.category(chr(cp))
        wide = category == "Cn" and uc_width(cp, b"UTF-8") == 2
        if wide != inside:
            bounds.append(cp)
            inside = wide
        if category in ("Mn", "Me", "Cf") and uc_width(cp, b"UTF-8") == 1:
            narrow.append(cp)
    if inside:
        bounds.append(0x110000)
    return bounds, narrow


def module_text(library: ctypes.CDLL) -> str:
    ranges = encoded_ranges(line_break_classes(library))
    rows = pair_rows(library)
    bounds, narrow = widths(library)
    out = [
        '"""Line-break classes and widths of libunistring 1.0 (Unicode 14.0), as in gettext 0.21.',
        "",
        "Generated by scripts/gen_linebreak_tables.py (see its docstring): do not edit by hand.",
        '"""',
        "",
        "# One symbol per line-break class, in the order of i18npub.po.linebreak's class numbers.",
        f'SYMBOLS = "{SYMBOLS}"',
        "",
        "# Line-break classes of all code points, with libunistring's resolution of AI/SA/XX to AL",
        "# and CB to ID1; Hangul syllables are one H3 range (linebreak.lb_class computes H2/H3).",
        '# Each range is "<start - previous start, base 36><class symbol from SYMBOLS>".',
        "RANGES = (",
        *(f'    "{line}"' for line in ranges),
        ")",
        "",
        "# unilbrk_table[before][after] for the 33 paired classes: D direct break, I indirect",
        "# (only after spaces), P prohibited.",
        "PAIRS = (",
        *(f'    "{row}"  # {name}' for row, name in zip(rows, CLASSES, strict=False)),
        ")",
        "",
        "# Unassigned code points uc_width counts as two columns: [start, end + 1, start, ...].",
        "WIDE_UNASSIGNED = [",
        *wrapped_hex(bounds),
        "]  # fmt: skip",
        "",
        "# Combining marks and format characters uc_width counts as one column (others: zero).",
        f"NARROW_MARKS = frozenset({{{', '.join(f'0x{cp:04X}' for cp in narrow)}}})",
        "",
    ]
    return "\n".join(out)


def wrapped_hex(numbers: list[int], per_line: int = 10) -> list[str]:
    return [
        "    " + " ".join(f"0x{n:04X}," for n in numbers[i : i + per_line])
        for i in range(0, len(numbers), per_line)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the module differs")
    args = parser.parse_args()
    text = module_text(load_library())
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            sys.exit(f"{TARGET} is out of date: run scripts/gen_linebreak_tables.py")
        print(f"{TARGET} is up to date")
        return
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
