"""Line breaks only between Chinese words, for headings.

Browsers break Chinese text between any two ideographs, so a heading can wrap inside a word
(老港至灯笼岛太 / 阳能渡轮). For headings we find the word boundaries where two dictionaries agree:
ICU's word breaker (the segmentation of the browser's ``Intl.Segmenter``; it splits 太阳能 as
太阳|能) and jieba's (``rjieba``; it splits 走出去 as 走|出去). A ``<wbr>`` goes at each, and
the stylesheet sets ``word-break: keep-all`` on them: lines then break only at those points,
at spaces and after punctuation (a word wider than the line still wraps, by ``overflow-wrap``).
A number stays with the unit or date word after it (``2021年``).

>>> str(word_breaks(Markup("太阳能渡轮航线开通")))
'太阳能<wbr>渡轮<wbr>航线<wbr>开通'
"""

from __future__ import annotations

import html
import itertools
import re
from functools import lru_cache

from markupsafe import Markup, escape

_TAG_RE = re.compile(r"(<[^>]*>)")
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
# Measure words and units that belong to the number before them.
_UNIT_START = frozenset("年月日号時时分秒万萬亿億元角岁歲周倍%％个個名位件项項次人吨噸米公千百")
_WBR = "<wbr>"


def word_breaks(markup: Markup | str, locale: str = "zh") -> Markup:
    """``markup`` (safe HTML) with ``<wbr>`` between the Chinese words of its text."""
    parts = _TAG_RE.split(str(markup if isinstance(markup, Markup) else escape(markup)))
    out = []
    for part in parts:
        if part.startswith("<") or not _HAN_RE.search(part):
            out.append(part)
            continue
        text = html.unescape(part)
        out.append(_WBR.join(str(escape(word)) for word in words(text, locale)))
    return Markup("".join(out))


def words(text: str, locale: str = "zh") -> list[str]:
    """``text`` cut where a line may break: between Chinese words, numbers kept with units."""
    pieces: list[str] = []
    for word in _segments(text, locale):
        if pieces and _joins(pieces[-1], word):
            pieces[-1] += word
        else:
            pieces.append(word)
    return pieces


def _joins(before: str, after: str) -> bool:
    """No ``<wbr>`` here: only between letters with a Chinese one on either side (next to
    punctuation or spaces the browser's own rules apply), and never between a number and
    its unit."""
    last, first = before[-1], after[0]
    if not (last.isalnum() and first.isalnum()):
        return True
    if not (_HAN_RE.match(last) or _HAN_RE.match(first)):
        return True
    return last.isdigit() and first in _UNIT_START


@lru_cache(maxsize=4096)
def _segments(text: str, locale: str) -> tuple[str, ...]:
    """``text`` cut at the word boundaries that ICU and jieba share."""
    import rjieba
    from icu4py.breakers import WordBreaker

    units = _utf16_offsets(text)
    icu = {units.get(end, len(text)) for _, end in WordBreaker(text, locale).segments()}
    cuts, position = [0], 0
    for word in rjieba.cut(text):
        position += len(word)
        if position in icu:
            cuts.append(position)
    if cuts[-1] != len(text):
        cuts.append(len(text))
    return tuple(text[a:b] for a, b in itertools.pairwise(cuts) if b > a)


def _utf16_offsets(text: str) -> dict[int, int]:
    """ICU's UTF-16 offsets → Python string indexes."""
    offsets, unit = {0: 0}, 0
    for index, char in enumerate(text, start=1):
        unit += 2 if ord(char) > 0xFFFF else 1
        offsets[unit] = index
    return offsets
