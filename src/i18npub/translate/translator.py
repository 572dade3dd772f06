"""The translator: engines and their state, and one call's walk down the engine chain.

:class:`Translator` reads the untranslated entries of the catalogs in scope, sends each
distinct sentence down the chain (protected by :mod:`~i18npub.translate.tokens`, answered
through :mod:`~i18npub.translate.scheduler`), checks each answer and writes the accepted ones
as machine translations.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from i18npub.catalog import CatalogError, edit_catalog, read_catalog, stamp_machine_revision
from i18npub.engines import ENGINE_TYPES, create_engine
from i18npub.engines.base import Answer, Engine, EngineContext, EngineError, Limits
from i18npub.errors import I18npubError
from i18npub.lookup import set_machine_translation
from i18npub.qa import (
    Issue,
    acceptance_issues,
    check_glossary,
    check_numbers,
    check_placeholders,
    fix_chinese_typography,
    is_chinese,
)
from i18npub.risk import assess
from i18npub.translate.cache import CACHE_FILE, Cache, CacheScope
from i18npub.translate.guard import Budget, Controls, EngineGuard, Policy, TranslateError
from i18npub.translate.rejections import (
    REJECTED_BY_REVIEWER,
    REJECTIONS_FILE,
    Rejections,
    cleared_suggestion,
)
from i18npub.translate.report import EngineRun, Interrupted, LanguageRun, TranslateReport
from i18npub.translate.scheduler import Failure, Outcome, Runner
from i18npub.translate.state import TranslateState, untranslated
from i18npub.translate.tokens import PlaceholderMismatch, Protected, protect, restore

if TYPE_CHECKING:
    from i18npub.config import Config
    from i18npub.glossary import Glossary, Term
    from i18npub.layout import Layout
    from i18npub.po import POFile

_log = logging.getLogger("i18npub")

ENGINE_DEFAULT_KEYS = (
    "timeout",
    "connect_timeout",
    "retries",
    "backoff",
    "max_backoff",
    "max_wait",
    "rate_retries",
    "max_failures",
)
PARAGRAPH_SEP = "\x1e"  # between the sentences of a paragraph sent as one unit
Paragraph = tuple[str, ...]  # the msgids of one block's untranslated sentences, in order


@dataclass(frozen=True)
class Result:
    """An accepted translation and its provenance."""

    text: str
    engine: str
    details: Mapping[str, str] = field(default_factory=dict)


class Rejected(I18npubError):
    """An answer that cannot be written (the message says why)."""


class Translator:
    """Engines and their state, shared by every ``translate`` call on one project object.

    Thread-safe: the pipeline may translate several articles at once. Engines are created
    when a sentence first reaches them, so an unused engine costs nothing.
    """

    def __init__(
        self,
        layout: Layout,
        config: Config,
        glossary: Glossary | Callable[[], Glossary],
        environ: Mapping[str, str] | None = None,
        warn: Callable[[str], None] = _log.warning,
    ) -> None:
        """``glossary`` is the glossary or a function that returns it when a call first needs
        it; ``warn`` says a skipped file in the articles folder."""
        self.layout = layout
        self.config = config
        self.settings: Mapping[str, Any] = config.translate.options
        self.tables: Mapping[str, Any] = config.translate.tables
        self.context = EngineContext(
            layout.root, layout.folder("locales"), dict(environ or os.environ)
        )
        self.state_dir = layout.state
        self._glossary = glossary
        self._warn = warn
        self._engines: dict[str, Engine | EngineError] = {}
        self._guards: dict[str, EngineGuard] = {}
        self._lock = threading.Lock()
        self.controls = Controls()  # the current call's budget and Ctrl-C flag

    def glossary(self) -> Glossary:
        return self._glossary() if callable(self._glossary) else self._glossary

    # Engines ---------------------------------------------------------------------

    def engine_settings(self, name: str) -> dict[str, Any]:
        """``[engines.NAME]`` over the engine defaults of ``[translate]``."""
        defaults = {k: self.settings[k] for k in ENGINE_DEFAULT_KEYS if k in self.settings}
        table = self.tables.get(name, {})
        return {**defaults, **(table if isinstance(table, Mapping) else {})}

    def check_chain(self, chain: Sequence[str]) -> None:
        for name in chain:
            kind = self.engine_settings(name).get("type", name)
            if kind not in ENGINE_TYPES:
                known = ", ".join(sorted(ENGINE_TYPES))
                raise TranslateError(f"unknown engine {name!r} (known: {known})")

    def engine(self, name: str) -> Engine:
        """The engine called ``name``, created on first use; raises EngineError."""
        with self._lock:
            if name not in self._engines:
                try:
                    self._engines[name] = create_engine(
                        name, self.engine_settings(name), self.context
                    )
                except EngineError as error:
                    self._engines[name] = error
            engine = self._engines[name]
        if isinstance(engine, EngineError):
            raise engine
        return engine

    def guard(self, engine: Engine, state: TranslateState) -> EngineGuard:
        with self._lock:
            if engine.name not in self._guards:
                settings = self.engine_settings(engine.name)
                policy = Policy(
                    retries=int(settings.get("retries", Policy.retries)),
                    backoff=float(settings.get("backoff", Policy.backoff)),
                    max_backoff=float(settings.get("max_backoff", Policy.max_backoff)),
                    max_wait=float(settings.get("max_wait", Policy.max_wait)),
                    rate_retries=int(settings.get("rate_retries", Policy.rate_retries)),
                    max_failures=int(settings.get("max_failures", Policy.max_failures)),
                )
                self._guards[engine.name] = EngineGuard(
                    engine.name, engine.limits, policy, state.cooldown(engine.name)
                )
            return self._guards[engine.name]

    def close(self) -> None:
        with self._lock:
            for engine in self._engines.values():
                if isinstance(engine, Engine):
                    engine.close()
            self._engines.clear()

    # The run -----------------------------------------------------------------------

    def translate(
        self,
        engines: Sequence[str] | None = None,
        slugs: Sequence[str] | None = None,
        languages: Sequence[str] | None = None,
        *,
        max_chars: int | None = None,
        budget: Budget | None = None,
        retry_rejected: bool = False,
    ) -> TranslateReport:
        """Fill untranslated entries of ``slugs`` (default: all) through ``engines``
        (default: the configured chain). Never raises for an engine's failure.

        ``max_chars`` (default ``[translate] max_chars_per_run``) caps the characters sent,
        or ``budget`` is one shared by several calls; ``retry_rejected`` asks again for
        suggestions reviewers cleared. Ctrl-C raises :class:`Interrupted` once what had
        arrived is written and cached.
        """
        chain = list(engines or self.config.engines)
        self.check_chain(chain)
        slugs = self._check_slugs(slugs)
        controls = Controls(budget or Budget(self._budget_limit(max_chars)))
        self.controls = controls
        state = TranslateState.load(self.state_dir)
        use_cache = bool(self.settings.get("cache", True))
        cache = Cache(self.state_dir / CACHE_FILE if use_cache else None)
        rejections = Rejections(self.state_dir / REJECTIONS_FILE)
        report = TranslateReport(chain, budget=controls.budget)
        pending: dict[tuple[str, str], dict[str, str]] = {}
        try:
            for language in languages or self.config.target_languages:
                if controls.cancelled:
                    break
                run = LanguageRun(language)
                report.languages.append(run)
                catalogs, msgids, cleared, paragraphs = self._collect(language, slugs, run)
                work = self._prepare(language, msgids)
                work.paragraphs = paragraphs
                rejections.record(language, cleared)
                if retry_rejected:
                    work.fresh = rejections.forgive(language, msgids, chain)
                work.rejected = rejections.active(language, msgids)
                try:
                    for name in chain:
                        if work.pending and not controls.cancelled:
                            self._through(name, work, cache, state, report, controls)
                except KeyboardInterrupt:
                    controls.cancel.set()  # write what arrived, then stop
                self._write(language, catalogs, work, run, pending, rejections)
        except KeyboardInterrupt:
            controls.cancel.set()
        finally:
            cache.close()
            rejections.close()
            state.update(pending, self._cooldowns())
        if controls.cancelled:
            raise Interrupted(report.filled, report)
        return report

    def _budget_limit(self, max_chars: int | None) -> int | None:
        limit = max_chars if max_chars is not None else self.settings.get("max_chars_per_run")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
            raise TranslateError("translate.max_chars_per_run must be a whole number")
        return limit

    def _check_slugs(self, slugs: Sequence[str] | None) -> list[str]:
        known = self.layout.slugs(self._warn)
        missing = [slug for slug in slugs or () if slug not in known]
        if missing:
            raise TranslateError(f"no such article(s): {', '.join(missing)}")
        return list(slugs or known)

    def _cooldowns(self) -> dict[str, float]:
        with self._lock:
            return {name: guard.persist_until for name, guard in self._guards.items()}

    def _collect(
        self, language: str, slugs: Sequence[str], run: LanguageRun
    ) -> tuple[list[tuple[str, Path]], list[str], dict[str, tuple[str, str]], list[Paragraph]]:
        """The catalogs in scope, their distinct untranslated sentences in order, the
        machine suggestions a reviewer cleared (``{msgid: (engine, provenance)}``) and the
        paragraphs of those sentences."""
        catalogs: list[tuple[str, Path]] = []
        msgids: dict[str, None] = {}
        cleared: dict[str, tuple[str, str]] = {}
        paragraphs: dict[Paragraph, None] = {}
        for slug in slugs:
            path = self.layout.catalog_path(slug, language)
            try:
                catalog = read_catalog(path)
            except FileNotFoundError:
                continue
            except CatalogError as error:
                run.fail(error)
                continue
            catalogs.append((slug, path))
            for entry in untranslated(catalog):
                run.untranslated += 1
                msgids.setdefault(entry.msgid)
                if rejected := cleared_suggestion(entry):
                    cleared[entry.msgid] = rejected
            paragraphs.update(dict.fromkeys(_paragraphs(catalog)))
        run.unique = len(msgids)
        return catalogs, list(msgids), cleared, list(paragraphs)

    def _prepare(self, language: str, msgids: list[str]) -> _Work:
        """Each sentence protected (tokens) and its glossary terms, ready for the chain."""
        glossary = self.glossary()
        numbers = bool(self.settings.get("protect_numbers", False))
        chinese = is_chinese(language)
        return _Work(
            language,
            glossary.version,
            {m: protect(m, glossary.find(m, language), numbers, chinese) for m in msgids},
            {m: glossary.terms_in(m, language) for m in msgids},
            pending=list(msgids),
        )

    def _through(
        self,
        name: str,
        work: _Work,
        cache: Cache,
        state: TranslateState,
        report: TranslateReport,
        controls: Controls,
    ) -> None:
        """Send the sentences still pending to one engine; keep the answers that pass."""
        stats = report.engine(name)
        try:
            engine = self.engine(name)
        except EngineError as error:
            stats.status, stats.message, stats.failed = "error", str(error), len(work.pending)
            work.fail(work.pending, f"{name}: {error}")
            return
        refused = [m for m in work.pending if name in work.rejected.get(m, ())]
        work.fail(refused, f"{name}: {REJECTED_BY_REVIEWER}")
        asked = [m for m in work.pending if m not in set(refused)]
        guard = self.guard(engine, state)
        source = self.config.source_language
        scope = CacheScope(engine.cache_id(), source, work.language, work.glossary_version)
        runner = Runner(engine, guard, cache, scope, stats, controls)
        by_text: dict[str, list[str]] = {}
        for msgid in asked:
            by_text.setdefault(work.jobs[msgid].text if engine.protect else msgid, []).append(msgid)

        def settle(text: str, outcome: Outcome) -> bool:
            accepted = False
            for msgid in by_text[text]:
                try:
                    if isinstance(outcome, Failure):
                        raise Rejected(outcome.reason)
                    work.results[msgid] = _accept(outcome, msgid, work, engine)
                    stats.translated += 1
                    accepted = True
                except Rejected as rejection:
                    stats.rejected += not isinstance(outcome, Failure)
                    work.fail([msgid], f"{name}: {rejection}")
            return accepted

        fresh = {t for t, ms in by_text.items() if any(m in work.fresh.get(name, ()) for m in ms)}
        if engine.context:
            self._in_paragraphs(engine, work, asked, runner, fresh)
        texts = [t for t, ms in by_text.items() if any(m not in work.results for m in ms)]
        runner.run(texts, settle, fresh)
        work.pending = [m for m in work.pending if m not in work.results]
        _finish_stats(stats, guard)

    def _in_paragraphs(
        self, engine: Engine, work: _Work, asked: list[str], runner: Runner, fresh: set[str]
    ) -> None:
        """A context engine's pass over whole paragraphs (two sentences or more still
        pending); what it cannot answer or split with confidence is left for sentences."""
        wanted = set(asked)
        units: dict[str, list[str]] = {}
        for paragraph in work.paragraphs:
            msgids = list(dict.fromkeys(m for m in paragraph if m in wanted))
            if len(msgids) > 1:
                units.setdefault(PARAGRAPH_SEP.join(work.jobs[m].text for m in msgids), msgids)
        if not units:
            return
        scope = runner.scope
        source, target = scope.source, scope.target

        def send(batch: list[str]) -> list[str | None]:
            answers: list[str | None] = []
            for key in batch:
                terms = dict.fromkeys(
                    (term.source, term.translation) for m in units[key] for term in work.terms[m]
                )
                split = engine.translate_paragraph(
                    key.split(PARAGRAPH_SEP), source, target, list(terms)
                )
                answers.append(PARAGRAPH_SEP.join(split) if split is not None else None)
            return answers

        def settle(key: str, outcome: Outcome) -> bool:
            if isinstance(outcome, Failure):
                return False
            text = outcome.text if isinstance(outcome, Answer) else outcome
            accepted = []
            for msgid, answer in zip(units[key], text.split(PARAGRAPH_SEP), strict=True):
                if msgid in work.results:
                    continue  # a repeated sentence, already settled
                with contextlib.suppress(Rejected):  # it goes as a sentence instead
                    result = _accept(Answer(answer, {"context": "paragraph"}), msgid, work, engine)
                    accepted.append((msgid, result))
            for msgid, result in accepted:
                work.results[msgid] = result
                runner.stats.translated += 1
            return len(accepted) == len(set(units[key]))

        limits = Limits(10**9, 1, 10**9, engine.limits.concurrency)
        paragraph_scope = CacheScope(
            scope.engine + ":paragraph", scope.source, scope.target, scope.glossary
        )
        paragraphs = Runner(
            engine,
            runner.guard,
            runner.cache,
            paragraph_scope,
            runner.stats,
            runner.controls,
            send=send,
            limits=limits,
        )
        stale = {key for key, ms in units.items() if any(work.jobs[m].text in fresh for m in ms)}
        paragraphs.run(list(units), settle, stale)

    def _write(
        self,
        language: str,
        catalogs: list[tuple[str, Path]],
        work: _Work,
        run: LanguageRun,
        pending: dict[tuple[str, str], dict[str, str]],
        rejections: Rejections,
    ) -> None:
        """Write results into entries that are still untranslated (edit_catalog keeps any
        translator's concurrent edit); remember why the rest wait."""
        reasons = work.waiting()
        for slug, path in catalogs:
            filled: list[str] = []
            waiting: dict[str, str] = {}
            try:
                edit_catalog(path, _filler(work.results, reasons, filled, waiting))
            except CatalogError as error:
                run.fail(error)
                continue
            except OSError as error:  # a full disk, a read-only folder: this catalog only
                run.fail(CatalogError(f"{path}: cannot write: {error.strerror or error}"))
                continue
            run.filled += len(filled)
            run.pending += len(waiting)
            pending[(language, slug)] = waiting
        rejections.written(language, [(m, r.engine) for m, r in work.results.items()])


@dataclass
class _Work:
    """One language's sentences on their way down the chain."""

    language: str
    glossary_version: str
    jobs: dict[str, Protected]  # what engines that take tokens see
    terms: dict[str, list[Term]]  # glossary terms of each sentence
    pending: list[str] = field(default_factory=list)
    results: dict[str, Result] = field(default_factory=dict)
    reasons: dict[str, list[str]] = field(default_factory=dict)
    rejected: dict[str, set[str]] = field(default_factory=dict)  # msgid -> engines refused
    fresh: dict[str, set[str]] = field(default_factory=dict)  # engine -> msgids to ask anew
    paragraphs: list[Paragraph] = field(default_factory=list)  # for context engines

    def fail(self, msgids: Sequence[str], reason: str) -> None:
        for msgid in msgids:
            self.reasons.setdefault(msgid, []).append(reason)

    def waiting(self) -> dict[str, str]:
        """Why each sentence left over is waiting (every engine's reason, in chain order)."""
        return {
            m: "; ".join(self.reasons.get(m, [])) or "no engine in the chain" for m in self.pending
        }


def _paragraphs(catalog: POFile) -> Iterator[Paragraph]:
    """The untranslated sentences of each paragraph (block) of a catalog, in order; the
    ``#:`` references (``slug:block``) say which blocks a sentence is in."""
    blocks: dict[str, list[str]] = {}
    for entry in untranslated(catalog):
        for reference in entry.references:
            blocks.setdefault(reference, []).append(entry.msgid)
    for msgids in blocks.values():
        if len(msgids) > 1:
            yield tuple(msgids)


def _filler(
    results: Mapping[str, Result],
    reasons: Mapping[str, str],
    filled: list[str],
    waiting: dict[str, str],
) -> Callable[[POFile | None], POFile | None]:
    """The change ``edit_catalog`` applies (redone on the new contents if a translator saved)."""

    def change(catalog: POFile | None) -> POFile | None:
        filled.clear()
        waiting.clear()
        if catalog is None:
            return None
        for entry in untranslated(catalog):
            result = results.get(entry.msgid)
            if result is None:
                if entry.msgid in reasons:
                    waiting[entry.msgid] = reasons[entry.msgid]
                continue
            set_machine_translation(entry, result.text, result.engine, **result.details)
            filled.append(entry.msgid)
        if filled:
            stamp_machine_revision(catalog)
        return catalog if filled else None

    return change


def _finish_stats(stats: EngineRun, guard: EngineGuard) -> None:
    if guard.status != "ok":
        stats.status, stats.message = guard.status, guard.problem
    elif stats.status == "not used":
        stats.status = "ok"


def _accept(outcome: str | Answer, msgid: str, work: _Work, engine: Engine) -> Result:
    """The answer as it will be written, or Rejected with the reason."""
    answer = outcome if isinstance(outcome, Answer) else Answer(outcome)
    text = answer.text
    if engine.protect:
        try:
            text = restore(text, work.jobs[msgid])
        except PlaceholderMismatch as error:
            raise Rejected(f"rejected: {error}") from error
    text = text.strip()
    if not text:
        raise Rejected("rejected: empty answer")
    raw = text  # as the engine wrote it, for the typography flag
    if engine.kind == "mt" and is_chinese(work.language):
        text = fix_chinese_typography(text)
    issues = _acceptance_issues(msgid, text, work.language, engine.kind, work.terms[msgid])
    errors = [issue.message for issue in issues if issue.severity == "error"]
    if errors:
        raise Rejected("rejected: " + "; ".join(errors))
    details = dict(answer.details)
    if engine.kind != "pseudo":
        risk = assess(msgid, text, work.language, raw=raw, issues=issues)
        details["risk"] = str(risk.score)
        if risk.flags:
            details["flags"] = ",".join(risk.flags)
    return Result(text, engine.name, details)


def _acceptance_issues(
    msgid: str, text: str, language: str, kind: str, terms: Sequence[Term]
) -> list[Issue]:
    if kind == "pseudo":
        return check_placeholders(msgid, text)
    if kind == "memory":
        return [
            *check_placeholders(msgid, text),
            *check_numbers(msgid, text, language),
            *check_glossary(text, terms),
        ]
    return acceptance_issues(msgid, text, language, terms)
