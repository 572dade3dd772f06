"""PO reading and writing: byte-faithful round trips, minimal edits, GNU-identical new files."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from i18npub.po import (
    GNU,
    NOWRAP,
    POLIB,
    POEntry,
    POFile,
    POSyntaxError,
    WrapStyle,
    directives,
    layout,
    linebreak,
    new_po,
    parse_po,
    read_po,
    syntax,
    write,
)
from tests.support.corpus import PO_CORPUS, WMT
from tests.support.paths import REPO
from tests.support.require import require_shared, require_tool, shared_required

CORPUS_FILES = sorted(PO_CORPUS.rglob("*.po")) if PO_CORPUS.is_dir() else []
# in CI the corpus must be there: the marked tests fail instead of skipping
needs_corpus = pytest.mark.skipif(
    not CORPUS_FILES and not shared_required(),
    reason="shared PO corpus not present",
)


def test_the_po_corpus_is_there_in_ci() -> None:
    """The corpus tests below pass over no files when it is missing: in CI that fails here."""
    require_shared(PO_CORPUS)
    assert CORPUS_FILES


LONG_ZH = (
    "这是一个很长的中文句子，用来检查换行是否与 GNU msgcat 完全一致；其中有“引号”、"
    "（括号）、《书名号》和【方括号】，还有数字 3.14、百分比 100% 以及网址 "
    "https://example.com/path/to/page，最后以句号结束。"
)


def corpus_id(path: Path) -> str:
    return str(path.relative_to(PO_CORPUS))


def msgcat(text: str, tmp_path: Path, *options: str) -> str:
    source = tmp_path / "msgcat-input.po"
    source.write_bytes(text.encode("utf-8"))
    tool = require_tool("msgcat")  # skips, or fails in CI, when GNU gettext is missing
    result = subprocess.run([tool, *options, str(source)], capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def changed_lines(before: str, after: str) -> list[int]:
    """0-based lines of ``before`` in the changed region (the line before, for an insertion).

    The region runs from the first line that differs to the last one (common prefix and
    suffix lines excluded), so it covers every change, however many there are.
    """
    old, new = before.splitlines(), after.splitlines()
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    region = list(range(head, len(old) - tail))
    return region or ([head - 1] if len(new) != len(old) else [])


def entry_span(entry: POEntry) -> range:
    assert entry._raw is not None
    return range(entry.lineno - 1, entry.lineno - 1 + entry._raw.count("\n"))


def entry_text(po: POFile, entry: POEntry) -> str:
    return po._render(entry) if not entry._unchanged() else entry._raw or ""


# --- round trips ------------------------------------------------------------------------


@needs_corpus
@pytest.mark.parametrize("path", CORPUS_FILES, ids=corpus_id)
def test_corpus_round_trip_is_byte_identical(path: Path) -> None:
    data = path.read_bytes()
    po = read_po(path)
    assert po.dumps().encode("utf-8") == data
    assert len(po.entries) + (po.header is not None) == len(po._keys) + len(po._obsolete_keys)


FIXTURES = {
    "gnu": (
        "# Chinese translation.\n"
        "#\n"
        'msgid ""\n'
        'msgstr ""\n'
        '"Project-Id-Version: demo 1.0\\n"\n'
        '"Language-Team: Chinese (China) (http://app.transifex.com/django/django/"\n'
        '"language/zh_CN/)\\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n'
        "\n"
        "#. Translators: a note\n"
        "#: a.py:1 b.py:22\n"
        "#, python-format\n"
        'msgid ""\n'
        '"Hello %(name)s, this is a long English sentence that should wrap around at "\n'
        '"seventy-nine columns."\n'
        'msgstr ""\n'
        '"你好，%(name)s，这是一个很长的中文句子，它应该在七十九列处换行，因为中文字符"\n'
        '"占两列宽度。"\n'
    ),
    "textwrap": (
        "# SOME DESCRIPTIVE TITLE.\n"
        "# \n"
        "#, fuzzy\n"
        'msgid ""\n'
        'msgstr ""\n'
        '"Language-Team: Chinese (China) (https://app.transifex.com/python-doc/teams/5390/zh_CN/)\\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n'
        "\n"
        "#: ../../library/stdtypes.rst:22\n"
        'msgid ""\n'
        '"Some operations are supported by several object types; in particular, "\n'
        '"slightly different :func:`str` function).  The latter function is implicitly"\n'
        '" used when an object is written by the :func:`print` function."\n'
        'msgstr ""\n'
        '"有些操作受多种对象类型的支持；特别地，实际上所有对象都可以比较是否相等、'
        '检测逻辑值，以及转换为字符串（使用 "\n'
        '":func:`str` 函数）。"\n'
    ),
    "crlf": 'msgid ""\r\nmsgstr ""\r\n"Language: zh_CN\\n"\r\n\r\nmsgid "a"\r\nmsgstr "甲"\r\n',
    "no_final_newline": 'msgid "a"\nmsgstr "甲"\n\nmsgid "b"\nmsgstr "乙"',
    "crlf_no_final_newline": 'msgid "a"\r\nmsgstr "甲"\r\n\r\nmsgid "b"\r\nmsgstr "乙"',
    "obsolete": (
        'msgid "kept"\nmsgstr "保留"\n\n'
        '# old note\n#, fuzzy\n#~| msgid "older"\n#~ msgctxt "menu"\n#~ msgid "gone"\n'
        '#~ msgstr "已删除"\n\n'
        '#~ msgid "plural gone"\n#~ msgid_plural "plurals gone"\n#~ msgstr[0] "复数"\n'
    ),
    "previous": (
        '#, fuzzy\n#| msgctxt "old"\n#| msgid ""\n#| "previous text that was "\n'
        '#| "split"\n#| msgid_plural "previous plural"\nmsgctxt "new"\n'
        'msgid "current"\nmsgid_plural "currents"\nmsgstr[0] "当前"\nmsgstr[1] "当前们"\n'
    ),
    "plurals": (
        'msgid "%d file"\nmsgid_plural "%d files"\nmsgstr[0] "%d 个文件"\n'
        'msgstr[1] ""\n"%d 个文件"\n'
    ),
    "comments_and_blanks": (
        '\n\n# leading comment block\n\n#: x.py:1\nmsgid "x"\nmsgstr ""\n'
        'msgid "no blank line between"\nmsgstr "紧挨着"\n\n\n\n'
        '#, c-format\nmsgctxt ""\nmsgid "empty context"\nmsgstr "空"\n\n'
        "# trailing comment, not an entry\n\n"
    ),
    "escapes_and_spacing": (
        'msgid "tab\\tquote\\"back\\\\slash\\a\\b\\f\\v\\r\\101\\x42"\n'
        'msgstr  "x"   "y"  \n'
        '  msgid "indented"\n\tmsgstr "缩进"\n'
    ),
    "bom": '\ufeffmsgid "a"\nmsgstr "甲"\n',
    "empty": "",
    "only_comments": "# just a comment\n",
}


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_round_trip_is_byte_identical(name: str) -> None:
    text = FIXTURES[name]
    assert parse_po(text).dumps() == text


def test_fixture_fields() -> None:
    po = parse_po(FIXTURES["obsolete"] + "\n" + FIXTURES["previous"])
    gone = po.find("gone", "menu", include_obsolete=True)
    assert gone is not None and gone.obsolete and gone.msgstr == "已删除"
    assert gone.previous_msgid == "older" and gone.fuzzy
    assert gone.translator_comments == ["old note"]
    assert po.find("gone", "menu") is None
    assert [e.lineno for e in parse_po(FIXTURES["obsolete"]).entries] == [1, 4, 11]
    plural = po.find("plural gone", include_obsolete=True)
    assert plural is not None and plural.msgstr_plural == {0: "复数"}
    current = po.find("current", "new")
    assert current is not None
    assert current.previous_msgctxt == "old"
    assert current.previous_msgid == "previous text that was split"
    assert current.previous_msgid_plural == "previous plural"
    assert current.msgstr_plural == {0: "当前", 1: "当前们"}
    escapes = parse_po(FIXTURES["escapes_and_spacing"])
    assert escapes.entries[0].msgid == 'tab\tquote"back\\slash\a\b\f\v\rAB'
    assert escapes.entries[0].msgstr == "xy"
    assert escapes.find("indented") is not None
    blanks = parse_po(FIXTURES["comments_and_blanks"])
    assert blanks.entries[0].translator_comments == ["leading comment block"]
    assert blanks.entries[0].lineno == 3
    assert blanks.find("empty context", "") is not None
    assert [e.lineno for e in blanks.entries] == [3, 8, 13]


def test_header_and_metadata() -> None:
    po = parse_po(FIXTURES["gnu"])
    assert po.header is not None and po.header.lineno == 1
    meta = po.metadata()
    assert meta["Language-Team"].endswith("language/zh_CN/)")
    assert meta["Content-Type"] == "text/plain; charset=UTF-8"
    assert po.find("") is po.header
    assert po.header.translator_comments == ["Chinese translation.", ""]


# --- edits change only the edited entry, in the file's convention ----------------------


def test_edits_of_fixture_keep_everything_else() -> None:
    text = FIXTURES["comments_and_blanks"]
    po = parse_po(text)
    entry = po.find("no blank line between")
    assert entry is not None
    entry.msgstr = "改了"
    out = po.dumps()
    assert out == text.replace('msgstr "紧挨着"', 'msgstr "改了"')


def test_crlf_and_missing_final_newline_survive_edits() -> None:
    po = parse_po(FIXTURES["crlf_no_final_newline"])
    entry = po.find("b")
    assert entry is not None
    entry.msgstr = "改"
    entry.translator_comments = ["note"]
    assert po.dumps() == 'msgid "a"\r\nmsgstr "甲"\r\n\r\n# note\r\nmsgid "b"\r\nmsgstr "改"'
    po.append(POEntry(msgid="c", msgstr="丙"))
    assert po.dumps().endswith('msgstr "改"\r\n\r\nmsgid "c"\r\nmsgstr "丙"')


def test_partial_edits_touch_only_changed_lines() -> None:
    po = parse_po(FIXTURES["gnu"])
    entry = po.entries[0]
    entry.fuzzy = True
    out = po.dumps()
    assert out == FIXTURES["gnu"].replace("#, python-format", "#, fuzzy, python-format")
    entry.fuzzy = False
    entry.references.append("c.py:3")
    assert po.dumps() == FIXTURES["gnu"].replace("#: a.py:1 b.py:22", "#: a.py:1 b.py:22 c.py:3")
    entry.references.clear()
    entry.flags.clear()
    entry.previous_msgid = "old"
    expected = FIXTURES["gnu"].replace("#: a.py:1 b.py:22\n#, python-format\n", '#| msgid "old"\n')
    assert po.dumps() == expected


def test_obsolete_toggle_reformats_entry() -> None:
    po = parse_po('msgid "a"\nmsgstr "甲"\n\nmsgid "b"\nmsgstr "乙"\n')
    entry = po.find("a")
    assert entry is not None
    entry.obsolete = True
    assert po.find("a") is None and po.find("a", include_obsolete=True) is entry
    assert po.dumps() == '#~ msgid "a"\n#~ msgstr "甲"\n\nmsgid "b"\nmsgstr "乙"\n'
    entry.obsolete = False
    assert po.dumps() == 'msgid "a"\nmsgstr "甲"\n\nmsgid "b"\nmsgstr "乙"\n'


@needs_corpus
@pytest.mark.parametrize("path", [p for p in CORPUS_FILES if "django" in p.parts], ids=corpus_id)
def test_django_edit_matches_msgcat(path: Path, tmp_path: Path) -> None:
    original = path.read_text(encoding="utf-8")
    po = read_po(path)
    assert po.wrap.kind == "gnu" and po.wrap.header_wrap
    entry = next(e for e in reversed(po.entries) if e.msgid_plural is None)
    entry.msgstr = LONG_ZH
    out = po.dumps()
    assert set(changed_lines(original, out)) <= set(entry_span(entry))
    assert msgcat(out, tmp_path) == out  # Django's catalogs are msgcat output
    po.set_metadata("Last-Translator", "张三 <zhangsan@example.com>, 2025, " + "长名字" * 12)
    out = po.dumps()
    assert msgcat(out, tmp_path) == out


@needs_corpus
def test_python_docs_edit_matches_polib() -> None:
    polib = pytest.importorskip("polib")
    files = [p for p in CORPUS_FILES if "python-docs-zh-cn" in p.parts][::6]
    for path in files:
        original = path.read_text(encoding="utf-8")
        po = read_po(path)
        assert po.wrap.kind == "textwrap" and not po.wrap.header_wrap, path
        entry = max(po.entries, key=lambda e: len(e.msgid))
        entry.msgstr = entry.msgstr + " 修订：" + LONG_ZH + " and some English words here"
        out = po.dumps()
        assert set(changed_lines(original, out)) <= set(entry_span(entry)), path
        occurrences = [tuple(ref.rsplit(":", 1)) for ref in entry.references]
        expected = polib.POEntry(
            msgid=entry.msgid, msgstr=entry.msgstr, occurrences=occurrences, flags=entry.flags
        ).__unicode__(wrapwidth=78)
        assert entry_text(po, entry) == expected.rstrip("\n") + "\n", path


@needs_corpus
def test_sphinx_edit_keeps_msgstr_on_one_line() -> None:
    path = next(p for p in CORPUS_FILES if "sphinx" in p.parts)
    original = path.read_text(encoding="utf-8")
    po = read_po(path)
    assert po.wrap.kind == "textwrap" and po.wrap.msgstr_kind == "single"
    entry = po.entries[len(po.entries) // 2]
    entry.msgstr = LONG_ZH + "\n第二行"
    out = po.dumps()
    assert set(changed_lines(original, out)) <= set(entry_span(entry))
    assert entry_text(po, entry).endswith('msgstr "' + LONG_ZH + '\\n第二行"\n')


@needs_corpus
def test_header_edit_keeps_file_header_convention() -> None:
    path = PO_CORPUS / "python-docs-zh-cn" / "library" / "stdtypes.po"
    if not path.exists():
        pytest.skip("stdtypes.po not in corpus")
    original = path.read_text(encoding="utf-8")
    po = read_po(path)
    po.set_metadata("Last-Translator", "Zhang San <zhangsan@example.com>, 2025")
    po.set_metadata("X-Generator", "i18npub")
    out = po.dumps()
    assert po.header is not None
    assert set(changed_lines(original, out)) <= set(entry_span(po.header))
    assert '"Last-Translator: Zhang San <zhangsan@example.com>, 2025\\n"\n' in out
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"\n"X-Generator: i18npub\\n"\n\n' in out
    assert "# \n# Translators:\n" in out  # comments untouched


@needs_corpus
def test_corpus_styles_reproduce_every_field() -> None:
    """Re-laying out any field of any corpus entry in the detected style gives its bytes."""
    for path in CORPUS_FILES:
        po = read_po(path)
        style = po.wrap
        step = 3 if "python-docs-zh-cn" in path.parts else 1  # a sample keeps the test fast
        for entry in [e for e in (po.header, *po.entries[::step]) if e is not None]:
            assert entry._raw is not None
            for name, text in write.segments(entry._raw):
                if name.startswith(("msg", "references")):
                    lines = write.field_lines(entry, name, style, entry is po.header)
                    assert "\n".join(lines) + "\n" == text, (path, name, text)


# --- our own catalogs are GNU msgcat output --------------------------------------------

HEADER = {
    "Project-Id-Version": "i18npub-test 1.0",
    "Report-Msgid-Bugs-To": "",
    "POT-Creation-Date": "2025-01-01 00:00+0000",
    "PO-Revision-Date": "2025-01-02 00:00+0000",
    "Last-Translator": "Tester <test@example.com>",
    "Language-Team": "Chinese (China) (https://example.com/a-rather-long-team-address/zh_CN/)",
    "Language": "zh_CN",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
}


def sample_catalog() -> POFile:
    po = new_po(metadata=HEADER)
    assert po.header is not None
    po.header.translator_comments = ["Chinese translation for tests.", ""]
    po.header.flags = ["fuzzy"]
    po.append(POEntry(msgid="Short", msgstr="短", references=["app/views.py:10"]))
    po.append(
        POEntry(
            msgid="A long English source sentence, long enough that GNU gettext has to wrap it.",
            msgstr=LONG_ZH,
            references=[f"app/module_{i}/some_long_file_name.py:{i * 101}" for i in range(6)],
            extracted_comments=["Translators: keep the URL."],
        )
    )
    po.append(
        POEntry(
            msgid="%(count)s files in %(folder)s were changed by %(user)s just now, see log",
            msgstr="%(user)s 刚刚修改了 %(folder)s 中的 %(count)s 个文件，详情请查看日志记录。",
            flags=["fuzzy", "python-format"],
            previous_msgid="%(count)s files in %(folder)s were changed by %(user)s",
            translator_comments=["machine translation"],
        )
    )
    po.append(
        POEntry(
            msgid="%d item",
            msgid_plural="%d items",
            msgstr_plural={0: "%d 个项目" + "，非常长的复数形式译文" * 6},
            msgctxt="cart",
            flags=["c-format"],
        )
    )
    po.append(POEntry(msgid="Line one\nLine two\n", msgstr="第一行\n第二行\n"))
    po.append(
        POEntry(msgid='Quote "this" and back\\slash\ttab', msgstr="引用“这个”和反\\斜杠\t制表")
    )
    mixed = "混合 Chinese 和 English 的句子，包括 URL http://example.com/path/to/something "
    po.append(POEntry(msgid="mixed", msgstr=mixed * 3))
    po.append(POEntry(msgid="untranslated"))
    po.append(POEntry(msgid="old", msgstr="旧" * 50, obsolete=True, msgctxt="ctx"))
    return po


def test_new_catalog_equals_msgcat_output(tmp_path: Path) -> None:
    text = sample_catalog().dumps()
    assert msgcat(text, tmp_path) == text
    assert "\n\n#~ msgctxt" in text and '"%(user)s' in text


def test_new_catalog_passes_msgfmt_check(tmp_path: Path) -> None:
    msgfmt = require_tool("msgfmt")
    po = sample_catalog()
    assert po.header is not None
    po.header.flags = []
    for entry in po.entries:
        entry.fuzzy = False
    path = tmp_path / "zh_CN.po"
    po.save(path)
    result = subprocess.run(
        [msgfmt, "-c", "--check-format", "-o", os.devnull, str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def random_text(rng: random.Random) -> str:
    words = ["the", "quick", "brown", "fox", "http://example.com/a/b", "3.14", "100%", "e.g.",
             "--flag", "x-y", "(paren)", "[br]", "%s", "%(name)s", "%d", "$5", "a/b", "C++",
             "it's", '"q"', "\\path", "tab\t", "new\nline"]  # fmt: skip
    hanzi = "中文字符测试换行规则的正确性我们需要足够长的文本来触发换行这是一个很长的句子"
    punct = "，。、；：！？（）「」『』《》【】“”‘’…—·～％＄＃　"
    others = ["가나다", "カタカナ", "ー", "々", "\u0300", "\u200b", "\u00a0", "é", "Ω", "😀",
              "👍🏻", "🇨🇳", "€", "°", "×", "¥", "™", "\U00020000", "\u2028"]  # fmt: skip
    parts = []
    for _ in range(rng.randint(1, 40)):
        r = rng.random()
        if r < 0.35:
            parts.append(rng.choice(words) + rng.choice([" ", "", " ", "  "]))
        elif r < 0.7:
            parts.append("".join(rng.choice(hanzi) for _ in range(rng.randint(1, 12))))
        elif r < 0.9:
            parts.append(rng.choice(punct))
        else:
            parts.append(rng.choice(others))
    return "".join(parts)


@pytest.mark.parametrize("seed", [1, 2])
def test_random_chinese_english_catalog_equals_msgcat(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    po = new_po(metadata={"Content-Type": "text/plain; charset=UTF-8"})
    obsolete = []
    for i in range(150):
        entry = POEntry(msgid=f"id{i} " + random_text(rng), msgstr=random_text(rng))
        entry.flags = rng.choice([[], [], ["python-format"], ["c-format"], ["fuzzy"]])
        if rng.random() < 0.1:
            entry.msgctxt = random_text(rng)[:30]
        if rng.random() < 0.1:
            entry.previous_msgid = random_text(rng)
        if rng.random() < 0.1:
            entry.msgid_plural, entry.msgstr = random_text(rng), ""
            entry.msgstr_plural = {0: random_text(rng), 1: random_text(rng)}
        if rng.random() < 0.1:
            entry.references = [f"src/file{j}.py:{j * 37}" for j in range(rng.randint(1, 12))]
        if rng.random() < 0.05:
            entry.obsolete = True
            obsolete.append(entry)
        else:
            po.append(entry)
    for entry in obsolete:
        po.append(entry)
    text = po.dumps()
    assert msgcat(text, tmp_path) == text


def test_chinese_is_never_broken_before_closing_or_after_opening_punctuation() -> None:
    po = new_po()
    text = ("这是测试，" * 5 + "（括号里的内容）" + "《书名》、" * 3 + "结束。") * 4
    po.append(POEntry(msgid="x", msgstr=text))
    lines = po.dumps().splitlines()[2:]
    assert len(lines) > 3
    for line in lines:
        body = line.strip('"')
        assert body[0] not in "，。、）》"
        assert body[-1] not in "（《"
        width = sum(
            2 if "\u3000" <= c <= "\uffef" or "\u4e00" <= c <= "\u9fff" else 1 for c in line
        )
        assert width <= 79


def test_other_layouts() -> None:
    entry = POEntry(msgid="word " * 30, msgstr="line one\nline two " + "字" * 50)
    for style, first, count in [(POLIB, 'msgid ""', 3), (NOWRAP, 'msgid "word', 1)]:
        po = new_po(style)
        po.append(POEntry(msgid=entry.msgid, msgstr=entry.msgstr))
        lines = po.dumps().splitlines()
        assert lines[0].startswith(first)
        assert sum(1 for line in lines if line.startswith('"word')) == count - 1
        assert parse_po(po.dumps()).entries[0].msgstr == entry.msgstr
    single = new_po(WrapStyle(kind="single"))
    single.append(POEntry(msgid="a\nb", msgstr="甲\n乙"))
    assert single.dumps() == 'msgid "a\\nb"\nmsgstr "甲\\n乙"\n'


# --- the fast GNU layout is the exact one ------------------------------------------------
#
# layout.gnu_lines lays strings out with gnu_lines_fast (class codes by str.translate, breaks
# found from the line's right edge) and falls back to gnu_lines_exact (the character by
# character emulation of write-po.c + libunistring checked against msgcat above) for text
# the fast path does not handle. The fast path must give the same lines, byte for byte.

PREFIXES = ["", "#~ ", "#| ", "#~| "]
NAMES = ["msgid", "msgstr", "msgctxt", "msgid_plural", "msgstr[0]"]


def class_representatives() -> list[str]:
    """Up to two characters of each line-break class and width, from the embedded tables."""
    starts, classes, _, _ = linebreak.load_lb_tables()
    picked: dict[tuple[int, int], list[str]] = {}
    bounds = [*starts[1:], 0x110000]
    for start, end, cls in zip(starts, bounds, classes, strict=True):
        for cp in range(start, min(end, start + 40)):
            char = chr(cp)
            if unicodedata.category(char) in ("Cn", "Co", "Cs"):
                continue
            chosen = picked.setdefault((cls, linebreak.char_width(char)), [])
            if len(chosen) < 2:
                chosen.append(char)
    return sorted({c for chars in picked.values() for c in chars} | {"가", "각", "\t", "\n"})


REPRESENTATIVES = class_representatives()


def assert_fast_is_exact(
    value: str, page_width: int = 79, prefix: str = "", name: str = "msgid", flags=()
) -> list[str] | None:
    """Compare the layouts of ``value``; the fast one (None if it declined) is returned."""
    protected = directives.directive_insides(value, list(flags), name.startswith("msgstr"))
    exact = layout.gnu_lines_exact(prefix, name, value, page_width, protected)
    fast = layout.gnu_lines_fast(prefix, name, value, page_width, protected)
    assert fast is None or fast == exact, (value, page_width, prefix, name, flags)
    assert layout.gnu_lines(prefix, name, value, page_width, protected) == exact
    return fast


@pytest.mark.slow
def test_the_po_layer_imports_nothing_else_of_i18npub() -> None:
    code = (
        "import sys, i18npub.po\n"
        "names = {'i18npub', 'i18npub._version', 'i18npub.po'}\n"
        "print(sorted(m for m in sys.modules if m.startswith('i18npub') and m not in names"
        " and not m.startswith('i18npub.po.')))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert run.stdout.strip() == "[]"


def test_linebreak_tables_are_what_the_generator_reads_from_libunistring() -> None:
    """``po/_linebreak_tables.py`` is ``scripts/gen_linebreak_tables.py``'s output, unedited."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("unistring") or "libunistring.so.2"
    try:
        version = ctypes.c_int.in_dll(ctypes.CDLL(name), "_libunistring_version").value
    except (OSError, ValueError):
        pytest.skip("libunistring is not installed")
    if version >> 8 != 0x0100 or unicodedata.unidata_version != "14.0.0":
        pytest.skip("the tables come from libunistring 1.0 with Unicode 14.0")
    script = REPO / "scripts" / "gen_linebreak_tables.py"
    run = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_fast_layout_of_every_class_pair() -> None:
    """At width 1 every break opportunity becomes a line break: all of them must agree."""
    reps = REPRESENTATIVES
    plain = {c for c in reps if layout.columns_of(syntax.escape(c)) is not None}
    assert len(reps) > 60 and len(plain) > 50
    for a in reps:
        for b in reps:
            for space in ("", " ", "  "):
                for page_width in (3, 5):  # 1 and 3 columns after the quotes
                    fast = assert_fast_is_exact(a + space + b + "x", page_width)
                    assert (fast is not None) == (a in plain and b in plain)


def test_fast_layout_of_random_class_triples() -> None:
    rng = random.Random(7)
    reps = REPRESENTATIVES
    for _ in range(6000):
        text = "".join(rng.choice(reps) + " " * rng.choice([0, 0, 1, 2]) for _ in range(3))
        assert_fast_is_exact(text, rng.choice([3, 4, 5, 6, 8]), rng.choice(PREFIXES[:2]))


ASCII_WORDS = [
    "the", "quick", "brown", "fox", "It's", "e.g.", "U.S.", "3.14", "1,000", "100%", "$5",
    "50-year-old", "x-y", "-1", "+1", "a/b", "and/or", "C++", "C#", "ok?", "yes!", "(a)", "[b]",
    "{c}", "<d>", "'single'", '"double"', "back\\slash", "tab\there", "line\nbreak", "end\n",
    "http://example.com/a/b?c=d&e=f#g", "https://www.example.org/path/a-very-long-name.html",
    "user@example.com", "%s", "%d", "%5.2f", "%(name)s", "%(count)d", "%%", "%-10s", "%{x}",
    "{0}", "{name!r:>10}", "$1", "~home", "`code`", "a_b", "a*b", "a=b", "a;b", "a:b", "a|b",
    "...", "--", "---", ";;", ",,", "!!", ")(", "][", "}{", "\"'", "'\"",
]  # fmt: skip
ASCII_TOKENS = ASCII_WORDS + [chr(c) for c in range(32, 127)]


def random_ascii(rng: random.Random, tokens: int) -> str:
    parts = []
    for _ in range(tokens):
        token = rng.choice(ASCII_TOKENS)
        if rng.random() < 0.15:
            token += rng.choice(ASCII_TOKENS)
        parts.append(token + rng.choice([" ", " ", " ", "", "  ", "\t", " "]))
    return "".join(parts)


def test_fast_layout_of_random_ascii() -> None:
    rng = random.Random(11)
    for i in range(4000):
        text = random_ascii(rng, rng.randint(1, 60))
        if rng.random() < 0.05:
            text = text.replace(" ", "")  # long words: nowhere or few places to break
        fast = assert_fast_is_exact(
            text,
            79 if i % 3 else rng.randint(4, 120),
            rng.choice(PREFIXES),
            rng.choice(NAMES),
            rng.choice([(), (), ("python-format",), ("c-format",), ("fuzzy", "c-format")]),
        )
        if all(c.isprintable() or c in "\n\t" for c in text):
            assert fast is not None, text


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(
        alphabet=st.one_of(
            st.sampled_from(REPRESENTATIVES),
            st.sampled_from([*'"\\\n\t\r中，。“”（） %ab1-/(sd', " ", " "]),
            st.characters(exclude_categories=("Cs",)),
        ),
        max_size=200,
    ),
    page_width=st.one_of(st.just(79), st.integers(3, 100)),
    prefix=st.sampled_from(PREFIXES),
    flags=st.sampled_from([(), ("python-format",), ("c-format",)]),
)
def test_fast_layout_of_any_text(text: str, page_width: int, prefix: str, flags) -> None:
    assert_fast_is_exact(text, page_width, prefix, "msgstr", flags)
    assert syntax.escape(text) == "".join(syntax.ESCAPES.get(c, c) for c in text)


def news_sentences() -> list[str]:
    require_shared(WMT)
    sentences = []
    with WMT.open(encoding="utf-8") as handle:
        for line in handle:
            document = json.loads(line)
            sentences += document["sentences_en"] + document["ref_zh_a"] + document["ref_zh_b"]
            for output in document["mt"].values():
                sentences += output
    return sentences


def test_fast_layout_of_news_sentences() -> None:
    """Real English and Chinese sentences, alone and mixed, take the fast path, exactly."""
    sentences = news_sentences()
    rng = random.Random(5)
    declined = 0
    cases = [(s, 79, "msgid") for s in sentences]
    for _ in range(3000):
        mixed = " ".join(rng.sample(sentences, rng.randint(1, 3)))
        at = rng.randrange(len(mixed) + 1)
        extra = rng.choice(["", "", '"', "\\", "\n", "%s", "%(name)s", "“", "（", "—"])
        cases.append((mixed[:at] + extra + mixed[at:], rng.choice([79, 79, 40, 60]), "msgstr"))
    for text, page_width, name in cases:
        fast = assert_fast_is_exact(text, page_width, name=name, flags=("python-format",))
        declined += fast is None
    assert declined <= len(cases) // 100


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_new_catalog_is_the_same_with_the_exact_layout(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    po = new_po(metadata={"Content-Type": "text/plain; charset=UTF-8"})
    for i in range(200):
        entry = POEntry(msgid=f"id{i} " + random_text(rng), msgstr=random_text(rng))
        entry.flags = rng.choice([[], ["python-format"], ["c-format"]])
        if rng.random() < 0.2:
            entry.msgid_plural, entry.msgstr = random_ascii(rng, 20), ""
            entry.msgstr_plural = {0: random_text(rng), 1: random_text(rng)}
        entry.obsolete = rng.random() < 0.1
        if rng.random() < 0.2:
            entry.previous_msgid = random_ascii(rng, 30)
        po.append(entry)
    fast = po.dumps()
    monkeypatch.setattr(write, "gnu_lines", layout.gnu_lines_exact)
    assert po.dumps() == fast


def test_layout_cache_returns_fresh_equal_lists() -> None:
    text = "A sentence long enough to be wrapped over two lines, in the template and the catalog."
    first = layout.gnu_lines("", "msgid", text, 79, frozenset())
    first.append("changed")
    again = layout.gnu_lines("", "msgid", text, 79, frozenset())
    assert again == layout.gnu_lines_exact("", "msgid", text, 79, frozenset())
    assert len(again) == 3
    for i in range(layout.CACHE_SIZE + 10):
        layout.gnu_lines("", "msgid", f"entry {i}", 79, frozenset())
    assert len(layout.LINES_CACHE) <= layout.CACHE_SIZE


# --- syntax errors ----------------------------------------------------------------------

BROKEN = [
    ('msgid "abc\nmsgstr ""\n', 1, "end-of-line within string"),
    ('msgid "a"\nmsgstr "b"\n\nmsgfoo "c"\n', 4, "keyword 'msgfoo' unknown"),
    ('msgid "a"\nmsgstr "b"\n\nfoo bar\n', 4, "keyword 'foo' unknown"),
    ('# c\nmsgstr "b"\n', 2, "msgstr without msgid"),
    ('msgid "a"\nmsgstr "b\\qc"\n', 2, "invalid escape sequence"),
    ('msgid "a"\nmsgstr ""\n"ok"\n"b\\qc"\n', 4, "invalid escape sequence"),
    ('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', 4, "duplicate message definition"),
    (
        'msgctxt "x"\nmsgid "a"\nmsgstr "b"\n\n#: f:1\nmsgctxt "x"\nmsgid "a"\nmsgstr "c"\n',
        7,
        "duplicate message definition",
    ),
    ('msgid "a"\n', 1, "missing msgstr"),
    ('msgid "a"\nmsgid "b"\nmsgstr ""\n', 2, "missing msgstr for the msgid at line 1"),
    ('msgid "a"\nmsgstr[0] "b"\n', 2, "msgstr[0] without msgid_plural"),
    ('msgid "a"\nmsgid_plural "as"\nmsgstr "b"\n', 3, "msgstr without [index]"),
    ('msgid "a"\nmsgid_plural "as"\nmsgstr[1] "b"\n', 3, "out of order"),
    ('#~ msgid "a"\nmsgstr "b"\n', 2, "inconsistent use of #~"),
    ('"abc"\n', 1, "string without a keyword"),
    ('msgid "a" b\nmsgstr ""\n', 1, "unexpected text after string"),
    ('msgid "a"\nmsgstr ""\n\n#| msgstr "x"\nmsgid "b"\nmsgstr ""\n', 4, "'#|' must be"),
    ('msgid "a"\nmsgstr ""\n\f\n', 3, "keyword '\\x0c' unknown"),
    ('msgid\nmsgstr ""\n', 1, "msgid must be followed by a string"),
    (
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=ISO-8859-1\\n"\n',
        1,
        "charset 'ISO-8859-1' is not supported",
    ),
    ('msgid "a"\nmsgstr "\\xff"\n', 2, "not valid UTF-8"),
    (
        'msgid "a"\nmsgstr ""\n\n#~ msgid "x"\n#~ msgstr "y"\n\nmsgid "c"\nmsgstr "\\q"\n',
        8,
        "invalid escape sequence",
    ),
]


@pytest.mark.parametrize(("text", "line", "message"), BROKEN)
def test_syntax_errors_name_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(POSyntaxError) as caught:
        parse_po(text, "demo.po")
    error = caught.value
    assert (error.path, error.line) == ("demo.po", line)
    assert message in error.message
    assert str(error) == f"demo.po:{line}: {error.message}"


# --- the fast path reads as the general parser -------------------------------------------
#
# parse_po reads entries of the common shape with a regular expression and the rest with the
# general parser; the result must not depend on which one read an entry. An obsolete entry
# first makes the general parser read the whole text (the fast path takes no #~ lines).

GENERAL_FIRST = '#~ msgid "read by the general parser"\n#~ msgstr ""\n\n'
FIRST = 'msgid "first"\nmsgstr ""\n\n'


def read_outcome(text: str, skip: int = 0) -> tuple[object, ...]:
    """What parse_po makes of ``text``, its first ``skip`` lines left out of line numbers."""

    def shift(message: str) -> str:
        return re.sub(r"line (\d+)", lambda m: f"line {int(m.group(1)) - skip}", message)

    try:
        po = parse_po(text, "demo.po")
    except POSyntaxError as error:
        return ("error", error.line - skip, shift(error.message))
    entries = [e for e in (po.header, *po.entries) if e is not None]
    return tuple(
        (e.key, e.msgstr, e.msgid_plural, e.msgstr_plural, e.flags, e.references,
         e.translator_comments, e.extracted_comments, e.previous_msgctxt, e.previous_msgid,
         e.previous_msgid_plural, e.obsolete, e.lineno - skip)
        for e in entries
        if e.msgid != "read by the general parser"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('msgid "a"\nmsgstr "b"\nmsgstr "c"\n', ("error", 6, "duplicate msgstr")),
        ('msgid "a"\nmsgstr "b"\n\n#~ "c"\n', ("error", 7, "inconsistent use of #~")),
        (
            '#| msgid "x" "y"\nmsgid "a"\nmsgstr "b"\n\nmsgid "c"\nmsgstr "d"\nmsgstr "e"\n',
            ("error", 10, "duplicate msgstr"),
        ),
        ('msgid "a"\nmsgstr "b"\n\n"c"\n', "bc"),  # as msgcat: blank lines between strings
        ('#| msgid "x" "y"\nmsgid "a"\nmsgstr "b"\n', "b"),
    ],
)
def test_an_entry_reads_the_same_whichever_path_reads_it(text: str, expected: object) -> None:
    fast = read_outcome(FIRST + text)
    assert fast == read_outcome(GENERAL_FIRST + FIRST + text, skip=3)
    if isinstance(expected, str):
        assert fast[1][1] == expected  # the msgstr of the entry after "first"
    else:
        assert fast == expected


READ_LINES = [
    *('msgid "a"', 'msgid "b"', 'msgstr "x"', 'msgstr ""', 'msgctxt "c"', 'msgid_plural "p"'),
    *('msgstr[0] "y"', 'msgstr[1] "z"', '"more"', '"\\q"', '"\\303\\251"', 'msgstr "\\x"'),
    *("#, fuzzy", "#: f.py:1", "#. note", "# comment", "#", '#| msgid "old"', '#| "continued"'),
    *('#| msgid "o" "ld"', '#|msgctxt "k"', '#~ msgid "gone"', '#~ msgstr "was"', '#~ "more"'),
    *("", "  ", 'msgid "a" x', "\f", '#| msgstr "s"'),
]


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(st.sampled_from(READ_LINES), max_size=14), crlf=st.booleans())
def test_any_text_reads_the_same_whichever_path_reads_it(lines: list[str], crlf: bool) -> None:
    text = FIRST + "".join(line + "\n" for line in lines)
    if crlf:
        text = text.replace("\n", "\r\n")
    head = GENERAL_FIRST.replace("\n", "\r\n") if crlf else GENERAL_FIRST
    assert read_outcome(text) == read_outcome(head + text, skip=3)


def test_read_po_rejects_invalid_utf8_and_other_charsets(tmp_path: Path) -> None:
    path = tmp_path / "latin1.po"
    path.write_bytes(
        b'msgid ""\nmsgstr "Content-Type: text/plain; charset=ISO-8859-1\\n"\n\n'
        b'msgid "caf\xe9"\nmsgstr ""\n'
    )
    with pytest.raises(POSyntaxError, match=r"latin1\.po:4: charset 'ISO-8859-1'"):
        read_po(path)
    path.write_bytes(b'msgid "a"\nmsgstr "ok"\n\nmsgid "b"\nmsgstr "\xff\xfe"\n')
    with pytest.raises(POSyntaxError, match=r"latin1\.po:5: invalid UTF-8"):
        read_po(path)


# --- properties, lookup, saving ---------------------------------------------------------


def test_fuzzy_and_translated() -> None:
    entry = POEntry(msgid="a", msgstr="甲", flags=["python-format"])
    assert entry.translated and not entry.fuzzy
    entry.fuzzy = True
    assert entry.flags == ["fuzzy", "python-format"] and not entry.translated
    entry.fuzzy = True
    assert entry.flags.count("fuzzy") == 1
    entry.fuzzy = False
    assert entry.flags == ["python-format"] and entry.translated
    assert not POEntry(msgid="a").translated
    plural = POEntry(msgid="a", msgid_plural="as", msgstr_plural={0: "x", 1: ""})
    assert not plural.translated
    plural.msgstr_plural[1] = "y"
    assert plural.translated
    assert not POEntry(msgid="a", msgstr="b", obsolete=True).translated


def test_find_follows_appends_removals_and_edits() -> None:
    po = parse_po(FIXTURES["obsolete"])
    kept = po.find("kept")
    assert kept is not None
    added = POEntry(msgid="new", msgctxt="c")
    po.append(added)
    assert po.find("new", "c") is added and po.find("new") is None
    with pytest.raises(ValueError, match="duplicate"):
        po.append(POEntry(msgid="new", msgctxt="c"))
    added.msgid = "renamed"
    assert po.find("new", "c") is None and po.find("renamed", "c") is added
    added.msgctxt = None
    assert po.find("renamed") is added
    po.remove(added)
    assert po.find("renamed") is None and added not in po.entries
    po.entries.append(added)
    assert po.find("renamed") is added
    del po.entries[-1]
    assert po.find("renamed") is None
    po.entries.insert(0, added)
    assert po.entries.pop(0) is added and po.find("renamed") is None
    po.entries[0] = added
    assert po.find("kept") is None and po.find("renamed") is added
    po.entries[0:1] = [kept]
    assert po.find("kept") is kept and po.find("renamed") is None
    with pytest.raises(ValueError):
        po.remove(added)
    other = new_po()
    with pytest.raises(ValueError, match="belongs"):
        other.append(kept)


def test_header_via_append_and_assignment() -> None:
    po = new_po()
    header = POEntry(msgid="", msgstr="Language: zh_CN\n")
    po.append(header)
    assert po.header is header and po.entries == [] and po.find("") is header
    replacement = POEntry(msgid="", msgstr="Language: zh_TW\n")
    po.header = replacement
    assert po.find("") is replacement and po.metadata() == {"Language": "zh_TW"}
    po.set_metadata("Language", "zh_CN")
    po.set_metadata("MIME-Version", "1.0")
    assert replacement.msgstr == "Language: zh_CN\nMIME-Version: 1.0\n"


def test_save_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "zh_CN.po"
    path.write_text(FIXTURES["gnu"], encoding="utf-8")
    path.chmod(0o640)
    po = read_po(path)
    po.entries[0].msgstr = "新的译文"
    po.save()
    assert read_po(path).entries[0].msgstr == "新的译文"
    assert (path.stat().st_mode & 0o777) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["zh_CN.po"]

    before = path.read_bytes()
    po.entries[0].msgstr = "不会写入"

    def failing_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        po.save(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["zh_CN.po"]


def test_save_new_file(tmp_path: Path) -> None:
    po = sample_catalog()
    target = tmp_path / "new.po"
    po.save(target)
    assert target.read_text(encoding="utf-8") == po.dumps()
    assert read_po(target).dumps() == po.dumps()


def test_random_edits_read_back_identically() -> None:
    """Edited catalogs (only some fields re-laid out) parse back to the edited fields."""
    rng = random.Random(7)
    sources = list(FIXTURES.values()) + [p.read_text(encoding="utf-8") for p in CORPUS_FILES[::9]]
    for _ in range(60):
        po = parse_po(rng.choice(sources))
        for entry in rng.sample(po.entries, min(len(po.entries), 4)):
            field_name = rng.choice(["msgstr", "flags", "translator_comments", "references",
                                     "previous_msgid", "obsolete", "msgctxt"])  # fmt: skip
            value = {
                "msgstr": random_text(rng),
                "flags": rng.choice([[], ["fuzzy"], ["python-format", "fuzzy"]]),
                "translator_comments": [random_text(rng).replace("\n", " ").replace("\r", " ")],
                "references": [f"f{i}.py:{i}" for i in range(rng.randint(0, 12))],
                "previous_msgid": rng.choice([None, random_text(rng)]),
                "obsolete": not entry.obsolete,
                "msgctxt": rng.choice([None, f"ctx{rng.random()}"]),
            }[field_name]
            if field_name == "msgstr" and entry.msgid_plural is not None:
                entry.msgstr_plural[0] = value
            else:
                with contextlib.suppress(ValueError):  # a context change may duplicate a key
                    setattr(entry, field_name, value)
        again = parse_po(po.dumps())
        assert len(again.entries) == len(po.entries)
        for written, read in zip(po.entries, again.entries, strict=True):
            for name in FIELDS:
                assert getattr(read, name) == getattr(written, name), name


# --- hypothesis: whatever we write, we read back ---------------------------------------

SPECIAL = ['"', "\\", "\n", "\t", "\r", "中", "文", "，", "。", "“", "”", "（", "）", " ", "%"]
text_st = st.text(
    alphabet=st.one_of(st.sampled_from(SPECIAL), st.characters(exclude_categories=("Cs",))),
    max_size=120,
)
line_st = text_st.map(lambda s: s.replace("\n", " ").replace("\r", " "))
token_st = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Zs", "Zl", "Zp", "Cc")), min_size=1
).filter(lambda s: not any(c.isspace() for c in s))
flag_st = st.sampled_from(["fuzzy", "python-format", "c-format", "no-c-format", "range: 1..5"])


@st.composite
def entries_st(draw: st.DrawFn) -> POEntry:
    plural = draw(st.booleans())
    entry = POEntry(
        msgid=draw(text_st.filter(bool)),
        msgctxt=draw(st.none() | text_st),
        flags=draw(st.lists(flag_st, max_size=3, unique=True)),
        translator_comments=draw(st.lists(line_st, max_size=2)),
        extracted_comments=draw(st.lists(line_st, max_size=2)),
        references=draw(st.lists(token_st, max_size=4)),
        previous_msgid=draw(st.none() | text_st),
        obsolete=draw(st.booleans()),
    )
    if plural:
        entry.msgid_plural = draw(text_st)
        entry.msgstr_plural = dict(enumerate(draw(st.lists(text_st, min_size=1, max_size=3))))
    else:
        entry.msgstr = draw(text_st)
    return entry


FIELDS = (
    "msgid", "msgstr", "msgctxt", "msgid_plural", "msgstr_plural", "flags",
    "translator_comments", "extracted_comments", "references", "previous_msgctxt",
    "previous_msgid", "previous_msgid_plural", "obsolete",
)  # fmt: skip


@pytest.mark.slow
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    entries=st.lists(entries_st(), max_size=5, unique_by=lambda e: (e.msgctxt, e.msgid)),
    style=st.sampled_from([GNU, POLIB, NOWRAP, WrapStyle(kind="single")]),
)
def test_written_entries_read_back_identically(entries: list[POEntry], style: WrapStyle) -> None:
    po = new_po(style, metadata={"Content-Type": "text/plain; charset=UTF-8"})
    for entry in entries:
        po.append(entry)
    text = po.dumps()
    again = parse_po(text)
    assert len(again.entries) == len(entries)
    for written, read in zip(entries, again.entries, strict=True):
        for name in FIELDS:
            assert getattr(read, name) == getattr(written, name), name
    assert again.dumps() == text
