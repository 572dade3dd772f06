"""The command line, run as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from i18npub.cli import app
from tests.support.cli import EXE
from tests.support.paths import REPO

runner = CliRunner()


def test_init_ingest_status_json(tmp_path: Path) -> None:
    project = tmp_path / "site"
    assert runner.invoke(app, ["init", str(project)]).exit_code == 0
    source = tmp_path / "story.md"
    source.write_text("# Ferry Opens\n\nThe ferry opened. Mr. Lee was there.\n", encoding="utf-8")
    result = runner.invoke(app, ["--project", str(project), "ingest", str(source)])
    assert result.exit_code == 0, result.output
    assert "created" in result.output and "ferry-opens" in result.output
    status = runner.invoke(app, ["--project", str(project), "status", "--json"])
    report = json.loads(status.output)
    assert [(a["slug"], a["segments"]) for a in report["articles"]] == [("ferry-opens", 3)]
    assert (report["totals"]["articles"], report["totals"]["segments"]) == (1, 3)
    assert report["totals"]["languages"]["zh_CN"]["untranslated"] == 3


def test_ingest_error_exits_non_zero_with_one_line(tmp_path: Path) -> None:
    project = tmp_path / "site"
    runner.invoke(app, ["init", str(project)])
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["--project", str(project), "ingest", str(empty)])
    assert result.exit_code == 1
    assert result.output.strip().startswith("error: ") and "empty source" in result.output


def test_status_outside_a_project(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--project", str(tmp_path), "status"])
    assert result.exit_code == 1  # 2 is for usage errors only
    assert "not an i18npub project" in result.output


def test_cli_does_not_import_prefect() -> None:
    code = "import sys, i18npub.cli; sys.exit('prefect' in sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_console_script_runs_the_seed(tmp_path: Path, seed: Path) -> None:
    env = {**os.environ, "COLUMNS": "120"}
    subprocess.run([EXE, "init", str(tmp_path / "p")], check=True, env=env)
    subprocess.run([EXE, "-p", str(tmp_path / "p"), "ingest", str(seed)], check=True, env=env)
    out = subprocess.run(
        [EXE, "-p", str(tmp_path / "p"), "status", "--json"],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    ).stdout
    [article] = json.loads(out)["articles"]
    assert article["slug"].startswith("wipo-attended-2021-china-international")
    assert article["segments"] > 40  # distinct sentences
