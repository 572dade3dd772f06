"""Engine guards: concurrency, retries, cooldowns, the character budget and cancellation,
shared by every thread and call that uses an engine."""

from __future__ import annotations

import datetime as dt
import os
import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from i18npub.engines.base import (
    EngineConfigError,
    EngineError,
    EngineUnavailable,
    Limits,
    RateLimited,
)
from i18npub.errors import I18npubError
from i18npub.fsutil import locked

UNAVAILABLE_SECONDS = 300.0  # an unreachable engine is not tried again for this long
COOLDOWN_WITHOUT_RETRY_AFTER = 600.0  # a 429 without Retry-After: rest of the run, 10 min max


class TranslateError(I18npubError, ValueError):
    """Invalid translate options (an unknown engine, an unknown article)."""


@dataclass(frozen=True)
class Policy:
    """How hard to try one engine."""

    retries: int = 2  # extra attempts after a timeout, a server error or a short Retry-After
    backoff: float = 0.5  # seconds before the first retry; doubles each time (with jitter)
    max_backoff: float = 30.0  # the longest pause between two attempts
    max_wait: float = 10.0  # longest Retry-After worth waiting for within a run
    rate_retries: int = 3  # extra attempts after a 429 without Retry-After (backing off)
    max_failures: int = 2  # failed batches in a row before the engine is dropped for the run

    def delay(self, attempt: int) -> float:
        """Exponential backoff with jitter (0.5-1.5x) before attempt ``attempt + 1``."""
        return min(self.max_backoff, self.backoff * 2**attempt * random.uniform(0.5, 1.5))


class EngineSkipped(EngineError):
    """The engine is unavailable or cooling down: nothing was sent."""


class BudgetReached(EngineError):
    """The run's character budget is spent: nothing more is sent to any engine."""


class Cancelled(EngineError):
    """The run was interrupted (Ctrl-C) before this batch was sent."""


class Budget:
    """Characters that may still be sent in one run, all engines together (shared by the
    ``translate`` calls of one ``run``). ``limit`` None: no limit, only counting."""

    def __init__(self, limit: int | None = None) -> None:
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
            raise TranslateError("the character budget must be a whole number")
        if limit is not None and limit < 0:
            raise TranslateError("the character budget must be 0 or more")
        self.limit = limit
        self.used = 0
        self.exhausted = False
        self._lock = threading.Lock()

    def take(self, chars: int) -> bool:
        """Reserve ``chars`` for one request; False (and spent from now on) if they do not fit."""
        with self._lock:
            if self.limit is not None and (self.exhausted or self.used + chars > self.limit):
                self.exhausted = True
                return False
            self.used += chars
            return True

    @property
    def reason(self) -> str:
        return f"character budget reached ({self.limit:,} characters per run)"


class SharedBudget(Budget):
    """A :class:`Budget` that several processes of one run share through ``ledger`` (a file
    holding the characters spent so far, updated under a lock): the Prefect flows' task runs,
    in threads or on a Dask cluster, spend one budget for the whole run."""

    def __init__(self, limit: int | None, ledger: Path) -> None:
        super().__init__(limit)
        self.ledger = ledger

    def take(self, chars: int) -> bool:
        with self._lock, locked(self.ledger) as ledger:
            spent = _spent(ledger)
            if self.limit is not None and spent + chars > self.limit:
                self.exhausted = True
                return False
            os.ftruncate(ledger, 0)
            os.pwrite(ledger, f"{spent + chars}\n".encode(), 0)
            self.used += chars
            return True


def _spent(ledger: int) -> float:
    """The characters a ledger (an open file) records; a damaged one: all spent."""
    text = os.pread(ledger, 64, 0).decode("ascii", "replace").strip()
    try:
        return int(text or 0)
    except ValueError:  # send nothing more rather than guess
        return float("inf")


class EngineGuard:
    """One engine's state shared by all threads and calls: slots, cooldown, failures."""

    def __init__(self, name: str, limits: Limits, policy: Policy, cooldown_until: float) -> None:
        self.name = name
        self.policy = policy
        self.slots = threading.BoundedSemaphore(limits.concurrency)
        self._lock = threading.Lock()
        self.problem = ""  # why the engine is unavailable or cooling down
        self.status = "ok"
        self.disabled_until = 0.0
        self.cooldown_until = cooldown_until
        self.persist_until = cooldown_until  # a cooldown worth keeping across runs
        self._failures = 0
        if cooldown_until > time.time():
            self.status, self.problem = "rate-limited", _cooling_message(cooldown_until)

    def admit(self, cancel: threading.Event | None = None) -> None:
        """Return when a request may be sent; raise EngineSkipped if none may be."""
        with self._lock:
            now = time.time()
            if self.disabled_until > now:
                raise EngineSkipped(self.problem)
            wait = self.cooldown_until - now
        if wait > self.policy.max_wait:
            raise EngineSkipped(_cooling_message(self.cooldown_until))
        if wait > 0:
            pause(wait, cancel)

    def disable(self, error: EngineError) -> None:
        with self._lock:
            self.disabled_until = time.time() + UNAVAILABLE_SECONDS
            self.status = "error" if isinstance(error, EngineConfigError) else "unavailable"
            self.problem = str(error)

    def back_off(self, seconds: float) -> None:
        """Pause every thread's requests for ``seconds`` (a 429 without Retry-After)."""
        with self._lock:
            self.cooldown_until = max(self.cooldown_until, time.time() + seconds)

    def cool_down(self, error: RateLimited) -> None:
        """Rest the engine: for Retry-After (kept across runs when given), else for the run."""
        with self._lock:
            seconds = error.retry_after
            until = time.time() + (seconds if seconds is not None else COOLDOWN_WITHOUT_RETRY_AFTER)
            self.cooldown_until = max(self.cooldown_until, until)
            if seconds is not None:
                self.persist_until = max(self.persist_until, until)
            if seconds is None or seconds > self.policy.max_wait:
                self.status, self.problem = "rate-limited", f"{error}; {_cooling_message(until)}"

    def failed(self, error: EngineError) -> None:
        with self._lock:
            self._failures += 1
            drop = self._failures >= self.policy.max_failures
        if drop:
            self.disable(EngineUnavailable(f"{error} ({self._failures} failures in a row)"))

    def succeeded(self) -> None:
        with self._lock:
            self._failures = 0


def pause(seconds: float, cancel: threading.Event | None) -> None:
    """Sleep, but return at once (raising Cancelled) when the run is interrupted."""
    if cancel is None:
        time.sleep(seconds)
    elif cancel.wait(seconds):
        raise Cancelled("interrupted")


def _cooling_message(until: float) -> str:
    if until - time.time() > COOLDOWN_WITHOUT_RETRY_AFTER - 1:
        moment = dt.datetime.fromtimestamp(until).strftime("%Y-%m-%d %H:%M")
    else:
        moment = dt.datetime.fromtimestamp(until).strftime("%H:%M:%S")
    return f"cooling down until {moment}"


@dataclass
class Controls:
    """What every engine of one run shares: the character budget and the Ctrl-C flag."""

    budget: Budget = field(default_factory=Budget)
    cancel: threading.Event = field(default_factory=threading.Event)

    @property
    def cancelled(self) -> bool:
        return self.cancel.is_set()
