"""Machine translation under faults: outages, timeouts, 429 storms, garbage answers.

Every run must complete (a report, no exception), keep every reviewed translation, write
only answers that pass the checks, and leave the rest waiting with a reason; a rerun must
not ask again for anything already filled or already answered (the cache).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from i18npub.project import Project
from i18npub.qa import check_translation
from tests.support.faults import (
    FaultPlan,
    approve_some,
    assert_reviewed_kept,
    catalog_states,
    news_project,
    sent_form,
    write_config,
)
from tests.support.mt_servers import ProviderServer, fake_chinese

STORM = {None: 0.45, "500": 0.12, "slow": 0.08, "429": 0.12, "malformed": 0.08}
GARBAGE = {"drop": 0.08, "echo": 0.07}
HTTP_FAILURES = ("500", "slow", "429", "malformed")


def _filled(project: Project) -> dict[tuple[str, str], str]:
    return {k: text for k, (state, text) in catalog_states(project).items() if state == "machine"}


def _untranslated(project: Project) -> set[str]:
    return {k[1] for k, (state, _) in catalog_states(project).items() if state == "untranslated"}


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(6))
def test_fault_storm_completes_loses_nothing_and_the_rerun_resumes(
    tmp_path: Path, seed: int
) -> None:
    with ProviderServer("libre") as server:
        server.slow_seconds = 0.6  # over the engine's 0.4 s timeout
        server.retry_after = "0" if seed % 2 else None  # retry at once / rest the engine
        plan = FaultPlan(server, {**STORM, **GARBAGE}, seed)
        project = news_project(tmp_path / "proj", server.url, seed=seed)
        approved = approve_some(project, seed=seed)
        report = project.translate()
        first_requests = len(server.requests)

        assert report.filled + report.pending == len(_untranslated_at_start(project, approved))
        assert_reviewed_kept(project, approved)
        # "drop" removes tokens: for a text without any it is a good answer
        clean = plan.texts([None]) | {t for t in plan.texts(["drop"]) if "[X" not in t}
        for (_, msgid), text in _filled(project).items():
            assert sent_form(msgid) in clean, f"filled from a faulty answer: {msgid!r}"
            errors = [i for i in check_translation(msgid, text) if i.severity == "error"]
            assert not errors and "[X" not in text, (msgid, text, errors)
        waiting = project.status()["machine_translation"]["zh_CN"]["awaiting"]
        assert (
            waiting
            == report.pending
            == len([k for k, (s, _) in catalog_states(project).items() if s == "untranslated"])
        )

        server.next_fault = lambda: None  # type: ignore[method-assign]
        filled_before = {sent_form(msgid) for _, msgid in _filled(project)}
        cached = _cached(project)  # the answers that passed the checks (only those are cached)
        rerun = Project.open(project.root).translate()
        resent = {t for request in server.requests[first_requests:] for t in request.texts}

    assert not resent & filled_before, "a filled sentence was requested again"
    assert not resent & cached, "an answered sentence was requested again"
    left = {sent_form(m) for m in _untranslated(project)}
    assert left <= _cached(project), "a sentence with no answer yet was left untranslated"
    assert rerun.pending == len(
        [key for key, (state, _) in catalog_states(project).items() if state == "untranslated"]
    )
    assert_reviewed_kept(project, approved)


def _cached(project: Project) -> set[str]:
    """Texts the engine has an answer for in the project's MT cache."""
    path = project.root / ".i18npub" / "mt-cache.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as db:
        return {text for (text,) in db.execute("SELECT text FROM answers")}


def _untranslated_at_start(project: Project, approved: dict) -> list[tuple[str, str]]:
    """Entries that were untranslated before the run: everything not approved."""
    return [key for key in catalog_states(project) if key not in approved]


def test_outage_mid_run_keeps_what_was_answered_and_the_rerun_sends_only_the_rest(
    tmp_path: Path,
) -> None:
    server = ProviderServer("libre", delay=0.01)
    with server:
        project = news_project(tmp_path / "proj", server.url, articles=8)
        approved = approve_some(project)

        def outage(request: object) -> None:
            if len(server.requests) == 5:  # the provider goes away after five requests
                threading.Thread(target=server.__exit__, daemon=True).start()

        server.on_request = outage
        started = time.monotonic()
        report = project.translate()
    assert time.monotonic() - started < 10
    assert report.engine("libre").status == "unavailable"
    assert report.filled > 0 and report.pending > 0
    assert_reviewed_kept(project, approved)
    pending = {sent_form(m) for m in _untranslated(project)}

    with ProviderServer("libre") as back:  # back, on another port
        write_config(project.root, back.url)
        rerun = Project.open(project.root).translate()
    assert set(back.texts) <= pending, "the rerun asked again for sentences already filled"
    assert (rerun.filled, rerun.pending) == (report.pending, 0)
    assert not _untranslated(project)
    assert_reviewed_kept(project, approved)


def test_a_429_storm_with_a_long_retry_after_rests_the_engine_across_runs(tmp_path: Path) -> None:
    with ProviderServer("libre") as server:
        server.retry_after = "3600"
        project = news_project(tmp_path / "proj", server.url, articles=3)
        server.faults.extend(["429"] * 3)  # a storm from the third request on
        server.faults.appendleft(None)
        server.faults.appendleft(None)
        report = project.translate()
        sent = len(server.requests)
        assert report.engine("libre").status == "rate-limited"
        assert report.filled > 0 and report.pending > 0

        again = Project.open(project.root).translate()  # within the hour: nothing is sent
        assert len(server.requests) == sent
        assert again.engine("libre").status == "rate-limited" and again.filled == 0

        state_file = project.root / ".i18npub" / "translate-state.json"
        state = json.loads(state_file.read_text(encoding="utf-8"))
        state["cooldowns"] = {"libre": time.time() - 1}  # the hour has passed
        state_file.write_text(json.dumps(state), encoding="utf-8")
        pending = {sent_form(m) for m in _untranslated(project)}
        server.faults.clear()  # the storm is over
        last = Project.open(project.root).translate()
        resent = {t for request in server.requests[sent:] for t in request.texts}
    assert resent == pending and last.pending == 0


GARBAGE_ANSWERS = [
    "",  # nothing
    "<html><body><h1>503 Service Unavailable</h1></body></html>",  # a proxy's error page
    "猪肉，猪肉，猪肉，猪肉",  # a repeated phrase, tokens lost
    "MYMEMORY WARNING: YOU USED ALL AVAILABLE FREE TRANSLATIONS FOR TODAY",
]


@pytest.mark.parametrize("garbage", [*GARBAGE_ANSWERS, "source"])
def test_garbage_answers_never_reach_a_catalog(tmp_path: Path, garbage: str) -> None:
    def answer(text: str) -> str:
        if garbage == "source":
            return text  # the English sent back
        return garbage

    with ProviderServer("libre", translate=answer) as server:
        project = news_project(tmp_path / "proj", server.url, articles=2, per=4)
        before = {p: p.read_bytes() for p in project.path("locales").rglob("*.po")}
        report = project.translate()
    assert report.filled == 0 and report.pending > 0
    assert report.engine("libre").rejected > 0 or garbage in ("", "source")
    assert {p: p.read_bytes() for p in before} == before, "a catalog was rewritten"
    reasons = project.status()["machine_translation"]["zh_CN"]["reasons"]
    assert all(reason.startswith("libre: ") for reason in reasons), reasons


def test_an_answer_with_a_changed_amount_is_rejected(tmp_path: Path) -> None:
    def answer(text: str) -> str:  # "$4.5 million" stays in clear; the engine gets it wrong
        return fake_chinese(text).replace("450万", "45万")

    with ProviderServer("libre", translate=answer) as server:
        project = news_project(tmp_path / "proj", server.url, articles=3)
        report = project.translate()
    states = catalog_states(project)
    wrong = {key for key in states if "4.5 million" in key[1]}
    assert wrong and report.pending == len(wrong)
    assert all(states[key][0] == "untranslated" for key in wrong)
    assert all(state == "machine" for key, (state, _) in states.items() if key not in wrong)


def test_failing_http_answers_are_not_cached(tmp_path: Path) -> None:
    """A 500, a timeout, a 429 or a malformed body is no answer: the rerun asks again."""
    with ProviderServer("libre") as server:
        server.slow_seconds = 0.6
        server.retry_after = "0"
        FaultPlan(server, dict.fromkeys(HTTP_FAILURES, 1.0), seed=3)
        project = news_project(tmp_path / "proj", server.url, articles=2, per=4)
        report = project.translate()
        assert report.filled == 0
        waiting = {sent_form(m) for m in _untranslated(project)}
        server.next_fault = lambda: None  # type: ignore[method-assign]
        sent = len(server.requests)
        rerun = Project.open(project.root).translate()
        resent = {t for request in server.requests[sent:] for t in request.texts}
    assert resent == waiting and rerun.pending == 0
