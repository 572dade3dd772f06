"""Ctrl-C during ``translate`` / ``run``: queued work is cancelled at once, what arrived is
kept (written and cached), the command says so and exits 130; a rerun sends only the rest.

A real ``i18npub`` process gets a real SIGINT while a slow LibreTranslate-compatible
server on 127.0.0.1 is answering its batches.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from i18npub.project import Project
from tests.support.faults import catalog_states, news_project, sent_form, write_config
from tests.support.mt_servers import ProviderServer
from tests.support.paths import SRC

CONCURRENCY = 2


def _cli(root: Path, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    code = "from i18npub.cli import main; main()"
    command = [sys.executable, "-c", code, "-p", str(root), *args]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _wait_for(condition: Callable[[], bool], process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 20
    while not condition():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"no requests; the command said: {process.communicate()}")
        time.sleep(0.01)


@pytest.mark.slow
@pytest.mark.parametrize("command", [["translate"], ["run", "--publish", "never"]])
def test_ctrl_c_cancels_queued_batches_keeps_answers_and_exits_130(
    tmp_path: Path, command: list[str]
) -> None:
    with ProviderServer("libre", delay=0.25) as server:
        project = news_project(tmp_path / "proj", server.url, articles=6, per=8)
        write_config(project.root, server.url, batch_size=2, concurrency=CONCURRENCY, timeout=3)
        untranslated = sum(s == "untranslated" for s, _ in catalog_states(project).values())
        process = _cli(project.root, *command)
        _wait_for(lambda: len(server.requests) >= 3 * CONCURRENCY, process)
        process.send_signal(signal.SIGINT)
        at_signal = len(server.requests)
        out, err = process.communicate(timeout=20)
        after = len(server.requests) - at_signal

        assert process.returncode == 130, (out, err)
        match = re.search(r"interrupted: (\d+) answers saved; run again to continue", err)
        assert match, err
        states = catalog_states(project)
        machine = [key for key, (state, _) in states.items() if state == "machine"]
        assert int(match.group(1)) == len(machine) > 0
        assert after <= CONCURRENCY  # only what was already on its way; no queued batch
        assert len(machine) < untranslated  # it really stopped early
        answered = set(server.texts)

        server.delay = 0.0
        sent = len(server.requests)
        rerun = Project.open(project.root).translate()
        resent = server.texts[len([t for r in server.requests[:sent] for t in r.texts]) :]
    filled = {sent_form(msgid) for _, msgid in machine}
    assert not filled & set(resent), "an answer received before Ctrl-C was asked again"
    assert len(resent) <= len(answered - filled) + (untranslated - len(answered))
    assert rerun.pending == 0
    assert all(state != "untranslated" for state, _ in catalog_states(project).values())
