"""Quality checks on translations: markup, numbers, spacing and Chinese typography.

Each check looks at one source sentence and its translation and returns Issues.
Errors block publishing-quality (``i18npub check`` exits non-zero); warnings are
for a reviewer's eye.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from i18npub.article import PLACEHOLDER_RE
from i18npub.lookup import EntryState, outdated_reason, state_of
from i18npub.numbers import SourceNumber, missing_numbers, source_numbers
from i18npub.numbers import plain as plain_number

if TYPE_CHECKING:
    from collections.abc import Iterable

    from i18npub.glossary import Glossary, Term
    from i18npub.po import POFile

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
    """Every issue of every translated (approved or machine) entry of a catalog; an outdated
    entry (a translation of an older English text) gets one ``outdated`` warning instead."""
    findings = []
    for entry in catalog.entries:
        if entry.obsolete or not entry.msgstr:
            continue
        if state_of(entry) is EntryState.OUTDATED:
            reason = outdated_reason(entry)
            findings.append(Finding(path, entry.lineno, entry.msgid, "outdated", "warning", reason))
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


# The acceptance gate for machine translations ------------------------------------

# Checks whose error means an answer is certainly broken: it is not written.
REJECTING = frozenset(
    {"placeholders", "numbers", "glossary", "empty", "echo", "script", "length", "loop"}
)
# Length of a translation per character of source beyond which it cannot be one (WMT22 news:
# human Chinese runs 0.16-0.95 characters per English character, median 0.32).
ABSURD_RATIO = {"zh": (0.06, 2.0), "": (0.2, 5.0)}
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")
_LOOP = re.compile(rf"([{CJK}]{{2,}})(?:[，、,\s]*\1){{2,}}")  # a phrase three times in a row


def acceptance_issues(
    source: str, target: str, lang: str = "zh_CN", terms: Iterable[Term] = ()
) -> list[Issue]:
    """The checks of a machine translation before it is written: an error (see
    ``REJECTING``) rejects it, a warning only makes it riskier for review."""
    if not target.strip():
        return [Issue("empty", "error", "empty answer")]
    issues = [_demoted(issue) for issue in check_translation(source, target, lang, terms)]
    if _squeezed(target) == _squeezed(source) and re.search(r"[A-Za-z]{2}", source):
        issues.append(Issue("echo", "error", "the source came back untranslated"))
    if is_chinese(lang) and len(_KANA_HANGUL.findall(target)) * 3 > len(CJK_RE.findall(target)):
        issues.append(Issue("script", "error", "the answer is not in Chinese script"))
    if (loop := _LOOP.search(target)) and not source_repeats(source):
        issues.append(Issue("loop", "error", f"a phrase over and over: {loop.group(0)!r}"))
    if absurd := _absurd_length(source, target, lang):
        issues.append(Issue("length", "error", absurd))
    return issues


def _demoted(issue: Issue) -> Issue:
    """An error of a check that is not certain proof of a broken answer, as a warning (the
    untranslated check's error, no Chinese at all, stays an error: the wrong script)."""
    if issue.severity != "error" or issue.check in REJECTING:
        return issue
    if issue.check == "untranslated":
        return Issue("script", "error", issue.message)
    return Issue(issue.check, "warning", issue.message)


def source_repeats(source: str) -> bool:
    """The source itself says something three times (a list, a chant): repetition in the
    translation is then no sign of a broken engine."""
    words = re.findall(r"\w+", source.lower())
    grams = Counter(zip(words, words[1:], words[2:], strict=False))
    return bool(grams) and max(grams.values()) >= 3


def _squeezed(text: str) -> str:
    return re.sub(r"\W+", "", text).lower()


def _absurd_length(source: str, target: str, lang: str) -> str:
    if len(source) < 30:
        return ""
    low, high = ABSURD_RATIO["zh" if is_chinese(lang) else ""]
    ratio = len(re.sub(r"\s", "", target)) / len(source)
    if ratio < low:
        return f"far too short for its source ({ratio:.2f} characters per source character)"
    if ratio > high:
        return f"far too long for its source ({ratio:.2f} characters per source character)"
    return ""


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


def numbers(text: str) -> Counter[Decimal]:
    """The numeric values an English text states, with scale words applied
    (1.2 million = 1200000); see :mod:`i18npub.numbers`."""
    return Counter(value for number in source_numbers(text) for value in number.values)


def check_numbers(source: str, target: str, lang: str) -> list[Issue]:
    """Every number of the source appears in the translation with the same value (Chinese
    forms count: 6万, 上世纪20年代, 下午5点半); a number that is part of a name (COVID-19,
    G7) may be left out, which is only a warning."""
    missing = missing_numbers(source, target, chinese=is_chinese(lang))
    issues = []
    if required := [n for n in missing if not n.optional]:
        shown = ", ".join(_shown(n) for n in required)
        issues.append(
            Issue("numbers", "error", f"number(s) of the source missing or changed: {shown}")
        )
    if names := [n.text for n in missing if n.optional]:
        issues.append(
            Issue("names", "warning", f"name(s) with a number not kept: {', '.join(names)}")
        )
    return issues


def _shown(number: SourceNumber) -> str:
    return plain_number(max(number.values)) if len(number.values) == 1 else number.text


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
# Two or more dots (or a mix with …) next to Chinese: one Chinese ellipsis ……
_ELLIPSIS_NEAR_CJK = re.compile(
    rf"(?<={_CJK_SIDE})(?:\.\s?){{1,}}\.(?:\s?[.…])*|(?:\.\s?){{1,}}\.(?=\s?[{CJK}])"
    rf"|(?<={_CJK_SIDE})…(?:\s?[.…])+|。{{3,}}"
)
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
