"""Safe file writes: atomic replacement, and never outside the project."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

_ASIDE_RE = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.\d+\.old$")
# Touched in a folder before any file in it is moved aside, so that looking for orphans
# (a directory listing) is only needed in folders where a swap ever happened.
ASIDE_MARKER = ".i18npub-swaps"


class UnsafePathError(ValueError):
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
    Returns False (and leaves any newer edit in place) when the file changed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    new_tmp = _write_temp(path, data, durable)
    aside = path.with_name(f".{path.name}.{os.getpid()}.{id(data)}.old")
    try:
        if expected is not None:
            (path.parent / ASIDE_MARKER).touch(exist_ok=True)
            try:
                os.rename(path, aside)
            except FileNotFoundError:
                return False
            if aside.read_bytes() != expected:
                _restore(aside, path)
                return False
        try:
            os.link(new_tmp, path)
        except FileExistsError:
            if expected is not None:
                aside.unlink(missing_ok=True)  # a newer edit now stands at path
            return False
        aside.unlink(missing_ok=True)
        return True
    finally:
        new_tmp.unlink(missing_ok=True)


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


def restore_orphans(folder: Path) -> list[Path]:
    """Put back files that a killed ``replace_if_unchanged`` left moved aside; return them.

    Only files of processes that no longer run are touched. If a file stands at the path
    again (the killed writer had linked its new version, or someone saved since), that
    newer file wins and the aside copy is dropped, as the writer would have done.
    """
    restored: list[Path] = []
    if not (folder / ASIDE_MARKER).exists():  # no file here was ever moved aside
        return restored
    for aside in folder.glob(".*.old"):
        match = _ASIDE_RE.match(aside.name)
        if match is None or _running(int(match["pid"])):
            continue
        path = aside.with_name(match["name"])
        with contextlib.suppress(FileExistsError, FileNotFoundError):
            os.link(aside, path)
            restored.append(path)
        aside.unlink(missing_ok=True)
    return restored


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _restore(aside: Path, path: Path) -> None:
    """Put a moved-aside file back, unless a newer one was written meanwhile."""
    with contextlib.suppress(FileExistsError):
        os.link(aside, path)
    aside.unlink(missing_ok=True)
