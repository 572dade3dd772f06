"""What a run is asked to do and what it did: options, results per unit, the report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from i18npub.errors import I18npubError
from i18npub.project import IngestResult

if TYPE_CHECKING:
    pass

STEPS = ("ingest", "translate", "publish")
PUBLISH_POLICIES = ("changed", "always", "never")


class PipelineError(I18npubError, ValueError):
    """Invalid run options."""


@dataclass(frozen=True)
class RunOptions:
    """What one run does; the Prefect flows take the same parameters."""

    sources: tuple[str, ...] = ()  # files, folders, URLs; default: the project's content folder
    articles: tuple[str, ...] = ()  # slugs to translate; default: every article
    engines: tuple[str, ...] = ()  # machine translation chain; default: the project's
    steps: tuple[str, ...] = STEPS
    publish: str = "changed"  # changed | always | never
    dry_run: bool = False
    batch_size: int = 250  # local sources per ingest unit (each unit reads the article index)
    max_chars: int | None = None  # characters sent to engines in this run (None: the config's)
    retry_rejected: bool = False  # ask again for suggestions reviewers cleared

    def __post_init__(self) -> None:
        unknown = [step for step in self.steps if step not in STEPS]
        if unknown:
            raise PipelineError(f"unknown step(s) {unknown}; choose from {list(STEPS)}")
        if self.publish not in PUBLISH_POLICIES:
            raise PipelineError(
                f"publish policy {self.publish!r}: choose one of {', '.join(PUBLISH_POLICIES)}"
            )
        if self.batch_size < 1:
            raise PipelineError("batch_size must be at least 1")
        if self.max_chars is not None and self.max_chars < 0:
            raise PipelineError("max_chars must be 0 or more")


@dataclass
class TranslateResult:
    """What the translate step did for one article."""

    slug: str
    action: str  # translated | unchanged | awaiting | cached | skipped | planned | error
    filled: int = 0  # entries machine-translated by this run (planned: untranslated now)
    pending: int = 0  # entries still untranslated afterwards
    message: str = ""
    chars: dict[str, int] = field(default_factory=dict)  # characters sent per engine
    retryable: bool = False  # an error that may not recur (a catalog being rewritten)
    rejected: int = 0  # engine answers refused by the checks (the next engine was asked)


@dataclass
class PublishResult:
    """What the publish step did with the site."""

    action: str  # built | unchanged | skipped | planned | error
    site: str = ""
    message: str = ""


@dataclass
class RunReport:
    """Everything one run did, for the CLI, the flows' artifacts and ``--json``."""

    project: str
    options: RunOptions
    ingest: list[IngestResult] = field(default_factory=list)
    translate: list[TranslateResult] = field(default_factory=list)
    publish: PublishResult | None = None
    status: dict[str, Any] = field(default_factory=dict)

    def errors(self) -> list[str]:
        """One line per failed unit."""
        lines = [r.message or f"{r.source}: failed" for r in self.ingest if r.action == "error"]
        lines += [f"{r.slug}: {r.message}" for r in self.translate if r.action == "error"]
        if self.publish and self.publish.action == "error":
            lines.append(f"publish: {self.publish.message}")
        return lines

    @property
    def ok(self) -> bool:
        return not self.errors()

    def chars_sent(self) -> dict[str, int]:
        """Characters sent per engine over the whole run (retries included)."""
        totals: dict[str, int] = {}
        for result in self.translate:
            for engine, chars in result.chars.items():
                totals[engine] = totals.get(engine, 0) + chars
        return totals

    def changed(self) -> bool:
        """True if this run changed an article, a catalog or the site."""
        return (
            any(r.action in ("created", "updated") for r in self.ingest)
            or any(r.filled and r.action == "translated" for r in self.translate)
            or bool(self.publish and self.publish.action == "built")
        )

    def article_rows(self) -> list[dict[str, Any]]:
        """One row per article: coverage per language and what this run changed."""
        ingested = {r.slug: r for r in self.ingest if r.slug}
        translated = {r.slug: r for r in self.translate}
        rows = []
        for article in self.status.get("articles", []):
            slug = article["slug"]
            rows.append(
                _article_row(article, ingested.get(slug), translated.get(slug), self.options)
            )
        return rows

    def as_dict(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "options": asdict(self.options),
            "ok": self.ok,
            "errors": self.errors(),
            "ingest": [asdict(r) for r in self.ingest],
            "translate": [asdict(r) for r in self.translate],
            "publish": asdict(self.publish) if self.publish else None,
            "chars_sent": self.chars_sent(),
            "articles": self.article_rows(),
            "totals": self.status.get("totals", {}),
        }


def _article_row(
    article: dict[str, Any],
    ingested: IngestResult | None,
    translated: TranslateResult | None,
    options: RunOptions,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "article": article["slug"],
        "segments": article["segments"],
        "ingest": ingested.action if ingested else "-",
        "machine_translated": translated.filled if translated else 0,
    }
    for language, state in article["languages"].items():
        if "error" in state:
            row[f"{language} error"] = state["error"]
            continue
        covered = state["approved"] + state["machine"]
        row[f"{language} approved"] = state["approved"]
        row[f"{language} machine"] = state["machine"]
        row[f"{language} outdated"] = state.get("outdated", 0)
        row[f"{language} untranslated"] = state["untranslated"]
        row[f"{language} % covered"] = _percent(covered, state["segments"])
        row[f"{language} % approved"] = state["percent_approved"]
    row["changes"] = describe_changes(ingested, translated, options.dry_run)
    return row


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def describe_changes(
    ingested: IngestResult | None, translated: TranslateResult | None, dry_run: bool = False
) -> str:
    """A short phrase: what happened to one article in this run."""
    parts: list[str] = []
    if ingested and ingested.action in ("created", "updated"):
        parts.append("new article" if ingested.action == "created" else _merge_phrase(ingested))
    elif ingested and ingested.action == "error":
        parts.append(f"ingest failed: {ingested.message}")
    elif ingested and ingested.action.startswith("would"):
        parts.append(ingested.action)
    if translated and translated.action in ("translated", "planned") and translated.filled:
        verb = "would machine-translate" if dry_run else "machine-translated"
        parts.append(f"{verb} {translated.filled}")
    elif translated and translated.action == "error":
        parts.append(f"translate failed: {translated.message}")
    elif translated and translated.action == "awaiting":
        parts.append(f"{translated.pending} awaiting an engine: {translated.message}")
    elif translated and translated.action == "cached":
        parts.append("unchanged (cached)")
    return "; ".join(parts) or "unchanged"


def _merge_phrase(result: IngestResult) -> str:
    totals: dict[str, int] = {}
    for report in result.catalogs.values():
        for key in ("added", "carried_fuzzy", "obsoleted", "revived"):
            totals[key] = max(totals.get(key, 0), int(report.get(key, 0)))
    labels = {"added": "new", "carried_fuzzy": "fuzzy", "obsoleted": "obsolete"}
    labels["revived"] = "revived"
    details = [f"{totals[k]} {labels[k]}" for k in labels if totals.get(k)]
    return "source updated" + (f" ({', '.join(details)})" if details else "")
