"""Running: a runner maps the steps over units of work (a loop here; Prefect tasks in
``i18npub.orchestrate``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from i18npub.pipeline.fingerprint import content_fingerprint, site_is_current
from i18npub.pipeline.plan import (
    articles_to_translate,
    plan,
    publish_skipped,
    source_batches,
    validate,
)
from i18npub.pipeline.report import (
    PipelineError,
    PublishResult,
    RunOptions,
    RunReport,
    TranslateResult,
)
from i18npub.pipeline.steps import ingest_batch, publish_site, translate_article
from i18npub.project import IngestResult, Progress

if TYPE_CHECKING:
    from i18npub.project import Project


class Runner:
    """Runs each step's units in this process, one after another.

    The Prefect flows subclass it to run units as task runs; ``progress`` is called after
    each unit either way.
    """

    def __init__(self, progress: Progress | None = None) -> None:
        self.progress = progress
        self.translate_options: dict[str, Any] = {}  # set by run(): the run's budget…

    def tick(self, step: str, done: int, total: int) -> None:
        if self.progress:
            self.progress(step, done, total)

    def ingest(self, project: Project, batches: list[list[str]]) -> list[IngestResult]:
        results: list[IngestResult] = []
        total, done = sum(len(batch) for batch in batches), 0
        for batch in batches:

            def tick(_step: str, count: int, _total: int, offset: int = done) -> None:
                self.tick("ingest", offset + count, total)

            results += ingest_batch(project, batch, tick if self.progress else None)
            done += len(batch)
        return results

    def translate(
        self, project: Project, slugs: list[str], engines: tuple[str, ...]
    ) -> list[TranslateResult]:
        from i18npub.translate import Interrupted

        results: list[TranslateResult] = []
        for done, slug in enumerate(slugs, 1):
            try:
                results.append(translate_article(project, slug, engines, **self.translate_options))
            except Interrupted as interrupt:  # what every article saved, not only the last
                saved = sum(r.filled for r in results) + interrupt.saved
                raise Interrupted(saved, interrupt.report) from None
            self.tick("translate", done, len(slugs))
        return results

    def publish(self, project: Project, fingerprint: str | None = None) -> PublishResult:
        result = publish_site(project, fingerprint)
        self.tick("publish", 1, 1)
        return result


def run(
    project: Project, options: RunOptions | None = None, runner: Runner | None = None
) -> RunReport:
    """Ingest, translate and publish as ``options`` say; never raises for one bad unit."""
    options = options or RunOptions()
    validate(project, options)
    if options.dry_run:
        return plan(project, options)
    runner = runner or Runner()
    report = RunReport(str(project.root), options)
    if "ingest" in options.steps:
        report.ingest = runner.ingest(project, source_batches(project, options))
    if "translate" in options.steps:
        slugs = articles_to_translate(project, options)
        runner.translate_options = translate_options(project, options)
        report.translate = runner.translate(project, slugs, options.engines)
    if "publish" in options.steps:
        report.publish = _publish(project, options, runner, report)
    report.status = project.status()
    return report


def translate_options(project: Project, options: RunOptions) -> dict[str, Any]:
    """What every translate call of one run shares: one character budget for the whole run
    (``max_chars``, else ``[translate] max_chars_per_run``) and ``retry_rejected``; only
    what is set, so a translate that takes neither still works."""
    from i18npub.translate import Budget, TranslateError

    limit = options.max_chars
    if limit is None:
        limit = project.config.translate.max_chars_per_run
    try:
        budget = Budget(limit)
    except TranslateError as error:
        raise PipelineError(f"translate.max_chars_per_run: {error}") from error
    shared: dict[str, Any] = {"budget": budget} if limit is not None else {}
    return shared | ({"retry_rejected": True} if options.retry_rejected else {})


def _publish(
    project: Project, options: RunOptions, runner: Runner, report: RunReport
) -> PublishResult:
    site = str(project.path("site"))
    if skipped := publish_skipped(project, options, report):
        return skipped
    fingerprint = content_fingerprint(project)  # once per run: it reads every input
    if options.publish == "changed" and site_is_current(project, fingerprint):
        return PublishResult("unchanged", site)
    return runner.publish(project, fingerprint)
