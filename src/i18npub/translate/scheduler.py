"""The scheduler: one engine over distinct texts, with the cache, chunks, batches, threads,
retries and bisection of a malformed batch."""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from i18npub.engines.base import (
    Answer,
    BadResponse,
    Engine,
    EngineConfigError,
    EngineError,
    EngineUnavailable,
    Limits,
    RateLimited,
)
from i18npub.translate.cache import Cache, CacheScope
from i18npub.translate.guard import (
    BudgetReached,
    Cancelled,
    Controls,
    EngineGuard,
    EngineSkipped,
    pause,
)
from i18npub.translate.report import EngineRun
from i18npub.translate.tokens import join_pieces, split_text


@dataclass(frozen=True)
class Failure:
    """Why an engine gave no answer for a text."""

    reason: str


Outcome = str | Answer | Failure
Settle = Callable[[str, Outcome], bool]
"""Called once per text as soon as its outcome is known; True if the answer was accepted."""


class Runner:
    """One engine over distinct texts: cache, chunks, batches, threads, retries, bisection.

    Answers are cached as each batch arrives, by the thread that got it (a killed run loses
    at most the requests in flight); each text is then settled (accepted or not, by the
    caller) as soon as its pieces are in, and the answers of a rejected text are dropped
    from the cache again, so it is asked again next run.
    """

    def __init__(
        self,
        engine: Engine,
        guard: EngineGuard,
        cache: Cache,
        scope: CacheScope,
        stats: EngineRun,
        controls: Controls,
        send: Callable[[list[str]], Sequence[str | Answer | None]] | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.chunk = send is None  # sentences are chunked; other units go as they are
        self.engine = engine
        self.guard = guard
        self.cache = cache
        self.scope = scope
        self.stats = stats
        self.controls = controls
        self.limits = limits or engine.limits
        self.send = send or (
            lambda batch: self.engine.translate_batch(batch, self.scope.source, self.scope.target)
        )
        self._lock = threading.Lock()

    def run(self, texts: list[str], settle: Settle, fresh: Collection[str] = ()) -> None:
        """Answer ``texts`` (``fresh`` ones not from the cache) and settle each of them."""
        limit = self.limits.max_chars
        chunk = self.engine.protect and self.chunk
        pieces_of = {t: split_text(t, limit) if chunk else [t] for t in texts}
        fresh_pieces = {p for t in fresh if t in pieces_of for p in pieces_of[t]}
        pieces = list(dict.fromkeys(p for ps in pieces_of.values() for p in ps))
        answers = self._from_cache([p for p in pieces if p not in fresh_pieces])
        failures: dict[str, str] = {}
        waiting: dict[str, list[str]] = {}  # piece -> texts that still need it
        kept: set[str] = set()  # pieces of accepted texts
        for text, text_pieces in pieces_of.items():
            missing = [p for p in text_pieces if p not in answers]
            for piece in missing:
                waiting.setdefault(piece, []).append(text)
            if missing:
                continue
            if settle(text, self._assemble(text_pieces, answers, failures)):
                kept.update(text_pieces)
            else:
                self._drop(text_pieces, kept)  # a cached answer the checks now reject

        def arrived(batch: list[str], outcome: Sequence[str | Answer | None] | EngineError) -> None:
            if isinstance(outcome, EngineError):
                failures.update(dict.fromkeys(batch, str(outcome) or type(outcome).__name__))
            else:
                for piece, answer in zip(batch, outcome, strict=True):
                    if isinstance(answer, Failure):
                        failures[piece] = answer.reason
                    elif answer is None:
                        failures[piece] = getattr(self.engine, "no_answer", "no answer")
                    else:
                        answers[piece] = answer
            for text in dict.fromkeys(t for piece in batch for t in waiting.pop(piece, [])):
                if any(p not in answers and p not in failures for p in pieces_of[text]):
                    continue  # another piece is still on its way
                outcome_of_text = self._assemble(pieces_of[text], answers, failures)
                if settle(text, outcome_of_text):
                    kept.update(pieces_of[text])
                    for piece in pieces_of[text]:
                        self._put(piece, answers[piece])  # in case a rejected text dropped it
                elif not isinstance(outcome_of_text, Failure):  # answered, and rejected
                    self._drop(pieces_of[text], kept)
            self.cache.commit()

        self._dispatch([p for p in pieces if p in waiting], arrived)
        for text in dict.fromkeys(t for texts_ in waiting.values() for t in texts_):
            settle(text, Failure("interrupted" if self.controls.cancelled else "not sent"))

    def _put(self, piece: str, answer: str | Answer) -> None:
        if self.engine.cacheable and isinstance(answer, str):
            self.cache.put(self.scope, piece, answer)

    def _drop(self, pieces: list[str], kept: Collection[str]) -> None:
        """Forget the answers of a rejected text (not those another accepted text used)."""
        if self.engine.cacheable:
            for piece in pieces:
                if piece not in kept:
                    self.cache.delete(self.scope, piece)

    def _from_cache(self, pieces: list[str]) -> dict[str, str | Answer]:
        if not self.engine.cacheable:
            return {}
        found: dict[str, str | Answer] = {}
        for piece in pieces:
            answer = self.cache.get(self.scope, piece)
            if answer is not None:
                found[piece] = answer
        self.stats.cache_hits += len(found)
        return found

    def _assemble(
        self, pieces: list[str], answers: Mapping[str, str | Answer], failures: Mapping[str, str]
    ) -> Outcome:
        failed = next((failures[p] for p in pieces if p in failures), None)
        if failed is not None:
            self.stats.failed += 1
            return Failure(failed)
        if len(pieces) == 1:
            return answers[pieces[0]]
        texts = [a.text if isinstance(a, Answer) else a for a in (answers[p] for p in pieces)]
        return join_pieces(texts, pieces, self.scope.target)

    def _dispatch(
        self,
        pieces: list[str],
        arrived: Callable[[list[str], Sequence[str | Answer | None] | EngineError], None],
    ) -> None:
        """Send the batches on a pool of threads; on Ctrl-C cancel what is queued at once,
        keep what is in flight."""
        batches = _batches(pieces, self.limits)
        if not batches:
            return
        workers = min(self.limits.concurrency, len(batches))
        pool = ThreadPoolExecutor(workers, thread_name_prefix=f"mt-{self.engine.name}")
        futures = {pool.submit(self._batch, batch): batch for batch in batches}
        try:
            for future in as_completed(futures):
                arrived(futures[future], _result(future))
        except KeyboardInterrupt:
            self.controls.cancel.set()
            for future in futures:
                future.cancel()
            for future in as_completed(f for f in futures if not f.cancelled()):
                arrived(futures[future], _result(future))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _batch(self, batch: list[str]) -> Sequence[str | Answer | None]:
        """One batch, with retries and bisection; raises an EngineError. The answers are
        cached here, as they arrive: a killed run loses only the requests in flight."""
        try:
            answers = self._answer(batch)
            for piece, answer in zip(batch, answers, strict=True):
                if answer is not None and not isinstance(answer, Failure):
                    self._put(piece, answer)
            self.cache.commit()
            return answers
        except (EngineSkipped, BudgetReached, Cancelled, RateLimited):
            raise  # not a failure of the engine (a cooldown has its own rules)
        except EngineError as error:
            self.guard.failed(error)
            raise

    def _answer(self, batch: list[str]) -> Sequence[str | Answer | None]:
        """A malformed answer is asked once more, then the batch is bisected to isolate the
        text that breaks it."""
        try:
            return self._request(batch)
        except BadResponse:
            pass
        try:
            return self._request(batch)
        except BadResponse as error:
            if len(batch) == 1:
                raise
            return self._bisect(batch, top=True, error=error)

    def _bisect(self, batch: list[str], top: bool, error: BadResponse) -> list[Any]:
        """Answers for both halves of a batch the engine cannot answer as a whole; a text
        that fails alone gets a Failure. If neither half can be answered at the top level, the
        engine is broken for this batch rather than one of its texts."""
        middle = len(batch) // 2
        halves = [batch[:middle], batch[middle:]]
        results: list[Sequence[Any] | BadResponse] = []
        for half in halves:
            try:
                results.append(self._request(half))
            except BadResponse as failure:
                results.append(failure)
        if top and all(isinstance(r, BadResponse) for r in results):
            raise error
        answers: list[Any] = []
        for half, result in zip(halves, results, strict=True):
            if not isinstance(result, BadResponse):
                answers += list(result)
            elif len(half) == 1:
                with self._lock:
                    self.stats.isolated += 1
                answers.append(Failure(f"{result} (this text alone)"))
            else:
                answers += self._bisect(half, top=False, error=result)
        return answers

    def _request(self, batch: list[str]) -> Sequence[str | Answer | None]:
        """Send one request; retry timeouts, server errors and 429s with backoff."""
        policy, attempt, throttled = self.guard.policy, 0, 0
        while True:
            self._before_sending(batch)
            try:
                with self.guard.slots:
                    self._count_request(batch)
                    answers = list(self.send(batch))
                if len(answers) != len(batch):
                    raise BadResponse(f"{len(answers)} answers for {len(batch)} texts")
            except (EngineUnavailable, EngineConfigError) as error:
                self.guard.disable(error)
                raise
            except RateLimited as error:
                if error.retry_after is None and throttled < policy.rate_retries:
                    self.guard.back_off(policy.delay(throttled))
                    throttled += 1
                    continue
                self.guard.cool_down(error)
                if error.retry_after is None or error.retry_after > policy.max_wait:
                    raise
                if attempt >= policy.retries:
                    raise
            except EngineError as error:
                if not error.retryable or attempt >= policy.retries:
                    raise
                pause(policy.delay(attempt), self.controls.cancel)
            except Exception as error:  # a bug in a provider library must not end the run
                raise BadResponse(f"unexpected {type(error).__name__} from the engine") from error
            else:
                self.guard.succeeded()
                return answers
            attempt += 1

    def _before_sending(self, batch: list[str]) -> None:
        if self.controls.cancelled:
            raise Cancelled("interrupted")
        self.guard.admit(self.controls.cancel)
        if self.controls.cancelled:
            raise Cancelled("interrupted")
        if self.engine.kind == "mt" and not self.controls.budget.take(sum(map(len, batch))):
            raise BudgetReached(self.controls.budget.reason)

    def _count_request(self, batch: list[str]) -> None:
        if self.engine.kind == "mt":
            with self._lock:
                self.stats.requests += 1
                self.stats.chars += sum(map(len, batch))


def _result(future: Future[Any]) -> Any:
    try:
        return future.result()
    except EngineError as error:
        return error


def _batches(pieces: list[str], limits: Limits) -> list[list[str]]:
    batches: list[list[str]] = []
    current: list[str] = []
    size = 0
    for piece in pieces:
        full = len(current) >= limits.batch_size or size + len(piece) > limits.batch_chars
        if current and full:
            batches.append(current)
            current, size = [], 0
        current.append(piece)
        size += len(piece)
    if current:
        batches.append(current)
    return batches
