"""Numbers in a source sentence and whether a translation states the same values.

English news writes ``60,000``, ``1.2 million``, ``5.30pm``, ``the 1920s``, ``COVID-19``;
a Chinese translation writes ``6万``, ``120万``, ``下午5点半``, ``上世纪20年代`` and ``新冠``.
:func:`source_numbers` reads each number of an English text with every value a correct
translation may state for it; :func:`stated_values` reads the values a translation states
(Arabic or full-width digits, grouping commas, ``千/万/亿/百万/万亿`` scales with ``多/余``,
Chinese numerals ``一/两/十二/二十一/一百万/二〇二一``, ``点半``). A number glued to a name
(``COVID-19``, ``G7``, ``MH370``, ``5G``, ``Windows 10``) is *optional*: a translation may
render the name without it (新冠, 七国集团), so its absence is a risk, not an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from i18npub.article import PLACEHOLDER_RE

_URL_OR_EMAIL = re.compile(r"(?:https?://|www\.)\S+|(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")

_NUMBER = r"\d{1,3}(?:,\d{2,3})*,\d{3}|\d+"  # 6,000  2,06,737 (Indian grouping)  2021
_SCALE_WORDS = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12, "bn": 9}
_EN_NUMBER = re.compile(
    rf"(?<![\w.,])(?P<pre>'|[A-Za-z]+-?)?(?P<num>{_NUMBER})(?P<frac>\.\d+)?(?![.,]\d)"
    r"(?P<post>[A-Za-z]+)?"
)
_SCALE_AFTER = re.compile(r"[\s-]*(thousand|million|billion|trillion|bn)\b", re.I)
_MERIDIEM_AFTER = re.compile(r"\s*([ap])\.?m\b\.?", re.I)
_CLOCK = re.compile(
    r"(?<![\w.,:])(\d{1,2})[.:](\d{2})(?=\s*[ap]\.?m\b)|(?<![\w.,:])(\d{1,2}):(\d{2})\b"
)
_CAPITALISED_WORD_BEFORE = re.compile(r"(?:^|[\s(])([A-Z][\w]*[a-z][\w]*|[A-Z]{2,})\s$")
# Words glued before a number that make it a date or a quantity, not part of a name.
_NOT_A_NAME = frozenset(re.findall(r"\w+", "mid pre post late early over under top non anti us"))
_CALENDAR = frozenset(
    re.findall(
        r"\w+",
        "jan feb mar apr jun jul aug sep sept oct nov dec january february march april may june"
        " july august september october november december monday tuesday wednesday thursday"
        " friday saturday sunday no number page",
    )
)
_UNITS = {  # letters glued after a number: its value with that unit (alternatives)
    "m": (0, 6),  # 5m: five metres or five million
    "k": (0, 3),
    "bn": (9,),
}
_PLAIN_SUFFIXES = frozenset(
    re.findall(
        r"\w+",
        "th st nd rd km kg cm mm mg ml ft lb lbs mph kmh kph sq ha mw kw gw gb mb tb hrs hr min"
        " yrs am pm",
    )
)


@dataclass(frozen=True)
class SourceNumber:
    """One number of the source and the values a correct translation may state for it."""

    text: str
    values: frozenset[Decimal]
    optional: bool = False  # part of a name: a translation may leave it out

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", frozenset(v.normalize() for v in self.values))


def source_numbers(text: str) -> list[SourceNumber]:
    """The numbers an English text states, each with its acceptable values."""
    plain = _URL_OR_EMAIL.sub(" ", PLACEHOLDER_RE.sub(" ", text))
    found: list[SourceNumber] = []
    for clock in _CLOCK.finditer(plain):
        hour, minute = (clock.group(1), clock.group(2)) if clock.group(1) else clock.group(3, 4)
        pm = plain[clock.end() :].lstrip()[:1].lower() == "p"
        found.append(_clock_hour(clock.group(0), int(hour), pm))
        if int(minute):
            found.append(SourceNumber(clock.group(0), frozenset({Decimal(int(minute))})))
        plain = plain[: clock.start()] + " " * len(clock.group(0)) + plain[clock.end() :]
    for match in _EN_NUMBER.finditer(plain):
        number = _source_number(match, plain)
        if number is not None:
            found.append(number)
    return found


def _clock_hour(text: str, hour: int, pm: bool) -> SourceNumber:
    values = {Decimal(hour)}
    if pm and hour < 12:
        values.add(Decimal(hour + 12))
    return SourceNumber(text, frozenset(values))


def _source_number(match: re.Match[str], text: str) -> SourceNumber | None:
    pre, post = match.group("pre") or "", match.group("post") or ""
    value = _decimal(match.group("num"), match.group("frac"))
    if value is None:
        return None
    shown = match.group(0)
    if pre == "'":  # the '90s
        return SourceNumber(shown, frozenset({value, value + 1900}))
    if pre and pre.rstrip("-").lower() not in _NOT_A_NAME:
        return SourceNumber(shown, frozenset({value}), optional=True)  # COVID-19, G7, MH370
    lowered = post.lower()
    if lowered == "s" and value % 10 == 0:  # the 1920s: 1920年代 or 20年代
        return SourceNumber(shown, frozenset({value, value % 100}))
    if lowered in _UNITS:
        return SourceNumber(shown, frozenset(value * 10**e for e in _UNITS[lowered]))
    if post and lowered not in _PLAIN_SUFFIXES:
        return SourceNumber(shown, frozenset({value}), optional=True)  # 5G, 4K, 3D
    if scale := _SCALE_AFTER.match(text, match.end()):
        return SourceNumber(shown, frozenset({value * 10 ** _SCALE_WORDS[scale.group(1).lower()]}))
    values = {value}
    meridiem = _MERIDIEM_AFTER.match(text, match.end()) if not post else None
    if (lowered == "pm" or (meridiem and meridiem.group(1).lower() == "p")) and value < 12:
        values.add(value + 12)  # 5pm: 下午5点 or 17点
    if _short_year_after_year(match, text):
        values.add(value + 2000 if value < 50 else value + 1900)
    optional = not post and _after_a_name(text, match.start(), value)
    return SourceNumber(shown, frozenset(values), optional=optional)


def _short_year_after_year(match: re.Match[str], text: str) -> bool:
    """The 22 of 2021-22 (a season) may be written 2022."""
    before = text[max(0, match.start() - 6) : match.start()]
    return len(match.group("num")) == 2 and bool(re.search(r"\b\d{4}[-–/]$", before))


def _after_a_name(text: str, start: int, value: Decimal) -> bool:
    """``Windows 10``, ``Boeing 737``: a small whole number right after a capitalised word
    that is neither the first word nor a month or weekday."""
    if value != value.to_integral_value() or value >= 1000:
        return False
    window = max(0, start - 40)  # a word is shorter; keeps long texts linear
    before = text[window:start]
    word = _CAPITALISED_WORD_BEFORE.search(before)
    if word is None or word.group(1).lower() in _CALENDAR:
        return False
    return window > 0 or bool(before[: word.start(1)].strip())


def _decimal(integer: str, fraction: str | None) -> Decimal | None:
    try:
        return Decimal(integer.replace(",", "") + (fraction or "")).normalize()
    except InvalidOperation:
        return None


# Values a translation states --------------------------------------------------

_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10**4, "亿": 10**8}
_CN_CHARS = "".join(_CN_DIGITS) + "".join(_CN_UNITS) + "".join(_CN_BIG)
_PART = rf"(?:{_NUMBER})(?:\.\d+)?|[{_CN_CHARS}]"
_ZH_EXPRESSION = re.compile(rf"(?:{_PART})(?:\s?(?:{_PART})|\s?[多余](?=\s?[{_CN_CHARS}]))*")
_ZH_PIECE = re.compile(rf"(?P<num>{_NUMBER})(?P<frac>\.\d+)?|[{_CN_CHARS}]|[多余]")
_HALF_HOUR = re.compile(r"[点時时]半")


def stated_values(text: str, chinese: bool = True) -> set[Decimal]:
    """Every value a translation states (Chinese-aware when ``chinese``)."""
    plain = _URL_OR_EMAIL.sub(" ", PLACEHOLDER_RE.sub(" ", text)).translate(_FULL_WIDTH)
    values = {v for number in source_numbers(plain) for v in number.values}
    if not chinese:
        return values
    for expression in chinese_expressions(plain):
        values |= expression_values(expression)
    if _HALF_HOUR.search(plain):
        values.add(Decimal(30))
    return values


def chinese_expressions(text: str) -> list[str]:
    """The runs of a Chinese text that state a number (``200多万``, ``十二``, ``2021``)."""
    plain = _URL_OR_EMAIL.sub(" ", PLACEHOLDER_RE.sub(" ", text)).translate(_FULL_WIDTH)
    return [match.group(0) for match in _ZH_EXPRESSION.finditer(plain)]


def expression_values(expression: str) -> set[Decimal]:
    """The value of one run such as ``200多万``, ``3万5千``, ``二〇二一``, ``十二``, and each
    Arabic number in it."""
    pieces = list(_ZH_PIECE.finditer(expression))
    arabic = {_decimal(p.group("num"), p.group("frac")) for p in pieces if p.group("num")}
    values = {v for v in arabic if v is not None}
    chars = [p.group(0) for p in pieces]
    if len(chars) > 1 and all(c in _CN_DIGITS for c in chars):  # 二〇二一: digit by digit
        values.add(Decimal("".join(str(_CN_DIGITS[c]) for c in chars)))
        return values
    total, below_yi, section, current = Decimal(0), Decimal(0), Decimal(0), None
    for piece in pieces:
        char = piece.group(0)
        if piece.group("num"):
            current = _decimal(piece.group("num"), piece.group("frac"))
        elif char in _CN_DIGITS:
            current = Decimal(_CN_DIGITS[char])
        elif char in _CN_UNITS:
            section += (current if current is not None else 1) * _CN_UNITS[char]
            current = None
        elif char == "万":
            below_yi += (section + (current or 0) or 1) * _CN_BIG[char]
            section, current = Decimal(0), None
        elif char == "亿":
            total += (below_yi + section + (current or 0) or 1) * _CN_BIG[char]
            below_yi, section, current = Decimal(0), Decimal(0), None
    values.add((total + below_yi + section + (current or 0)).normalize())
    return values


def missing_numbers(source: str, target: str, chinese: bool = True) -> list[SourceNumber]:
    """The source's numbers of which the translation states none of the acceptable values."""
    stated = stated_values(target, chinese)
    return [number for number in source_numbers(source) if not number.values & stated]


def plain(value: Decimal) -> str:
    """A value as a reader writes it: 2000000, 1.5."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def chinese_form(number: str) -> str:
    """A number as written inside Chinese text: grouping commas dropped (``6,000`` → ``6000``,
    ``2,06,737`` → ``206737``); anything that is not a plain number is left as it is."""
    if re.fullmatch(rf"(?:{_NUMBER})(?:\.\d+)?", number) and "," in number:
        return number.replace(",", "")
    return number
