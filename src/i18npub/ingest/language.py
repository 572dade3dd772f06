"""Is a source written in the project's source language? A cheap check before segmenting.

Two signals, both linear in a bounded sample of the text:

* the writing system: text mostly in Han, kana, Hangul or Thai letters (scripts written
  without spaces between words) is named by its script;
* stop words: the share of the words that are among a language's 100 most frequent ones,
  for the 100 languages whose frequency-ordered stop lists jusText ships (read from its
  package data; jusText itself is not imported). English news scores about 0.4 for English
  and under 0.15 for any other language; a German page scores the other way round.

A source is refused only when another language clearly wins (see :func:`foreign_language`),
so short or mixed texts — a headline, a list of names, code — always pass.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SAMPLE_CHARS = 30_000  # enough words for a stable share; keeps a 10 MB source cheap
MIN_WORDS = 30  # fewer words than this: no verdict
TOP_WORDS = 100  # per language, from the frequency-ordered lists
MIN_SHARE = 0.2  # the winner must cover this share of the words...
MARGIN = 2.0  # ...and this many times the expected language's share
MIN_DISTINCT = 10  # ...with at least this many different stop words of that language
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
ALIASES = {"Simple_English"}  # a second English list: left out
# Scripts written without spaces: words cannot be counted, the script names the language.
UNSPACED_SCRIPTS = {
    "CJK": "Chinese",
    "HIRAGANA": "Japanese",
    "KATAKANA": "Japanese",
    "HANGUL": "Korean",
    "THAI": "Thai",
}


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
    words = [word.lower() for word in _WORD_RE.findall(sample)]
    if len(words) < MIN_WORDS:
        return None
    shares = {name: sum(w in stop for w in words) / len(words) for name, stop in lists.items()}
    best = max(shares, key=shares.__getitem__)
    mine = shares[expected_name]
    if best == expected_name or shares[best] < MIN_SHARE or shares[best] < MARGIN * mine:
        return None
    if len(lists[best].intersection(words)) < MIN_DISTINCT:  # "word word word…" is no language
        return None
    return Guess(best.replace("_", " "), shares[best], mine)


def _unspaced_script(sample: str) -> Guess | None:
    """A Han/kana/Hangul/Thai majority among the letters, named as a language."""
    counts: dict[str, int] = {}
    letters = 0
    for char in sample:
        if not char.isalpha():
            continue
        letters += 1
        script = unicodedata.name(char, "").split(" ", 1)[0]
        if script in UNSPACED_SCRIPTS:
            counts[script] = counts.get(script, 0) + 1
    unspaced = sum(counts.values())
    if letters < MIN_WORDS or unspaced < letters / 2:
        return None
    kana = counts.get("HIRAGANA", 0) + counts.get("KATAKANA", 0)
    if kana * 10 >= unspaced:  # Japanese mixes kanji (CJK) with kana
        return Guess("Japanese", unspaced / letters, basis="letters")
    script = max(counts, key=counts.__getitem__)
    return Guess(UNSPACED_SCRIPTS[script], unspaced / letters, basis="letters")


def language_name(code: str) -> str:
    """``en`` → ``English``, ``pt_BR`` → ``Portuguese`` (the names of jusText's lists)."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code.replace("-", "_")).get_language_name("en") or code
    except (ValueError, UnknownLocaleError):
        return code


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
