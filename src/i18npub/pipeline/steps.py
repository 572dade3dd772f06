"""The steps, one unit of work each: ingest a batch, translate an article, publish the site."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from i18npub.errors import is_retryable
from i18npub.pipeline.fingerprint import content_fingerprint, write_stamp
from i18npub.pipeline.report import PublishResult, TranslateResult
from i18npub.project import IngestResult, Progress

if TYPE_CHECKING:
    from i18npub.project import Project
    from i18npub.translate import TranslateReport


def ingest_batch(
    project: Project, sources: list[str], progress: Progress | None = None
) -> list[IngestResult]:
    """Ingest one batch of files or URLs (see ``Project.ingest``)."""
    return project.ingest(sources, progress) if progress else project.ingest(sources)


def translate_article(
    project: Project, slug: str, engines: Iterable[str] = (), **options: Any
) -> TranslateResult:
    """Machine-translate the untranslated sentences of one article, in every target language.

    An unreadable or unwritable catalog makes the result an error. An engine that failed
    (offline, throttled) while sentences still wait makes it ``awaiting``: the run goes on
    and publishes with those sentences in English, and the flows do not cache the result,
    so the next run asks again. ``options`` go to ``Project.translate`` (``budget``,
    ``retry_rejected``); Ctrl-C is not caught (``translate.Interrupted`` says what was saved).
    """
    translate = getattr(project, "translate", None)
    if translate is None:
        return TranslateResult(slug, "skipped", message="machine translation is not available")
    try:
        report = translate(engines=list(engines) or None, slugs=[slug], **options)
    except Exception as error:  # catalogs busy, engines misconfigured: many types
        retryable = is_retryable(error)
        return TranslateResult(slug, "error", message=_one_line(error), retryable=retryable)
    filled, pending = int(report.filled), int(report.pending)
    chars = dict(getattr(report, "chars", {}))
    rejected = sum(run.rejected for run in report.engines)
    errors = [error for language in report.languages for error in language.errors]
    if errors:  # a catalog that could not be read or written
        retryable = all(language.retryable for language in report.languages if language.errors)
        message = "; ".join(errors)
        return TranslateResult(slug, "error", filled, pending, message, chars, retryable, rejected)
    problems = list(report.problems())
    if getattr(getattr(report, "budget", None), "exhausted", False) and pending:
        problems.append(report.budget.reason)
    if problems and pending:  # engines unreachable or refusing: sentences wait, not an error
        message = "; ".join(problems)
        return TranslateResult(slug, "awaiting", filled, pending, message, chars, rejected=rejected)
    action = "translated" if filled else "unchanged"
    return TranslateResult(slug, action, filled, pending, chars=chars, rejected=rejected)


def translate_in_steps(
    project: Project,
    engines: Iterable[str] = (),
    slugs: Iterable[str] = (),
    progress: Progress | None = None,
    steps: int = 20,
    **options: Any,
) -> TranslateReport:
    """``Project.translate`` in up to ``steps`` groups of articles, calling ``progress`` after
    each; one report for all (``unique`` then counts distinct sentences per group).
    ``options`` go to every call (a shared ``budget``: see ``translate_options``)."""
    selected = list(slugs) or project.slugs()
    if progress is None or len(selected) < 2:
        return project.translate(
            engines=list(engines) or None, slugs=list(slugs) or None, **options
        )
    size = -(-len(selected) // steps)
    total: TranslateReport | None = None
    for start in range(0, len(selected), size):
        part = project.translate(
            engines=list(engines) or None, slugs=selected[start : start + size], **options
        )
        total = part if total is None else _merge_reports(total, part)
        progress("translate", min(start + size, len(selected)), len(selected))
    assert total is not None
    return total


def _merge_reports(total: TranslateReport, part: TranslateReport) -> TranslateReport:
    languages = {run.language: run for run in total.languages}
    for run in part.languages:
        if run.language not in languages:
            total.languages.append(run)
            continue
        mine = languages[run.language]
        _add_counts(mine, run)
        mine.errors += run.errors
    for engine_run in part.engines:
        engine = total.engine(engine_run.name)
        _add_counts(engine, engine_run)
        if engine_run.status != "not used" and engine.status in ("not used", "ok"):
            engine.status, engine.message = engine_run.status, engine_run.message
    return total


def _add_counts(total: Any, part: Any) -> None:
    """Add every count (int field) of the dataclass ``part`` to ``total``'s."""
    for item in dataclasses.fields(part):
        value = getattr(part, item.name)
        if isinstance(value, int) and not isinstance(value, bool):
            setattr(total, item.name, getattr(total, item.name) + value)


def publish_site(project: Project, fingerprint: str | None = None) -> PublishResult:
    """Build the site (incremental, swapped in atomically) and stamp what it was built from
    (``fingerprint``: the run's :func:`content_fingerprint`, if it computed it already)."""
    build = getattr(project, "build", None)
    site = str(project.path("site"))
    if build is None:
        return PublishResult("skipped", site, "site building is not available")
    fingerprint = fingerprint or content_fingerprint(project)
    try:
        built = build()
    except Exception as error:  # config, template and file errors: many types
        return PublishResult("error", site, _one_line(error))
    write_stamp(project, fingerprint)
    action = "built" if getattr(built, "changed", True) else "unchanged"
    pages = getattr(built, "pages", 0)
    rendered, reused = getattr(built, "rendered", 0), getattr(built, "reused", 0)
    return PublishResult(action, site, f"{pages} files, {rendered} rendered, {reused} reused")


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
