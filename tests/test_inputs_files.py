"""Sources that are not regular files (a FIFO, a device behind a symlink, a socket) are
refused at once, never waited on or read; a file that grows past the cap is cut off."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from i18npub.project import IngestResult, Project

GOOD = "---\ntitle: Good\n---\n\nThe ferry opened on Monday.\n"


def _ingest_with_guard(project: Project, sources: list[Path]) -> list[IngestResult]:
    """``project.ingest`` in a thread: a hang fails the test instead of stalling the suite."""
    results: list[IngestResult] = []
    thread = threading.Thread(target=lambda: results.extend(project.ingest(sources)), daemon=True)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), "ingest hangs on a source that is not a regular file"
    return results


def _special(kind: str, folder: Path) -> Path:
    path = folder / f"{kind}.md"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        server.close()
    else:
        path.symlink_to(f"/dev/{kind}")
    return path


@pytest.mark.parametrize("kind", ["fifo", "zero", "urandom", "null", "socket"])
def test_a_source_that_is_not_a_regular_file_is_refused(tmp_path: Path, kind: str) -> None:
    project = Project.init(tmp_path / "proj", title="Files")
    good = tmp_path / "good.md"
    good.write_text(GOOD)
    special = _special(kind, tmp_path)
    result, other = _ingest_with_guard(project, [special, good])
    assert result.action == "error" and "not a regular file" in result.message
    assert result.message.startswith(result.source) and "\n" not in result.message
    assert other.action == "created"


def test_a_folder_with_a_fifo_and_a_device_ingests_the_rest(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "proj", title="Files")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _special("fifo", inbox)
    _special("zero", inbox)
    (inbox / "good.md").write_text(GOOD)
    results = _ingest_with_guard(project, [inbox])
    assert [(Path(r.source).name, r.action) for r in results] == [("good.md", "created")]
