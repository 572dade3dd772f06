"""Choose the article: mark the pieces inside chrome-named containers, score every
container by its prose, cut a small tail after the last ``<hr>``, then classify."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from i18npub.ingest.html.classify import classify, dedupe, link_only
from i18npub.ingest.html.parse import norm
from i18npub.ingest.html.thread import mark_threads
from i18npub.ingest.html.vocabulary import (
    INSIDE_COST,
    SMALL_GAP,
    TAIL_SHARE,
    TEASER_WEIGHT,
    TITLE_BONUS,
    TITLE_GAP,
    WRAPPER_SHARE,
)
from i18npub.ingest.html.walk import Piece, Walker


@dataclass
class Found:
    """The pieces of the chosen container, and those of them kept as the article."""

    chosen: list[Piece]
    kept: list[Piece]


def extract(body: etree._Element, base: str, title: str, names: bool) -> Found:
    """Walk the body and select the article; ``names``: trust class and id names."""
    walker = Walker(names)
    walker.walk_page(body)
    if not walker.pieces:
        return Found([], [])
    _mark_junk(walker)
    mark_threads(walker)
    start, end = _best_container(walker, title)
    end = _cut_after_rule(walker, start, end)
    chosen = walker.pieces[start:end]
    classify(chosen, title)
    return Found(chosen, dedupe([piece for piece in chosen if piece.keep > 0]))


def _mark_junk(walker: Walker) -> None:
    """Flag the pieces inside chrome-named containers, unless one wraps most of the prose."""
    pieces = walker.pieces
    prose = _prefix([max(piece.value(), 0.0) for piece in pieces])
    total = prose[-1] or 1.0
    strong = [0] * (len(pieces) + 1)
    weak = [0] * (len(pieces) + 1)
    for _, start, end, junk, _ in walker.containers:
        if junk and (prose[end] - prose[start]) / total < WRAPPER_SHARE:
            marks = strong if junk > 1 else weak
            marks[start] += 1
            marks[end] -= 1
    strong_depth = weak_depth = 0
    for index, piece in enumerate(pieces):
        strong_depth += strong[index]
        weak_depth += weak[index]
        piece.junk = 2 if strong_depth > 0 else 1 if weak_depth > 0 else 0


def _prefix(values: list[float]) -> list[float]:
    sums = [0.0]
    for value in values:
        sums.append(sums[-1] + value)
    return sums


def _best_container(walker: Walker, title: str) -> tuple[int, int]:
    """The piece range of the container with the highest prose score.

    A small gap of links and fragments between two prose blocks (an inline "related" box)
    costs less than the links around a container (menus, link lists, sidebars). Article
    markup adds to the score, and so does starting at or right after the headline.
    """
    pieces = walker.pieces
    values = _values(pieces)
    sums = _prefix(values)
    refunds = _prefix(_gap_refunds(values))
    first_after, last_before = _prose_bounds(values)
    key = norm(title).lower()
    anchor = next((i for i, piece in enumerate(pieces) if piece.plain.lower() == key), -1)
    best, best_range = float("-inf"), (0, len(pieces))
    for _, start, end, _, bonus in walker.containers:  # inner elements come first
        score = sums[end] - sums[start]
        first, last = first_after[start], last_before[end]
        if first < last:
            score += refunds[last] - refunds[first]
        if key and anchor >= 0 and anchor - 2 <= start <= anchor + TITLE_GAP:
            bonus += TITLE_BONUS
        if score > 0:
            score *= 1 + bonus
        if score > best:
            best, best_range = score, (start, end)
    return best_range


def _gap_refunds(values: list[float]) -> list[float]:
    """What to give back of each cost inside a small gap between two prose pieces."""
    refunds = [0.0] * len(values)
    previous = -1  # the last prose piece
    for index, value in enumerate(values):
        if value <= 0:
            continue
        gap = range(previous + 1, index)
        if previous >= 0 and -sum(values[i] for i in gap) <= SMALL_GAP:
            for i in gap:
                refunds[i] = -values[i] * (1 - INSIDE_COST)
        previous = index
    return refunds


def _prose_bounds(values: list[float]) -> tuple[list[int], list[int]]:
    """For each index i: the first prose piece at or after i, and the end of the last one
    before i; len(values) and 0 when there is none."""
    count = len(values)
    first_after = [count] * (count + 1)
    for index in range(count - 1, -1, -1):
        first_after[index] = index if values[index] > 0 else first_after[index + 1]
    last_before = [0] * (count + 1)
    for index in range(1, count + 1):
        last_before[index] = index if values[index - 1] > 0 else last_before[index - 1]
    return first_after, last_before


def _values(pieces: list[Piece]) -> list[float]:
    """Each piece's value; prose right after a link-only block (a teaser under its linked
    headline) counts for little."""
    values = []
    after_link = False
    for piece in pieces:
        value = piece.value()
        if after_link and value > 0:
            value *= TEASER_WEIGHT
        values.append(value)
        after_link = link_only(piece)
    return values


def _cut_after_rule(walker: Walker, start: int, end: int) -> int:
    """End the article at its last ``<hr>`` when only a small tail follows (an "about us"
    box, a disclaimer, more stories)."""
    rules = [index for index in walker.rules if start < index < end]
    if not rules:
        return end
    words = [piece.words for piece in walker.pieces[start:end]]
    tail = sum(words[rules[-1] - start :])
    return rules[-1] if tail < TAIL_SHARE * sum(words) else end
