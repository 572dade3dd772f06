"""The output folder: where a site may be built, and swapping a new build in atomically."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import shutil
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from i18npub.errors import I18npubError

if TYPE_CHECKING:
    from i18npub.layout import Layout

MANIFEST_NAME = ".i18npub-site.json"
PROTECTED_FOLDERS = ("content", "articles", "locales", "templates")


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
