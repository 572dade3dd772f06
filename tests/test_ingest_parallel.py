"""Many sources are parsed by worker processes; the results are those of one process."""

from __future__ import annotations

from pathlib import Path

import pytest

import i18npub.project
from i18npub.project import PARALLEL_MIN, Project, result_dict


def _inbox(root: Path) -> Path:
    inbox = root / "inbox"
    inbox.mkdir()
    for number in range(PARALLEL_MIN + 6):
        title = f"Council meets on item {number % 7}"  # slugs collide on purpose
        body = f"The council met about item {number} on Monday. It was long, Dr. Smith said."
        (inbox / f"s{number:03d}.md").write_text(f"# {title}\n\n{body}\n", encoding="utf-8")
    (inbox / "s010.md").write_bytes(b"\x00\x01binary")
    (inbox / "s030.md").write_text("")
    return inbox


def _ingest(root: Path, parallel: bool, monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    project = Project.init(root, title="Parallel")
    if not parallel:
        monkeypatch.setattr(i18npub.project, "PARALLEL_MIN", 10**9)
    calls: list[int] = []
    original = Project._ingest_parallel
    monkeypatch.setattr(Project, "_ingest_parallel", lambda *a: calls.append(1) or original(*a))
    results = [result_dict(r) for r in project.ingest([_inbox(root)])]
    assert bool(calls) == (parallel and i18npub.project._can_fork())
    monkeypatch.undo()
    return results


def test_parallel_ingest_gives_what_one_process_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    together = _ingest(tmp_path / "a", True, monkeypatch)
    alone = _ingest(tmp_path / "b", False, monkeypatch)
    assert together == alone
    actions = [r["action"] for r in together]
    assert actions.count("created") == PARALLEL_MIN + 4 and actions.count("error") == 2
    for name in sorted(p.name for p in (tmp_path / "b" / "articles").glob("*.json")):
        assert (tmp_path / "a" / "articles" / name).read_bytes() == (
            tmp_path / "b" / "articles" / name
        ).read_bytes()
    again = Project.open(tmp_path / "a").ingest([tmp_path / "a" / "inbox"])
    assert {r.action for r in again} == {"unchanged", "error"}
