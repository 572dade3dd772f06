"""A catalog (:class:`POFile`): header and entries in file order, lookup, text, atomic save."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any, SupportsIndex

from i18npub.po.model import GNU, POEntry, WrapStyle, is_header
from i18npub.po.style import detect_style
from i18npub.po.write import render_entry


class _EntryList(list[POEntry]):
    """``POFile.entries``: a list that keeps its catalog's lookup index in step."""

    def __init__(self, po: POFile) -> None:
        super().__init__()
        self._po = po

    def append(self, entry: POEntry) -> None:
        self._po._adopt(entry)
        super().append(entry)

    def insert(self, index: SupportsIndex, entry: POEntry) -> None:
        self._po._adopt(entry)
        super().insert(index, entry)

    def extend(self, entries: Iterable[POEntry]) -> None:
        for entry in entries:
            self.append(entry)

    def __iadd__(self, entries: Iterable[POEntry]) -> _EntryList:  # type: ignore[override,misc]
        self.extend(entries)
        return self

    def remove(self, entry: POEntry) -> None:
        for i, item in enumerate(self):
            if item is entry:
                del self[i]
                return
        raise ValueError("entry not in catalog")

    def pop(self, index: SupportsIndex = -1) -> POEntry:
        entry = super().pop(index)
        self._po._release(entry)
        return entry

    def clear(self) -> None:
        for entry in self:
            self._po._release(entry)
        super().clear()

    def __delitem__(self, index: SupportsIndex | slice) -> None:
        gone = self[index] if isinstance(index, slice) else [self[index]]
        super().__delitem__(index)
        for entry in gone:
            self._po._release(entry)

    def __setitem__(self, index: Any, value: Any) -> None:
        gone = self[index] if isinstance(index, slice) else [self[index]]
        new = list(value) if isinstance(index, slice) else [value]
        for entry in gone:
            self._po._release(entry)
        try:
            for entry in new:
                self._po._adopt(entry)
        except ValueError:
            for entry in gone:
                self._po._adopt(entry)
            raise
        super().__setitem__(index, new if isinstance(index, slice) else value)


class POFile:
    """A catalog: an optional ``header`` entry and the other ``entries`` in file order."""

    def __init__(self, wrap: WrapStyle | None = None, newline: str = "\n") -> None:
        self.path: str | None = None
        self.newline = newline
        self.entries: _EntryList = _EntryList(self)
        self._header: POEntry | None = None
        self._header_at = 0
        self._wrap = wrap
        self._keys: dict[tuple[str | None, str], POEntry] = {}
        self._obsolete_keys: dict[tuple[str | None, str], POEntry] = {}
        self._trailer = ""
        self._bom = False
        self._final_newline = True
        self._first: POEntry | None = None
        self._hash_space = False

    # --- header -------------------------------------------------------------------------

    @property
    def header(self) -> POEntry | None:
        """The ``msgid ""`` entry, or None."""
        return self._header

    @header.setter
    def header(self, entry: POEntry | None) -> None:
        if self._header is not None:
            self._release(self._header)
        if entry is not None:
            self._adopt(entry, header=True)
        self._header = entry

    def metadata(self) -> dict[str, str]:
        """The header's ``Key: value`` fields."""
        result: dict[str, str] = {}
        if self._header is not None:
            for line in self._header.msgstr.split("\n"):
                key, sep, value = line.partition(":")
                if sep and key.strip():
                    result[key.strip()] = value.strip()
        return result

    def set_metadata(self, key: str, value: str) -> None:
        """Set a header field, in place if present, else appended; creates the header."""
        if self._header is None:
            self.header = POEntry(msgid="")
        header = self._header
        assert header is not None
        lines = header.msgstr.split("\n")
        for i, line in enumerate(lines):
            name, sep, _ = line.partition(":")
            if sep and name.strip() == key:
                lines[i] = f"{key}: {value}"
                header.msgstr = "\n".join(lines)
                return
        text = header.msgstr
        if text and not text.endswith("\n"):
            text += "\n"
        header.msgstr = f"{text}{key}: {value}\n"

    # --- entries and lookup -------------------------------------------------------------

    def __iter__(self) -> Iterator[POEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def find(
        self, msgid: str, msgctxt: str | None = None, include_obsolete: bool = False
    ) -> POEntry | None:
        """The entry with this msgid and msgctxt (the header for ``""``), or None."""
        key = (msgctxt, msgid)
        entry = self._keys.get(key)
        if entry is None and include_obsolete:
            entry = self._obsolete_keys.get(key)
        return entry

    def append(self, entry: POEntry) -> None:
        """Add an entry at the end (a header-like entry becomes the header if none)."""
        if is_header(entry) and self._header is None:
            self.header = entry
        else:
            self.entries.append(entry)

    def remove(self, entry: POEntry) -> None:
        """Remove an entry (or the header); raises ValueError if it is not in the catalog."""
        if entry is self._header:
            self.header = None
        else:
            self.entries.remove(entry)

    def _adopt(self, entry: POEntry, header: bool = False) -> None:
        if entry._owner is not None:
            raise ValueError("entry already belongs to a catalog")
        if not header and is_header(entry) and self._header is not None:
            raise ValueError("catalog already has a header entry")
        if not entry.obsolete and entry.key in self._keys:
            raise ValueError(f"duplicate entry {entry.key!r}")
        object.__setattr__(entry, "_owner", self)
        self._index(entry)

    def _release(self, entry: POEntry) -> None:
        self._unindex(entry)
        object.__setattr__(entry, "_owner", None)

    def _index(self, entry: POEntry) -> None:
        keys = self._obsolete_keys if entry.obsolete else self._keys
        keys.setdefault(entry.key, entry)

    def _unindex(self, entry: POEntry) -> None:
        keys = self._obsolete_keys if entry.obsolete else self._keys
        key = entry.key
        if keys.get(key) is entry:
            del keys[key]
            if entry.obsolete:  # another obsolete entry may share the key
                for other in self.entries:
                    if other is not entry and other.obsolete and other.key == key:
                        keys[key] = other
                        break

    # --- layout -------------------------------------------------------------------------

    @property
    def wrap(self) -> WrapStyle:
        """The layout convention for new and changed entries (detected on first use)."""
        if self._wrap is None:
            self._wrap = detect_style(self.entries, self._header, self._hash_space)
        return self._wrap

    @wrap.setter
    def wrap(self, style: WrapStyle) -> None:
        self._wrap = style

    def dumps(self) -> str:
        """The catalog as PO text."""
        parts: list[str] = []
        first = True
        style = None  # (detected when first needed: unchanged files never need it)
        for entry in self._ordered():
            prefix = entry._prefix
            if prefix is None:
                prefix = "" if first else self.newline
            elif first and entry is not self._first and not prefix.strip():
                prefix = ""
            parts.append(prefix)
            raw = entry._raw
            if raw is not None and entry._unchanged():
                parts.append(raw)
            else:
                style = style or self.wrap
                parts.append(render_entry(entry, style, self.newline, entry is self._header))
            first = False
        parts.append(self._trailer)
        text = "".join(parts)
        if not self._final_newline and text.endswith("\n"):
            text = text[: -len(self.newline) if text.endswith(self.newline) else -1]
        return "\ufeff" + text if self._bom else text

    def save(self, path: str | os.PathLike[str] | None = None) -> None:
        """Write atomically: a temporary file in the same folder, fsync, then os.replace."""
        target = os.fspath(path if path is not None else self.path or "")
        if not target:
            raise ValueError("no path to save to")
        data = self.dumps().encode("utf-8")
        folder = os.path.dirname(os.path.abspath(target))
        fd, tmp = tempfile.mkstemp(
            dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".tmp"
        )
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.chmod(tmp, os.stat(target).st_mode & 0o7777)
            except FileNotFoundError:
                os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        _fsync_dir(folder)

    def _ordered(self) -> Iterator[POEntry]:
        header, at = self._header, self._header_at
        for i, entry in enumerate(self.entries):
            if header is not None and i == at:
                yield header
            yield entry
        if header is not None and at >= len(self.entries):
            yield header

    def _render(self, entry: POEntry) -> str:
        return render_entry(entry, self.wrap, self.newline, entry is self._header)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_dir(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def new_po(wrap: WrapStyle = GNU, metadata: dict[str, str] | None = None) -> POFile:
    """An empty catalog laid out in ``wrap`` (GNU msgcat style by default).

    With ``metadata``, a header entry with those fields is created.
    """
    po = POFile(wrap)
    if metadata:
        for key, value in metadata.items():
            po.set_metadata(key, value)
    return po
