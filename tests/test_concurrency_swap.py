"""Two writers inside a catalog's compare-and-swap window, and writers killed in it.

A writer (``translate``) moves the catalog aside, compares, links its new version in. In
that window the catalog path does not exist. These tests hold a real writer (a forked
child, or a process that is PID 1 of its own PID namespace) inside the window and let a
second one work: it must see "busy", never "missing, create an empty one"; and a writer
killed there must get its catalog put back by the next process, whatever its PID.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from i18npub import catalog as catalog_module
from i18npub import fsutil
from i18npub.catalog import edit_catalog, read_catalog
from i18npub.lookup import set_machine_translation
from i18npub.po import POFile
from i18npub.project import Project
from tests.support.faults import OsWithLink
from tests.support.paths import REPO, SRC
from tests.support.projects import HARBOUR_VOTE


def _project(root: Path) -> tuple[Project, Path, Path, dict[str, str]]:
    """A project with one article; every other sentence reviewed. Returns the reviewed texts."""
    project = Project.init(root, title="Swaps")
    source = root / "inbox" / "harbour-vote.md"
    source.parent.mkdir()
    source.write_text(HARBOUR_VOTE, encoding="utf-8")
    [result] = project.ingest([source])
    assert result.action == "created", result
    path = project.catalog_path("harbour-vote", "zh_CN")
    catalog = read_catalog(path)
    approved = {}
    for number, entry in enumerate(e for e in catalog.entries if e.msgid):
        if number % 2 == 0:
            entry.msgstr, entry.fuzzy = f"审校译文{number}。", False
            approved[entry.msgid] = entry.msgstr
    path.write_text(catalog.dumps(), encoding="utf-8")
    return project, source, path, approved


def _fill_one(catalog: POFile | None) -> POFile | None:
    """What translate does: fill the first untranslated entry with machine text."""
    assert catalog is not None
    entry = next(e for e in catalog.entries if e.msgid and not e.msgstr)
    set_machine_translation(entry, "机器译文。", "pseudo")
    return catalog


def _assert_kept(path: Path, approved: dict[str, str]) -> POFile:
    catalog = read_catalog(path)
    texts = {e.msgid: e.msgstr for e in catalog.entries if not e.obsolete and not e.fuzzy}
    lost = {m: t for m, t in approved.items() if texts.get(m) != t}
    assert not lost, f"reviewed translations lost: {lost}"
    return catalog


def _hold_in_window(path: Path, ready: object, release: object) -> None:
    """Child: start a swap of ``path``, stop with the catalog moved aside until released."""

    def link(source: object, target: object) -> None:
        if Path(str(target)) == path:
            ready.set()  # type: ignore[attr-defined]
            release.wait(60)  # type: ignore[attr-defined]
        os.link(source, target)  # type: ignore[arg-type]

    fsutil.os = OsWithLink(link)  # type: ignore[attr-defined]
    assert edit_catalog(path, _fill_one)


def _writer_in_window(path: Path) -> tuple[multiprocessing.Process, object]:
    context = multiprocessing.get_context("fork")
    ready, release = context.Event(), context.Event()
    child = context.Process(target=_hold_in_window, args=(path, ready, release), daemon=True)
    child.start()
    assert ready.wait(30), "the writer never reached the swap window"
    assert not path.exists()  # the window really is open: the catalog is aside
    return child, release


def test_a_second_writer_in_the_window_sees_busy_and_never_creates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog_module, "BUSY_WAIT", 0.5, raising=False)
    project, source, path, approved = _project(tmp_path / "p")
    child, release = _writer_in_window(path)
    try:
        [result] = Project.open(project.root).ingest([source])
        assert result.action == "error" and "try again" in result.message, result
        assert not path.exists(), "a second writer created a catalog while the first had it aside"
        row = Project.open(project.root).status()["articles"][0]["languages"]["zh_CN"]
        assert "try again" in row.get("error", ""), row  # busy, not "missing"
    finally:
        release.set()  # type: ignore[attr-defined]
        child.join(30)
    assert child.exitcode == 0
    catalog = _assert_kept(path, approved)
    assert any(e.msgstr == "机器译文。" for e in catalog.entries)  # the first writer's work
    [again] = Project.open(project.root).ingest([source])
    assert again.action in ("unchanged", "updated"), again
    _assert_kept(path, approved)


def test_a_second_writer_waits_for_the_window_to_close(tmp_path: Path) -> None:
    project, source, path, approved = _project(tmp_path / "p")
    child, release = _writer_in_window(path)
    timer = threading.Timer(0.3, release.set)  # type: ignore[attr-defined]
    timer.start()
    try:
        [result] = Project.open(project.root).ingest([source])
    finally:
        timer.join()
        child.join(30)
    assert child.exitcode == 0
    assert result.action in ("updated", "unchanged"), result
    catalog = _assert_kept(path, approved)
    assert any(e.msgstr == "机器译文。" for e in catalog.entries)


def test_a_catalog_found_missing_is_not_created_in_the_writers_next_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ingest finds the catalog missing in a writer's window; the writer finishes, and opens
    its next window before ingest has decided. Ingest must merge into the catalog (or say
    busy), never create an empty one that the writer then finds in its place."""
    project, _, path, approved = _project(tmp_path / "p")
    template = read_catalog(project.template_path("harbour-vote"))
    in_window, leave = (
        [threading.Event(), threading.Event()],
        [threading.Event(), threading.Event()],
    )
    first_done, second_go, errors = threading.Event(), threading.Event(), []
    windows = []

    def link(source: object, target: object) -> None:
        is_new = str(source).endswith(".tmp")  # the writer's new version, not a copy put back
        if Path(str(target)) == path and is_new and threading.current_thread() is writer:
            number = len(windows)
            windows.append(number)
            if number < len(in_window):
                in_window[number].set()
                assert leave[number].wait(30)
        os.link(source, target)  # type: ignore[arg-type]

    def write_twice() -> None:
        try:
            assert edit_catalog(path, _fill_one)
            first_done.set()
            assert second_go.wait(30)
            assert edit_catalog(path, _fill_one)
        except BaseException as error:  # reported by the test thread
            errors.append(error)

    real_recover, calls = catalog_module.recover, []

    def recover(missing: Path, *args: object) -> str:
        calls.append(missing)
        if len(calls) > 1:  # found missing again: let the writer's second window close
            leave[1].set()
            return real_recover(missing, *args)
        leave[0].set()  # the first window closes...
        assert first_done.wait(30)
        state = real_recover(missing, *args)
        second_go.set()  # ...and the next one opens before ingest goes on
        assert in_window[1].wait(30), "the writer never opened its second window"
        return state

    monkeypatch.setattr(fsutil, "os", OsWithLink(link))
    monkeypatch.setattr(catalog_module, "recover", recover)
    writer = threading.Thread(target=write_twice, daemon=True)
    writer.start()
    try:
        assert in_window[0].wait(30) and not path.exists()
        update = catalog_module.update_catalog(path, template, "zh_CN", "Harbour board vote")
    finally:
        for event in (*leave, second_go):
            event.set()
        writer.join(30)
    assert not update.error and update.report.kept, f"created a new catalog: {update.report}"
    assert not errors, errors
    assert calls and windows == [0, 1]  # the interleaving happened
    catalog = _assert_kept(path, approved)
    assert sum(e.msgstr == "机器译文。" for e in catalog.entries) == 2  # both writes are there


def test_a_dead_writers_copy_is_put_back_before_a_catalog_is_created(tmp_path: Path) -> None:
    _, _, path, approved = _project(tmp_path / "p")
    before = path.read_bytes()
    child, _ = _writer_in_window(path)
    os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
    child.join()
    assert not path.exists()
    assert not fsutil.replace_if_unchanged(path, None, b"# an empty catalog\n")
    assert path.read_bytes() == before
    _assert_kept(path, approved)


def test_no_swap_marker_in_the_catalog_folder(tmp_path: Path) -> None:
    """``pocount locales/zh_CN/LC_MESSAGES`` reads every file there: only catalogs belong."""
    _, _, path, _ = _project(tmp_path / "p")
    assert edit_catalog(path, _fill_one)
    assert sorted(p.name for p in path.parent.iterdir()) == ["harbour-vote.po"]


def test_a_legacy_marker_and_aside_copy_are_migrated(tmp_path: Path) -> None:
    """Folders written by older versions: the marker beside the catalogs, PID-named copies."""
    project, _, path, approved = _project(tmp_path / "p")
    folder = path.parent
    (folder / ".i18npub-swaps").touch()
    aside = folder / f".{path.name}.{os.getpid()}.140234.old"  # its writer is gone (old code)
    os.rename(path, aside)
    Project.open(project.root)
    assert sorted(p.name for p in folder.iterdir()) == ["harbour-vote.po"]
    _assert_kept(path, approved)


def test_a_legacy_aside_copy_of_a_live_writer_is_left_alone(tmp_path: Path) -> None:
    project, _, path, _ = _project(tmp_path / "p")
    folder = path.parent
    (folder / ".i18npub-swaps").touch()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        aside = folder / f".{path.name}.{sleeper.pid}.1.old"
        os.rename(path, aside)
        Project.open(project.root)
        assert aside.exists() and not path.exists()  # an older version still writing it
    finally:
        sleeper.kill()
        sleeper.wait()
    Project.open(project.root)
    assert path.exists() and not aside.exists()
    assert not (folder / ".i18npub-swaps").exists()


# PID 1 ------------------------------------------------------------------------

_HOLD = """
import os, sys, time
from pathlib import Path
from i18npub import fsutil
from i18npub.catalog import edit_catalog
from i18npub.lookup import set_machine_translation

path, flag = Path(sys.argv[1]), Path(sys.argv[2])
real_link = os.link

class Os:
    def __getattr__(self, name):
        return getattr(os, name)
    def link(self, source, target):
        if Path(str(target)) == path:
            flag.write_text(str(os.getpid()))
            time.sleep(600)
        real_link(source, target)

def fill(catalog):
    entry = next(e for e in catalog.entries if e.msgid and not e.msgstr)
    set_machine_translation(entry, "机器译文。", "pseudo")
    return catalog

fsutil.os = Os()
edit_catalog(path, fill)
"""

_INGEST = """
import os, sys
from i18npub.project import Project
assert os.getpid() == 1, os.getpid()
[result] = Project.open(sys.argv[1]).ingest([sys.argv[2]])
print(result.action, result.message)
"""


def _pid_namespace() -> list[str]:
    """``unshare`` arguments that make the command PID 1 of a new PID namespace."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("unshare not installed")
    for extra in ([], ["--user", "--map-root-user"]):
        command = [unshare, *extra, "--pid", "--fork", "--kill-child"]
        probe = [*command, sys.executable, "-c", "import os; assert os.getpid() == 1"]
        if subprocess.run(probe, capture_output=True).returncode == 0:
            return command
    pytest.skip("cannot create a PID namespace here (needs root or user namespaces)")


def test_a_writer_killed_in_the_window_as_pid_1_gets_its_catalog_back_from_the_next_pid_1(
    tmp_path: Path,
) -> None:
    """In a container every start is PID 1: the killed writer's PID is the next one's own."""
    namespace = _pid_namespace()
    project, source, path, approved = _project(tmp_path / "p")
    before = path.read_bytes()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(REPO)])}
    flag = tmp_path / "in-window"
    writer = subprocess.Popen(
        [*namespace, sys.executable, "-c", _HOLD, str(path), str(flag)], env=env
    )
    try:
        deadline = time.monotonic() + 60
        while not flag.exists():
            assert writer.poll() is None and time.monotonic() < deadline, "writer never got there"
            time.sleep(0.01)
        assert flag.read_text() == "1" and not path.exists()
    finally:
        writer.send_signal(signal.SIGKILL)  # unshare --kill-child: its PID 1 gets SIGKILL too
        writer.wait()
    time.sleep(0.2)  # the namespace's PID 1 is reaped by the kernel
    done = subprocess.run(
        [*namespace, sys.executable, "-c", _INGEST, str(project.root), str(source)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert path.read_bytes() == before, done.stdout  # put back, not started empty
    _assert_kept(path, approved)


def test_a_swap_record_never_leads_outside_the_project(tmp_path: Path) -> None:
    project, _, path, _ = _project(tmp_path / "p")
    outside = tmp_path / "outside.po"
    journal = project.root / ".i18npub" / "swaps"
    journal.mkdir(parents=True, exist_ok=True)
    (journal / "feed.swap").write_text('{"path": "../outside.po", "aside": "' + path.name + '"}')
    (journal / "f00d.swap").write_text(f'{{"path": "{outside}", "aside": "x"}}')
    Project.open(project.root)
    assert not outside.exists() and path.exists()
    assert not list(journal.glob("*.swap"))
