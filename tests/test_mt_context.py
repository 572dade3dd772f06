"""Context for language models: the OpenAI-compatible engine (OpenAI, Ollama, vLLM,
llama.cpp server) translates a paragraph at a time, its sentences numbered and the glossary
terms in the prompt, and splits the answer back to sentences only when the split can be
trusted; otherwise the sentences are sent as sentences. Over real HTTP, against a loopback
server speaking the chat-completions wire format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from i18npub.catalog import read_catalog
from i18npub.engines.openai import split_numbered
from i18npub.lookup import provenance
from i18npub.project import Project
from tests.support.corpus import WMT
from tests.support.mt_servers import ProviderServer, Request
from tests.support.require import require_shared

PARAGRAPH = (
    "The firm filed its trademark under the Madrid System last week. "
    "Officials said the application covered twelve countries in Asia. "
    "A decision is expected before the end of the year."
)
SECOND = "Shares rose in early trading. Analysts were cautious about the outlook."


def _project(root: Path, url: str, **engine: object) -> Project:
    Project.init(root, title="Context")
    table = {"url": url, **engine}
    lines = ['[project]\ntitle = "Context"\n', "[translate]", 'engines = ["chatgpt"]']
    lines += ["backoff = 0.01\n", "[engines.chatgpt]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in table.items()]
    (root / "i18npub.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "glossary.csv").write_text(
        "term,translation,type\nMadrid System,马德里体系,\n", encoding="utf-8"
    )
    source = root.parent / "firm.md"
    body = f"{PARAGRAPH}\n\n{SECOND}\n\nA closing line."
    source.write_text(f"---\nslug: firm\ntitle: Trademark news\n---\n\n{body}\n", "utf-8")
    project = Project.open(root)
    [result] = project.ingest([source])
    assert result.action == "created"
    return project


def _user(request: Request) -> str:
    data = json.loads(request.body)
    return next(m["content"] for m in data["messages"] if m["role"] == "user")


def _machine(project: Project) -> dict[str, dict[str, str]]:
    catalog = read_catalog(project.catalog_path("firm", "zh_CN"))
    return {e.msgid: provenance(e) for e in catalog.entries if e.msgid and e.msgstr}


def test_paragraphs_go_as_numbered_sentences_with_the_glossary(tmp_path: Path) -> None:
    with ProviderServer("chatgpt") as server:
        project = _project(tmp_path / "proj", server.url)
        report = project.translate()
        first = len(server.requests)
        rerun = Project.open(project.root).translate()
    requests = [r for r in server.requests[:first] if r.mode == "paragraph"]
    paragraphs = sorted(requests, key=lambda r: -len(r.texts))  # sent concurrently
    assert [len(r.texts) for r in paragraphs] == [3, 2]
    assert paragraphs[0].texts[0] == "The firm filed its trademark under the [X1X] last week."
    user = _user(paragraphs[0])
    assert user.startswith("Glossary:\n- Madrid System → 马德里体系\n")
    assert "\n1. The firm filed" in user and "\n3. A decision is expected" in user
    assert "Glossary" not in _user(paragraphs[1])  # only the terms of that paragraph
    singles = [t for r in server.requests[:first] if r.mode == "array" for t in r.texts]
    assert sorted(singles) == ["A closing line.", "Trademark news"]  # no paragraph to share
    assert report.filled == 7 and report.pending == 0
    machine = _machine(project)
    assert {m for m, p in machine.items() if p.get("context") == "paragraph"} == {
        *(s + "." for s in PARAGRAPH.split(". ")[:-1]),
        PARAGRAPH.split(". ")[-1],
        *(s + "." for s in SECOND.split(". ")[:-1]),
        SECOND.split(". ")[-1],
    }
    assert "马德里体系" in read_catalog(project.catalog_path("firm", "zh_CN")).dumps()
    assert rerun.filled == 0 and len(server.requests) == first  # cached


def test_a_split_that_cannot_be_trusted_falls_back_to_sentence_requests(
    tmp_path: Path,
) -> None:
    with ProviderServer("chatgpt") as server:
        server.fault = "merge"  # two sentences of each paragraph come back on one line
        project = _project(tmp_path / "proj", server.url)
        report = project.translate()
    modes = [r.mode for r in server.requests]
    assert modes.count("paragraph") == 2 and modes.count("array") >= 1
    sentences = {t for r in server.requests if r.mode == "array" for t in r.texts}
    assert len(sentences) == 7  # every sentence asked on its own
    assert report.filled == 7 and report.pending == 0
    assert not any(p.get("context") == "paragraph" for p in _machine(project).values())


def test_paragraphs_can_be_turned_off(tmp_path: Path) -> None:
    with ProviderServer("chatgpt") as server:
        project = _project(tmp_path / "proj", server.url, paragraphs=False)
        report = project.translate()
    assert {r.mode for r in server.requests} == {"array"} and report.filled == 7


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("1. 甲。\n2. 乙。", ["甲。", "乙。"]),
        ("```\n1) 甲。\n\n2) 乙。\n```", ["甲。", "乙。"]),
        ("1. 甲。乙。", None),  # merged
        ("1. 甲。\n3. 乙。", None),  # numbers out of order
        ("1. 甲。\n2. 乙。\n3. 丙。", None),  # one sentence too many
        ("Here you go:\n1. 甲。\n2. 乙。", None),  # chatter: no confidence in the lines
        ("1. 甲。\n2. ", None),  # an empty line for a sentence
    ],
)
def test_split_numbered_takes_only_a_split_it_can_trust(reply: str, expected: object) -> None:
    assert split_numbered(reply, ["A.", "B."]) == expected


def test_a_token_in_the_wrong_line_means_the_lines_are_shifted() -> None:
    sentences = ["It cost [X1X] dollars.", "Officials agreed."]
    assert split_numbered("1. 花费了[X1X]美元。\n2. 官员们同意。", sentences)
    assert split_numbered("1. 花费了美元。\n2. [X1X]官员们同意。", sentences) is None


def test_the_split_check_on_real_news_trusts_right_splits_and_catches_wrong_ones() -> None:
    """WMT22 news, two human references and three systems: paragraphs of four sentences.
    A right split must be trusted (else a wasted fallback); a wrong split that keeps the
    line count (two sentences merged, another cut in two) must be caught."""
    documents = [json.loads(line) for line in require_shared(WMT).read_text("utf-8").splitlines()]
    right = wrong = total = 0
    for document in documents:
        english = document["sentences_en"]
        systems = [document["ref_zh_a"], document["ref_zh_b"], *document["mt"].values()]
        for chinese in systems:
            for start in range(0, len(english) - 3, 4):
                sources, answers = english[start : start + 4], chinese[start : start + 4]
                total += 1
                right += split_numbered(_numbered(answers), sources) == answers
                half = len(answers[2]) // 2
                shifted = [
                    answers[0] + answers[1],
                    answers[2][:half],
                    answers[2][half:],
                    answers[3],
                ]
                wrong += split_numbered(_numbered(shifted), sources) is None
    assert total > 500
    assert right / total >= 0.97, (right, total)
    assert wrong / total >= 0.85, (wrong, total)


def _numbered(lines: list[str]) -> str:
    return "\n".join(f"{number}. {line}" for number, line in enumerate(lines, 1))
