"""Format directives: where GNU gettext does not break a c-format or python-format string."""

from __future__ import annotations

import re
from typing import Any

UNPROTECTED: frozenset[int] = frozenset()  # no character inside a directive


_C_SIZES = ("hh", "ll", "h", "l", "L", "q", "j", "z", "Z", "t")
_C_PRI_RE = re.compile(r"<PRI[diouxX](?:MAX|PTR|(?:LEAST|FAST)?(?:8|16|32|64))>")


def directive_insides(value: str, flags: list[str], translated: bool) -> frozenset[int]:
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
