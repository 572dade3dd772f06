"""Offline, `i18npub run` on new content succeeds: sentences wait, the site is built in English."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.support.cli import EXE
from tests.support.loopback import closed_port

STORY = "# Ferry Opens\n\nThe ferry opened on Saturday. Mr. Lee was there.\n"


def test_run_with_an_unreachable_engine_succeeds_and_says_so_once(tmp_path: Path) -> None:
    project = tmp_path / "p"
    subprocess.run([EXE, "init", str(project)], check=True, capture_output=True)
    config = project / "i18npub.toml"
    url = f"http://127.0.0.1:{closed_port()}/"
    text = config.read_text(encoding="utf-8").replace(
        'engines = ["memory"]', f'engines = ["memory", "libre"]\n\n[engines.libre]\nurl = "{url}"'
    )
    config.write_text(text, encoding="utf-8")
    (project / "content" / "ferry.md").write_text(STORY, encoding="utf-8")
    env = {**os.environ, "COLUMNS": "120"}
    run = subprocess.run(
        [EXE, "-p", str(project), "run"], capture_output=True, text=True, env=env, timeout=120
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert output.count("connection refused") == 1, output
    assert "Traceback" not in output and "ERROR" not in output
    english = (project / "site" / "zh" / "ferry-opens" / "index.html").read_text(encoding="utf-8")
    assert "The ferry opened on Saturday." in english  # untranslated sentences fall back
