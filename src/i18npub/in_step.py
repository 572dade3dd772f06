"""Is a catalog in step with its template? Decided once per pair of file states, and cached.

A catalog is in step when its active entries are exactly its template's sentences. It is
not after a translator saved it from an editor buffer opened before the last merge, which
ingest then merges again. Checking means parsing both files; :class:`DriftCache` remembers
the pairs of file states found in step (``.i18npub/in-step.json``) so that files nobody
touched since are not parsed again, and each template's sentence-key digest, so that a
catalog saved by a translator is checked without parsing its unchanged template.

Who parses a catalog for another reason (the site build, to render it) may hand over what
it read (:func:`reading`): its state and key digest are recorded when they match the
template's, and ingest's next check costs a ``stat``.

A state recorded less than :data:`~i18npub.fsutil.RACY_NS` after the file last changed may
be shared by a second write in the same timestamp tick; such an entry also keeps the
content's digest, and a check reads the file (no parse) to compare it until the state has
settled.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from i18npub.file_hashes import content_hash, read_with_stat
from i18npub.fsutil import FileState, atomic_write_text, file_state, settled, stat_state
from i18npub.lookup import Key, entry_key

if TYPE_CHECKING:
    from i18npub.po import POFile

TEMPLATE_PREFIX = "template:"


def template_drift(catalog: POFile, template: POFile) -> tuple[int, int]:
    """``(missing, extra)``: template sentences the catalog lacks, and active entries the
    template no longer has; both 0 when the catalog is in step with its template."""
    return _drift(active_keys(catalog), template_keys(template))


def active_keys(catalog: POFile) -> set[Key]:
    return {entry_key(e) for e in catalog.entries if e.msgid and not e.obsolete}


def template_keys(template: POFile) -> set[Key]:
    return {entry_key(e) for e in template.entries if e.msgid}


def keys_digest(keys: set[Key]) -> str:
    """A digest of a set of sentence keys (equal digests: equal sets)."""
    rows = sorted([context is None, context or "", msgid] for context, msgid in keys)
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()


def drift_message(missing: int, extra: int) -> str:
    """One line for a catalog out of step with its template (see ``template_drift``)."""
    parts = [f"{missing} sentence(s) of the article missing"] if missing else []
    parts += [f"{extra} removed sentence(s) still active"] if extra else []
    return (
        f"{' and '.join(parts)} (saved from a copy older than the last ingest?);"
        " run `i18npub ingest` to merge it again"
    )


@dataclass(frozen=True)
class CatalogReading:
    """A catalog as someone read it: the file's state then, its active keys' digest, and its
    content's digest while that state is not settled (else None)."""

    state: FileState
    keys: str
    content: str | None


def reading(data: bytes, info: os.stat_result, catalog: POFile) -> CatalogReading:
    """What reading ``data`` (from a file whose ``fstat`` was ``info``) as ``catalog`` showed."""
    state = stat_state(info)
    racy = settled(state) is None
    return CatalogReading(
        state, keys_digest(active_keys(catalog)), content_hash(data) if racy else None
    )


class DriftCache:
    """Catalog and template file-state pairs found in step, with each template's key digest.

    Entries are checked against the files' current states before they are believed, so an
    entry written by a concurrent process is harmless: at worst a file is parsed again.
    """

    def __init__(self, path: Path, root: Path) -> None:
        self.path, self.root = path, root
        self._known: dict[str, list[Any]] | None = None
        self._dirty = False

    def drift(
        self, catalog_path: Path, template_path: Path, catalog: POFile | None = None
    ) -> tuple[int, int]:
        """``template_drift`` of the two files (FileNotFoundError / CatalogError as read).

        ``catalog``: the caller's copy of the catalog, compared as it is; then nothing is
        recorded of the catalog (when and under which state it was read is not known here).
        """
        from i18npub.catalog import read_catalog_with_stat

        template_state = _file_state(template_path)  # before the template is read
        if catalog is not None:
            return self._compare(active_keys(catalog), template_path, template_state)
        key = self._key(catalog_path)
        entry, now = self._load().get(key), [*_file_state(catalog_path), *template_state]
        if entry == now:
            return 0, 0  # a settled entry: the stat suffices
        racy = isinstance(entry, list) and entry[:8] == now
        if racy and self._believed_as_read(key, catalog_path, now):
            return 0, 0  # a racy entry: the content's digest, without parsing
        catalog, data, info = read_catalog_with_stat(catalog_path)
        state = [*stat_state(info), *template_state]  # the state of the bytes parsed
        if self._believed(key, state, data):
            return 0, 0
        drift = self._compare(active_keys(catalog), template_path, template_state)
        if not any(drift):
            self._remember(key, state, data)
        return drift

    def record(
        self, catalog_path: Path, template_path: Path, data: bytes, template: POFile
    ) -> None:
        """Remember the catalog as in step if it still holds ``data`` (a merge's result from
        ``template``, the file at ``template_path``)."""
        try:
            template_state = _file_state(template_path)
            current, info = read_with_stat(str(catalog_path))
        except OSError:
            return
        if current == data:
            self._set_template_digest(template_path, template_state, template_keys(template))
            self._remember(self._key(catalog_path), [*stat_state(info), *template_state], data)

    def offer(self, catalog_path: Path, template_path: Path, read: CatalogReading) -> None:
        """Remember a catalog read elsewhere as in step if its keys were the unchanged
        template's (nothing is parsed here)."""
        template_file, catalog_file = file_state(template_path), file_state(catalog_path)
        if template_file is None or catalog_file != read.state:
            return  # changed since it was read, or gone: the next check parses it
        template_state = list(template_file)
        if self._template_digest(template_path, template_state) != read.keys:
            return
        entry: list[Any] = [*read.state, *template_state]
        if read.content is not None:  # read while racy: a same-tick rewrite keeps the state
            if not _settled(entry):
                entry.append(read.content)
            elif not _holds(catalog_path, read.state, read.content):
                return
        self._set(self._key(catalog_path), entry)

    def save(self) -> None:
        if self._dirty and self._known is not None:
            with contextlib.suppress(OSError):  # only a cache
                atomic_write_text(self.path, json.dumps(self._known), durable=False)
            self._dirty = False

    def _believed(self, key: str, state: list[int], data: bytes) -> bool:
        """The recorded entry holds for ``data``, read under ``state`` (its content digest
        compared while the entry was racy)."""
        entry = self._load().get(key)
        if not isinstance(entry, list) or entry[:8] != state:
            return False
        if len(entry) > 8 and content_hash(data) != entry[8]:
            return False
        if len(entry) > 8 and _settled(state):
            self._set(key, state)  # settled now: a stat will do from here on
        return True

    def _believed_as_read(self, key: str, catalog_path: Path, now: list[int]) -> bool:
        try:
            data, info = read_with_stat(str(catalog_path))
        except OSError:
            return False
        return self._believed(key, [*stat_state(info), *now[4:]], data)

    def _remember(self, key: str, state: list[int], data: bytes) -> None:
        """Record the pair as in step: ``data``, the bytes found in step, were read under
        ``state``; while that state is racy, with their digest."""
        self._set(key, state if _settled(state) else [*state, content_hash(data)])

    def _compare(
        self, active: set[Key], template_path: Path, template_state: list[int]
    ) -> tuple[int, int]:
        """The drift of a catalog's active keys against the template (parsed only when its
        digest for ``template_state``, taken before reading it, is not recorded)."""
        from i18npub.catalog import read_catalog

        if self._template_digest(template_path, template_state) == keys_digest(active):
            return 0, 0
        wanted = template_keys(read_catalog(template_path))
        self._set_template_digest(template_path, template_state, wanted)
        return _drift(active, wanted)

    def _set_template_digest(
        self, template_path: Path, template_state: list[int], keys: set[Key]
    ) -> None:
        self._set(TEMPLATE_PREFIX + self._key(template_path), [*template_state, keys_digest(keys)])

    def _template_digest(self, template_path: Path, template_state: list[int]) -> Any:
        entry = self._load().get(TEMPLATE_PREFIX + self._key(template_path))
        if isinstance(entry, list) and entry[:4] == list(template_state):
            return entry[4]
        return None

    def _set(self, key: str, entry: list[Any]) -> None:
        known = self._load()
        if known.get(key) != entry:
            known[key], self._dirty = entry, True

    def _key(self, path: Path) -> str:
        text, root = str(path), str(self.root)
        if text.startswith(root + os.sep):  # the usual case, without relpath's syscalls
            return text[len(root) + 1 :].replace(os.sep, "/")
        return os.path.relpath(path, self.root).replace(os.sep, "/")

    def _load(self) -> dict[str, list[Any]]:
        if self._known is None:
            try:
                known = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                known = {}
            self._known = known if isinstance(known, dict) else {}
        return self._known


def _drift(active: set[Key], wanted: set[Key]) -> tuple[int, int]:
    return len(wanted - active), len(active - wanted)


def _holds(path: Path, state: FileState, digest: str) -> bool:
    """The file is still under ``state`` and holds the content of ``digest``."""
    try:
        data, info = read_with_stat(str(path))
    except OSError:
        return False
    return stat_state(info) == tuple(state) and content_hash(data) == digest


def _settled(entry: list[Any]) -> bool:
    """The catalog's state (the entry's first four numbers) has settled."""
    return settled((entry[0], entry[1], entry[2], entry[3])) is not None


def _file_state(path: Path) -> list[int]:
    return list(stat_state(os.stat(path)))  # raises for a missing file
