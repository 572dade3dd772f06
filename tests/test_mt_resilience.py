"""Resilience inside one run: transient faults are retried, not fatal, and cost little.

A LibreTranslate-compatible server on 127.0.0.1 faults the first request of every text (a
flaky proxy, a rate limiter): one ``translate`` must still fill every sentence, send no
text more than 3 times, and a rerun must send nothing.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from i18npub.project import Project
from tests.support.faults import catalog_states, news_project, sent_form
from tests.support.mt_servers import ProviderServer, Request, fake_chinese, texts_of

FIRST_REQUEST_FAULTS = ("429", "500", "html", "slow")


def _config(root: Path, url: str, **engine: object) -> None:
    """The libre engine with its default limits and retries; short timeout and backoff."""
    table = {"url": url, **engine}
    lines = [
        '[project]\ntitle = "Resilience"\n',
        "[translate]",
        'engines = ["libre"]',
        "timeout = 0.5\nconnect_timeout = 0.5\nbackoff = 0.02\n",
        "[engines.libre]",
        *(f"{key} = {json.dumps(value)}" for key, value in table.items()),
    ]
    (root / "i18npub.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _untranslated(project: Project) -> list[tuple[str, str]]:
    return [k for k, (state, _) in catalog_states(project).items() if state == "untranslated"]


@pytest.mark.slow
@pytest.mark.parametrize("fault", FIRST_REQUEST_FAULTS)
@pytest.mark.parametrize("batch_size", [25, 1])
def test_a_fault_on_every_texts_first_request_still_fills_everything(
    tmp_path: Path, fault: str, batch_size: int
) -> None:
    with ProviderServer("libre") as server:
        server.first_fault, server.slow_seconds = fault, 0.8  # slow: over the 0.5 s timeout
        project = news_project(tmp_path / "proj", server.url, articles=3, per=8)
        _config(project.root, server.url, batch_size=batch_size)
        start = len(_untranslated(project))
        report = Project.open(project.root).translate()
        sent = Counter(server.texts)
        first = len(server.requests)
        rerun = Project.open(project.root).translate()
        resent = len(server.requests) - first

    assert start > 20
    assert (report.filled, report.pending) == (start, 0), report.lines()
    assert report.engine("libre").status == "ok"
    assert not _untranslated(project)
    assert max(sent.values()) <= 3, sent.most_common(3)
    assert resent == 0 and rerun.filled == 0


def test_each_kind_of_first_request_fault_in_one_run(tmp_path: Path) -> None:
    """Faults of every kind at once, one per batch, in turn."""
    with ProviderServer("libre") as server:
        project = news_project(tmp_path / "proj", server.url, articles=4, per=8)
        _config(project.root, server.url, batch_size=5)
        server.slow_seconds = 0.8
        kinds = iter(FIRST_REQUEST_FAULTS * 100)
        server.first_fault = "500"  # replaced per request below
        original = server.fault_for

        def rotating(request: Request) -> str | None:
            server.first_fault = next(kinds)
            return original(request)

        server.fault_for = rotating  # type: ignore[method-assign]
        start = len(_untranslated(project))
        report = Project.open(project.root).translate()
        sent = Counter(server.texts)
    assert (report.filled, report.pending) == (start, 0), report.lines()
    assert max(sent.values()) <= 3


def test_a_text_that_always_breaks_its_batch_is_isolated_by_bisection(tmp_path: Path) -> None:
    """One text makes the server answer an HTML page for any batch that holds it: the
    others are translated, only that one waits."""
    with ProviderServer("libre") as server:
        project = news_project(tmp_path / "proj", server.url, articles=2, per=8)
        _config(project.root, server.url, batch_size=25)
        poison = sent_form(_untranslated(project)[5][1])
        original = server.fault_for

        def poisoned(request: Request) -> str | None:
            fault = original(request)
            return "html" if poison in texts_of("libre", request) else fault

        server.fault_for = poisoned  # type: ignore[method-assign]
        start = len(_untranslated(project))
        report = Project.open(project.root).translate()
    left = _untranslated(project)
    assert [sent_form(msgid) for _, msgid in left] == [poison]
    assert (report.filled, report.pending) == (start - 1, 1)
    assert report.engine("libre").isolated == 1
    assert len(server.requests) <= 2 + 2 * 5  # whole, retry, then two halves per level
    reasons = project.status()["machine_translation"]["zh_CN"]["reasons"]
    assert any("malformed" in reason for reason in reasons), reasons


def test_a_429_without_retry_after_backs_off_and_retries(tmp_path: Path) -> None:
    with ProviderServer("libre") as server:
        project = news_project(tmp_path / "proj", server.url, articles=1, per=6)
        _config(project.root, server.url)
        server.faults.extend(["429", "429", "429"])  # three in a row, then answers
        report = Project.open(project.root).translate()
    assert report.pending == 0 and report.engine("libre").requests == 4


def test_a_429_storm_without_retry_after_rests_the_engine_for_the_run_only(
    tmp_path: Path,
) -> None:
    with ProviderServer("libre") as server:
        project = news_project(tmp_path / "proj", server.url, articles=1, per=6)
        _config(project.root, server.url, rate_retries=2)
        server.fault = "429"
        report = Project.open(project.root).translate()
        assert report.engine("libre").status == "rate-limited"
        assert report.engine("libre").requests == 3  # the first try and two backed-off retries
        state = project.root / ".i18npub" / "translate-state.json"
        assert "libre" not in json.loads(state.read_text(encoding="utf-8"))["cooldowns"]
        server.fault = None
        again = Project.open(project.root).translate()  # a new run: the engine is asked again
    assert again.pending == 0


def test_a_rejected_answer_is_not_cached_and_is_asked_again_next_run(tmp_path: Path) -> None:
    garbage = {"on": True}

    def answer(text: str) -> str:  # a one-off: the source echoed back
        return text if garbage["on"] else fake_chinese(text)

    with ProviderServer("libre", translate=answer) as server:
        project = news_project(tmp_path / "proj", server.url, articles=1, per=6)
        _config(project.root, server.url)
        start = len(_untranslated(project))
        first = Project.open(project.root).translate()
        assert first.filled == 0 and first.engine("libre").rejected == start
        path = project.root / ".i18npub" / "mt-cache.sqlite3"
        with contextlib.closing(sqlite3.connect(path)) as db:
            assert db.execute("SELECT count(*) FROM answers").fetchone() == (0,)
        garbage["on"] = False
        sent = len(server.texts)
        second = Project.open(project.root).translate()
    assert second.filled == start and len(server.texts) - sent == start


def test_a_long_text_that_fails_in_one_piece_keeps_its_other_pieces(tmp_path: Path) -> None:
    """A text chunked under the engine's limit: one piece fails (500s), the others are
    answered; the next run asks only for the piece that failed."""
    clause = "the harbour authority said on Monday that the new pier would open"
    sentence = ", and ".join([clause] * 12).capitalize() + "."
    with ProviderServer("mymemory") as server:
        Project.init(tmp_path / "proj", title="Long")
        root = tmp_path / "proj"
        (root / "i18npub.toml").write_text(
            '[project]\ntitle = "Long"\n\n[translate]\nengines = ["mymemory"]\nbackoff = 0.01\n'
            f'\n[engines.mymemory]\nurl = "{server.url}"\nconcurrency = 1\n',
            encoding="utf-8",
        )
        source = tmp_path / "long.md"
        source.write_text(f"---\nslug: long\ntitle: Long\n---\n\n{sentence}\n", "utf-8")
        Project.open(root).ingest([source])
        original = server.fault_for
        broken: list[str] = []

        def second_piece_fails(request: Request) -> str | None:
            texts = texts_of("mymemory", request)
            if texts and texts[0] != "Long" and not broken:
                broken.extend(texts)  # the first long piece seen fails every time
            return "500" if texts == broken else original(request)

        server.fault_for = second_piece_fails  # type: ignore[method-assign]
        first = Project.open(root).translate()
        pieces = {t for t in server.texts if t != "Long"}
        assert first.pending == 1 and len(pieces) >= 2
        server.fault_for = original  # type: ignore[method-assign]
        sent = len(server.texts)
        second = Project.open(root).translate()
    assert server.texts[sent:] == broken and second.filled == 1
