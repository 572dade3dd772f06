"""Placeholder protection and chunking: what an engine sees of a sentence, and how an answer
comes back.

Placeholders (``<1>…</1>``, ``<2/>``), URLs, e-mail addresses and glossary terms become tokens
``[X1X]`` before translation (numbers too with ``protect_numbers``); every token must come back
exactly once, or :func:`restore` raises :class:`PlaceholderMismatch`. Texts longer than an
engine's limit are cut at sentence, clause or word boundaries (:func:`split_text`), never inside
a token, and the translated pieces joined as the target language writes (:func:`join_pieces`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from i18npub.article import PLACEHOLDER_RE
from i18npub.errors import I18npubError
from i18npub.numbers import chinese_form
from i18npub.qa import URL_OR_EMAIL_RE

if TYPE_CHECKING:
    from i18npub.glossary import Hit

# Placeholder protection ------------------------------------------------------

TOKEN_RE = re.compile(r"[\[［【]\s*[Xx]\s*(\d{1,6})\s*[Xx]\s*[\]］】]")  # 30k numbers: 5 digits
_NUMBER_RE = re.compile(r"(?<![\w.,:/-])\d+(?:[.,:]\d+)*(?!\w|[.,:]\d)")
# A number before a scale word stays in clear: "1.2 million" must be able to become "120万".
_SCALE_WORD_RE = re.compile(r"\s+(?:thousand|million|billion|trillion|bn)\b", re.I)


class PlaceholderMismatch(I18npubError, ValueError):
    """An engine's answer lost, duplicated or invented tokens."""


@dataclass(frozen=True)
class Protected:
    """A segment as engines see it, and what each token ``[Xn X]`` becomes in the answer."""

    text: str
    replacements: tuple[str, ...] = ()


def token(number: int) -> str:
    return f"[X{number}X]"


def protect(
    text: str, hits: Sequence[Hit] = (), numbers: bool = False, chinese: bool = False
) -> Protected:
    """Replace placeholders, URLs, e-mails, glossary terms and (optionally) numbers by tokens.

    A must-use glossary term's token comes back as the term's translation; a number comes
    back as Chinese writes it when ``chinese`` (``6,000`` → ``6000``); everything else comes
    back as it was. Numbers travel in clear by default: an engine must be free to write
    ``60,000`` as ``6万``, and the number check verifies the values.
    """
    pieces: list[str] = []
    replacements: list[str] = []
    position = 0
    for start, end, replacement in _protected_spans(text, hits, numbers, chinese):
        replacements.append(replacement)
        pieces += [text[position:start], token(len(replacements))]
        position = end
    pieces.append(text[position:])
    return Protected("".join(pieces), tuple(replacements))


def _protected_spans(
    text: str, hits: Sequence[Hit], numbers: bool, chinese: bool = False
) -> list[tuple[int, int, str]]:
    """Non-overlapping spans to protect; earlier kinds win over later ones."""
    candidates = [
        (m.start(), m.end(), m.group(0))
        for pattern in (TOKEN_RE, PLACEHOLDER_RE, URL_OR_EMAIL_RE)
        for m in pattern.finditer(text)
    ]
    candidates += [
        (hit.start, hit.end, text[hit.start : hit.end] if hit.term.keep else hit.term.translation)
        for hit in hits
    ]
    if numbers:
        candidates += [
            (m.start(), m.end(), chinese_form(m.group(0)) if chinese else m.group(0))
            for m in _NUMBER_RE.finditer(text)
            if not _SCALE_WORD_RE.match(text, m.end())
        ]
    taken: list[tuple[int, int, str]] = []  # sorted, non-overlapping: bisect, not a scan
    starts: list[int] = []
    for span in candidates:
        i = bisect.bisect_right(starts, span[0])
        if (i and taken[i - 1][1] > span[0]) or (i < len(starts) and starts[i] < span[1]):
            continue
        starts.insert(i, span[0])
        taken.insert(i, span)
    return taken


def restore(answer: str, protected: Protected) -> str:
    """Put back what the tokens stand for; raise PlaceholderMismatch if any is not there once."""
    found = [int(m.group(1)) for m in TOKEN_RE.finditer(answer)]
    expected = list(range(1, len(protected.replacements) + 1))
    if sorted(found) != expected:
        missing = [protected.replacements[n - 1] for n in expected if n not in found]
        extra = sorted({n for n in found if found.count(n) > 1 or n not in expected})
        problems = []
        if missing:
            problems.append("dropped " + " ".join(missing))
        if extra:
            problems.append("extra " + " ".join(token(n) for n in extra))
        raise PlaceholderMismatch("; ".join(problems))
    return TOKEN_RE.sub(lambda m: protected.replacements[int(m.group(1)) - 1], answer)


# Chunking --------------------------------------------------------------------

_CUT_PATTERNS = (
    re.compile(r"(?<=[.!?])[\"'”’)]*\s+"),  # after a sentence
    re.compile(r"(?<=[,;:])\s+"),  # after a clause
    re.compile(r"\s+"),  # between words
)


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at sentence, clause or word boundaries,
    never inside a token."""
    pieces: list[str] = []
    while len(text) > limit:
        end, next_start = _cut(text, limit)
        pieces.append(text[:end].rstrip())
        text = text[next_start:].lstrip()
    pieces.append(text)
    return [piece for piece in pieces if piece]


def _cut(text: str, limit: int) -> tuple[int, int]:
    tokens = [(m.start(), m.end()) for m in TOKEN_RE.finditer(text)]

    def inside(position: int) -> bool:
        return any(start < position < end for start, end in tokens)

    for pattern in _CUT_PATTERNS:
        cuts = [
            m
            for m in pattern.finditer(text, 0, limit + 1)
            if 0 < m.start() <= limit and not inside(m.start())
        ]
        if cuts:
            return cuts[-1].start(), cuts[-1].end()
    end = limit
    for start, stop in tokens:
        if start < end < stop:
            end = start
    end = end or limit  # a token longer than the limit: cut through it
    return end, end


def join_pieces(translations: Sequence[str], sources: Sequence[str], target: str) -> str:
    """Translations of the pieces of one text, joined as the target language writes."""
    if target.lower().split("_")[0].split("-")[0] not in ("zh", "ja"):
        return " ".join(t.strip() for t in translations)
    joined = []
    for index, (translation, source) in enumerate(zip(translations, sources, strict=True)):
        translation = translation.strip()
        last = index == len(translations) - 1
        if (
            not last
            and translation.endswith("。")
            and not source.rstrip().endswith((".", "!", "?"))
        ):
            translation = translation[:-1] + "，"
        joined.append(translation)
    return "".join(joined)
