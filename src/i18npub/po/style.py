"""Wrap style detection: the layout and width that a file's own entries follow."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from i18npub.po.directives import UNPROTECTED, directive_insides
from i18npub.po.layout import gnu_lines
from i18npub.po.linebreak import text_width
from i18npub.po.model import DEFAULT_WIDTH, SNAP_INDEX, Layout, POEntry, WrapStyle
from i18npub.po.write import STRING_FIELDS, reference_lines, segments, string_lines

_LAYOUTS: tuple[Layout, ...] = ("gnu", "textwrap", "babel", "none", "single")
_WRAPPING: tuple[Layout, ...] = ("gnu", "textwrap", "babel")  # layouts with a width
_REF_LAYOUTS = ("gnu", "textwrap", "single", "each")
_ENOUGH = 40
_WIDTH_SLACK = 8  # widths tried: the longest line seen and the next few columns ...
_COMMON_WIDTHS = (79, 78, 76, 80, 77, 100, 72, 120)  # ... preferred in this order on a tie


@dataclass
class _Sample:
    """One field as the file lays it out, with what is needed to lay it out again."""

    prefix: str
    name: str
    value: str
    protected: frozenset[int]  # (for the GNU layout)
    lines: list[str]
    laid_out: dict[tuple[Layout, int], list[str]] = field(default_factory=dict)

    def layout(self, layout: Layout, width: int) -> list[str]:
        """The field laid out by ``layout`` at ``width`` (computed once: the default widths
        are tried by :func:`_informative` and again by :func:`_votes`)."""
        lines = self.laid_out.get((layout, width))
        if lines is None:
            protected = self.protected if layout == "gnu" else UNPROTECTED
            lines = string_lines(self.prefix, self.name, self.value, layout, width, protected)
            self.laid_out[(layout, width)] = lines
        return lines


def detect_style(entries: Iterable[POEntry], header: POEntry | None, hash_space: bool) -> WrapStyle:
    """The convention a file's own entries follow (GNU when nothing tells).

    ``entries``: the file's entries but the header; ``hash_space``: whether the file writes
    an empty translator comment as ``# ``.

    Every wrapped field votes for the (layout, width) pairs that reproduce it: each
    layout's default width, and for the wrapping layouts the widths from the longest line
    the file has (in display columns for GNU, code points otherwise) up a few columns, so
    ``msgcat -w 100`` or polib at ``wrapwidth=76`` is recognised too.
    """
    id_samples: list[_Sample] = []
    str_samples: list[_Sample] = []
    ref_votes = dict.fromkeys(_REF_LAYOUTS, 0)
    told = 0
    for entry in entries:
        snap = entry._snap  # (a changed entry's source still shows the layout it had)
        if entry._raw is None or snap is None:
            continue
        refs = list(snap[8])
        if told >= _ENOUGH and (sum(ref_votes.values()) >= 3 or len(refs) < 2):
            continue  # enough string evidence: only look for more #: evidence
        for name, text in segments(entry._raw):
            if name == "references" and len(refs) > 1:
                _vote_refs(refs, text, ref_votes)
            elif told >= _ENOUGH:
                continue
            elif name in STRING_FIELDS or name.startswith("msgstr"):
                sample = _sample(snap, name, text)
                if sample is not None:
                    group = str_samples if name.startswith("msgstr") else id_samples
                    group.append(sample)
                    told += _informative(sample)
    header_wrap = _header_layout(header)
    fallback: Layout = "textwrap" if header_wrap is False or hash_space else "gnu"
    kind, width = _vote_layout(id_samples or str_samples, (fallback, DEFAULT_WIDTH[fallback]))
    str_kind, str_width = _vote_layout(str_samples, (kind, width))
    refs = _winner(ref_votes, "textwrap" if kind == "textwrap" else "gnu")
    return WrapStyle(
        kind,
        width,
        None if (str_kind, str_width) == (kind, width) else str_kind,
        header_wrap if header_wrap is not None else kind == "gnu",
        refs,
        78 if refs == "textwrap" else 79,
        "# " if hash_space else "#",
        0
        if (str_kind, str_width) == (kind, width) or str_width == DEFAULT_WIDTH[str_kind]
        else str_width,
    )


def _winner(votes: dict[str, int], fallback: Any) -> Any:
    """The layout with most votes (``fallback`` if among them, else the first listed)."""
    top = max(votes.values())
    if top == 0 or votes.get(fallback) == top:
        return fallback
    return next(name for name, count in votes.items() if count == top)


def _sample(snap: tuple[Any, ...], name: str, text: str) -> _Sample | None:
    """The field as read (``snap``: the entry's snapshot) if its layout can tell
    conventions apart (long or on several lines)."""
    lines = [line.rstrip("\r") for line in text.split("\n")[:-1]]
    if len(lines) < 2 and len(lines[0]) < 70:
        return None
    prefix = "#~ " if snap[12] else ""
    if name.startswith("msgstr["):
        value = dict(snap[4]).get(int(name[7:-1]))
    else:
        value = snap[SNAP_INDEX[name]]
    if value is None:
        return None
    flags = list(snap[5])
    protected = (
        directive_insides(value, flags, name.startswith("msgstr")) if "%" in value else UNPROTECTED
    )
    return _Sample(prefix, name, value, protected, lines)


def _informative(sample: _Sample) -> int:
    """1 if the layouts at their default widths disagree on this field."""
    first = None
    for layout in _LAYOUTS:
        lines = sample.layout(layout, DEFAULT_WIDTH[layout])
        if first is None:
            first = lines
        elif lines != first:
            return 1
    return 0


def _vote_layout(samples: list[_Sample], fallback: tuple[Layout, int]) -> tuple[Layout, int]:
    """The (layout, width) reproducing most samples; ``fallback`` when it ties.

    The default widths are tried first; other widths only when none of them reproduces
    every sample (most files take the first step only).
    """
    if not samples:
        return fallback
    candidates: list[tuple[Layout, int]] = [fallback]
    candidates += [(layout, DEFAULT_WIDTH[layout]) for layout in _LAYOUTS]
    votes = _votes(samples, list(dict.fromkeys(candidates)))
    if max(votes.values()) < len(samples):
        longest = dict.fromkeys(_WRAPPING, 0)
        for sample in samples:
            for line in sample.lines[1:]:
                longest["gnu"] = max(longest["gnu"], text_width(line))
                longest["textwrap"] = max(longest["textwrap"], len(line))
        longest["babel"] = longest["textwrap"]
        wider = [
            (layout, longest[layout] + d)
            for layout in _WRAPPING
            if longest[layout]
            for d in range(_WIDTH_SLACK)
            if (layout, longest[layout] + d) not in votes
        ]
        votes |= _votes(samples, wider)
    top = max(votes.values())
    if top == 0 or votes[fallback] == top:
        return fallback
    tied = [candidate for candidate, count in votes.items() if count == top]
    rank = {width: i for i, width in enumerate(_COMMON_WIDTHS)}
    return min(tied, key=lambda c: (rank.get(c[1], len(rank)), tied.index(c)))


def _votes(
    samples: list[_Sample], candidates: list[tuple[Layout, int]]
) -> dict[tuple[Layout, int], int]:
    """How many samples each (layout, width) reproduces."""
    votes = dict.fromkeys(candidates, 0)
    for layout, width in candidates:
        for sample in samples:
            votes[(layout, width)] += sample.layout(layout, width) == sample.lines
    return votes


def _vote_refs(refs: list[str], text: str, votes: dict[str, int]) -> None:
    lines = [line.rstrip("\r") for line in text.split("\n")[:-1]]
    for layout in votes:
        width = 78 if layout == "textwrap" else 79
        if reference_lines(refs, WrapStyle(refs=layout, ref_width=width)) == lines:  # type: ignore[arg-type]
            votes[layout] += 1


def _header_layout(header: POEntry | None) -> bool | None:
    """True if the header msgstr is GNU-wrapped, False if one field per line, else None."""
    if header is None or header._raw is None:
        return None
    for name, text in segments(header._raw):
        if name == "msgstr":
            lines = [line.rstrip("\r") for line in text.split("\n")[:-1]]
            wrapped = gnu_lines("", "msgstr", header.msgstr, 79, frozenset())
            unwrapped = gnu_lines("", "msgstr", header.msgstr, 1 << 30, frozenset())
            if wrapped == unwrapped:
                return None
            if lines == wrapped:
                return True
            if lines == unwrapped:
                return False
    return None
