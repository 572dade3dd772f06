"""The output folder: where a site may be built, and swapping a new build in atomically.

Beside the site ``<parent>/<name>`` lives its spare: ``<parent>/.<name>.spare/<name>``, the
build before the current one (what a swap leaves at the staging name), kept so that the next
build updates it in place and swaps it in, instead of hard-linking every page into a new
folder. Its own ``.gitignore`` (``*``) keeps it out of git and marks the folder as i18npub's.
A spare is trusted only through its manifest, which a build removes before touching it and
writes last; one build at a time may use it (:func:`lock_spare`).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import secrets
import shutil
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from i18npub.errors import I18npubError

if TYPE_CHECKING:
    from i18npub.layout import Layout

MANIFEST_NAME = ".i18npub-site.json"
PROTECTED_FOLDERS = ("content", "articles", "locales", "templates")
SPARE_SUFFIX = ".spare"
SPARE_MARK = "# i18npub: the site's previous build, updated and swapped in by the next one\n*\n"
SPARE_LOCK = "site-spare.lock"  # in the project's state folder


class BuildError(I18npubError):
    """The site cannot be built where asked (an unsafe or foreign output folder)."""


def resolve_output(layout: Layout, out: Path | str | None) -> Path:
    """The output folder, refused if replacing it could destroy anything but an old site."""
    folder = layout.folder("site") if out is None else Path(out).expanduser().resolve()
    for key in PROTECTED_FOLDERS:
        protected = layout.folder(key)
        if folder == protected or protected in folder.parents or folder in protected.parents:
            raise BuildError(f"{folder}: refusing to build into or over the project's {key}/")
    if folder == layout.root or folder in layout.root.parents:
        raise BuildError(f"{folder}: refusing to replace the project folder or one above it")
    if folder.exists() and not folder.is_dir():
        raise BuildError(f"{folder}: exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MANIFEST_NAME).is_file():
        raise BuildError(
            f"{folder}: not empty and not a site built by i18npub; refusing to replace it"
        )
    return folder


def swap_in(new: Path, out: Path) -> None:
    """Put folder ``new`` at ``out`` in one step; afterwards ``new`` holds the previous site."""
    if not out.exists():
        os.rename(new, out)
        return
    if _exchange(new, out):
        return
    aside = new.with_name(new.name + ".old")  # no atomic exchange here: two quick renames
    os.rename(out, aside)
    try:
        os.rename(new, out)
    except OSError:
        os.rename(aside, out)
        raise
    os.rename(aside, new)


def _exchange(first: Path, second: Path) -> bool:
    """Atomically exchange two paths (Linux ``renameat2``); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange):
        code = ctypes.get_errno()
        if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EPERM):
            return False
        raise OSError(code, os.strerror(code), str(second))
    return True


_discarding: list[threading.Thread] = []


def discard_later(folder: Path) -> None:
    """Delete a replaced site without making the build wait: renamed to ``….old`` first (no
    half-deleted tree under a site's or a staging folder's name), then removed by a thread.
    The thread is not a daemon: a process that exits waits for it; a killed one leaves the
    ``.old`` folder, which the next build beside it removes."""
    aside = folder.with_name(folder.name.removesuffix(".new") + ".old")
    try:
        os.rename(folder, aside)
    except OSError:
        aside = folder
    _discard(aside)


def discard_stale(out: Path) -> None:
    """Remove ``.old`` folders of earlier builds of ``out`` (a process killed while deleting)."""
    prefix = f".{out.name}."
    with contextlib.suppress(OSError):
        for entry in os.scandir(out.parent):
            if entry.name.startswith(prefix) and entry.name.endswith(".old"):
                _discard(Path(entry.path))


def _discard(folder: Path) -> None:
    _discarding[:] = [thread for thread in _discarding if thread.is_alive()]
    thread = threading.Thread(
        target=shutil.rmtree, args=(folder, True), name="i18npub-discard", daemon=False
    )
    thread.start()
    _discarding.append(thread)


def discarding() -> int:
    """Threads of this process deleting replaced sites now (they hold no lock: fork-safe)."""
    return sum(thread.is_alive() for thread in _discarding)


def wait_for_discards() -> None:
    """Wait until the replaced sites this process is deleting are gone."""
    for thread in list(_discarding):
        thread.join()


# The spare --------------------------------------------------------------------------------


def spare_path(out: Path) -> Path:
    """Where the spare of the site at ``out`` is kept (it may not exist)."""
    return out.parent / f".{out.name}{SPARE_SUFFIX}" / out.name


def lock_spare(state: Path) -> int | None:
    """An exclusive lock on the project's spares (a descriptor to close); None while another
    build holds it (that build then neither reads nor keeps a spare)."""
    with contextlib.suppress(OSError):
        state.mkdir(parents=True, exist_ok=True)
        fd = os.open(state / SPARE_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return None
        return fd
    return None


def spare_pages(out: Path) -> dict[str, str] | None:
    """The pages (path → key) the spare of ``out`` holds by its manifest; None: no usable
    spare (none, a damaged or foreign manifest, or one removed by an interrupted update)."""
    spare = spare_path(out)
    if not _is_holder(spare.parent):
        return None
    pages = read_manifest(spare).get("pages")
    if not isinstance(pages, dict):
        return None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in pages.items()):
        return None
    return pages


def retire_spare(out: Path) -> None:
    """Delete an unusable spare of ``out`` in the background (renamed to ``.<name>.….old``
    first, which :func:`discard_stale` finds if this process is killed)."""
    spare = spare_path(out)
    if not _is_holder(spare.parent) or not spare.is_dir():
        return
    aside = out.parent / f".{out.name}.{secrets.token_hex(4)}.old"
    with contextlib.suppress(OSError):
        os.rename(spare, aside)
        _discard(aside)


def keep_as_spare(folder: Path, out: Path) -> None:
    """Keep ``folder`` (a complete earlier build of ``out``) as its spare; else delete it."""
    spare = spare_path(out)
    holder = spare.parent
    try:
        with contextlib.suppress(FileExistsError):
            holder.mkdir()
        if not _is_holder(holder):
            if any(holder.iterdir()):
                raise FileExistsError(f"{holder}: not made by i18npub")  # never touched
            (holder / ".gitignore").write_text(SPARE_MARK, encoding="utf-8")
        os.rename(folder, spare)  # fails if a spare is there
    except OSError:
        discard_later(folder)


def _is_holder(holder: Path) -> bool:
    try:
        return (holder / ".gitignore").read_text(encoding="utf-8") == SPARE_MARK
    except (OSError, UnicodeDecodeError):
        return False


@dataclass
class TreeScan:
    """What a folder holds: regular files and folders by relative path (POSIX separators)."""

    files: set[str] = field(default_factory=set)
    dirs: set[str] = field(default_factory=set)


def scan_tree(root: Path) -> TreeScan:
    """Every regular file and folder below ``root``; anything else (a symlink, a socket…) is
    removed, so that nothing written below ``root`` afterwards can land outside it."""
    scan = TreeScan()
    pending = [("", str(root))]
    while pending:
        relative, folder = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:  # the file type from the listing: no stat
                if entry.is_dir(follow_symlinks=False):
                    scan.dirs.add(relative + entry.name)
                    pending.append((f"{relative}{entry.name}/", entry.path))
                elif entry.is_file(follow_symlinks=False):
                    scan.files.add(relative + entry.name)
                else:
                    os.unlink(entry.path)
    return scan


def prune_tree(root: Path, scan: TreeScan, wanted: set[str]) -> None:
    """Remove the scanned files not ``wanted``, then the folders no wanted file is under."""
    for name in scan.files - wanted:
        path = root / name
        if path.is_dir() and not path.is_symlink():
            continue  # a folder now, made by this build where the file was (make_folders)
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):  # (or its folder
            os.unlink(path)  # replaced by a file: gone with it)
    needed: set[str] = set()
    for name in wanted:
        folder = name.rpartition("/")[0]
        while folder and folder not in needed:
            needed.add(folder)
            folder = folder.rpartition("/")[0]
    for name in sorted(scan.dirs - needed, key=len, reverse=True):  # the deepest first
        shutil.rmtree(root / name, ignore_errors=True)  # empty by now, unless written into


def place_file(target: Path, make: Callable[[Path], None]) -> None:
    """Create ``target`` with ``make``; where a file is there already (in a spare), create a
    temporary file and rename it over: an existing file may be a hard link shared with the
    live site, so it is never opened for writing."""
    try:
        make(target)
    except FileExistsError:
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.unlink(missing_ok=True)
        make(temporary)
        if target.is_dir() and not target.is_symlink():  # a folder in the spare's build
            shutil.rmtree(target)
        os.replace(temporary, target)


def make_folders(root: Path, folder: Path) -> None:
    """Create ``folder`` (under ``root``, a staging folder or a spare), replacing a file that
    an earlier build had where a folder is wanted now."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return
    except (FileExistsError, NotADirectoryError):
        pass
    current = root
    for part in folder.relative_to(root).parts:
        current = current / part
        if current.is_symlink() or (current.exists() and not current.is_dir()):
            current.unlink()
        current.mkdir(exist_ok=True)


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link ``source`` at ``target`` (a new name), or copy it where links fail."""
    try:
        os.link(source, target)
    except (FileNotFoundError, FileExistsError):
        raise
    except OSError:  # no hard links here
        shutil.copy2(source, target)


def read_manifest(out: Path) -> dict[str, Any]:
    with contextlib.suppress(OSError, ValueError):
        data = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return data
    return {}


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
