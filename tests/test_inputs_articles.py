"""A damaged or stray file in ``articles/`` is named and skipped by every command; the next
ingest rebuilds the damaged article from its source, under the same slug."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from i18npub.project import Project
from tests.support.cli import run_cli

STORY = "---\ntitle: Story {n}\n---\n\nThe ferry opened on Monday. It carries {n} people.\n"
DAMAGES = {
    "truncated": lambda data: data[: len(data) // 2],
    "empty": lambda data: b"",
    "zeros": lambda data: b"\x00" * len(data),  # what power loss leaves without fsync
    "not-an-object": lambda data: b"[1, 2]",
    "wrong-shape": lambda data: json.dumps({"slug": "story-1", "title": 1, "blocks": [3]}).encode(),
}


def _cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("-p", project, *args, env={"COLUMNS": "120", "NO_COLOR": "1"}, timeout=300)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = Project.init(tmp_path / "proj", title="Damage")
    config = project.root / "i18npub.toml"
    config.write_text(config.read_text().replace('engines = ["memory"]', 'engines = ["pseudo"]'))
    for n in (1, 2, 3):
        (project.path("content") / f"story-{n}.md").write_text(STORY.format(n=n))
    project = Project.open(project.root)
    assert {r.action for r in project.ingest([project.path("content")])} == {"created"}
    return project


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_article_is_skipped_then_rebuilt(project: Project, damage: str) -> None:
    path = project.article_path("story-2")
    path.write_bytes(DAMAGES[damage](path.read_bytes()))
    stray = project.path("articles") / "._story-1.json"
    stray.write_bytes(b"\x00\x05\x16\x07Mac OS X        ")  # AppleDouble
    fresh = Project.open(project.root)
    assert [a.slug for a in fresh.articles()] == ["story-1", "story-3"]
    assert any("story-2.json" in w for w in fresh.warnings)
    assert any("._story-1.json" in w for w in fresh.warnings)

    results = {r.slug: r.action for r in fresh.ingest([fresh.path("content")])}
    assert results == {"story-1": "unchanged", "story-2": "updated", "story-3": "unchanged"}
    assert Project.open(project.root).load_article("story-2").title == "Story 2"


@pytest.mark.slow
def test_every_command_goes_on_past_damaged_and_stray_files(project: Project) -> None:
    path = project.article_path("story-2")
    path.write_bytes(path.read_bytes()[:40])
    (project.path("articles") / "._story-1.json").write_bytes(b"\x00\x05\x16\x07")
    for command in (["status"], ["status", "--json"], ["check"], ["translate"], ["build"]):
        done = _cli(project.root, *command)
        assert done.returncode == 0, (command, done.stderr)
        assert "Traceback" not in done.stderr and "._story-1.json" in done.stderr, command
        if command[0] in ("status", "build"):  # the commands that read the articles
            assert "story-2.json" in done.stderr, command
    done = _cli(project.root, "ingest", str(project.path("content")))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert json.loads(path.read_text())["title"] == "Story 2"  # rebuilt from its source
    done = _cli(project.root, "run", "--no-prefect")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr + done.stdout
    assert (project.path("site") / "zh" / "story-2" / "index.html").is_file()
