"""What a run leaves for operators in the Prefect UI and CLI (``prefect artifact ls``).

* ``<project>-articles`` (table): one row per article — segments, what this run did to it,
  and per language the approved / machine / untranslated counts and coverage;
* ``<project>-summary`` (markdown): counts per step, the errors, where the site is;
* ``<project>-site`` (link): the built site's index page, when the run built or kept one;
* ``<project>-progress`` (progress): the share of translate tasks done, while a run is on.

A dry run writes ``<project>-plan`` (table) and ``<project>-plan-summary`` instead. Keys
carry the project's folder name so each project keeps its own history.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)

from i18npub.orchestrate.deployments import project_label
from i18npub.pipeline import RunReport

MAX_ERRORS_SHOWN = 20


def key_prefix(project_root: str) -> str:
    """An artifact key prefix from the project folder: lowercase letters, digits, dashes."""
    return f"i18npub-{project_label(project_root)}"[:60].rstrip("-")


def record_run(report: RunReport) -> None:
    """Create the table, summary and site-link artifacts for a finished run."""
    prefix = key_prefix(report.project)
    table_key, summary_key = (prefix + "-articles", prefix + "-summary")
    if report.options.dry_run:
        table_key, summary_key = (prefix + "-plan", prefix + "-plan-summary")
    create_table_artifact(
        table=table_rows(report),
        key=table_key,
        description=f"Articles of {report.project}: coverage and what this run changed.",
    )
    create_markdown_artifact(
        markdown=summary_markdown(report),
        key=summary_key,
        description=f"i18npub run summary for {report.project}",
    )
    link = site_link(report)
    if link and not report.options.dry_run:
        create_link_artifact(
            link=link, link_text="the built site", key=f"{prefix}-site", description=link
        )


def table_rows(report: RunReport) -> list[dict[str, Any]]:
    """Article rows with the same columns in each (the UI takes them from the first row)."""
    rows = report.article_rows()
    if not rows:
        return [{"article": "(no articles)", "changes": ""}]
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    columns.remove("changes")
    columns.append("changes")
    return [{column: row.get(column, "") for column in columns} for row in rows]


def site_link(report: RunReport) -> str:
    """The site's index page as a ``file://`` URL, when the run built or kept a site."""
    if not report.publish or report.publish.action not in ("built", "unchanged"):
        return ""
    index = Path(report.publish.site) / "index.html"
    return index.as_uri() if index.is_absolute() else ""


def summary_markdown(report: RunReport) -> str:
    """A short account of the run for the UI."""
    title = "Dry run: what would happen" if report.options.dry_run else "i18npub run"
    lines = [f"# {title}", "", f"Project: `{report.project}`", ""]
    lines += _step_lines(report)
    totals = report.status.get("totals", {})
    for language, stats in totals.get("languages", {}).items():
        covered = stats.get("approved", 0) + stats.get("machine", 0)
        lines.append(
            f"- **{language}**: {covered} of {stats.get('segments', 0)} segments translated, "
            f"{stats.get('approved', 0)} approved ({stats.get('percent_approved', 0.0)} %)"
        )
    errors = report.errors()
    if errors:
        lines += ["", f"## {len(errors)} error(s)", ""]
        lines += [f"- {error}" for error in errors[:MAX_ERRORS_SHOWN]]
        if len(errors) > MAX_ERRORS_SHOWN:
            lines.append(f"- … and {len(errors) - MAX_ERRORS_SHOWN} more")
    return "\n".join(lines) + "\n"


def _step_lines(report: RunReport) -> list[str]:
    lines = []
    if "ingest" in report.options.steps:
        lines.append(f"- **ingest**: {_counts(r.action for r in report.ingest)}")
    if "translate" in report.options.steps:
        filled = sum(r.filled for r in report.translate)
        actions = _counts(r.action for r in report.translate)
        lines.append(f"- **translate**: {actions}; {filled} segments machine-translated")
    if report.publish:
        where = f" → `{report.publish.site}`" if report.publish.site else ""
        note = f" ({report.publish.message})" if report.publish.message else ""
        lines.append(f"- **publish**: {report.publish.action}{where}{note}")
    return lines


def _counts(actions: Any) -> str:
    counted = Counter(actions)
    return ", ".join(f"{n} {action}" for action, n in sorted(counted.items())) or "nothing to do"


class ProgressArtifact:
    """A progress artifact for the translate step, updated at most every ``step`` percent."""

    def __init__(self, project_root: str, step: float = 5.0) -> None:
        self.key = f"{key_prefix(project_root)}-progress"
        self.step = step
        self.artifact_id: UUID | None = None
        self.shown = -1.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != "translate" or not total:
            return
        percent = round(100.0 * done / total, 1)
        if self.artifact_id is None:
            self.artifact_id = cast(  # called from sync code: a UUID, not a coroutine
                "UUID",
                create_progress_artifact(
                    percent, key=self.key, description="translate tasks done (%)"
                ),
            )
        elif percent - self.shown >= self.step or done == total:
            update_progress_artifact(self.artifact_id, percent)
        else:
            return
        self.shown = percent
