"""Recognising the date line of a news article ("September 9, 2021", "2021-09-09")."""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_PREFIX = r"(?:(?:published|updated|posted|date)\s*:?\s*)?(?:[A-Za-z]{3,9},?\s+)?"
_PATTERNS = [
    re.compile(
        rf"^{_PREFIX}{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})", re.I
    ),
    re.compile(
        rf"^{_PREFIX}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>\d{{4}})", re.I
    ),
    re.compile(rf"^{_PREFIX}(?P<year>\d{{4}})-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}})", re.I),
]
# After the date, a date line may carry a time or a place, but not a sentence.
_TAIL = re.compile(
    r"^[\s,|·–—-]*(?:\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4})?)?[\s|·–—-]*$", re.I
)


def parse_date_line(line: str) -> dt.date | None:
    """The date a short line states, or None if the line is not a date line."""
    text = line.strip()
    if len(text) > 60:
        return None
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match and _TAIL.match(text[match.end() :]):
            return _to_date(match)
    return None


def _to_date(match: re.Match[str]) -> dt.date | None:
    month_text = match.group("month")
    month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text.lower())
    if month is None:
        return None
    try:
        return dt.date(int(match.group("year")), month, int(match.group("day")))
    except ValueError:
        return None
