"""Safe file writes: atomic replacement, and never outside the project."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from i18npub.config import CONFIG_NAME
from i18npub.errors import I18npubError

STATE_DIR = ".i18npub"  # a project's run state, beside i18npub.toml
SWAPS = "swaps"  # in the state folder: one locked record per catalog moved aside
WINDOW_LOCK = "window.lock"  # in the swaps folder: held by every move aside and every create
LOCK_TIMEOUT = 60.0  # seconds to wait for another process's project lock
# Versions up to 0.x named aside copies after their writer's PID and touched this marker
# among the catalogs (which broke ``pocount`` on the folder); both are migrated.
LEGACY_MARKER = ".i18npub-swaps"
_LEGACY_ASIDE_RE = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.\d+\.old$")


RACY_NS = 2_000_000_000  # a file changed this recently may change again within one timestamp tick
FileState = tuple[int, int, int, int]  # inode, size, mtime_ns, ctime_ns


def stat_state(info: os.stat_result) -> FileState:
    """What tells a file's versions apart without reading it: any write or replacement
    changes ctime, which no tool can set back."""
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def file_state(path: str | Path) -> FileState | None:
    """A file's :data:`FileState`, or None if it cannot be stat'ed."""
    try:
        return stat_state(os.stat(path))
    except (OSError, ValueError):
        return None


def package_stamp(name: str) -> str:
    """What tells installed versions of a package apart without importing it (``jinja2``
    costs 30 ms): its ``__init__`` file's state ("-" when not installed)."""
    import importlib.util

    spec = importlib.util.find_spec(name)
    state = file_state(spec.origin) if spec is not None and spec.origin else None
    return "-" if state is None else ":".join(map(str, state))


def settled(state: FileState | None, now_ns: int | None = None) -> FileState | None:
    """``state`` if the file has not changed for :data:`RACY_NS`, else None: a file written
    twice in one timestamp tick keeps its state (git's "racily clean" case), so a cache may
    record a state only once it is settled."""
    if state is None:
        return None
    now = time.time_ns() if now_ns is None else now_ns
    return state if max(state[2], state[3]) < now - RACY_NS else None


class UnsafePathError(I18npubError, ValueError):
    """A path that would leave the folder it must stay in."""


def ensure_inside(root: Path, path: Path) -> Path:
    """Return ``path`` resolved, or raise UnsafePathError if it is not under ``root``."""
    resolved_root = root.resolve()
    resolved = (resolved_root / path).resolve() if not path.is_absolute() else path.resolve()
    if resolved != resolved_root and resolved_root not in resolved.parents:
        raise UnsafePathError(f"{path}: refusing to write outside {resolved_root}")
    return resolved


def atomic_write_bytes(path: Path, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temp file in the same folder and a rename.

    The rename makes the write atomic for readers and against a killed process;
    ``durable`` also fsyncs the data against power loss (skip it for derived files).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _write_temp(path, data, durable)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str, durable: bool = True) -> None:
    """Write UTF-8 text atomically (see atomic_write_bytes)."""
    atomic_write_bytes(path, text.encode("utf-8"), durable)


def replace_if_unchanged(
    path: Path, expected: bytes | None, data: bytes, durable: bool = True
) -> bool:
    """Write ``data`` to ``path`` only if it still holds ``expected`` (None: does not exist).

    A compare-and-swap for files that people edit while we work: the current
    file is moved aside atomically and compared; the new file is put in place
    with ``os.link``, which fails if anyone created the path in the meantime.
    While the file is aside, a locked record in the project's state folder says so
    (see ``recover``). Moving aside and creating both hold the project's window lock,
    so a file is never created while a writer has it aside, nor over a dead writer's
    copy (that is put back first). Returns False (and leaves any newer edit in place)
    when the file changed. Raises LockTimeout if the window lock stays taken.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    new_tmp = _write_temp(path, data, durable)
    try:
        with _window(path.parent):
            if expected is None:
                scan = _scan_swaps(path.parent)  # a dead writer's copy goes back first
                return path not in {*scan.restored, *scan.busy} and _relink(new_tmp, path)
            with _swap_record(path) as aside:
                return aside is not None and _swap(path, aside, expected, new_tmp)
    finally:
        new_tmp.unlink(missing_ok=True)


def _swap(path: Path, aside: Path, expected: bytes, new_tmp: Path) -> bool:
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return False
    done = False
    try:
        if aside.read_bytes() == expected:
            with contextlib.suppress(FileExistsError):  # else a newer edit stands there: it wins
                os.link(new_tmp, path)
                done = True
        return done
    finally:
        if done:
            aside.unlink(missing_ok=True)
        else:
            _restore(aside, path)


def _write_temp(path: Path, data: bytes, durable: bool = True) -> Path:
    """A fully written (and if durable, fsynced) temp file beside ``path``, with its mode."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp_name, _mode_for(path))
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return Path(tmp_name)


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


# Swap records ---------------------------------------------------------------
#
# A writer about to move ``x.po`` aside creates ``<state>/swaps/<token>.swap`` naming the
# aside copy, and holds an ``flock`` on it until the swap is over. The kernel drops the
# lock when the writer dies, however it dies, so a record whose lock can be taken belongs
# to a dead writer, whatever PIDs the processes had (in a container every start is PID 1).
# Every swap and every creation of a file happens under ``<state>/swaps/window.lock``;
# whoever finds a file missing takes it too before deciding "absent" (see ``recover``).


@contextlib.contextmanager
def _window(folder: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the window lock of ``folder``'s project (LockTimeout after ``timeout`` s)."""
    with locked(state_dir(folder) / SWAPS / WINDOW_LOCK, timeout):
        yield


@contextlib.contextmanager
def _swap_record(path: Path) -> Iterator[Path | None]:
    """Record and lock a swap of ``path``; yield its aside path (None: retry the swap)."""
    journal = state_dir(path.parent) / SWAPS
    journal.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(8)
    aside = path.with_name(f".{path.name}.aside-{token}.old")
    record = journal / f"{token}.swap"
    fd = os.open(record, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        root = journal.parent.parent
        names = {"path": os.path.relpath(path, root), "aside": os.path.relpath(aside, root)}
        os.write(fd, json.dumps(names).encode("utf-8"))
        if os.fstat(fd).st_nlink == 0:  # taken for a dead writer's before we locked it
            yield None
            return
        yield aside
        record.unlink(missing_ok=True)  # the swap is over (the aside copy is gone)
    finally:
        os.close(fd)


@dataclass
class SwapScan:
    """What ``restore_orphans`` found: copies put back, and paths a live writer has aside."""

    restored: list[Path] = field(default_factory=list)
    busy: set[Path] = field(default_factory=set)


def _scan_swaps(folder: Path) -> SwapScan:
    """Finish the swaps of dead writers in ``folder``'s project; name the live ones.

    Called with the window lock held (or where no swap ever happened), so that no
    writer moves a file aside while a dead writer's copy is put back.

    A dead writer's aside copy is linked back to its path, unless a file stands there
    again (the writer had linked its new version, or someone saved since): that newer
    file wins and the copy is dropped, as the writer would have done. Folders written
    by older versions (a marker file among the catalogs) are migrated on the way.
    """
    scan = SwapScan()
    journal = state_dir(folder) / SWAPS
    try:
        records = [entry.path for entry in os.scandir(journal) if entry.name.endswith(".swap")]
    except FileNotFoundError:
        records = []
    for record in records:
        _finish_record(Path(record), journal.parent.parent, scan)
    _migrate_legacy(folder, scan)
    return scan


def _finish_record(record: Path, root: Path, scan: SwapScan) -> None:
    try:
        fd = os.open(record, os.O_RDWR)
    except FileNotFoundError:
        return  # its writer just finished
    try:
        names = _record_names(fd, root)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # its writer is alive: the file is aside for a moment
            if names:
                scan.busy.add(names[0])
            return
        names = _record_names(fd, root)  # written before the writer let go
        if names and names[1].exists() and _relink(names[1], names[0]):
            scan.restored.append(names[0])
        if names:
            names[1].unlink(missing_ok=True)
        record.unlink(missing_ok=True)
    finally:
        os.close(fd)


def _record_names(fd: int, root: Path) -> tuple[Path, Path] | None:
    try:
        names = json.loads(os.pread(fd, 65536, 0).decode("utf-8"))
        path, aside = Path(names["path"]), Path(names["aside"])
        if path.is_absolute() or aside.is_absolute() or ".." in path.parts + aside.parts:
            return None  # not a record this module wrote: never follow it out of the project
        return root / path, root / aside
    except (ValueError, KeyError, TypeError):
        return None  # still being written, or its writer died before writing it


def _relink(aside: Path, path: Path) -> bool:
    try:
        os.link(aside, path)
    except (FileExistsError, FileNotFoundError):
        return False
    return True


def _migrate_legacy(folder: Path, scan: SwapScan) -> None:
    """Aside copies named after their writer's PID, and the marker older versions kept here."""
    marker = folder / LEGACY_MARKER
    if not marker.exists():
        return
    live = 0
    for aside in folder.glob(".*.old"):
        match = _LEGACY_ASIDE_RE.match(aside.name)
        if match is None:
            continue
        pid = int(match["pid"])
        if pid != os.getpid() and _pid_alive(pid):  # an older version, still writing
            scan.busy.add(aside.with_name(match["name"]))
            live += 1
            continue
        path = aside.with_name(match["name"])
        if _relink(aside, path):
            scan.restored.append(path)
        aside.unlink(missing_ok=True)
    if not live:
        marker.unlink(missing_ok=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def restore_orphans(folder: Path) -> list[Path]:
    """Put back files that killed writers left moved aside (see ``_scan_swaps``); return them.

    Skipped while a live writer is in its window (whoever then finds a file missing
    puts it back: see ``recover``).
    """
    if not (state_dir(folder) / SWAPS).is_dir():  # no swap ever happened in this project
        return _scan_swaps(folder).restored
    try:
        with _window(folder, timeout=0.0):
            return _scan_swaps(folder).restored
    except LockTimeout:
        return []


def recover(path: Path, timeout: float = LOCK_TIMEOUT) -> str:
    """After ``path`` was found missing, wait for any live writer's window to close (at most
    ``timeout`` s, else LockTimeout), then: ``present`` (it is back), ``restored`` (a dead
    writer's copy is back), ``busy`` (an older version has it aside: read again soon) or
    ``absent`` (no file, aside or not, at a moment when no writer could be in its window).
    """
    if (state_dir(path.parent) / SWAPS).is_dir():
        with _window(path.parent, timeout):
            if path.exists():
                return "present"
            scan = _scan_swaps(path.parent)
    else:  # no swap ever happened here: the file is not aside (a creation takes the lock)
        scan = _scan_swaps(path.parent)
    if path in scan.restored:
        return "restored"
    return "busy" if path in scan.busy else "absent"


# Project state and locks --------------------------------------------------------

_ROOTS: dict[Path, Path] = {}


def state_dir(folder: Path) -> Path:
    """The state folder (``.i18npub``) of the project holding ``folder``.

    That is, beside the nearest ``i18npub.toml`` at or above ``folder``; outside any
    project, ``folder/.i18npub``.
    """
    root = _ROOTS.get(folder)
    if root is None:
        for candidate in (folder, *folder.parents):
            if (candidate / CONFIG_NAME).is_file():
                root = _ROOTS[folder] = candidate
                break
        else:
            root = folder
    return root / STATE_DIR


class LockTimeout(I18npubError, OSError):
    """Another process held a lock for too long."""

    retryable = True


@contextlib.contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[int]:
    """Hold an exclusive ``flock`` on ``path`` (created if needed); yield its descriptor.

    Waits at most ``timeout`` seconds for another holder, then raises LockTimeout. The
    lock goes with the process: a killed holder never leaves it taken.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        pause = 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LockTimeout(
                        f"{path}: another i18npub process has held it for {timeout:.0f} s;"
                        " try again"
                    ) from None
                time.sleep(pause)
                pause = min(0.01, pause * 2)
        yield fd
    finally:
        os.close(fd)


def _restore(aside: Path, path: Path) -> None:
    """Put a moved-aside file back, unless a newer one was written meanwhile."""
    _relink(aside, path)
    aside.unlink(missing_ok=True)
