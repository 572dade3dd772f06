"""Cost: characters sent are reported per engine; a budget stops sending when it is spent."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from i18npub.cli import app
from i18npub.project import Project
from i18npub.translate import SharedBudget
from tests.support.faults import catalog_states, news_project, write_config
from tests.support.mt_servers import ProviderServer

runner = CliRunner()


def _untranslated(project: Project) -> int:
    return sum(state == "untranslated" for state, _ in catalog_states(project).values())


def _sent(server: ProviderServer) -> int:
    return sum(len(text) for text in server.texts)


def test_each_run_reports_the_characters_sent_per_engine(tmp_path: Path) -> None:
    with ProviderServer("libre") as server:
        project = news_project(tmp_path / "proj", server.url, articles=2, per=5)
        shown = runner.invoke(app, ["-p", str(project.root), "translate", "--json"])
        report = json.loads(shown.output)
        assert report["chars"] == {"libre": _sent(server)} and _sent(server) > 500
        assert report["engines"][0]["chars"] == _sent(server)
    with ProviderServer("libre") as other:
        project = news_project(tmp_path / "other", other.url, articles=1, per=5)
        text = runner.invoke(app, ["-p", str(project.root), "translate"]).output
    assert f"{_sent(other):,} characters sent" in text


def test_max_chars_stops_sending_and_the_rest_waits_with_that_reason(tmp_path: Path) -> None:
    with ProviderServer("libre") as server:
        project = news_project(tmp_path / "proj", server.url, articles=4, per=6)
        write_config(project.root, server.url, batch_size=3, concurrency=1)
        total = _untranslated(project)
        result = runner.invoke(
            app, ["-p", str(project.root), "translate", "--max-chars", "600", "--json"]
        )
        report = json.loads(result.output)
        assert result.exit_code == 0
        assert 0 < _sent(server) <= 600
        assert report["budget"] == {"max_chars": 600, "used": _sent(server), "reached": True}
        assert 0 < report["filled"] < total and report["pending"] == total - report["filled"]
        status = project.status()["machine_translation"]["zh_CN"]
        assert status["awaiting"] == report["pending"]
        assert all(
            "character budget reached (600 characters per run)" in r for r in status["reasons"]
        )
        shown = runner.invoke(app, ["-p", str(project.root), "status"]).output
        assert "character budget reached" in shown
        rest = Project.open(project.root).translate()  # no limit: the rest is sent
    assert rest.filled == report["pending"] and _untranslated(project) == 0


def test_a_config_budget_holds_for_the_whole_run_across_articles(tmp_path: Path) -> None:
    with ProviderServer("libre") as server:
        project = news_project(tmp_path / "proj", server.url, articles=5, per=6)
        write_config(project.root, server.url)
        config = project.root / "i18npub.toml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("[translate]", "[translate]\nmax_chars_per_run = 900"))
        result = runner.invoke(app, ["-p", str(project.root), "run", "--publish", "never"])
        assert 0 < _sent(server) <= 900, result.output  # one budget, not one per article
        assert f"sent      libre {_sent(server):,} characters" in result.output
        assert "character budget reached" in result.output
        sent = _sent(server)
        result = runner.invoke(
            app, ["-p", str(project.root), "run", "--publish", "never", "--max-chars", "0"]
        )
    assert _sent(server) == sent  # --max-chars 0: nothing is sent
    assert _untranslated(project) > 0


def test_a_bad_config_budget_is_one_clear_error(tmp_path: Path) -> None:
    Project.init(tmp_path / "proj", title="Budget")
    config = tmp_path / "proj" / "i18npub.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("[translate]", '[translate]\nmax_chars_per_run = "lots"'))
    result = runner.invoke(app, ["-p", str(tmp_path / "proj"), "translate"])
    assert result.exit_code == 1  # an invalid i18npub.toml (docs/cli.md: exit codes)
    [line] = result.output.strip().splitlines()  # one line, naming the key
    assert "translate.max_chars_per_run: must be a whole number ≥ 0" in line


def _spend_in_a_child(ledger: Path, limit: int, chars: int, times: int) -> subprocess.Popen[str]:
    """Take ``chars`` ``times`` times from the shared budget in another process."""
    code = (
        "import sys; from pathlib import Path; from i18npub.translate import SharedBudget\n"
        "budget = SharedBudget(int(sys.argv[2]), Path(sys.argv[1]))\n"
        "print(sum(budget.take(int(sys.argv[3])) for _ in range(int(sys.argv[4]))))\n"
    )
    args = [sys.executable, "-c", code, str(ledger), str(limit), str(chars), str(times)]
    return subprocess.Popen(args, stdout=subprocess.PIPE, text=True)


def test_a_shared_budget_holds_across_processes(tmp_path: Path) -> None:
    ledger = tmp_path / "state" / "budget-run.txt"
    children = [_spend_in_a_child(ledger, 1000, 30, 20) for _ in range(3)]
    here = SharedBudget(1000, ledger)
    taken_here = sum(here.take(30) for _ in range(20))
    taken = taken_here + sum(int(child.communicate()[0]) for child in children)
    assert taken == 1000 // 30  # 33 requests fit, from four processes together
    assert int(ledger.read_text()) == taken * 30 and here.used == taken_here * 30
    assert not here.take(30) and here.exhausted


def test_a_damaged_ledger_sends_nothing_more(tmp_path: Path) -> None:
    ledger = tmp_path / "budget-run.txt"
    ledger.write_text("garbled\n")
    budget = SharedBudget(1000, ledger)
    assert not budget.take(10) and budget.exhausted
