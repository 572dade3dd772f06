"""The review queue: machine translations, worst first, so a translator starts where the
engine was weakest (``i18npub review``).

Each machine entry (fuzzy, filled) is scored by :func:`i18npub.risk.assess`. The score and
flags recorded in its provenance when it was written (``risk=… flags=…``) are used as they
are; an entry written before scores were kept, or by hand as fuzzy, is scored now from its
text (without the engine's raw answer, so without the typography flag).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from i18npub.catalog import CatalogError, read_catalog
from i18npub.lookup import EntryState, provenance, state_of
from i18npub.qa import check_translation
from i18npub.risk import FLAG_AT, assess

if TYPE_CHECKING:
    from collections.abc import Sequence

    from i18npub.po import POEntry
    from i18npub.project import Project

SCHEMA = "i18npub.review/1"


@dataclass(frozen=True)
class ReviewItem:
    """One machine translation waiting for a translator."""

    slug: str
    language: str
    path: str
    line: int
    msgid: str
    msgstr: str
    engine: str
    score: int
    flags: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return self.score >= FLAG_AT

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "flags": list(self.flags), "flagged": self.flagged}


@dataclass
class ReviewQueue:
    """The machine entries of a project, worst first, and the catalogs that could not be read."""

    items: list[ReviewItem]
    errors: list[str]

    @property
    def flagged(self) -> int:
        return sum(item.flagged for item in self.items)

    def shown(self, limit: int = 0) -> list[ReviewItem]:
        """The first ``limit`` entries (0: all)."""
        return self.items[:limit] if limit > 0 else self.items

    def as_dict(self, limit: int = 0) -> dict[str, object]:
        """The queue as JSON; ``total`` and ``flagged`` count every entry, ``entries`` holds
        the first ``limit`` (0: all)."""
        return {
            "schema": SCHEMA,
            "flag_at": FLAG_AT,
            "total": len(self.items),
            "flagged": self.flagged,
            "entries": [item.as_dict() for item in self.shown(limit)],
            "errors": self.errors,
        }


def review_queue(
    project: Project, slugs: Sequence[str] | None = None, languages: Sequence[str] | None = None
) -> ReviewQueue:
    """Every machine entry of ``slugs`` (default: all) in ``languages``, riskiest first
    (ties: article and catalog order)."""
    items: list[ReviewItem] = []
    errors: list[str] = []
    glossary = project.glossary()
    for slug in slugs or project.slugs():
        for language in languages or project.config.target_languages:
            path = project.catalog_path(slug, language)
            try:
                catalog = read_catalog(path)
            except FileNotFoundError:
                continue
            except CatalogError as error:
                errors.append(str(error))
                continue
            shown = _relative(project, path)
            for entry in catalog.entries:
                if entry.obsolete or state_of(entry) is not EntryState.MACHINE:
                    continue
                score, flags = _risk(entry, language, glossary.terms_in(entry.msgid, language))
                engine = provenance(entry).get("engine", "")
                items.append(
                    ReviewItem(
                        slug, language, shown, entry.lineno, entry.msgid, entry.msgstr,
                        engine, score, flags,
                    )
                )  # fmt: skip
    items.sort(key=lambda item: -item.score)  # stable: article and catalog order within a score
    return ReviewQueue(items, errors)


def _risk(entry: POEntry, language: str, terms: Sequence) -> tuple[int, tuple[str, ...]]:
    recorded = provenance(entry)
    if recorded.get("risk", "").isdigit():
        flags = tuple(f for f in recorded.get("flags", "").split(",") if f)
        return int(recorded["risk"]), flags
    issues = check_translation(entry.msgid, entry.msgstr, language, terms)
    risk = assess(entry.msgid, entry.msgstr, language, issues=issues)
    return risk.score, risk.flags


def _relative(project: Project, path: object) -> str:
    try:
        return path.relative_to(project.root).as_posix()  # type: ignore[attr-defined]
    except ValueError:
        return str(path)
