"""Prefect tasks over the library's steps, and the runner that maps units of work onto them.

Each task calls one function of ``i18npub.pipeline``; what Prefect adds is declared on the
tasks (retries, caching) and taken by the runner (concurrency slots):

* retries where a retry can help: URL fetches and machine translation, and only for
  transient failures (timeouts, HTTP 429/5xx, dropped connections, a busy catalog);
* caching keyed on content hashes: ``translate-article``'s key is the hash of what
  translating the article reads (its template and catalogs, the engines and their settings,
  the glossary, and the approved translations when the chain has the ``memory`` engine) and
  of the code that translates it (``code_version``), so an article whose inputs have not
  changed since a finished run costs no engine call; a cached result expires after
  ``TRANSLATE_CACHE_EXPIRATION``;
* global concurrency limits shared by every flow run and worker: a run holds as many slots
  of ``i18npub-mt`` as it runs translate tasks at once (default limit 4; 0 pauses machine
  translation), and the one slot of ``i18npub-ingest`` while it ingests, so two runs never
  race for a new article's slug. They are created with those sizes when missing;
  ``prefect gcl update NAME --limit N`` changes them. (A slot per task costs two API calls
  and, measured here, ~0.7 s per article; per run it costs nothing noticeable.)

A unit that fails ends its task run ``Failed`` (the flow goes on with the other units), and
each task logs what it did through ``get_run_logger`` (sources created, sentences filled and
rejected, engines that were offline), so the task's own page in the UI tells its story.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from prefect import get_client, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.client.schemas.objects import State, TaskRun
from prefect.concurrency.sync import concurrency
from prefect.context import TaskRunContext
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
from prefect.futures import PrefectFuture, as_completed
from prefect.runtime import flow_run
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.tasks import Task
from prefect.transactions import get_transaction

import i18npub
from i18npub import pipeline
from i18npub.pipeline import PublishResult, Runner, TranslateResult
from i18npub.project import IngestResult, Project
from i18npub.translate import SharedBudget

MT_LIMIT = "i18npub-mt"  # machine-translating articles at once, across runs and workers
INGEST_LIMIT = "i18npub-ingest"  # one ingest batch at a time, so runs never race for a slug
DEFAULT_LIMITS = {MT_LIMIT: 4, INGEST_LIMIT: 1}
TASK_RUNNERS = ("threads", "dask")
TRANSLATE_CACHE_EXPIRATION = timedelta(days=7)  # then an unchanged article is asked again


class TransientError(RuntimeError):
    """A failure worth retrying."""


class StepError(RuntimeError):
    """A failure a retry will not fix; the run goes on with the other units.

    ``results`` keeps what the unit did for the rest of it (a batch's other sources).
    """

    def __init__(self, message: str, results: list[IngestResult] | None = None) -> None:
        super().__init__(message)
        self.results = list(results or [])

    def __reduce__(self) -> tuple[Any, ...]:  # to a Dask worker and back, results included
        return (type(self), (str(self), self.results))


def _raise_for(message: str, retryable: bool) -> None:
    raise (TransientError if retryable else StepError)(message)


def retry_transient(task: Task[..., Any], task_run: TaskRun, state: State[Any]) -> bool:
    """Retry only what may succeed next time."""
    return isinstance(state.result(raise_on_failure=False), TransientError)


def translate_cache_key(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    """The hash of what translating the article reads (``pipeline.article_fingerprint``),
    under the version of the code that translates it (``code_version``).

    Sentences that still wait after a run do not stop caching: when they wait because an
    engine failed (offline, throttled, cooling down), the result is ``awaiting`` and is not
    written to the cache, so the next run asks again; when no engine has an answer (no
    memory match), asking again with the same inputs gives the same nothing.
    """
    project = open_project(parameters["project_dir"])
    fingerprint = pipeline.article_fingerprint(
        project, parameters["slug"], parameters.get("engines") or (), parameters.get("memory", "")
    )
    asked = "retry-rejected-" if parameters.get("retry_rejected") else ""
    return f"i18npub-translate-{code_version()}-{asked}{fingerprint}"


@functools.cache
def code_version() -> str:
    """``i18npub.__version__`` and a hash of the package's source: a release, or an edit of a
    checkout, never reuses results the previous code cached."""
    package = Path(i18npub.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return f"{i18npub.__version__}-{digest.hexdigest()[:12]}"


@functools.lru_cache(maxsize=8)
def _open_for_run(project_dir: str, flow_run_id: str) -> Project:
    return Project.open(project_dir)


def open_project(project_dir: str) -> Project:
    """One Project per flow run and process, so its translator (engines, memory) is shared."""
    return _open_for_run(project_dir, str(flow_run.get_id() or ""))


@task(name="ingest-files", task_run_name="ingest {label}", cache_policy=NO_CACHE)
def ingest_files(project_dir: str, sources: list[str], label: str) -> list[IngestResult]:
    """Ingest a batch of local files (the library skips unchanged ones by content hash)."""
    results = pipeline.ingest_batch(open_project(project_dir), sources)
    _log_ingest(results)
    _fail_on_errors(results)
    return results


@task(
    name="ingest-url",
    task_run_name="fetch {url}",
    retries=2,
    retry_delay_seconds=[2, 10],
    retry_condition_fn=retry_transient,
    cache_policy=NO_CACHE,
)
def ingest_url(project_dir: str, url: str) -> list[IngestResult]:
    """Fetch and ingest one URL; a transient failure raises, so the task is retried."""
    results = pipeline.ingest_batch(open_project(project_dir), [url])
    _log_ingest(results)
    failed = [r for r in results if r.action == "error"]
    if failed and failed[0].retryable:
        raise TransientError(failed[0].message)
    _fail_on_errors(results)
    return results


def _log_ingest(results: list[IngestResult]) -> None:
    """One line for the batch, one per source it changed, a warning per failure."""
    logger = get_run_logger()
    counts: dict[str, int] = {}
    for result in results:
        counts[result.action] = counts.get(result.action, 0) + 1
        if result.action == "error":
            logger.warning("%s: %s", result.source, result.message)
        elif result.action != "unchanged":
            logger.info("%s %s <- %s", result.action, result.slug, result.source)
    summary = ", ".join(f"{n} {action}" for action, n in sorted(counts.items()))
    logger.info("%d source(s): %s", len(results), summary or "nothing to do")


def _fail_on_errors(results: list[IngestResult]) -> None:
    """End the task Failed when a source failed, keeping the batch's other results."""
    failed = [r for r in results if r.action == "error"]
    if failed:
        first = f"{failed[0].source}: {failed[0].message}"
        more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
        raise StepError(first + more, results)


@task(
    name="translate-article",
    task_run_name="translate {slug}",
    retries=2,
    retry_delay_seconds=[5, 30],
    retry_condition_fn=retry_transient,
    cache_key_fn=translate_cache_key,
    cache_expiration=TRANSLATE_CACHE_EXPIRATION,
    persist_result=True,
)
def translate_article(
    project_dir: str,
    slug: str,
    engines: list[str],
    memory: str = "",
    max_chars: int | None = None,
    budget_ledger: str = "",
    retry_rejected: bool = False,
) -> TranslateResult:
    """Machine-translate one article; ``memory`` (approved translations' hash) keys the cache.

    ``max_chars`` is the run's character budget, shared by every task run of the flow run
    through ``budget_ledger`` (a file in the project's state folder); ``retry_rejected`` asks
    again for suggestions reviewers cleared."""
    options: dict[str, Any] = {"retry_rejected": True} if retry_rejected else {}
    if max_chars is not None:
        options["budget"] = SharedBudget(max_chars, Path(budget_ledger))
    result = pipeline.translate_article(open_project(project_dir), slug, engines, **options)
    _log_translate(result)
    if result.action == "error":
        _raise_for(result.message, result.retryable)  # a failed state is never cached
    if result.action == "awaiting" and (current := get_transaction()):
        current.write_on_commit = False  # an engine failed: ask again next run
    return result


def _log_translate(result: TranslateResult) -> None:
    logger = get_run_logger()
    logger.info(
        "%s: %d filled, %d rejected by the checks, %d still untranslated",
        result.slug,
        result.filled,
        result.rejected,
        result.pending,
    )
    if result.action == "awaiting":  # engines offline, throttled or out of budget
        logger.warning("%s: %d sentence(s) wait: %s", result.slug, result.pending, result.message)


@task(name="publish-site", cache_policy=NO_CACHE)
def publish_site(project_dir: str, fingerprint: str = "") -> PublishResult:
    """Build the site into staging and swap it in (see ``i18npub.pipeline.publish_site``)."""
    result = pipeline.publish_site(open_project(project_dir), fingerprint or None)
    if result.action == "error":
        raise StepError(result.message)
    note = f" ({result.message})" if result.message else ""
    get_run_logger().info("site %s: %s%s", result.action, result.site, note)
    return result


def ensure_limits(limits: dict[str, int] = DEFAULT_LIMITS) -> None:
    """Create the global concurrency limits that do not exist yet (existing ones are kept)."""
    with get_client(sync_client=True) as client:
        for name, size in limits.items():
            try:
                client.read_global_concurrency_limit_by_name(name)
            except ObjectNotFound:
                create = GlobalConcurrencyLimitCreate(name=name, limit=size)
                with contextlib.suppress(ObjectAlreadyExists):
                    client.create_global_concurrency_limit(create)


def limit_size(name: str) -> int:
    """The number of slots of a global concurrency limit (0 for an inactive one: no limit)."""
    with get_client(sync_client=True) as client:
        limit = client.read_global_concurrency_limit_by_name(name)
    return limit.limit if limit.active else 10**6


def make_task_runner(name: str, workers: int) -> TaskRunner[Any]:
    """``threads`` (one process) or ``dask`` (a local cluster of ``workers`` processes)."""
    if name == "threads":
        return ThreadPoolTaskRunner(max_workers=workers)
    if name == "dask":
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError as error:
            hint = "the dask task runner needs prefect-dask: pip install 'i18npub[dask]'"
            raise pipeline.PipelineError(hint) from error

        quiet_dask()
        cluster = {"n_workers": workers, "threads_per_worker": 1, "dashboard_address": ":0"}
        return DaskTaskRunner(cluster_kwargs=cluster)
    raise pipeline.PipelineError(f"task runner {name!r}: choose one of {', '.join(TASK_RUNNERS)}")


def quiet_dask(level: str = "warning") -> None:
    """Keep Dask's INFO lines (cluster up, workers joining) out of flow and worker logs.

    ``DASK_LOGGING__DISTRIBUTED``, when set, decides (``i18npub run -v`` sets ``info``); the
    worker processes inherit it.
    """
    import dask

    level = os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", level)
    dask.config.set({"logging.distributed": level})
    logging.getLogger("distributed").setLevel(level.upper())


def failure_message(state: State[Any]) -> str:
    error = state.result(raise_on_failure=False)
    return str(error) if isinstance(error, BaseException) else state.message or state.name or ""


class PrefectRunner(Runner):
    """Runs each unit of work as a Prefect task run.

    Ingest batches run one after another (new articles claim slugs); translate tasks run
    in parallel on ``task_runner`` with ``workers`` slots; a failed unit becomes an error
    in the report and the others go on.
    """

    def __init__(
        self,
        progress: pipeline.Progress | None = None,
        task_runner: str = "threads",
        workers: int = 4,
        refresh_cache: bool = False,
    ) -> None:
        super().__init__(progress)
        if task_runner not in TASK_RUNNERS or workers < 1:
            choices = " or ".join(TASK_RUNNERS)
            raise pipeline.PipelineError(f"task runner: {choices}, with at least 1 worker")
        self.task_runner, self.workers, self.refresh_cache = task_runner, workers, refresh_cache

    def ingest(self, project: Project, batches: list[list[str]]) -> list[IngestResult]:
        results: list[IngestResult] = []
        with concurrency(INGEST_LIMIT, occupy=1, strict=True):
            for done, batch in enumerate(batches, 1):
                results += self._ingest_batch(str(project.root), batch)
                self.tick("ingest", done, len(batches))
        return results

    def _ingest_batch(self, project_dir: str, batch: list[str]) -> list[IngestResult]:
        if len(batch) == 1 and batch[0].lower().startswith(("http://", "https://")):
            state = ingest_url(project_dir, batch[0], return_state=True)
        else:
            label = batch[0] if len(batch) == 1 else f"{batch[0]} (+{len(batch) - 1})"
            state = ingest_files(project_dir, batch, label, return_state=True)
        if state.is_completed():
            return state.result()
        error = state.result(raise_on_failure=False)
        if isinstance(error, StepError) and error.results:
            return error.results  # the batch's other sources were ingested
        return [IngestResult(source, "error", message=failure_message(state)) for source in batch]

    def translate(
        self, project: Project, slugs: list[str], engines: tuple[str, ...]
    ) -> list[TranslateResult]:
        if not slugs:
            return []
        task = translate_article.with_options(
            refresh_cache=self.refresh_cache or None  # type: ignore[arg-type]  # None: settings decide
        )
        shared = {
            "project_dir": str(project.root),
            "engines": list(engines),
            "memory": pipeline.memory_version(project, engines),
        } | self._shared_options(project)
        slots = min(self.workers, limit_size(MT_LIMIT), len(slugs))
        if slots == 0:
            paused = f"machine translation paused (the {MT_LIMIT} limit is 0)"
            return [TranslateResult(slug, "skipped", message=paused) for slug in slugs]
        try:
            with (
                concurrency(MT_LIMIT, occupy=slots, strict=True),
                make_task_runner(self.task_runner, slots) as runner,
            ):
                futures: dict[PrefectFuture[TranslateResult], str] = {}
                for slug in slugs:
                    futures[runner.submit(task, shared | {"slug": slug})] = slug
                for done, _ in enumerate(as_completed(list(futures)), 1):
                    self.tick("translate", done, len(slugs))
                return [_translate_outcome(future, slug) for future, slug in futures.items()]
        finally:
            if ledger := shared.get("budget_ledger"):
                Path(ledger).unlink(missing_ok=True)

    def _shared_options(self, project: Project) -> dict[str, Any]:
        """The run's budget and ``retry_rejected`` as task parameters: one ledger file per
        flow run holds what all its task runs have spent."""
        options: dict[str, Any] = {}
        if self.translate_options.get("retry_rejected"):
            options["retry_rejected"] = True
        budget = self.translate_options.get("budget")
        if budget is not None and budget.limit is not None:
            run_id = str(flow_run.get_id() or uuid.uuid4())
            ledger = project.layout.state / f"budget-{run_id}.txt"
            ledger.unlink(missing_ok=True)
            options |= {"max_chars": budget.limit, "budget_ledger": str(ledger)}
        return options

    def publish(self, project: Project, fingerprint: str | None = None) -> PublishResult:
        state = publish_site(str(project.root), fingerprint or "", return_state=True)
        self.tick("publish", 1, 1)
        if state.is_completed():
            return state.result()
        return PublishResult("error", str(project.path("site")), failure_message(state))


def _translate_outcome(future: PrefectFuture[TranslateResult], slug: str) -> TranslateResult:
    future.wait()  # sets the final state, which is then read without asking the API
    state = future.state
    if not state.is_completed():
        return TranslateResult(slug, "error", message=failure_message(state))
    if state.name == "Cached":
        return TranslateResult(slug, "cached")
    return state.result()
