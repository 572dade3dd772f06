"""Risk flags and the review queue: a score per machine entry, worst first.

Real HTTP: a loopback LibreTranslate server answers with made-up translations, some good,
some with the faults weak engines show (English left in, a decoder loop in part of the
answer, sloppy punctuation). None of these sentences is from the shared corpus.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from i18npub.catalog import read_catalog
from i18npub.cli import app
from i18npub.lookup import provenance
from i18npub.project import Project
from i18npub.review import SCHEMA, review_queue
from i18npub.risk import FLAG_AT, assess
from tests.support.mt_servers import ProviderServer

ANSWERS = {
    "Harbour fees will rise next spring, the port authority said.": (
        "港务局表示，港口费用将于明年春天上涨。"
    ),
    "The new ferry carries cars and bicycles across the bay every hour.": (
        "新渡轮每小时载着汽车和自行车穿越海湾。"
    ),
    "Fishermen said the quota was unfair and would hurt small boats most.": (
        "渔民们说the quota was unfair，会伤害小船。"
    ),
    "Volunteers cleaned the beach before the summer festival began on Saturday.": (
        "志愿者在夏季节日开始前清理了海滩,周六,清理海滩清理海滩."
    ),
}


def make_project(root: Path, url: str) -> Project:
    Project.init(root, title="Harbour")
    config = root / "i18npub.toml"
    text = config.read_text(encoding="utf-8").replace('engines = ["memory"]', 'engines = ["libre"]')
    config.write_text(text + f'\n[engines.libre]\nurl = "{url}"\nbackoff = 0.01\n', "utf-8")
    project = Project.open(root)
    source = root.parent / "harbour.md"
    body = "\n\n".join(ANSWERS)
    source.write_text(f"---\nslug: harbour\ntitle: 港口\n---\n\n{body}\n", encoding="utf-8")
    project.ingest([source])
    return project


@pytest.fixture
def translated(tmp_path: Path) -> Project:
    with ProviderServer("libre", translate=lambda text: ANSWERS.get(text, "港口")) as server:
        project = make_project(tmp_path / "proj", server.url)
        report = project.translate()
    assert report.filled == len(ANSWERS) + 1  # every answer passes the gate: none is broken
    return project


def machine_entries(project: Project) -> dict[str, dict[str, str]]:
    catalog = read_catalog(project.catalog_path("harbour", "zh_CN"))
    return {e.msgid: provenance(e) for e in catalog.entries if e.msgid in ANSWERS}


def test_each_machine_entry_carries_a_risk_score_in_its_provenance(translated: Project) -> None:
    recorded = machine_entries(translated)
    good, english_left, looping = (recorded[list(ANSWERS)[i]] for i in (0, 2, 3))
    assert good["risk"] == "0" and "flags" not in good
    assert int(english_left["risk"]) >= FLAG_AT and "latin" in english_left["flags"]
    assert int(looping["risk"]) >= FLAG_AT
    assert {"repetition", "typography"} <= set(looping["flags"].split(","))


def test_the_review_queue_lists_machine_entries_worst_first(translated: Project) -> None:
    queue = review_queue(translated)
    scores = [item.score for item in queue.items]
    assert scores == sorted(scores, reverse=True) and len(scores) == len(ANSWERS) + 1
    assert queue.items[0].msgid == list(ANSWERS)[3] and queue.items[0].flagged
    assert {item.msgid for item in queue.items if not item.flagged} >= set(list(ANSWERS)[:2])


def test_review_json_has_a_schema_and_entries_in_order(translated: Project) -> None:
    result = CliRunner().invoke(app, ["-p", str(translated.root), "review", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["schema"] == SCHEMA and data["flag_at"] == FLAG_AT
    assert [e["score"] for e in data["entries"]] == sorted(
        (e["score"] for e in data["entries"]), reverse=True
    )
    first = data["entries"][0]
    assert first["path"].endswith("harbour.po") and first["line"] > 0 and first["engine"] == "libre"
    assert data["flagged"] == sum(e["flagged"] for e in data["entries"]) == 2


def test_review_text_output_and_limit(translated: Project) -> None:
    result = CliRunner().invoke(app, ["-p", str(translated.root), "review", "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert list(ANSWERS)[3] in result.output and next(iter(ANSWERS)) not in result.output
    whole = json.loads(
        CliRunner().invoke(app, ["-p", str(translated.root), "review", "--json"]).output
    )
    assert whole["total"] > 1  # the summary counts the whole queue, not the lines shown
    summary = f"{whole['total']} machine translation(s), {whole['flagged']} flagged for review"
    assert summary in result.output


def test_review_json_limit_lists_the_first_entries_and_counts_all(translated: Project) -> None:
    cli = ["-p", str(translated.root), "review", "--json"]
    whole = json.loads(CliRunner().invoke(app, cli).output)
    first = json.loads(CliRunner().invoke(app, [*cli, "--limit", "1"]).output)
    assert first["entries"] == whole["entries"][:1]
    assert (first["total"], first["flagged"]) == (whole["total"], whole["flagged"])


def test_review_of_an_unknown_article_is_one_line(translated: Project) -> None:
    result = CliRunner().invoke(app, ["-p", str(translated.root), "review", "--article", "nope"])
    assert result.exit_code == 2 and result.output.strip() == "error: no such article(s): nope"


def test_entries_without_a_recorded_score_are_scored_from_their_text(translated: Project) -> None:
    path = translated.catalog_path("harbour", "zh_CN")
    catalog = read_catalog(path)
    for entry in catalog.entries:  # as written before scores were kept
        entry.translator_comments = [
            " ".join(w for w in c.split() if not w.startswith(("risk=", "flags=")))
            for c in entry.translator_comments
        ]
    catalog.save(path)
    queue = review_queue(translated)
    english_left = next(i for i in queue.items if i.msgid == list(ANSWERS)[2])
    assert english_left.flagged and "latin" in english_left.flags


@pytest.mark.parametrize(
    ("source", "text", "flag"),
    [
        ("The mayor opened the bridge on Monday morning with a ribbon.", "市长。", "length"),
        ("The mayor opened the bridge.", "市长在the bridge开幕。", "latin"),
        ("The mayor opened the bridge.", "市长为大桥大桥大桥剪彩。", "repetition"),
        ("The mayor opened the bridge.", "市长于2031年为大桥剪彩。", "numbers"),
        ("It opened in 2031 after delays.", "在2031开放经过延误。", "word-order"),
        (
            "The new quay will open in the spring, officials hope.",
            "新码头将在春天开放，希望。",
            "word-order",
        ),
        ("Will the ferry run on Sunday?", "渡轮周日会开吗?", "typography"),
        (
            "The storm - the worst in years - closed the port.",
            "风暴-多年来最严重的-关闭了港口。",
            "typography",
        ),
        ("The bridge took 12 years to build.", "这座桥花了12多年才建成。", "approximation"),
        (
            "The pier, which cost a lot, opened; the mayor, who came late, spoke: briefly, well.",
            "码头开放了市长讲话很简短很好的码头开放了",
            "clauses",
        ),
    ],
)
def test_risk_flags(source: str, text: str, flag: str) -> None:
    risk = assess(source, text)
    assert flag in risk.flags and risk.score > 0


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("The new quay will open in the spring, officials hope.", "官员们希望新码头在春天开放。"),
        ("The quay is open, he said.", "码头开放了，他说。"),  # a subject and a verb: Chinese
        ("Will the ferry run on Sunday?", "渡轮周日会开吗？"),
        (
            "The Smith-Jones family sold the farm.",
            "史密斯-琼斯一家卖掉了农场。",
        ),  # the source's hyphen
        ("The bridge took over 12 years to build.", "这座桥花了12多年才建成。"),  # "over": 多
        ("It opened in 2031 after delays.", "经过延误，它于2031年开放。"),
    ],
)
def test_chinese_word_order_typography_and_approximations_as_a_writer_has_them(
    source: str, text: str
) -> None:
    assert assess(source, text).flags == ()


def test_a_sound_translation_has_no_flags() -> None:
    risk = assess(
        "The mayor opened the new bridge on Monday, a year late.",
        "周一，市长为新大桥剪彩，比原计划晚了一年。",
    )
    assert risk.score == 0 and risk.flags == ()


def test_a_broken_catalog_is_one_line_and_the_others_are_listed(translated: Project) -> None:
    source = translated.root.parent / "second.md"
    source.write_text("---\nslug: second\ntitle: 第二\n---\n\nThe pier opened.\n", "utf-8")
    translated.ingest([source])
    translated.catalog_path("second", "zh_CN").write_text('msgid "x\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["-p", str(translated.root), "review"])
    assert result.exit_code == 0 and "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "second" in errors[0]
    assert list(ANSWERS)[3] in result.output
