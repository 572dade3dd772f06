"""The acceptance gate: Chinese-aware numbers, what is rejected, what only warns.

The sentences are made up for these tests (none is from the shared WMT22 corpus, which is
only measured on, in benchmarks/mt_gate.py and tests/test_gate_corpus.py).
"""

from __future__ import annotations

import pytest

from i18npub.numbers import chinese_form, missing_numbers, stated_values
from i18npub.qa import acceptance_issues, check_numbers, fix_chinese_typography
from i18npub.translate import protect, restore

SAME_VALUES = [
    ("About 80,000 fans came.", "约8万名球迷到场。"),
    ("The bill tops 3 trillion yuan.", "账单超过3万亿元。"),
    ("Some 400,000 homes lost power.", "约40万户家庭断电。"),
    ("Jazz boomed in the 1930s.", "爵士乐在上世纪30年代兴起。"),
    ("Jazz boomed in the 1930s.", "爵士乐在1930年代兴起。"),
    ("The budget is $4.7 million.", "预算为470万美元。"),
    ("They raised over $3 million.", "他们筹集了300多万美元。"),
    ("Nearly 9,000 workers joined.", "近9000余名工人加入。"),
    ("It has 2 million users.", "它有两百万用户。"),
    ("It has 1 million users.", "它有一百万用户。"),
    ("Only 12 boats remain.", "只剩下十二艘船。"),
    ("Only 21 boats remain.", "只剩下二十一艘船。"),
    ("Only 2 boats remain.", "只剩下两艘船。"),
    ("It opened in 2019.", "它于二〇一九年开放。"),
    ("The match starts at 7.30pm.", "比赛于晚上7点半开始。"),
    ("The match starts at 7pm.", "比赛于19点开始。"),
    ("The match starts at 7 p.m. sharp.", "比赛于19点整开始。"),
    ("Turnout was 64%.", "投票率为百分之六十四。"),
    ("Turnout was 64%.", "投票率为６４％。"),
    ("Between 40-45 people were hurt.", "有40至45人受伤。"),
    ("The 2023-24 season ends.", "2023-2024赛季结束。"),
    ("The vote is on 9 March.", "投票定于3月9日举行。"),
    ("Cases reached 3,14,159 in Kerala.", "喀拉拉邦病例达到314159例。"),
    ("The firm hired 35,000 staff.", "该公司雇用了3万5千名员工。"),
    ("The firm hired 35,000 staff.", "该公司雇用了3.5万名员工。"),
]


@pytest.mark.parametrize(("source", "target"), SAME_VALUES)
def test_chinese_forms_of_the_same_value_are_accepted(source: str, target: str) -> None:
    assert missing_numbers(source, target) == []
    assert check_numbers(source, target, "zh_CN") == []


NAMES = [
    ("Officials discussed COVID-19 rules.", "官员讨论了新冠防疫规定。", "COVID-19"),
    ("Leaders of the G20 met.", "二十国集团领导人会面。", None),
    ("Leaders of the G7 met in Rome.", "七国集团领导人在罗马会面。", None),
    ("Divers searched for flight QZ8501 again.", "潜水员再次搜寻失事客机。", "QZ8501"),
    ("The phone supports 5G networks.", "这款手机支持第五代移动网络。", None),
    ("Many PCs still run Windows 11 today.", "许多电脑至今仍在运行视窗系统。", "11"),
]


@pytest.mark.parametrize(("source", "target", "left_out"), NAMES)
def test_a_name_rendered_without_its_number_only_warns(
    source: str, target: str, left_out: str | None
) -> None:
    issues = check_numbers(source, target, "zh_CN")
    assert [i.severity for i in issues if i.check == "numbers"] == []
    if left_out:
        assert any(i.check == "names" and left_out in i.message for i in issues), issues


CHANGED = [
    ("About 80,000 fans came.", "约80万名球迷到场。", "80000"),
    ("The budget is $4.7 million.", "预算为47万美元。", "4700000"),
    ("Only 21 boats remain.", "只剩下十二艘船。", "21"),
    ("The match starts at 7.30pm.", "比赛于晚上8点半开始。", "7.30"),
    ("Turnout was 64%.", "投票率为46%。", "64"),
    ("It opened in 2019 with 300 beds.", "它于2019年开放。", "300"),
]


@pytest.mark.parametrize(("source", "target", "shown"), CHANGED)
def test_a_changed_or_lost_value_is_an_error(source: str, target: str, shown: str) -> None:
    [issue] = [i for i in check_numbers(source, target, "zh_CN") if i.severity == "error"]
    assert issue.check == "numbers" and shown in issue.message


def test_full_width_digits_and_grouping_are_read() -> None:
    assert {70000, 2048} <= stated_values("共７万人，２，０４８人")


def test_protected_numbers_come_back_as_chinese_writes_them() -> None:
    # The issue's bug: "6,000余名" and "2,06,737例" after a token round trip.
    assert chinese_form("7,500") == "7500" and chinese_form("1,23,456") == "123456"
    assert chinese_form("3.25") == "3.25" and chinese_form("T-800") == "T-800"
    protected = protect("More than 7,500 people and 1,23,456 cases.", numbers=True, chinese=True)
    answer = restore("[X1X]余人，[X2X]例。", protected)
    assert answer == "7500余人，123456例。"


def test_numbers_travel_to_engines_in_clear_by_default() -> None:
    protected = protect("See <1>the 4,200 tonnes</1> at https://port.example.net/t.")
    assert "4,200" in protected.text and "port.example.net" not in protected.text
    assert "<1>" not in protected.text


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        ("天气很好......", "天气很好……"),
        ("他停了一下......然后走了", "他停了一下……然后走了"),
        ("等一等. . .", "等一等……"),
        ("好吧。。。", "好吧……"),
        ("他说……", "他说……"),
        ("价格是3.5元.", "价格是3.5元。"),
    ],
)
def test_ellipses_become_one_chinese_ellipsis(raw: str, fixed: str) -> None:
    assert fix_chinese_typography(raw) == fixed


REJECTED = [
    ("The council met on Friday evening.", "", "empty"),
    ("The council met on Friday evening.", "The council met on Friday evening.", "echo"),
    ("The council met on Friday evening.", "評議会は金曜日の夜に開かれました。", "script"),
    ("The council met on Friday evening to vote.", "会议", "length"),
    ("The council met on Friday evening.", "会议，会议，会议，会议", "loop"),
    ("The council met on 4 May.", "议会于5月3日开会。", "numbers"),
    ("Read <1>the minutes</1>.", "请阅读会议记录。", "placeholders"),
]


@pytest.mark.parametrize(("source", "target", "check"), REJECTED)
def test_what_is_certainly_broken_is_rejected(source: str, target: str, check: str) -> None:
    errors = [i.check for i in acceptance_issues(source, target) if i.severity == "error"]
    assert check in errors


WARNED_ONLY = [
    # Sloppy but right: repaired by the typography fix or left to a reviewer.
    ("The council met.", "议会 开会了。"),
    ("Officials discussed COVID-19 rules.", "官员讨论了新冠防疫规定。"),
    ("The council met to discuss the plan.", "议会开会讨论了the plan for the harbour。"),
    ("Pork prices rose.", "猪肉，猪肉价格上涨。"),
]


@pytest.mark.parametrize(("source", "target"), WARNED_ONLY)
def test_what_may_be_right_is_not_rejected(source: str, target: str) -> None:
    issues = acceptance_issues(source, target)
    assert issues and all(i.severity == "warning" for i in issues), issues


def test_a_repetition_the_source_has_is_no_loop() -> None:
    source = "Row, row, row your boat, row, row, row your boat, row, row, row your boat."
    target = "划呀划呀划小船，划呀划呀划小船，划呀划呀划小船。"
    assert [i for i in acceptance_issues(source, target) if i.severity == "error"] == []
