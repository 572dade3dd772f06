"""Content hashes of files, read and hashed only when a file's state changed.

A :class:`FileHashes` records, per path, the file's state (``fsutil.FileState``: inode,
size, ``mtime_ns``, ``ctime_ns``) with the hash of its content. A later lookup that finds
the same state takes the recorded hash and does not open the file; any other state (an
edit, even one that keeps the size; a file replaced by a rename; ``touch``) makes it read
and hash the file again. A file changed within :data:`~i18npub.fsutil.RACY_NS` of being
read may change again within the same timestamp tick, so its state is not recorded and the
next lookup hashes it again (``fsutil.settled``).

Each user keeps its own file in the project's state folder (the site build its inputs, the
site fingerprint everything a site is made from), so that what one saves (the paths it
looked at this time) never drops what the other needs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

from i18npub.fsutil import atomic_write_text, settled, stat_state


def content_hash(*parts: bytes | str) -> str:
    """The hash of the parts (each length-prefixed), 32 hex digits."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little") + data)
    return hasher.hexdigest()[:32]


class FileHashes:
    """Content hashes by path, taken from the record while a file's state is unchanged;
    :attr:`records` is what this run saw, for the next one."""

    def __init__(self, recorded: object = None) -> None:
        self.recorded: dict[str, list] = recorded if isinstance(recorded, dict) else {}
        self.records: dict[str, list] = {}
        self.hashed = 0  # files read and hashed (the others cost a stat)

    @classmethod
    def load(cls, path: Path) -> FileHashes:
        """The hashes recorded at ``path`` (none if missing or unreadable)."""
        with contextlib.suppress(OSError, ValueError):
            return cls(json.loads(path.read_text(encoding="utf-8")))
        return cls()

    def save(self, path: Path) -> None:
        """Record what this run saw, if that differs from what it found recorded (a cache:
        a failed write only costs hashing again)."""
        if self.records != self.recorded:
            with contextlib.suppress(OSError):
                path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write_text(path, json.dumps(self.records), durable=False)

    def hash(self, path: str) -> str | None:
        """The content hash of ``path``; None if it does not exist. Raises OSError."""
        try:
            info = os.stat(path)
        except FileNotFoundError:
            return None
        old = self.recorded.get(path)
        if isinstance(old, list) and len(old) == 5 and old[:4] == list(stat_state(info)):
            self.records[path] = old
            return str(old[4])
        try:
            data, info = read_with_stat(path)
        except FileNotFoundError:
            return None
        digest = content_hash(data)
        self.hashed += 1
        self.note(path, digest, info)
        return digest

    def note(self, path: str, digest: str, info: os.stat_result | None) -> None:
        """Record ``digest`` for ``path`` with the stat it was read under (none if racy)."""
        state = settled(stat_state(info)) if info is not None else None
        if state is None:
            self.records[path] = [None, None, None, None, digest]
        else:
            self.records[path] = [*state, digest]

    def forget(self, path: str, digest: str | None) -> None:
        """``path`` was found with other content than hashed at first: record no stat."""
        if digest is None:
            self.records.pop(path, None)
        else:
            self.note(path, digest, None)


def read_with_stat(path: str) -> tuple[bytes, os.stat_result]:
    """The file's bytes and the stat of the file they were read from."""
    with open(path, "rb") as handle:
        info = os.fstat(handle.fileno())
        return handle.read(), info


def read_if_present(path: str) -> tuple[bytes, os.stat_result] | None:
    """:func:`read_with_stat`, or None when there is no such file."""
    try:
        return read_with_stat(path)
    except FileNotFoundError:
        return None
