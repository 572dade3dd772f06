"""Is a source written in the project's source language? A cheap check before segmenting.

Two signals, both linear in a bounded sample of the text:

* the writing system: text mostly in Han, kana, Hangul or Thai letters (scripts written
  without spaces between words) is named by its script;
* stop words: the share of the words that are among a language's 100 most frequent ones,
  for the 100 languages whose frequency-ordered stop lists jusText ships (read from its
  package data; jusText itself is not imported). English news scores 0.30-0.55 for English
  (median 0.42 on the shared corpus), lists that share words with English (Sundanese,
  Tagalog) up to 0.25; the corpus's German page scores 0.40 for German, 0.03 for English.

About 0.3 ms of CPU per news article, a few times the cost of splitting it into sentences.

A source is refused only when another language clearly wins (see :func:`foreign_language`),
so short or mixed texts — a headline, a list of names, code — always pass.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SAMPLE_CHARS = 10_000  # some 1,500 words: a stable share; a 10 MB source costs no more
MIN_WORDS = 30  # fewer words than this: no verdict
TOP_WORDS = 100  # per language, from the frequency-ordered lists
MIN_SHARE = 0.2  # the winner must cover this share of the words...
MARGIN = 2.0  # ...and this many times the expected language's share
MIN_DISTINCT = 10  # ...with at least this many different stop words of that language
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
ALIASES = {"Simple_English"}  # a second English list: left out
# Scripts written without spaces: words cannot be counted, the script names the language.
UNSPACED_SCRIPTS = {
    "Chinese": re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"),
    "Japanese": re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]"),  # kana
    "Korean": re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]"),
    "Thai": re.compile("[\u0e00-\u0e7f]"),
}
_UNSPACED_RE = re.compile("|".join(p.pattern for p in UNSPACED_SCRIPTS.values()))
_LETTER_RE = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Guess:
    """The language a text looks most like, and how strongly."""

    name: str  # English name, e.g. "German"
    share: float  # of the words (or letters, for unspaced scripts) that point to it
    expected_share: float = 0.0  # the same measure for the expected language
    basis: str = "words"  # or "letters", for scripts written without spaces

    def describe(self, expected: str) -> str:
        """``looks like German, not English (39% of its words are common German words…)``."""
        if self.basis == "letters":
            detail = f"{self.share:.0%} of its letters are in {self.name} script"
        else:
            detail = (
                f"{self.share:.0%} of its words are common {self.name} words,"
                f" {self.expected_share:.0%} common {expected} ones"
            )
        return f"looks like {self.name}, not {expected} ({detail})"


def foreign_language(text: str, expected: str = "en") -> Guess | None:
    """The language ``text`` is clearly written in, if that is not ``expected`` (a code such
    as ``en``); None when it is, or when the text is too short or mixed to tell."""
    expected_name = language_name(expected)
    sample = text[:SAMPLE_CHARS]
    script = _unspaced_script(sample)
    if script is not None:
        return script if script.name != expected_name else None
    lists = stop_lists()
    if expected_name not in lists:
        return None  # no list to compare with: never refuse
    counts = Counter(_WORD_RE.findall(sample.lower()))
    total = sum(counts.values())
    if total < MIN_WORDS:
        return None
    hits: dict[str, int] = dict.fromkeys(lists, 0)
    index = _stop_index()
    for word, count in counts.items():
        for name in index.get(word, ()):
            hits[name] += count
    best = max(hits, key=hits.__getitem__)
    share, mine = hits[best] / total, hits[expected_name] / total
    if best == expected_name or share < MIN_SHARE or share < MARGIN * mine:
        return None
    if len(lists[best].intersection(counts)) < MIN_DISTINCT:  # "word word word…" is no language
        return None
    return Guess(best.replace("_", " "), share, mine)


def _unspaced_script(sample: str) -> Guess | None:
    """A Han/kana/Hangul/Thai majority among the letters, named as a language."""
    if len(_UNSPACED_RE.findall(sample)) < MIN_WORDS:  # most texts stop here, cheaply
        return None
    letters = len(_LETTER_RE.findall(sample))
    counts = {name: len(pattern.findall(sample)) for name, pattern in UNSPACED_SCRIPTS.items()}
    unspaced = sum(counts.values())
    if unspaced < letters / 2:
        return None
    if counts["Japanese"] * 10 >= unspaced:  # Japanese mixes kanji (Han) with kana
        return Guess("Japanese", unspaced / letters, basis="letters")
    name = max(counts, key=counts.__getitem__)
    return Guess(name, unspaced / letters, basis="letters")


@cache
def language_name(code: str) -> str:
    """``en`` → ``English``, ``pt_BR`` → ``Portuguese`` (the names of jusText's lists)."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code.replace("-", "_")).get_language_name("en") or code
    except (ValueError, UnknownLocaleError):
        return code


@cache
def _stop_index() -> dict[str, tuple[str, ...]]:
    """Each stop word → the languages whose lists hold it (one look-up per distinct word)."""
    index: dict[str, list[str]] = {}
    for name, words in stop_lists().items():
        for word in words:
            index.setdefault(word, []).append(name)
    return {word: tuple(names) for word, names in index.items()}


@cache
def stop_lists() -> dict[str, frozenset[str]]:
    """Each language's most frequent words, lower-cased (empty if jusText is missing)."""
    spec = importlib.util.find_spec("justext")
    if spec is None or not spec.submodule_search_locations:
        return {}
    folder = Path(next(iter(spec.submodule_search_locations))) / "stoplists"
    lists: dict[str, frozenset[str]] = {}
    for path in sorted(folder.glob("*.txt")):
        if path.stem in ALIASES:
            continue
        words: dict[str, None] = {}
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                word = line.strip().lower()
                if word:
                    words.setdefault(word)
                if len(words) == TOP_WORDS:
                    break
        lists[path.stem] = frozenset(words)
    return lists
