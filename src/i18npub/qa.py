"""Quality checks on translations: markup, numbers, spacing and Chinese typography.

Each check looks at one source sentence and its translation and returns Issues.
Errors block publishing-quality (``i18npub check`` exits non-zero); warnings are
for a reviewer's eye.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from i18npub.article import PLACEHOLDER_RE

if TYPE_CHECKING:
    from collections.abc import Iterable

    from i18npub.glossary import Glossary, Term
    from i18npub.pofile import POFile

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RE = re.compile(f"[{CJK}]")
_CJK_PUNCT = "，。、；：？！“”‘’（）《》【】…—"


@dataclass(frozen=True)
class Issue:
    """One finding: which check, how severe, and a message a translator understands."""

    check: str
    severity: str  # "error" | "warning"
    message: str


@dataclass(frozen=True)
class Finding:
    """An Issue located in a catalog file."""

    path: str
    line: int
    msgid: str
    check: str
    severity: str
    message: str

    def format(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: [{self.check}] {self.message}"

    def as_dict(self) -> dict[str, str | int]:
        return dict(self.__dict__)


def check_catalog(
    catalog: POFile, path: str, lang: str, glossary: Glossary | None = None
) -> list[Finding]:
    """Every issue of every translated (approved or machine) entry of a catalog."""
    findings = []
    for entry in catalog.entries:
        if entry.obsolete or not entry.msgstr:
            continue
        terms = glossary.terms_in(entry.msgid, lang) if glossary else ()
        for issue in check_translation(entry.msgid, entry.msgstr, lang, terms):
            findings.append(
                Finding(path, entry.lineno, entry.msgid, issue.check, issue.severity, issue.message)
            )
    return findings


def is_chinese(lang: str) -> bool:
    return lang.lower().replace("-", "_").split("_")[0] == "zh"


def check_translation(
    source: str, target: str, lang: str = "zh_CN", terms: Iterable[Term] = ()
) -> list[Issue]:
    """All checks for one translated sentence (an empty target has nothing to check).

    ``terms`` are the glossary terms that occur in ``source`` (``Glossary.terms_in``).
    """
    if not target:
        return []
    issues = [
        *check_placeholders(source, target),
        *check_numbers(source, target, lang),
        *check_edge_whitespace(source, target),
        *check_glossary(target, terms),
    ]
    if is_chinese(lang):
        issues += [
            *check_chinese_punctuation(target),
            *check_chinese_spacing(target),
            *check_leftover_english(source, target),
            *check_repeated_phrases(target),
        ]
    return issues


# Markup ----------------------------------------------------------------------


def placeholders(text: str) -> Counter[str]:
    return Counter(match.group(0) for match in PLACEHOLDER_RE.finditer(text))


def check_placeholders(source: str, target: str) -> list[Issue]:
    """The translation keeps every placeholder exactly once, properly nested."""
    expected, found = placeholders(source), placeholders(target)
    issues = []
    if missing := expected - found:
        issues.append(Issue("placeholders", "error", f"missing markup {_tags(missing)}"))
    if extra := found - expected:
        issues.append(Issue("placeholders", "error", f"unexpected markup {_tags(extra)}"))
    if not issues and not _well_nested(target):
        issues.append(Issue("placeholders", "error", "markup is not properly nested"))
    return issues


def _tags(counter: Counter[str]) -> str:
    return " ".join(sorted(counter.elements()))


def _well_nested(text: str) -> bool:
    stack: list[str] = []
    for match in PLACEHOLDER_RE.finditer(text):
        closing, number, atomic = match.groups()
        if atomic:
            continue
        if not closing:
            stack.append(number)
        elif not stack or stack.pop() != number:
            return False
    return not stack


# Numbers ---------------------------------------------------------------------

_EN_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"
    r"(?:\s*(thousand|million|billion|trillion|bn|m)\b)?",
    re.I,
)
_ZH_NUMBER = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(千|万|亿|万亿)?")
_SCALES = {
    "thousand": 10**3,
    "million": 10**6,
    "m": 10**6,
    "billion": 10**9,
    "bn": 10**9,
    "trillion": 10**12,
    "千": 10**3,
    "万": 10**4,
    "亿": 10**8,
    "万亿": 10**12,
}


_DOTTED_TIME = re.compile(r"\b(\d{1,2})\.(\d{2})(?=\s*[ap]\.?m\b)", re.I)


def numbers(text: str, pattern: re.Pattern[str] = _EN_NUMBER) -> Counter[Decimal]:
    """The numeric values a text states, with scale words applied (1.2 million = 1200000).

    A clock time is its hours and minutes: ``5.30pm`` states 5 and 30 (``下午5点30分``).
    """
    values: Counter[Decimal] = Counter()
    plain = _DOTTED_TIME.sub(r"\1:\2", PLACEHOLDER_RE.sub(" ", text))
    for match in pattern.finditer(plain):
        integer, fraction, scale = match.groups()
        try:
            value = Decimal(integer.replace(",", "") + (fraction or ""))
        except InvalidOperation:
            continue
        if scale:
            value *= _SCALES[scale.lower() if scale.isascii() else scale]
        values[value.normalize()] += 1
    return values


def check_numbers(source: str, target: str, lang: str) -> list[Issue]:
    """Every number of the source appears in the translation with the same value."""
    pattern = _ZH_NUMBER if is_chinese(lang) else _EN_NUMBER
    missing = numbers(source) - numbers(target, pattern)
    if not missing:
        return []
    shown = ", ".join(_plain_number(value) for value in sorted(missing))
    return [Issue("numbers", "error", f"number(s) of the source missing or changed: {shown}")]


def _plain_number(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# Whitespace and typography ---------------------------------------------------


def check_edge_whitespace(source: str, target: str) -> list[Issue]:
    issues = []
    if source[:1].isspace() != target[:1].isspace() or (target and target[0] in "\t\n"):
        issues.append(Issue("whitespace", "error", "leading whitespace differs from the source"))
    if source[-1:].isspace() != target[-1:].isspace():
        issues.append(Issue("whitespace", "error", "trailing whitespace differs from the source"))
    return issues


_ASCII_PUNCT_IN_CHINESE = re.compile(
    rf"(?<=[{CJK}{_CJK_PUNCT}])[,;:!?]|[,;:!?](?=[{CJK}])"
    rf"|(?<=[{CJK}])\.(?!\d)|(?<=[{CJK}])\.\.\.|\.\.\.(?=[{CJK}])"
    rf"|\((?=[{CJK}])|(?<=[{CJK}])\)"
)
_STRAIGHT_QUOTE_IN_CHINESE = re.compile(rf"\"(?=[{CJK}])|(?<=[{CJK}，。！？])\"")


def check_chinese_punctuation(target: str) -> list[Issue]:
    """Chinese text uses full-width punctuation: ，。；：？！（）“” and ……"""
    plain = _without_urls(PLACEHOLDER_RE.sub("", target))
    found = sorted({m.group(0) for m in _ASCII_PUNCT_IN_CHINESE.finditer(plain)})
    issues = []
    if found:
        shown = " ".join(found)
        issues.append(
            Issue("punctuation", "error", f"half-width punctuation in Chinese text: {shown}")
        )
    if _STRAIGHT_QUOTE_IN_CHINESE.search(plain):
        issues.append(Issue("punctuation", "error", 'straight quotes " in Chinese text; use “”'))
    return issues


_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}{_CJK_PUNCT}])[ \t\u3000]+(?=[{CJK}{_CJK_PUNCT}])")


def check_chinese_spacing(target: str) -> list[Issue]:
    """No spaces or line breaks between Chinese characters."""
    plain = PLACEHOLDER_RE.sub("", target)
    issues = []
    if _SPACE_BETWEEN_CJK.search(plain):
        issues.append(Issue("spacing", "error", "space between Chinese characters"))
    if "\n" in target.strip():
        issues.append(Issue("spacing", "error", "line break inside the translation"))
    return issues


_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ ,]+[A-Za-z][A-Za-z'’-]*)+")
URL_OR_EMAIL_RE = _URL_OR_EMAIL = re.compile(
    r"(?:https?://|www\.)[!-~]+?(?=[.,;:!?)]?(?:[^!-~]|$))|(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
)
_STOPWORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "and",
        "or",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "that",
        "this",
        "it",
        "its",
        "as",
        "but",
        "not",
        "will",
        "would",
        "said",
        "says",
    ]
)


def _without_urls(text: str) -> str:
    return _URL_OR_EMAIL.sub(" ", text)


def check_leftover_english(source: str, target: str) -> list[Issue]:
    """English left in the Chinese text (names and codes are fine; sentences are not)."""
    plain = _without_urls(PLACEHOLDER_RE.sub(" ", target))
    if not CJK_RE.search(plain):
        return [Issue("untranslated", "error", "the translation has no Chinese text")]
    for run in _LATIN_RUN.findall(plain):
        words = re.findall(r"[A-Za-z'’]+", run.lower())
        if len(words) >= 3 and sum(word in _STOPWORDS for word in words) >= 2:
            return [Issue("untranslated", "warning", f"English left untranslated: {run.strip()!r}")]
    return []


_REPEAT = re.compile(rf"([{CJK}]{{2,}})[，、,\s]*\1")


def check_repeated_phrases(target: str) -> list[Issue]:
    """A phrase repeated back to back (a common MT failure: "猪肉，猪肉")."""
    match = _REPEAT.search(target)
    if match:
        return [Issue("repetition", "warning", f"repeated phrase {match.group(0)!r}")]
    return []


# Glossary --------------------------------------------------------------------


def check_glossary(target: str, terms: Iterable[Term]) -> list[Issue]:
    """Each glossary term of the source appears in the translation as the glossary says."""
    from i18npub.glossary import contains_term

    issues = []
    for term in terms:
        if contains_term(target, term):
            continue
        if term.keep:
            message = f"glossary: keep {term.source!r} as is"
        else:
            message = f"glossary: translate {term.source!r} as {' or '.join(term.translations)}"
        issues.append(Issue("glossary", "error", message))
    return issues


# Fixing machine translations -------------------------------------------------

_TAG = r"(?:</?\d{1,3}/?>)"
_CJK_SIDE = f"[{CJK}{_CJK_PUNCT}]"
_FULLWIDTH = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", ".": "。"}
_SPACES_IN_CJK = re.compile(rf"(?<={_CJK_SIDE})((?:[ \t\u3000]|{_TAG})+)(?={_CJK_SIDE})")
_PUNCT_AFTER_CJK = re.compile(rf"(?<={_CJK_SIDE})({_TAG}*)([,;:!?]|\.(?!\d))")
_PUNCT_BEFORE_CJK = re.compile(rf"([,;:!?])({_TAG}*)(?=[{CJK}])")
_ELLIPSIS_NEAR_CJK = re.compile(rf"(?<=[{CJK}])\.\.\.|\.\.\.(?=[{CJK}])")
_PARENS_AROUND_CJK = re.compile(rf"\(({_TAG}*[{CJK}][^()]*|[^()]*[{CJK}]{_TAG}*)\)")
_DOUBLED_STOP = re.compile("([。！？])。+")


def fix_chinese_typography(text: str) -> str:
    """Machine output made to follow Chinese typography: full-width punctuation next to
    Chinese, curly quotes, no spaces between Chinese characters (placeholders are
    transparent). URLs and e-mail addresses are left alone."""
    text = _curly_quotes(text)
    links = _URL_OR_EMAIL.findall(text)
    fixed = [_fix_run(part) for part in _URL_OR_EMAIL.split(text)]
    out = fixed[0]
    for link, part in zip(links, fixed[1:], strict=True):
        out += link + part
    out = out.strip()
    if out.endswith(".") and not out.endswith("..") and CJK_RE.search(out):
        out = out[:-1] + "。"  # a sentence that ends with a URL or an e-mail address
    return out


def _fix_run(text: str) -> str:
    text = _ELLIPSIS_NEAR_CJK.sub("……", text)
    text = _PARENS_AROUND_CJK.sub(lambda m: f"（{m.group(1)}）", text)
    text = _PUNCT_AFTER_CJK.sub(lambda m: m.group(1) + _FULLWIDTH[m.group(2)], text)
    text = _PUNCT_BEFORE_CJK.sub(lambda m: _FULLWIDTH[m.group(1)] + m.group(2), text)
    text = _SPACES_IN_CJK.sub(lambda m: "".join(re.findall(_TAG, m.group(1))), text)
    return _DOUBLED_STOP.sub(r"\1", text)


def _curly_quotes(text: str) -> str:
    """Straight double quotes in Chinese text become “ and ”, judged by what is around."""
    if '"' not in text or not CJK_RE.search(text):
        return text
    out, is_open = [], False
    for index, char in enumerate(text):
        if char != '"':
            out.append(char)
            continue
        before = PLACEHOLDER_RE.sub("", text[:index]).rstrip()[-1:]
        after = text[index + 1 : index + 2]
        if not before or before in "：:（(“‘":
            quote = "“"
        elif before in "，。！？…,.!?" or not after or after.isspace():
            quote = "”"
        else:
            quote = "”" if is_open else "“"
        is_open = quote == "“"
        out.append(quote)
    return "".join(out)
