"""Keep or drop each piece of the chosen container, much as jusText does: long link-poor
blocks are good, link lists and boilerplate bad, short blocks take their neighbours' side."""

from __future__ import annotations

from i18npub.ingest.html.metadata import parse_date
from i18npub.ingest.html.parse import norm
from i18npub.ingest.html.vocabulary import (
    BAD_LINK_DENSITY,
    BOILERPLATE_RE,
    BYLINE_START_RE,
    CTA_RE,
    CTA_START_RE,
    GOOD_LINK_DENSITY,
    GOOD_WORDS,
    RETRY_WORDS,
    SENTENCE_ENDS,
)
from i18npub.ingest.html.walk import Piece


def classify(pieces: list[Piece], title: str) -> None:
    """Mark each piece kept (1) or dropped (-1), jusText-style with neighbour context."""
    title_key = norm(title).lower()
    after_link = False
    for piece in pieces:
        teaser, after_link = after_link, link_only(piece)
        if piece.kind == "code":
            piece.keep = 1
        elif piece.kind == "caption":
            continue
        elif (
            piece.junk > 1
            or piece.plain.lower() == title_key
            or piece.link_density > BAD_LINK_DENSITY
            or _boilerplate(piece)
        ):
            piece.keep = -1
        elif piece.prose and not piece.junk and not teaser:  # teasers go by their neighbours
            piece.keep = 1
    _classify_lists(pieces)
    initial = [piece.keep for piece in pieces]
    good = [index for index, keep in enumerate(initial) if keep > 0]
    if not good:
        _keep_short_text(pieces)
        return
    last = good[-1]
    for index, piece in enumerate(pieces):
        if piece.keep:
            continue
        if piece.kind == "caption":
            piece.keep = 1 if _good_caption(piece) else -1
            continue
        before = _neighbour(initial, index, -1)
        after = _neighbour(initial, index, 1)
        if before > 0 and after > 0:
            piece.keep = 1
        elif piece.kind == "heading" and index > last:
            piece.keep = -1
        else:
            piece.keep = 1 if (before > 0 or after > 0) and _sentence_like(piece) else -1


def _keep_short_text(pieces: list[Piece]) -> None:
    """With no prose block at all, keep the plain short blocks if they add up to prose."""
    plain = [
        piece
        for piece in pieces
        if not piece.keep and not piece.junk and piece.kind not in ("caption", "heading")
    ]
    if sum(piece.words for piece in plain) >= RETRY_WORDS:
        for piece in plain:
            piece.keep = 1


def _boilerplate(piece: Piece) -> bool:
    """A short block of site chrome: "Advertisement", a call to action, a byline."""
    text = piece.plain
    if BOILERPLATE_RE.match(text):
        return True
    if piece.words + piece.link_words >= 2 * GOOD_WORDS:
        return False
    if CTA_RE.search(text) or CTA_START_RE.match(text):
        return True
    return bool(BYLINE_START_RE.match(text)) and (piece.words <= 10 or bool(parse_date(text)))


def _good_caption(piece: Piece) -> bool:
    """A caption worth keeping: a few words, not a link list or a gallery button."""
    return (
        piece.junk < 2
        and piece.words >= 3
        and piece.link_density <= BAD_LINK_DENSITY
        and not BOILERPLATE_RE.match(piece.plain)
    )


def _classify_lists(pieces: list[Piece]) -> None:
    """The short items of a list that, taken whole, reads as prose are good together."""
    groups: dict[int, list[Piece]] = {}
    for piece in pieces:
        if piece.group and not piece.keep and not piece.junk:
            groups.setdefault(piece.group, []).append(piece)
    for items in groups.values():
        words = sum(item.words for item in items)
        links = sum(item.link_words for item in items)
        if words >= GOOD_WORDS and links <= GOOD_LINK_DENSITY * (words + links):
            for item in items:
                item.keep = 1


def _sentence_like(piece: Piece) -> bool:
    """A short block that reads like a sentence: several words, closing punctuation."""
    return piece.words >= 4 and piece.link_density < 0.3 and piece.plain.endswith(SENTENCE_ENDS)


def _neighbour(decisions: list[int], index: int, step: int) -> int:
    """The first decision in direction ``step`` from ``index`` (0 at an edge)."""
    index += step
    while 0 <= index < len(decisions):
        if decisions[index]:
            return decisions[index]
        index += step
    return 0


def dedupe(pieces: list[Piece]) -> list[Piece]:
    """Drop repeats of blocks of five words or more (pull quotes, doubled captions)."""
    seen: set[str] = set()
    kept = []
    for piece in pieces:
        if piece.words + piece.link_words >= 5:
            key = piece.code or piece.plain
            if key in seen:
                continue
            seen.add(key)
        kept.append(piece)
    return kept


def link_only(piece: Piece) -> bool:
    """A linked headline or line outside a list (what a teaser hangs from)."""
    return piece.link_words >= 2 and piece.words <= 1 and not piece.group
