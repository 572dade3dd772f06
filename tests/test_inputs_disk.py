"""A full disk and a read-only ``locales/``: one line per failed source or catalog, the others
go on, nothing half-written; once there is room again, everything goes through.

The full disk is a real 1 MB tmpfs (needs root, as in CI's container); the read-only folder
is ``chmod`` for a normal user and the immutable attribute for root (root ignores modes).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import i18npub.catalog
from i18npub.project import Project
from tests.support.cli import run_cli

STORY = "---\ntitle: Story {n}\n---\n\nThe ferry opened on Monday. It carries {n} people.\n"


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _sources(folder: Path, numbers: range) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for n in numbers:
        path = folder / f"story-{n}.md"
        path.write_text(STORY.format(n=n))
        paths.append(path)
    return paths


def _project(root: Path) -> Project:
    project = Project.init(root, title="Disk")
    config = project.root / "i18npub.toml"
    config.write_text(config.read_text().replace('engines = ["memory"]', 'engines = ["pseudo"]'))
    return Project.open(project.root)


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("-p", root, *args, env={"NO_COLOR": "1"})


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"x" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC
    return filler


def test_a_full_disk_fails_each_source_in_one_line_and_recovers(
    small_disk: Path, tmp_path: Path
) -> None:
    project = _project(small_disk / "proj")
    inbox = tmp_path / "inbox"
    first = _sources(inbox, range(2))
    assert {r.action for r in project.ingest(first)} == {"created"}
    _sources(inbox, range(2, 6))
    filler = _fill(small_disk)
    before = _files(project.root)

    results = project.ingest([inbox])
    assert [r.action for r in results] == ["unchanged"] * 2 + ["error"] * 4
    for result in results[2:]:
        assert result.message.startswith(result.source) and "No space left" in result.message
    report = project.translate()
    assert report.filled == 0 and len(report.languages[0].errors) == 2
    for command in (["ingest", str(inbox)], ["translate"]):
        done = _cli(project.root, *command)
        out = done.stdout + done.stderr
        assert "Traceback" not in out and "No space left" in out, out
        assert done.returncode == 1, (command, out)  # the command failed: exit 1
    assert _files(project.root) == before, "something was half-written"

    filler.unlink()
    assert [r.action for r in Project.open(project.root).ingest([inbox])][2:] == ["created"] * 4
    assert Project.open(project.root).translate().filled == 18


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A project whose catalog folder cannot be written to, by root or anyone."""
    project = _project(tmp_path / "proj")
    assert project.ingest(_sources(tmp_path / "inbox", range(2)))
    folder = project.path("locales") / "zh_CN" / "LC_MESSAGES"
    chattr = shutil.which("chattr")
    if os.geteuid() != 0:
        folder.chmod(0o555)
    elif chattr is None or subprocess.run([chattr, "+i", str(folder)]).returncode != 0:
        pytest.skip("root, and no immutable attribute on this file system")
    try:
        yield project.root
    finally:
        if os.geteuid() == 0:
            subprocess.run([chattr, "-i", str(folder)], check=True)  # type: ignore[list-item]
        folder.chmod(0o755)


def test_a_read_only_catalog_folder_is_one_line_per_catalog(
    read_only: Path, tmp_path: Path
) -> None:
    project = Project.open(read_only)
    before = _files(project.root / "locales")
    _sources(tmp_path / "inbox", range(2, 4))
    (tmp_path / "inbox" / "story-0.md").write_text(STORY.format(n=0) + "\nA new line.\n")
    results = project.ingest([tmp_path / "inbox"])
    assert sorted(r.action for r in results) == ["error", "error", "error", "unchanged"]
    assert all("\n" not in r.message for r in results)
    report = project.translate()
    assert report.filled == 0 and len(report.languages[0].errors) == 2
    done = _cli(project.root, "translate")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert {k: v for k, v in _files(project.root / "locales").items() if "LC_MESSAGES" in k} == {
        k: v for k, v in before.items() if "LC_MESSAGES" in k
    }


def test_one_failing_write_spares_the_other_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tmp_path / "proj")
    real = i18npub.catalog.replace_if_unchanged

    def full_for_story_1(path: Path, *args: object, **kwargs: object) -> bool:
        if path.stem == "story-1":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(i18npub.catalog, "replace_if_unchanged", full_for_story_1)
    results = project.ingest(_sources(tmp_path / "inbox", range(3)))
    assert [r.action for r in results] == ["created", "error", "created"]
    assert "No space left on device" in results[1].message
    assert project.slugs() == ["story-0", "story-2"]  # the article marks done only when all is
