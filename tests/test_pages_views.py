"""Pages of partly translated articles, without a browser: states, marks, word breaks, 404."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from i18npub.site.views import (
    APPROVED,
    MACHINE,
    OUTDATED,
    UNTRANSLATED,
    BlockView,
    Label,
    Sentence,
    tidy_english,
)
from i18npub.wordbreak import word_breaks, words
from tests.support.loopback import served_site
from tests.support.sitekit import edit_catalog, machine, page, sample_project, text_of, untranslate

LABELS = {
    MACHINE: Label("机译", "机器翻译，待审校", "", "zh-Hans"),
    OUTDATED: Label("待更新", "英文原文在翻译后有改动，译文待更新", "译文待更新", "zh-Hans"),
    UNTRANSLATED: Label("未译", "尚未翻译，显示英文原文", "尚未翻译", "zh-Hans"),
}


def _sentence(pair: str, en: str, zh: str | None, state: str) -> Sentence:
    if zh is None:  # shown in English
        return Sentence(pair, Markup(en), Markup(en), en, en, state, "en")
    return Sentence(pair, Markup(en), Markup(zh), en, zh, state, "zh-Hans")


def _block(*sentences: Sentence, kind: str = "paragraph") -> BlockView:
    return BlockView(1, kind, 0, list(sentences), "zh-Hans")


def _tree(html: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(html, create_parent="div")


@pytest.mark.parametrize("shown", ["chinese", "english"])
def test_an_outdated_sentence_is_marked_whichever_side_it_shows(shown: str) -> None:
    old = _sentence(
        "b1s1", "Prices rose 4%.", "价格上涨了3%。" if shown == "chinese" else None, OUTDATED
    )
    block = _block(old, _sentence("b1s2", "Farms sold more.", "农场卖得更多。", APPROVED))
    zh = _tree(block.html("zh", labels=LABELS))
    [mark] = zh.xpath("//small[contains(@class, 'mark-outdated')]")
    assert text_of(mark.xpath("./span[@class='vh']")[0]).startswith("英文原文在翻译后有改动")
    [span] = zh.xpath("//span[contains(@class, 'outdated')]")
    assert span.get("lang") == ("en" if shown == "english" else None)
    bilingual = _tree(block.html("zh", True, LABELS))
    if shown == "english":  # the English is not printed a second time
        [gap] = bilingual.xpath("//span[contains(@class, 'gap')]")
        assert text_of(gap) == "译文待更新" and gap.get("data-pair") == "b1s1"
        assert "Prices rose" not in text_of(bilingual)
    else:
        assert "价格上涨了3%。" in text_of(bilingual)
        assert bilingual.xpath("//small[contains(@class, 'mark-outdated')]")


def test_a_run_gets_one_mark_and_one_bilingual_gap_paired_with_all_its_sentences() -> None:
    block = _block(
        _sentence("b1s1", "One.", None, UNTRANSLATED),
        _sentence("b1s2", "Two.", None, UNTRANSLATED),
        _sentence("b1s3", "Three.", "三。", MACHINE),
        _sentence("b1s4", "Four.", "四。", MACHINE),
        _sentence("b1s5", "Five.", "五。", APPROVED),
    )
    zh = _tree(block.html("zh", labels=LABELS))
    marks = [m.get("class").split()[1] for m in zh.xpath("//small")]
    assert marks == ["mark-untranslated", "mark-machine"]
    bilingual = _tree(block.html("zh", True, LABELS))
    [gap] = bilingual.xpath("//span[contains(@class, 'gap')]")
    assert gap.get("data-pair") == "b1s1 b1s2" and gap.get("id") == "b1s1-zh"
    assert "One." not in text_of(bilingual) and "Two." not in text_of(bilingual)
    assert [m.get("class").split()[1] for m in bilingual.xpath("//small")] == ["mark-machine"]


def test_marks_escape_their_labels() -> None:
    hostile = {MACHINE: Label('<b>x</b>"', '"><script>1</script>', "", "zh-Hans")}
    html = _block(_sentence("b1s1", "A.", "甲。", MACHINE)).html("zh", labels=hostile)
    assert "<script>" not in html and "<b>" not in html


def test_english_loses_the_space_inside_brackets_only() -> None:
    assert tidy_english("( Photo: WOC)") == "(Photo: WOC)"
    assert tidy_english("rose (see [ 1 ] ) today") == "rose (see [1]) today"
    assert tidy_english("a ( b") == "a (b"
    assert tidy_english("no brackets  here") == "no brackets  here"


# Word breaks in headings --------------------------------------------------------------------


def test_headings_get_break_points_only_between_words() -> None:
    html = str(word_breaks(Markup("市政府批准太阳能渡轮计划，2021年投入运营")))
    assert "太阳能" in html and "批准" in html  # never split
    assert "2021年" in html  # a number keeps its unit
    assert "<wbr>" in html
    assert "<wbr>，" not in html and "，<wbr>" not in html  # punctuation keeps its own rules


@given(st.text(alphabet="中国人民银行太阳能渡轮航线开通2021年 &<>\"'abc，。“”𠀀", max_size=40))
def test_word_breaks_keep_the_text_and_its_escaping(text: str) -> None:
    html = str(word_breaks(text))
    assert html.replace("<wbr>", "") == str(Markup.escape(text))
    assert "".join(words(text)) == text


def test_word_breaks_pass_over_tags() -> None:
    html = str(word_breaks(Markup('<a href="/太阳能渡轮">太阳能渡轮</a>')))
    assert html == '<a href="/太阳能渡轮">太阳能<wbr>渡轮</a>'


# Site: bylines, indexes, code, 404 ----------------------------------------------------------


def test_known_byline_roles_are_translated_and_names_kept(tmp_path: Path) -> None:
    proj = sample_project(tmp_path / "p")
    path = proj.root / "articles" / "tea-exports.json"
    path.write_text(path.read_text().replace('"Business desk"', '"Staff reporter and Jane Doe"'))
    proj.build()
    zh = page(proj.path("site"), "zh/tea-exports/index.html")
    parts = [(s.get("lang"), text_of(s)) for s in zh.xpath("//span[@class='byline']/span")]
    assert parts == [("zh-Hans", "本报记者"), ("en", "Jane Doe")]
    en = page(proj.path("site"), "en/tea-exports/index.html")
    assert text_of(en.xpath("//span[@class='byline']")[0]) == "Staff reporter and Jane Doe"


def test_bilingual_index_does_not_repeat_an_untranslated_title(tmp_path: Path) -> None:
    proj = sample_project(tmp_path / "p")
    edit_catalog(proj, "tea-exports", untranslate)
    edit_catalog(proj, "library-open-data", machine())
    proj.build()
    index = page(proj.path("site"), "bilingual/index.html")
    assert text_of(index).count("Mountain Tea Growers Find New Buyers Abroad") == 1
    assert "尚未翻译" in text_of(index)


def test_code_blocks_are_keyboard_reachable_regions(tmp_path: Path) -> None:
    proj = sample_project(tmp_path / "p")
    proj.build()
    for view in ("en", "zh", "bilingual"):
        [code] = page(proj.path("site"), f"{view}/library-open-data/index.html").xpath("//pre")
        assert code.get("tabindex") == "0" and code.get("role") == "region"
        assert code.get("aria-label")


def test_serve_answers_missing_paths_with_the_bilingual_404_page(tmp_path: Path) -> None:
    proj = sample_project(tmp_path / "p")
    proj.build()
    site = proj.path("site")
    assert (site / "static" / "favicon.svg").is_file()
    icons = page(site, "zh/index.html").xpath("//link[@rel='icon']/@href")
    assert icons and icons[0].startswith("../static/favicon.svg")
    with served_site(site) as root:
        base = root.rstrip("/")
        for path in ("/zh/no-such-article/", "/a/b/c/d.html", "/.i18npub-site.json"):
            with pytest.raises(HTTPError) as caught:
                urlopen(base + path)
            assert caught.value.code == 404
            html = caught.value.read().decode("utf-8")
            assert "找不到页面" in html and "Page not found" in html
            assert re.search(r'href="/static/site\.css', html)  # works at any depth
        request = Request(base + "/nope", method="HEAD")
        with pytest.raises(HTTPError) as caught:
            urlopen(request)
        assert caught.value.code == 404 and caught.value.read() == b""
        with urlopen(base + "/static/favicon.svg") as response:
            assert response.status == 200
