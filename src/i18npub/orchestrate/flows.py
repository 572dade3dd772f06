"""The flows operators run: the whole pipeline, and ingest, translate, publish on their own.

Each flow is one call to ``i18npub.pipeline.run`` with a ``tasks.PrefectRunner``; its
parameters are ``i18npub run``'s options. A run whose units partly fail still records its
artifacts and ends ``Failed`` with a one-line summary; what succeeded is kept, and a rerun
does the rest. Deployments name these flows in a ``prefect.yaml`` (the repository's,
or a project's from ``i18npub init --prefect``); ``docs/operators.md`` says how to serve,
deploy, run and scale them.
"""

from __future__ import annotations

from typing import Literal

from prefect import flow, get_run_logger
from prefect.client.schemas.objects import State
from prefect.states import Completed, Failed

from i18npub import pipeline as steps
from i18npub.orchestrate.artifacts import ProgressArtifact, record_run
from i18npub.orchestrate.tasks import PrefectRunner, ensure_limits
from i18npub.pipeline import RunOptions, RunReport
from i18npub.project import Project

PublishPolicy = Literal["changed", "always", "never"]
TaskRunnerName = Literal["threads", "dask"]


class RunFailed(Exception):
    """Some units failed; ``report`` says which, and what the others did."""

    def __init__(self, summary: str, report: RunReport) -> None:
        super().__init__(summary, report)
        self.summary, self.report = summary, report

    def __str__(self) -> str:
        return self.summary


progress_hook: steps.Progress | None = None
"""Set by ``i18npub.orchestrate.local`` so ``i18npub run --prefect`` draws its progress bars."""


@flow(name="i18npub-pipeline")
def pipeline(
    project_dir: str = ".",
    sources: list[str] | None = None,
    articles: list[str] | None = None,
    engines: list[str] | None = None,
    publish: PublishPolicy = "changed",
    dry_run: bool = False,
    task_runner: TaskRunnerName = "threads",
    workers: int = 4,
    refresh_cache: bool = False,
    max_chars: int | None = None,
    retry_rejected: bool = False,
) -> State[RunReport]:
    """Ingest the inbox (or ``sources``), machine-translate new sentences, build the site.

    ``publish``: ``changed`` builds when the content differs from the built site's,
    ``always`` builds even after failures, ``never`` skips it (ingest + translate only).
    ``max_chars``: characters sent to engines in this run, all task runs together (default:
    ``[translate] max_chars_per_run``); ``retry_rejected``: ask again for suggestions that
    reviewers cleared.
    """
    options = RunOptions(
        sources=tuple(sources or ()),
        articles=tuple(articles or ()),
        engines=tuple(engines or ()),
        publish=publish,
        dry_run=dry_run,
        max_chars=max_chars,
        retry_rejected=retry_rejected,
    )
    return run_flow_steps(project_dir, options, task_runner, workers, refresh_cache)


@flow(name="i18npub-ingest")
def ingest(
    project_dir: str = ".", sources: list[str] | None = None, dry_run: bool = False
) -> State[RunReport]:
    """Ingest files, folders and URLs (default: the project's content folder, its inbox)."""
    options = RunOptions(sources=tuple(sources or ()), steps=("ingest",), dry_run=dry_run)
    return run_flow_steps(project_dir, options)


@flow(name="i18npub-translate")
def translate(
    project_dir: str = ".",
    articles: list[str] | None = None,
    engines: list[str] | None = None,
    dry_run: bool = False,
    task_runner: TaskRunnerName = "threads",
    workers: int = 4,
    refresh_cache: bool = False,
    max_chars: int | None = None,
    retry_rejected: bool = False,
) -> State[RunReport]:
    """Machine-translate the untranslated sentences of ``articles`` (default: all); budget and
    ``retry_rejected`` as in the ``pipeline`` flow."""
    options = RunOptions(
        articles=tuple(articles or ()),
        engines=tuple(engines or ()),
        steps=("translate",),
        dry_run=dry_run,
        max_chars=max_chars,
        retry_rejected=retry_rejected,
    )
    return run_flow_steps(project_dir, options, task_runner, workers, refresh_cache)


@flow(name="i18npub-publish")
def publish(
    project_dir: str = ".", policy: PublishPolicy = "always", dry_run: bool = False
) -> State[RunReport]:
    """Build the site from the catalogs as they are (``policy=changed``: only if stale)."""
    options = RunOptions(steps=("publish",), publish=policy, dry_run=dry_run)
    return run_flow_steps(project_dir, options)


def run_flow_steps(
    project_dir: str,
    options: RunOptions,
    task_runner: str = "threads",
    workers: int = 4,
    refresh_cache: bool = False,
) -> State[RunReport]:
    """Run ``options`` with task runs, record the artifacts, and end Completed or Failed."""
    project = Project.open(project_dir)
    if not options.dry_run:
        ensure_limits()
    progress = _progress(str(project.root))
    runner = PrefectRunner(progress, task_runner, workers, refresh_cache)
    report = steps.run(project, options, runner)
    record_run(report)
    summary = one_line_summary(report)
    logger = get_run_logger()
    logger.info(summary)
    for error in report.errors():
        logger.warning(error)
    if report.ok:
        return Completed(message=summary, data=report)
    return Failed(message=summary, data=RunFailed(summary, report))


def _progress(project_root: str) -> steps.Progress:
    artifact = ProgressArtifact(project_root)
    hook = progress_hook

    def update(step: str, done: int, total: int) -> None:
        artifact(step, done, total)
        if hook:
            hook(step, done, total)

    return update


def one_line_summary(report: RunReport) -> str:
    """``12 sources (2 created), 5 articles translated (80 segments), site built; 0 errors``."""
    parts = []
    if "ingest" in report.options.steps:
        created = sum(r.action in ("created", "updated") for r in report.ingest)
        parts.append(f"{len(report.ingest)} sources ({created} new or updated)")
    if "translate" in report.options.steps:
        filled = sum(r.filled for r in report.translate)
        parts.append(f"{len(report.translate)} articles to translate ({filled} segments filled)")
    if report.publish:
        parts.append(f"site {report.publish.action}")
    prefix = "dry run: " if report.options.dry_run else ""
    return f"{prefix}{', '.join(parts)}; {len(report.errors())} error(s)"
