"""Offline, `i18npub run` on new content succeeds: sentences wait, the site is built in English."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

STORY = "# Ferry Opens\n\nThe ferry opened on Saturday. Mr. Lee was there.\n"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_run_with_an_unreachable_engine_succeeds_and_says_so_once(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("i18npub")
    project = tmp_path / "p"
    subprocess.run([exe, "init", str(project)], check=True, capture_output=True)
    config = project / "i18npub.toml"
    url = f"http://127.0.0.1:{_closed_port()}/"
    text = config.read_text(encoding="utf-8").replace(
        'engines = ["memory"]', f'engines = ["memory", "libre"]\n\n[engines.libre]\nurl = "{url}"'
    )
    config.write_text(text, encoding="utf-8")
    (project / "content" / "ferry.md").write_text(STORY, encoding="utf-8")
    env = {**os.environ, "COLUMNS": "120"}
    run = subprocess.run(
        [exe, "-p", str(project), "run"], capture_output=True, text=True, env=env, timeout=120
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert output.count("connection refused") == 1, output
    assert "Traceback" not in output and "ERROR" not in output
    english = (project / "site" / "zh" / "ferry-opens" / "index.html").read_text(encoding="utf-8")
    assert "The ferry opened on Saturday." in english  # untranslated sentences fall back
