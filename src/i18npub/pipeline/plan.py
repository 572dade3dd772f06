"""Planning a run: its units of work, checks before it starts, and the dry run."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from i18npub.ingest import iter_sources
from i18npub.pipeline.fingerprint import site_is_current
from i18npub.pipeline.report import (
    PipelineError,
    PublishResult,
    RunOptions,
    RunReport,
    TranslateResult,
)
from i18npub.project import IngestResult

if TYPE_CHECKING:
    from i18npub.project import Project

_URL_RE = re.compile(r"^https?://", re.I)


def expand_sources(project: Project, sources: Iterable[str]) -> list[str]:
    """Files and URLs to ingest; a folder becomes its sources (an empty one given by name
    stays, to report). The default, the content folder, is an inbox: empty or absent is fine."""
    if not sources:
        inbox = project.path("content")
        return [str(p) for p in iter_sources(inbox)] if inbox.is_dir() else []
    expanded: list[str] = []
    for source in sources:
        path = Path(source)
        if _URL_RE.match(source) or not path.is_dir():
            expanded.append(source)
            continue
        found = [str(p) for p in iter_sources(path)]
        expanded += found or [source]
    return expanded


def source_batches(project: Project, options: RunOptions) -> list[list[str]]:
    """Local files in batches of ``options.batch_size``; each URL alone (it may be retried)."""
    sources = expand_sources(project, options.sources)
    urls = [[s] for s in sources if _URL_RE.match(s)]
    files = [s for s in sources if not _URL_RE.match(s)]
    size = options.batch_size
    return [files[i : i + size] for i in range(0, len(files), size)] + urls


def check_engines(project: Project, engines: Iterable[str] = ()) -> None:
    """Raise PipelineError for an unknown engine before any article is tried."""
    from i18npub.translate import TranslateError

    chain = list(engines) or list(getattr(project.config, "engines", ()))
    try:
        project.translator().check_chain(chain)
    except TranslateError as error:
        raise PipelineError(str(error)) from error


def validate(project: Project, options: RunOptions) -> None:
    """Raise PipelineError for an unknown engine or article before anything runs."""
    if "translate" not in options.steps:
        return
    check_engines(project, options.engines)
    if "ingest" in options.steps:
        return  # the articles may be about to be ingested
    known = set(project.slugs())
    missing = [slug for slug in options.articles if slug not in known]
    if missing:
        raise PipelineError(f"no such article(s): {', '.join(missing)}")


def articles_to_translate(project: Project, options: RunOptions) -> list[str]:
    """The selected articles (default: all) that have untranslated sentences."""
    check_engines(project, options.engines)
    known = set(project.slugs())
    missing = [slug for slug in options.articles if slug not in known]
    if missing:
        raise PipelineError(f"no such article(s): {', '.join(missing)}")
    selected = list(options.articles) or sorted(known)
    return [slug for slug in selected if untranslated_count(project, slug)]


def untranslated_count(project: Project, slug: str) -> int:
    """Untranslated sentences of ``slug``, summed over the target languages."""
    from i18npub.catalog import CatalogError, catalog_stats, read_catalog

    total = 0
    for language in project.config.target_languages:
        try:
            total += catalog_stats(read_catalog(project.catalog_path(slug, language))).untranslated
        except (OSError, CatalogError):
            continue
    return total


def plan(project: Project, options: RunOptions) -> RunReport:
    """What ``run`` would do, without writing anything (``dry_run``).

    Sources are read and parsed as the run would, so a source the run would refuse is an
    error here too, and publishing is planned only where the run would publish.
    """
    report = RunReport(str(project.root), options)
    if "ingest" in options.steps:
        report.ingest = project.plan_ingest(expand_sources(project, options.sources))
    if "translate" in options.steps:
        report.translate = [
            TranslateResult(slug, "planned", filled=untranslated_count(project, slug))
            for slug in articles_to_translate(project, options)
        ]
        report.translate += _plan_new_translations(project, options, report.ingest)
    if "publish" in options.steps:
        report.publish = _plan_publish(project, options, report)
    report.status = project.status()
    return report


def _plan_new_translations(
    project: Project, options: RunOptions, planned: list[IngestResult]
) -> list[TranslateResult]:
    """Articles the run would create, then translate (all their sentences are new)."""
    languages = len(project.config.target_languages)
    return [
        TranslateResult(r.slug, "planned", filled=r.segments * languages)
        for r in planned
        if r.action == "would create" and (not options.articles or r.slug in options.articles)
    ]


def publish_skipped(
    project: Project, options: RunOptions, report: RunReport, planned: bool = False
) -> PublishResult | None:
    """Why this run does not build the site (the same answer for a plan and a run)."""
    site = str(project.path("site"))
    if options.publish == "never":
        return PublishResult("skipped", site, "publish policy is 'never'")
    if getattr(project, "build", None) is None:
        return PublishResult("skipped", site, "site building is not available")
    failures = len(report.errors())
    if failures and options.publish != "always":
        left = "would be left" if planned else "is left"
        message = f"{failures} failure(s) earlier in this run; the site {left} as it was"
        return PublishResult("skipped", site, message)
    return None


def _plan_publish(project: Project, options: RunOptions, report: RunReport) -> PublishResult:
    site = str(project.path("site"))
    if skipped := publish_skipped(project, options, report, planned=True):
        return skipped
    changes = any(r.action.startswith("would") for r in report.ingest) or any(
        r.filled for r in report.translate
    )
    if options.publish == "changed" and not changes and site_is_current(project):
        return PublishResult("unchanged", site)
    return PublishResult("planned", site)
