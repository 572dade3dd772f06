"""Edits written in the catalog's own layout, whichever tool and width laid it out.

Each test generates a catalog (invented English and Chinese, long Chinese runs without
spaces, URLs), lays it out with the real tool (GNU msgcat at a width, polib at a
``wrapwidth``, Babel's ``write_po``), edits entries through ``i18npub.po`` and compares
each edited entry with what that tool writes for the same edit.
"""

from __future__ import annotations

import io
import random
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from i18npub.po import POEntry, WrapStyle, new_po, parse_po
from tests.support.require import require_tool

TEXT = (
    "the council said on Monday that its new harbour plan would cost more than expected "
    "because engineers found older foundations under the pier, and residents asked for a "
    "public hearing before any contract is signed"
)
WORDS = TEXT.split()
HANZI = (
    "市议会周一表示新的港口计划费用将超出预期因为工程师在码头下发现了更古老的地基居民要求举行听证会"
)
PUNCT = "，。；：、"


def _english(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _chinese(rng: random.Random, chars: int, punctuation: bool = True) -> str:
    out = []
    for i in range(chars):
        out.append(rng.choice(HANZI))
        if punctuation and i % 9 == 8:
            out.append(rng.choice(PUNCT))
    return "".join(out) + "。"


def _catalog(seed: int) -> bytes:
    """A catalog of 40 entries in no particular layout (unwrapped)."""
    rng = random.Random(seed)
    parts = [
        'msgid ""\nmsgstr ""\n"Project-Id-Version: test 1.0\\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: zh_CN\\n"\n'
    ]
    for n in range(40):
        msgid = _english(rng, rng.randint(3, 40))
        kind = n % 4
        if kind == 0:
            msgstr = _chinese(rng, rng.randint(5, 90))
        elif kind == 1:  # a long run without spaces or punctuation
            msgstr = _chinese(rng, rng.randint(40, 120), punctuation=False)
        elif kind == 2:
            url = f"https://example.org/docs/{n}/guide-to-the-harbour-plan.html"
            msgstr = f"{_chinese(rng, 30)} 详见 {url} 。"
        else:
            msgstr = f"{_chinese(rng, 20)} {_english(rng, 12)} {_chinese(rng, 25)}"
        parts.append(f'#: src/harbour.py:{n + 1}\nmsgid "{msgid}"\nmsgstr "{msgstr}"\n')
    return "\n".join(parts).encode("utf-8")


def _msgcat(*options: str) -> Callable[[bytes], bytes]:
    def run(data: bytes) -> bytes:
        tool = require_tool("msgcat")
        return subprocess.run(
            [tool, *options, "-"], input=data, capture_output=True, check=True
        ).stdout

    return run


def _polib(width: int) -> Callable[[bytes], bytes]:
    def run(data: bytes) -> bytes:
        import polib

        return polib.pofile(data.decode("utf-8"), wrapwidth=width).__unicode__().encode("utf-8")

    return run


def _babel(width: int) -> Callable[[bytes], bytes]:
    def run(data: bytes) -> bytes:
        from babel.messages.pofile import read_po, write_po

        out = io.BytesIO()
        write_po(out, read_po(io.BytesIO(data)), width=width)
        return out.getvalue()

    return run


LAYOUTS = {
    "msgcat": _msgcat(),
    "msgcat-w76": _msgcat("-w", "76"),
    "msgcat-w100": _msgcat("-w", "100"),
    "msgcat-no-wrap": _msgcat("--no-wrap"),
    "polib-78": _polib(78),
    "polib-76": _polib(76),
    "polib-90": _polib(90),
    "babel-76": _babel(76),
    "babel-100": _babel(100),
}
EDITS = (
    lambda s: s + "（修订）追加的译文检查换行是否遵循文件自己的约定，并且不改动其他条目。",
    lambda s: s + HANZI * 2,  # a long run, no break opportunity for textwrap
    lambda s: s + " 参见 https://example.org/a/very/long/path/to/the-harbour-plan-2024.html",
)


def _entry(data: bytes, msgid: str) -> str:
    entry = parse_po(data.decode("utf-8")).find(msgid)
    assert entry is not None
    return entry._raw or ""


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_edit_is_written_in_the_catalogs_own_layout(layout: str, tmp_path: Path) -> None:
    make = LAYOUTS[layout]
    data = make(_catalog(17))
    assert parse_po(data.decode("utf-8")).dumps().encode("utf-8") == data  # no-op: same bytes
    msgids = [e.msgid for e in parse_po(data.decode("utf-8")).entries]
    wrong = []
    for number, msgid in enumerate(msgids[::3]):
        po = parse_po(data.decode("utf-8"))
        entry = po.find(msgid)
        assert entry is not None
        entry.msgstr = EDITS[number % len(EDITS)](entry.msgstr)
        ours = po.dumps().encode("utf-8")
        if _entry(ours, msgid) != _entry(make(ours), msgid):
            wrong.append(msgid)
    assert wrong == []


def test_mixed_textwrap_msgids_and_one_line_msgstrs() -> None:
    """Transifex's layout for some projects: msgids wrapped like polib, msgstr on one line."""
    wrapped = _polib(78)(_catalog(5)).decode("utf-8")
    po = parse_po(wrapped)
    for entry in po.entries:  # the msgstrs as Transifex writes them: one physical line
        entry.msgstr = entry.msgstr
    text = []
    for entry in parse_po(wrapped).entries:
        raw = entry._raw or ""
        text.append(raw[: raw.index("msgstr ")] + f'msgstr "{entry.msgstr}"\n')
    header = wrapped[: wrapped.index("\n\n") + 2]
    mixed = header + "\n".join(text)
    po = parse_po(mixed)
    # (without a newline in any msgstr, "none" and "single" lay it out alike)
    assert po.wrap.kind == "textwrap" and po.wrap.msgstr_kind in ("single", "none")
    entry = po.entries[7]
    entry.msgstr += HANZI * 3
    assert f'msgstr "{entry.msgstr}"\n' in po.dumps()


@pytest.mark.parametrize(("width", "make"), [(100, _msgcat("-w", "100")), (76, _polib(76))])
def test_detected_width_follows_the_file(width: int, make: Callable[[bytes], bytes]) -> None:
    po = parse_po(make(_catalog(3)).decode("utf-8"))
    assert po.wrap.width == width


@settings(max_examples=400, deadline=None)
@given(
    value=st.lists(
        st.sampled_from([*'ab -—/:.\\"\t\n\r', *"中文，。", "word", "re-use", "--", "x-ray"]),
        max_size=60,
    ).map("".join),
    width=st.integers(min_value=20, max_value=120),
    obsolete=st.booleans(),
)
def test_babel_layout_is_babels_normalize(value: str, width: int, obsolete: bool) -> None:
    """The ``babel`` layout gives exactly what Babel's ``normalize`` writes."""
    from babel.messages.pofile import normalize

    prefix = "#~ " if obsolete else ""
    expected = f"{prefix}msgstr {normalize(value, prefix=prefix, width=width)}\n"
    po = new_po(WrapStyle("babel", width))
    po.append(POEntry(msgid="x", msgstr=value, obsolete=obsolete))
    assert po.dumps() == f'{prefix}msgid "x"\n' + expected
