"""``memory``: reviewed translations reused, exact or fuzzy.

The memory holds every approved entry (filled, not fuzzy) of the project's catalogs for the
target language, plus the PO files found under ``paths`` (an external translation memory: a
folder of PO files or single files; a file whose ``Language`` header names another language is
skipped). An exact match (whitespace aside) scores 100; otherwise the most similar stored
sentence wins if its ``rapidfuzz.fuzz.ratio`` reaches ``threshold`` (default 90). The score
and the origin go into the provenance comment (``score=93.5 origin=tea-exports``).

Only sentences of similar length can reach the threshold (``ratio`` = 2·matches / total
length), so the search looks at that length window only.
"""

from __future__ import annotations

import bisect
import os
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from i18npub.article import normalize_space
from i18npub.engines.base import Answer, Engine, EngineConfigError, Limits, Settings


class TranslationMemory:
    """Source sentences and their reviewed translations, with exact and fuzzy lookup."""

    def __init__(self) -> None:
        self._exact: dict[str, tuple[str, str]] = {}
        self._sources: list[str] = []
        self._entries: list[tuple[str, str]] = []  # (translation, origin), as _sources
        self._lengths: list[int] = []
        self._sorted = True

    def __len__(self) -> int:
        return len(self._exact)

    def add(self, source: str, translation: str, origin: str) -> None:
        """Remember a translation (the first one stored for a sentence wins)."""
        key = normalize_space(source)
        if not key or not translation or key in self._exact:
            return
        self._exact[key] = (translation, origin)
        self._sources.append(key)
        self._entries.append((translation, origin))
        self._sorted = False

    def lookup(self, text: str, threshold: float) -> Answer | None:
        """The best match at or above ``threshold`` (0-100), or None."""
        key = normalize_space(text)
        if key in self._exact:
            translation, origin = self._exact[key]
            return Answer(translation, {"match": "exact", "score": "100", "origin": origin})
        return self._fuzzy(key, threshold)

    def _fuzzy(self, key: str, threshold: float) -> Answer | None:
        from rapidfuzz import fuzz, process

        self._sort()
        if threshold <= 0 or not key:
            return None
        low = bisect.bisect_left(self._lengths, len(key) * threshold / (200 - threshold))
        high = bisect.bisect_right(self._lengths, len(key) * (200 - threshold) / threshold)
        best = process.extractOne(
            key, self._sources[low:high], scorer=fuzz.ratio, score_cutoff=threshold
        )
        if best is None:
            return None
        translation, origin = self._entries[low + best[2]]
        details = {"match": "fuzzy", "score": f"{best[1]:.1f}", "origin": origin}
        return Answer(translation, details)

    def _sort(self) -> None:
        if self._sorted:
            return
        order = sorted(range(len(self._sources)), key=lambda i: len(self._sources[i]))
        self._sources = [self._sources[i] for i in order]
        self._entries = [self._entries[i] for i in order]
        self._lengths = [len(source) for source in self._sources]
        self._sorted = True


class MemoryEngine(Engine):
    """Reviewed translations of this project (and of ``paths``) as an engine."""

    kind = "memory"
    cacheable = False
    protect = False
    limits = Limits(max_chars=10**9, batch_size=10**9, batch_chars=10**12, concurrency=1)

    def __init__(self, settings: Settings) -> None:
        self.name = settings.name
        self.threshold = settings.number("threshold", 90.0)
        if self.threshold > 100:
            raise EngineConfigError("engines.memory.threshold must be between 0 and 100")
        paths = settings.data.get("paths", [])
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            raise EngineConfigError("engines.memory.paths must be a list of paths")
        self.external = [settings.context.root / path for path in paths]
        self.locales = settings.context.locales if settings.data.get("project", True) else None
        self._memories: dict[str, tuple[tuple, TranslationMemory]] = {}
        self._lock = threading.Lock()

    @property
    def no_answer(self) -> str:
        return f"no match at {self.threshold:g}% or more"

    def translate_batch(
        self, texts: Sequence[str], source: str, target: str
    ) -> list[Answer | None]:
        memory = self.memory(target)
        return [memory.lookup(text, self.threshold) for text in texts]

    def memory(self, target: str) -> TranslationMemory:
        """The memory for ``target``, rebuilt when a catalog changed since it was read."""
        files = self._files(target)
        stamp = tuple((str(path), _mtime(path)) for path, _ in files)
        with self._lock:
            cached = self._memories.get(target)
            if cached and cached[0] == stamp:
                return cached[1]
            memory = _build(files, target)
            self._memories[target] = (stamp, memory)
            return memory

    def _files(self, target: str) -> list[tuple[Path, bool]]:
        """PO files to read, and whether each comes from the project."""
        files: list[tuple[Path, bool]] = []
        if self.locales is not None:
            folder = self.locales / target / "LC_MESSAGES"
            files += [(path, True) for path in sorted(folder.glob("*.po"))]
        for path in self.external:
            found = sorted(path.rglob("*.po")) if path.is_dir() else [path]
            files += [(p, False) for p in found if p.is_file()]
        return files


def _build(files: Iterable[tuple[Path, bool]], target: str) -> TranslationMemory:
    from i18npub.catalog import CatalogError, read_catalog
    from i18npub.lookup import is_approved

    memory = TranslationMemory()
    for path, in_project in files:
        try:
            catalog = read_catalog(path)
        except (OSError, CatalogError):
            continue  # an unreadable file is reported by `i18npub check`, not here
        language = catalog.metadata().get("Language", "")
        if not in_project and language and not _same_language(language, target):
            continue
        origin = path.stem if in_project else f"tm:{path.name}"
        for entry in catalog.entries:
            if is_approved(entry) and not entry.msgid_plural:
                memory.add(entry.msgid, entry.msgstr, origin)
    return memory


def _same_language(a: str, b: str) -> bool:
    a, b = (x.lower().replace("-", "_") for x in (a, b))
    same_base = a.split("_")[0] == b.split("_")[0]
    return a == b or (same_base and ("_" not in a or "_" not in b))


def _mtime(path: Path) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0


def create(kind: str, settings: Settings) -> MemoryEngine:
    return MemoryEngine(settings)
