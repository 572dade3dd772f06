"""Risk flags for machine translations: where a reviewer should look first.

An answer that passes the acceptance gate (:func:`i18npub.qa.acceptance_issues`) is
written, but it may still be weak. :func:`assess` looks at the source, the engine's raw
answer and the text as written, and returns flags with a score from 0 (nothing suspicious)
to 100; ``i18npub review`` lists machine entries by that score, worst first. The flags:

* ``latin``: English words copied into the Chinese (a phrase, or ordinary lower-case words);
  ``latin-name``: a capitalised name left in Latin letters without a Chinese rendering;
* ``length``: the translation is unusually short or long for its source (a lost clause,
  an invented one);
* ``clauses``: far fewer clauses than the source has;
* ``repetition``: a phrase repeated back to back, or a run of characters that keeps coming
  back (a decoder loop);
* ``numbers``: the translation states a number the source has not (``names``: a name with
  a number, such as COVID-19, rendered without it);
* ``typography``: the engine wrote half-width punctuation, straight quotes or ``*`` inside
  Chinese, ended a Chinese sentence with a half-width ``?`` or ``!``, or kept an English
  dash as a hyphen between Chinese characters (repaired before writing, but the mark of a
  weak engine);
* ``word-order``: English word order kept: a year without 年 (自2020开始以来), or a
  sentence that ends in a clause of one bare verb or adverb (…，特别是渡轮服务，预计。,
  an English trailing participle: "..., expected.");
* ``approximation``: a number the source states exactly made vague with 多 or 余
  (20 years → 20多年);
* ``glossary``: a glossary term not used as the glossary says.

The weights and bands were fitted on one human reference of the WMT22 news set and checked
on the other (benchmarks/mt_gate.py); a human translation rarely scores ``FLAG_AT`` or more.
The word-order, approximation, final ``?``/``!`` and dash signals flag no sentence of either
reference; each fires on few MT sentences (benchmarks/README.md says how they were chosen
and what they add on documents they were not chosen on).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import rjieba

from i18npub.article import PLACEHOLDER_RE
from i18npub.numbers import chinese_expressions, expression_values, source_numbers
from i18npub.qa import (
    CJK,
    CJK_RE,
    URL_OR_EMAIL_RE,
    fix_chinese_typography,
    is_chinese,
    source_repeats,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from i18npub.qa import Issue

FLAG_AT = 30  # a score from which an entry counts as flagged for review
WEIGHTS = {
    "latin": 40,
    "latin-name": 15,
    "length": 35,
    "clauses": 30,
    "repetition": 50,
    "numbers": 25,
    "names": 10,
    "typography": 30,
    "word-order": 30,
    "approximation": 30,
    "glossary": 40,
}
# Characters of Chinese per character of English in human news translations: the band a
# translation is expected in (fitted on reference A of WMT22 news, ~0.5th-99.5th percentile).
LENGTH_BAND = (0.17, 0.62)
_SHORT_SOURCE = 40  # shorter sources (headlines, bylines) vary too much for a length flag
_YEAR = re.compile(r"(?:19|20)\d\d")
_REPAIRS = 2  # typography repairs from which an engine's output counts as sloppy
_SAMPLE = 1000

_LATIN_WORD = re.compile(r"[A-Za-zÀ-ɏ][A-Za-zÀ-ɏ'’-]*")
_LATIN_PHRASE = re.compile(  # starts only where a word starts: linear on long texts
    r"(?<![A-Za-z0-9À-ɏ'’-])[A-Za-zÀ-ɏ][\w'’-]*(?:[ ,]+[A-Za-zÀ-ɏ][\w'’-]*){2,}"
)
_IN_BRACKETS = re.compile(r"[(（][^()（）]*[)）]")
_SOURCE_CLAUSE = re.compile(r"[,;:()]|\s[-–—]\s|[.!?](?=\s)")
_TARGET_CLAUSE = re.compile(r"[，；：（）。！？—、]")
_BACK_TO_BACK = re.compile(rf"([{CJK}]{{3,}})[，、,\s]*\1|([{CJK}]{{2}})[，、,\s]*\2[，、,\s]*\2")
# Marks no Chinese writer leaves: a name joined with *, a straight double quote or a final
# ASCII full stop next to Chinese, a dash typed as -- or as - after Chinese punctuation.
# (A spaced - between Chinese is a human habit: reference B of WMT22 writes it.)
_SLOPPY = re.compile(
    rf"[{CJK}]\*[{CJK}]|\"(?=[{CJK}])|(?<=[{CJK}，。！？])\"|(?<=[{CJK}])\.$"
    rf"|(?<=[{CJK}！？，])\s*--\s*(?=[{CJK}])|(?<=[！？，])\s*-\s*(?=[{CJK}])"
    rf"|(?<=[{CJK}])[?!]+[\"”’']?$"
)
# A hyphen glued between Chinese characters (帽子-彼此): an English dash (" - ") kept; a
# hyphenated name (道格拉斯-戴维斯 for Douglas-Davies) has its hyphen in the source too.
_GLUED_HYPHEN = re.compile(rf"[{CJK}]-(?=[{CJK}])")
_SOURCE_HYPHEN = re.compile(r"\w-(?=\w)")
# The last clause of a sentence, after its last comma: 预计 in "…，预计。".
_LAST_CLAUSE = re.compile(r"[，,]([^，,。！？!?；;：:]+)[。！？!?]?[”’\"']*$")
_BARE_TAGS = frozenset({"v", "vn", "d", "ad", "a"})  # jieba: verbs, adverbs, adjectives
# 20多年 / 6000余名: more than the number; the source then says so ("over", "some", "+").
_MADE_VAGUE = re.compile(r"\d\s*[多余]")
_SOURCE_VAGUE = re.compile(
    r"\b(?:over|more than|nearly|almost|about|around|some|roughly|approximately|at least"
    r"|upwards of|in excess of|plus|odd|up to|under|less than|fewer than|close to"
    r"|estimated|dozens|hundreds|thousands|millions)\b|\d\+",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        re.findall(r"\w+", "zero one two three four five six seven eight nine ten eleven twelve")
    )
}


@dataclass(frozen=True)
class Risk:
    """How risky one machine translation looks, and why."""

    score: int
    flags: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        return self.score >= FLAG_AT


def assess(
    source: str,
    text: str,
    lang: str = "zh_CN",
    raw: str | None = None,
    issues: Iterable[Issue] = (),
) -> Risk:
    """The risk flags of ``text``, the written translation of ``source`` (``raw``: the
    engine's answer before typography was fixed; ``issues``: the QA issues found)."""
    flags = set()
    for issue in issues:
        if issue.check in ("glossary", "names"):
            flags.add(issue.check)
    if is_chinese(lang):
        flags |= _chinese_flags(source, text, raw if raw is not None else text)
    score = min(100, sum(WEIGHTS[flag] for flag in flags))
    return Risk(score, tuple(sorted(flags)))


def _chinese_flags(source: str, text: str, raw: str) -> set[str]:
    plain = URL_OR_EMAIL_RE.sub(" ", PLACEHOLDER_RE.sub(" ", text))
    source_plain = URL_OR_EMAIL_RE.sub(" ", PLACEHOLDER_RE.sub(" ", source))
    flags = _latin_flags(source_plain, plain)
    if _length_off(source_plain, plain):
        flags.add("length")
    if _clauses_lost(source_plain, plain):
        flags.add("clauses")
    if _repeats(plain) and not source_repeats(source_plain):
        flags.add("repetition")
    if _extra_numbers(source_plain, plain):
        flags.add("numbers")
    if _sloppy(raw) or _english_dash(source_plain, raw):
        flags.add("typography")
    if _bare_last_clause(plain) or _bare_year(source_plain, plain):
        flags.add("word-order")
    if _MADE_VAGUE.search(plain) and not _SOURCE_VAGUE.search(source_plain):
        flags.add("approximation")
    return flags


def _latin_flags(source: str, text: str) -> set[str]:
    flags = set()
    outside = _IN_BRACKETS.sub(" ", text)  # 班克西 (Banksy): a name given in both scripts
    source_words = {re.sub(r"['’]s$", "", w) for w in _LATIN_WORD.findall(source)}
    for phrase in _LATIN_PHRASE.findall(outside):
        words = _LATIN_WORD.findall(phrase)
        if sum(w.islower() for w in words) >= 2:
            flags.add("latin")
    for word in _LATIN_WORD.findall(outside):
        if word not in source_words or len(word) < 3:
            continue
        if word.islower():
            flags.add("latin")  # an ordinary English word copied over
        elif not word.isupper() and not any(c.isupper() for c in word[1:]):
            flags.add("latin-name")  # Banksy, Omicron: not an acronym or a brand (iPhone)
    return flags


def _length_off(source: str, text: str) -> bool:
    if len(source) < _SHORT_SOURCE:
        return False
    ratio = len(re.sub(r"\s", "", _IN_BRACKETS.sub("", text))) / len(source)
    return not LENGTH_BAND[0] <= ratio <= LENGTH_BAND[1]


def _clauses_lost(source: str, text: str) -> bool:
    expected = len(_SOURCE_CLAUSE.findall(source))
    found = len(_TARGET_CLAUSE.findall(text))
    return expected >= 5 and found * 3 < expected


def _repeats(text: str) -> bool:
    """A phrase of 3+ characters repeated back to back, a pair repeated 3 times in a row,
    or a run of 5 characters that comes back 3 times (a decoder loop)."""
    if _BACK_TO_BACK.search(text):
        return True
    chars = re.sub(rf"[^{CJK}]", "", text)
    grams = Counter(chars[i : i + 5] for i in range(len(chars) - 4))
    return bool(grams) and max(grams.values()) >= 3


def _extra_numbers(source: str, text: str) -> bool:
    """A number in digits in the translation that the source does not state in any form."""
    expected = {v for n in source_numbers(source) for v in n.values}
    expected |= {v // 100 + 1 for v in set(expected) if 1000 <= v < 2100}  # 1880s: 19世纪
    expected |= {
        Decimal(n) for w, n in _NUMBER_WORDS.items() if re.search(rf"\b{w}\b", source, re.I)
    }
    for expression in chinese_expressions(text):
        if not re.search(r"\d", expression) or expression_values(expression) & expected:
            continue
        if max(expression_values(expression)) >= 13:
            return True
    return False


def _bare_year(source: str, text: str) -> bool:
    """A year of the source written without 年 (自2020开始以来): English word order."""
    years = {n.text for n in source_numbers(source) if not n.optional and _YEAR.fullmatch(n.text)}
    return any(re.search(rf"(?<!\d){year}(?!\d|\s?[年/-])", text) for year in years)


def _english_dash(source: str, raw: str) -> bool:
    """More hyphens glued between Chinese characters than the source has hyphenated words."""
    return len(_GLUED_HYPHEN.findall(raw)) > len(_SOURCE_HYPHEN.findall(source))


def _bare_last_clause(text: str) -> bool:
    """The sentence ends in a clause of one word, a verb, adverb or adjective, with no
    subject (…，预计。); a clause of a pronoun and a verb (…，他说。) is Chinese."""
    last = _LAST_CLAUSE.search(text)
    if not last or not CJK_RE.search(last.group(1)):
        return False
    words = [(w, tag) for w, tag in rjieba.tag(last.group(1)) if w.strip()]
    return len(words) == 1 and words[0][1] in _BARE_TAGS


def _sloppy(raw: str) -> bool:
    """The engine's own output broke Chinese typography (punctuation, quotes, ``*``) in more
    than one place."""
    if not CJK_RE.search(raw):
        return False
    if _SLOPPY.search(raw.strip()):
        return True
    raw = raw[:_SAMPLE]  # difflib is quadratic: a long answer is judged by its start
    before = re.sub(r"\s+", "", raw)
    after = re.sub(r"\s+", "", fix_chinese_typography(raw))
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    repairs = sum(op != "equal" for op, *_ in matcher.get_opcodes())
    return repairs >= _REPAIRS
