"""Run state kept between runs in ``.i18npub/translate-state.json``: why each untranslated
sentence waits and how long each engine cools down; :class:`Awaiting` counts those reasons for
``i18npub status``."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from i18npub.fsutil import atomic_write_text
from i18npub.lookup import is_fillable

if TYPE_CHECKING:
    from i18npub.po import POEntry, POFile

STATE_FILE = "translate-state.json"

_STATE_LOCK = threading.Lock()


class TranslateState:
    """``.i18npub/translate-state.json``: reasons per untranslated sentence, cooldowns."""

    def __init__(self, path: Path, data: dict[str, Any] | None = None) -> None:
        self.path = path
        self.data = data or {}
        self.data.setdefault("pending", {})
        self.data.setdefault("cooldowns", {})

    @classmethod
    def load(cls, folder: Path) -> TranslateState:
        path = folder / STATE_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        return cls(path, data if isinstance(data, dict) else {})

    def reasons(self, language: str, slug: str) -> dict[str, str]:
        """Why each still-untranslated sentence of one catalog could not be translated."""
        return dict(self.data["pending"].get(language, {}).get(slug, {}))

    def cooldown(self, engine: str) -> float:
        return float(self.data["cooldowns"].get(engine, 0.0))

    def update(
        self, pending: Mapping[tuple[str, str], Mapping[str, str]], cooldowns: Mapping[str, float]
    ) -> None:
        """Merge this run's results into the file (other catalogs' entries are kept)."""
        with _STATE_LOCK:
            current = TranslateState.load(self.path.parent).data
            for (language, slug), reasons in pending.items():
                catalogs = current["pending"].setdefault(language, {})
                if reasons:
                    catalogs[slug] = dict(reasons)
                else:
                    catalogs.pop(slug, None)
            now = time.time()
            current["cooldowns"] = {
                name: until
                for name, until in {**current["cooldowns"], **cooldowns}.items()
                if until > now
            }
            self.data = current
            if self.path.exists() or any(current["pending"].values()) or current["cooldowns"]:
                text = json.dumps(current, ensure_ascii=False, indent=1, sort_keys=True)
                atomic_write_text(self.path, text + "\n")


def untranslated(catalog: POFile) -> Iterator[POEntry]:
    """The entries machine translation may fill: singular, current, with an empty msgstr."""
    return (entry for entry in catalog.entries if is_fillable(entry))


# Status ----------------------------------------------------------------------


class Awaiting:
    """Why untranslated entries are still waiting (``status``): the reasons recorded by the
    last runs, counted over the entries that are still untranslated now."""

    def __init__(self, state: TranslateState) -> None:
        self.state = state
        self._articles: dict[str, dict[str, dict[str, Any]]] = {}

    @classmethod
    def load(cls, folder: Path) -> Awaiting:
        """The reasons kept in the run state folder ``folder`` (``Layout.state``)."""
        return cls(TranslateState.load(folder))

    def add(self, language: str, slug: str, catalog: POFile) -> None:
        """Count the reasons of one catalog's untranslated entries."""
        recorded = self.state.reasons(language, slug)
        counts: dict[str, int] = {}
        for entry in untranslated(catalog):
            if reason := recorded.get(entry.msgid):
                counts[reason] = counts.get(reason, 0) + 1
        summary = {"awaiting": sum(counts.values()), "reasons": counts}
        self._articles.setdefault(slug, {})[language] = summary

    def article(self, slug: str) -> dict[str, dict[str, Any]]:
        """``{language: {"awaiting": n, "reasons": {reason: count}}}`` for one article."""
        return self._articles.get(slug, {})

    def totals(self) -> dict[str, dict[str, Any]]:
        """The same, summed over every article."""
        totals: dict[str, dict[str, Any]] = {}
        for languages in self._articles.values():
            for language, summary in languages.items():
                total = totals.setdefault(language, {"awaiting": 0, "reasons": {}})
                total["awaiting"] += summary["awaiting"]
                for reason, count in summary["reasons"].items():
                    total["reasons"][reason] = total["reasons"].get(reason, 0) + count
        return totals
