"""The main job — ingest, translate, publish — as steps a runner maps over units of work.

``run(project)`` is what ``i18npub run`` does. Each step works on one unit: a batch of
sources, one article, the whole site. Every write is atomic (catalogs through
``edit_catalog``, articles through ``atomic_write_text``, the site through the build's
swap of a finished folder), so a run that stops part-way leaves every file whole, and a
rerun finishes the work: unchanged sources are skipped by content hash, filled sentences
are not translated again, and the site is rebuilt when its stamp
(``.i18npub/build-stamp.json``) no longer matches the content.

The Prefect flows (``i18npub.orchestrate``) pass a :class:`Runner` of their own that turns
each unit into a task run (retries, caching, concurrency limits); the steps and their order
stay here, and this module never imports Prefect.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from i18npub.errors import I18npubError, is_retryable
from i18npub.fsutil import atomic_write_text
from i18npub.ingest import iter_sources
from i18npub.project import STATE_DIR, IngestResult, Progress

if TYPE_CHECKING:
    from i18npub.project import Project
    from i18npub.translate import TranslateReport

STEPS = ("ingest", "translate", "publish")
PUBLISH_POLICIES = ("changed", "always", "never")
BUILD_STAMP = "build-stamp.json"
_URL_RE = re.compile(r"^https?://", re.I)


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


# The steps -------------------------------------------------------------------


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


def publish_site(project: Project) -> PublishResult:
    """Build the site (incremental, swapped in atomically) and stamp what it was built from."""
    build = getattr(project, "build", None)
    site = str(project.path("site"))
    if build is None:
        return PublishResult("skipped", site, "site building is not available")
    fingerprint = content_fingerprint(project)
    try:
        built = build()
    except Exception as error:  # config, template and file errors: many types
        return PublishResult("error", site, _one_line(error))
    _write_stamp(project, fingerprint)
    action = "built" if getattr(built, "changed", True) else "unchanged"
    pages = getattr(built, "pages", 0)
    rendered, reused = getattr(built, "rendered", 0), getattr(built, "reused", 0)
    return PublishResult(action, site, f"{pages} files, {rendered} rendered, {reused} reused")


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


# Content fingerprints ----------------------------------------------------------


def article_fingerprint(
    project: Project, slug: str, engines: Iterable[str] = (), memory: str = ""
) -> str:
    """A hash of what translating ``slug`` reads: its template and catalogs, the engines and
    their settings, the glossary, and ``memory`` (see :func:`memory_version`)."""
    digest = hashlib.sha256()
    _feed(digest, str(project.root), slug, json.dumps(sorted(engines)), memory)
    _feed(digest, project.config.translate.fingerprint())
    paths = [project.template_path(slug)] + [
        project.catalog_path(slug, language) for language in project.config.target_languages
    ]
    glossary = getattr(project.config, "glossary", "")
    if glossary:
        paths.append(project.root / glossary)
    for path in paths:
        _feed_file(digest, path)
    return digest.hexdigest()


def memory_version(project: Project, engines: Iterable[str] = ()) -> str:
    """A hash of the approved translations, when the chain has a ``memory`` engine.

    The memory engine answers from them, so a new approval anywhere may help any article;
    machine translations written by a run do not change it.
    """
    chain = list(engines) or list(getattr(project.config, "engines", ()))
    settings = project.config.translate
    kinds = [str(settings.engine_table(name).get("type", name)) for name in chain]
    if "memory" not in kinds:
        return ""
    from i18npub.catalog import CatalogError, read_catalog
    from i18npub.lookup import is_approved

    digest = hashlib.sha256()
    for language in project.config.target_languages:
        for slug in project.slugs():
            try:
                catalog = read_catalog(project.catalog_path(slug, language))
            except (OSError, CatalogError):
                continue
            for entry in catalog.entries:
                if is_approved(entry):
                    _feed(digest, language, entry.msgctxt or "", entry.msgid, entry.msgstr)
    return digest.hexdigest()


def content_fingerprint(project: Project) -> str:
    """A hash of everything the site is built from: config, articles, catalogs, templates, code."""
    digest = hashlib.sha256()
    _feed(digest, str(project.root))
    for path in _site_inputs(project):
        _feed(digest, path.as_posix())
        _feed_file(digest, path)
    return digest.hexdigest()


def _site_inputs(project: Project) -> list[Path]:
    package = Path(__file__).resolve().parent
    paths = [project.root / "i18npub.toml"]
    paths += sorted(project.path("articles").glob("*.json"))
    paths += sorted(p for p in project.path("locales").rglob("*.po*") if p.is_file())
    paths += sorted(p for p in project.path("templates").rglob("*") if p.is_file())
    paths += sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return paths


def _feed(digest: Any, *texts: str) -> None:
    for text in texts:
        data = text.encode("utf-8")
        digest.update(len(data).to_bytes(8, "big") + data)


def _feed_file(digest: Any, path: Path) -> None:
    try:
        _feed(digest, hashlib.sha256(path.read_bytes()).hexdigest())
    except FileNotFoundError:
        _feed(digest, "-")


def site_is_current(project: Project) -> bool:
    """True if the site on disk was built from exactly the current content."""
    try:
        stamp = json.loads((project.root / STATE_DIR / BUILD_STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return stamp == {"content": content_fingerprint(project), "site": _site_marker(project)}


def _write_stamp(project: Project, fingerprint: str) -> None:
    stamp = {"content": fingerprint, "site": _site_marker(project)}
    atomic_write_text(project.root / STATE_DIR / BUILD_STAMP, json.dumps(stamp) + "\n")


def _site_marker(project: Project) -> str:
    """A hash of the built site's manifest: a deleted or replaced site no longer matches."""
    from i18npub.site import MANIFEST_NAME

    digest = hashlib.sha256()
    _feed_file(digest, project.path("site") / MANIFEST_NAME)
    return digest.hexdigest()


# Planning ---------------------------------------------------------------------


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


def _publish_skipped(
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
    if skipped := _publish_skipped(project, options, report, planned=True):
        return skipped
    changes = any(r.action.startswith("would") for r in report.ingest) or any(
        r.filled for r in report.translate
    )
    if options.publish == "changed" and not changes and site_is_current(project):
        return PublishResult("unchanged", site)
    return PublishResult("planned", site)


# Running ----------------------------------------------------------------------


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

    def publish(self, project: Project) -> PublishResult:
        result = publish_site(project)
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
    if skipped := _publish_skipped(project, options, report):
        return skipped
    if options.publish == "changed" and site_is_current(project):
        return PublishResult("unchanged", site)
    return runner.publish(project)
