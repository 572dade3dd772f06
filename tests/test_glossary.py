"""The glossary: files, matching, QA, and the repository's own glossary."""

from __future__ import annotations

from pathlib import Path

import pytest

from i18npub.glossary import Glossary, GlossaryError, contains_term
from i18npub.project import Project
from i18npub.qa import check_glossary, check_translation, fix_chinese_typography
from tests.support.paths import REPO

CSV = """# comment line
term,translation,type,note
WIPO,世界知识产权组织,,World Intellectual Property Organization
Madrid System,马德里体系,,
Madrid International Trademark System,马德里商标国际注册体系|马德里国际商标体系,,
SMEs,中小企业,,
TikTok,,keep,brand
"""
TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en"><text><body>
  <termEntry id="1">
    <descrip type="definition">the UN agency for IP</descrip>
    <langSet xml:lang="en"><tig><term>WIPO</term></tig></langSet>
    <langSet xml:lang="zh-CN"><tig><term>世界知识产权组织</term></tig></langSet>
  </termEntry>
  <termEntry id="2">
    <langSet xml:lang="en"><tig><term>PATENTSCOPE</term></tig></langSet>
  </termEntry>
</body></text></martif>
"""


@pytest.fixture
def glossary(tmp_path: Path) -> Glossary:
    path = tmp_path / "glossary.csv"
    path.write_text(CSV, encoding="utf-8")
    return Glossary.load(path)


def test_csv_terms_types_and_alternatives(glossary: Glossary) -> None:
    by_source = {term.source: term for term in glossary}
    assert len(glossary) == 5
    assert by_source["TikTok"].keep and by_source["TikTok"].translation == "TikTok"
    madrid = by_source["Madrid International Trademark System"]
    assert madrid.translations == ("马德里商标国际注册体系", "马德里国际商标体系")
    assert madrid.translation == "马德里商标国际注册体系"


def test_longest_term_wins_and_case_follows_the_term(glossary: Glossary) -> None:
    text = "WIPO runs the Madrid International Trademark System; the madrid system helps SMEs."
    found = [(text[h.start : h.end], h.term.source) for h in glossary.find(text, "zh_CN")]
    assert found == [
        ("WIPO", "WIPO"),
        ("Madrid International Trademark System", "Madrid International Trademark System"),
        ("madrid system", "Madrid System"),
        ("SMEs", "SMEs"),
    ]
    assert glossary.find("wipo and smes and tiktok", "zh_CN") == []  # acronyms: exact case


def test_terms_match_whole_words_only(glossary: Glossary) -> None:
    assert glossary.find("WIPOS and XWIPO", "zh_CN") == []


def test_tbx_entries_become_terms(tmp_path: Path) -> None:
    path = tmp_path / "terms.tbx"
    path.write_text(TBX, encoding="utf-8")
    glossary = Glossary.load(path)
    wipo, patentscope = glossary.terms
    assert (wipo.source, wipo.translations, wipo.language) == (
        "WIPO",
        ("世界知识产权组织",),
        "zh-CN",
    )
    assert wipo.note == "the UN agency for IP" and wipo.applies_to("zh_CN")
    assert not wipo.applies_to("zh_TW")
    assert patentscope.keep


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("term,translation\n,x\n", "glossary.csv:2: empty term"),
        ("word,meaning\nWIPO,x\n", "glossary.csv:1: the header must name the columns"),
        ("term,translation,type\nWIPO,x,sometimes\n", "glossary.csv:2: unknown type"),
    ],
)
def test_bad_glossary_files_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "glossary.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GlossaryError, match=message):
        Glossary.load(path)


def test_glossary_check_accepts_any_listed_translation(glossary: Glossary) -> None:
    source = "The Madrid International Trademark System grew."
    terms = glossary.terms_in(source, "zh_CN")
    assert check_glossary("马德里国际商标体系发展了。", terms) == []
    [issue] = check_glossary("马德里体系发展了。", terms)
    assert (
        issue.severity == "error"
        and "马德里商标国际注册体系 or 马德里国际商标体系" in issue.message
    )
    assert contains_term("TikTok的用户", next(t for t in glossary if t.keep))
    assert check_translation(source, "马德里体系发展了。", "zh_CN", terms)[0].check == "glossary"


def test_the_repository_glossary_has_the_required_terms_and_samples_follow_it() -> None:
    project = Project.open(REPO)
    glossary = project.glossary()
    translations = {term.source: term.translation for term in glossary}
    for source, translation in {
        "WIPO": "世界知识产权组织",
        "Madrid System": "马德里体系",
        "CNIPA": "国家知识产权局",
        "SMEs": "中小企业",
    }.items():
        assert translations[source] == translation
    assert "CIFTIS" in translations
    assert [f for f in project.check() if f.check == "glossary"] == []


@pytest.mark.parametrize(
    ("machine", "fixed"),
    [
        ("旅客 可在 <1>港务局 网站</1> 查询.", "旅客可在<1>港务局网站</1>查询。"),
        ("他说:是的,好", "他说：是的，好"),
        ('"这条航线我们筹划了十年.', "“这条航线我们筹划了十年。"),
        ('今天," 林女士说.', "今天，”林女士说。"),
        ("等等...", "等等……"),
        ("交易会(服贸会)", "交易会（服贸会）"),
        ("早上7:30出发。", "早上7:30出发。"),
        ("请访问www.wipo.int.", "请访问www.wipo.int。"),
        ("增长了1,200吨。", "增长了1,200吨。"),
        ("结束。.", "结束。"),
    ],
)
def test_chinese_typography_fixes_pass_the_checks(machine: str, fixed: str) -> None:
    assert fix_chinese_typography(machine) == fixed
    issues = check_translation("x", fixed, "zh_CN")
    assert not [i for i in issues if i.check in ("punctuation", "spacing")]


def test_clock_times_match_chinese_hours_and_minutes() -> None:
    """A real MT answer from WMT22: "5.30pm" written as 5点30分 is not a changed number."""
    source = "He was found just before 5.30pm on Friday."
    assert check_translation(source, "他在周五下午5点30分之前被发现。", "zh_CN") == []
