"""Quality checks on real-looking translations, good and bad."""

from __future__ import annotations

import pytest

from i18npub.qa import check_translation, numbers

GOOD = [
    (
        "Fuel savings are expected to reach $1.2 million by 2030.",
        "预计到2030年，节省的燃料费用将达到120万美元。",
    ),
    ("The files cover 14.6 million loans.", "这些文件涵盖1460万次借阅。"),
    ("Growers sold 4,200 tonnes abroad.", "茶农向海外出售了4200吨茶叶。"),
    ("See <1>the timetable</1> for times.", "时刻表见<1>此处</1>。"),
    ("Run <1/> to build.", "运行<1/>进行构建。"),
    ("The ferry leaves at 7:30 a.m.", "渡轮早上7:30出发。"),
    ("Exports rose 21% and sales to the U.S. doubled.", "出口增长21%，对美国的销售额翻了一番。"),
    ("E-mail ferries@harbour.example.org.", "请发送电子邮件至ferries@harbour.example.org。"),
    ("It costs 2.5 billion yuan.", "耗资25亿元。"),
]


@pytest.mark.parametrize("source, target", GOOD)
def test_good_translations_pass(source: str, target: str) -> None:
    assert check_translation(source, target) == []


BAD = [
    ("Read <1>this</1>.", "请阅读。", "placeholders", "missing markup </1> <1>"),
    ("Read <1>this</1>.", "请阅读</1>这个<1>。", "placeholders", "not properly nested"),
    ("Read this.", "请阅读<2/>。", "placeholders", "unexpected markup <2/>"),
    ("It rose 5% in 2021.", "2021年增长了6%。", "numbers", "5"),
    ("It costs $1.2 million.", "耗资12万美元。", "numbers", "1200000"),
    ("He said so.", "他这么说,然后走了。", "punctuation", "half-width"),
    ("He left.", "他离开了.", "punctuation", "half-width"),
    ('He said "yes".', '他说"好"。', "punctuation", "straight quotes"),
    ("Wait.", "等等...", "punctuation", "half-width"),
    ("He left.", "他 离开了。", "spacing", "space between Chinese"),
    ("He left.", "他离开\n了。", "spacing", "line break"),
    ("He left.", "He left.", "untranslated", "no Chinese"),
    (
        "He said that the plan was good.",
        "他说that the plan was good。",
        "untranslated",
        "English left",
    ),
    ("Pork prices rose.", "猪肉，猪肉价格上涨。", "repetition", "猪肉，猪肉"),
    ("He left.", " 他离开了。", "whitespace", "leading"),
    ("He left. ", "他离开了。", "whitespace", "trailing"),
]


@pytest.mark.parametrize("source, target, check, fragment", BAD)
def test_bad_translations_are_flagged(source: str, target: str, check: str, fragment: str) -> None:
    issues = check_translation(source, target)
    assert any(i.check == check and fragment in i.message for i in issues), issues


def test_decimal_points_and_urls_are_not_punctuation_errors() -> None:
    assert check_translation("It grew 0.8%.", "增长了0.8%。") == []
    assert check_translation("Visit www.wipo.int.", "请访问www.wipo.int。") == []


@pytest.mark.parametrize(
    "text, values",
    [
        ("$1.2 million", ["1.2E+6"]),
        ("4,200 tonnes and 31 filings", ["31", "4.2E+3"]),
        ("No numbers here", []),
    ],
)
def test_numbers_apply_scale_words(text: str, values: list[str]) -> None:
    assert sorted(str(v) for v in numbers(text).elements()) == sorted(values)
