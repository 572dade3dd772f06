"""Readers' threads: comments under names that say nothing look like prose, but their shape
gives them away — sibling posts built alike, each with a short header saying when it was
posted and a footer of action links ("Reply", "Like", "Report")."""

from __future__ import annotations

from i18npub.ingest.html.vocabulary import (
    POST_ACTIONS,
    POST_META_WORDS,
    POST_TIME_RE,
    THREAD_POSTS,
    WORD_RE,
)
from i18npub.ingest.html.walk import Piece, Walker


def mark_threads(walker: Walker) -> None:
    """Mark as page chrome the pieces of every run of at least ``THREAD_POSTS`` sibling
    posts; an article's own sections have no action footers."""
    spans = {element: (start, end) for element, start, end, _, _ in walker.containers}
    for element, _, _, _, _ in walker.containers:
        run: list[tuple[int, int]] = []
        signature: tuple[str, str] | None = None
        for child in element:
            span = spans.get(child)
            post = span is not None and _is_post(walker.pieces[span[0] : span[1]])
            mine = (str(child.tag), child.get("class") or "") if post else None
            if span is None or not post or mine != signature:
                _mark(walker, run)
                run, signature = [], mine
            if post and span is not None:
                run.append(span)
        _mark(walker, run)


def _mark(walker: Walker, run: list[tuple[int, int]]) -> None:
    if len(run) >= THREAD_POSTS:
        for piece in walker.pieces[run[0][0] : run[-1][1]]:
            piece.junk = 2


def _is_post(pieces: list[Piece]) -> bool:
    return (
        any(piece.prose for piece in pieces)
        and any(_header(piece) for piece in pieces)
        and any(_actions(piece) for piece in pieces)
    )


def _header(piece: Piece) -> bool:
    return (
        piece.words + piece.link_words <= POST_META_WORDS
        and POST_TIME_RE.search(piece.plain) is not None
    )


def _actions(piece: Piece) -> bool:
    """A short line (links or buttons) that is mostly what a reader can do with a post."""
    words = [word for word in WORD_RE.findall(piece.plain.lower()) if not word.isdigit()]
    short = piece.words + piece.link_words <= POST_META_WORDS
    return short and bool(words) and 2 * sum(word in POST_ACTIONS for word in words) >= len(words)
