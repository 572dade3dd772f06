"""Machine translation: fill untranslated entries through a chain of engines.

``Translator(project).translate()`` (``Project.translate``, ``i18npub translate``) reads the
untranslated entries of the project's catalogs and sends each distinct sentence down the
engine chain of ``i18npub.toml``; the first engine whose answer passes the checks wins.
Everything here sits above the engine interface (:mod:`i18npub.engines.base`) and is the
same for every engine:

* **protection**: placeholders (``<1>…</1>``, ``<2/>``), URLs, e-mail addresses and glossary
  terms become tokens ``[X1X]`` before translation (numbers too with ``protect_numbers``;
  by default they travel in clear, so that ``60,000`` can become ``6万``); every token must
  come back exactly once, or the answer is rejected and the sentence goes to the next engine;
* **dedup and cache**: a text is sent once per run however many articles hold it, and
  answers are kept in ``.i18npub/mt-cache.sqlite3`` as they arrive (keyed by engine,
  languages, glossary version and the text sent), so a rerun sends nothing it got a good
  answer for; an answer the checks reject is dropped from it, so it is asked again next run;
* **scheduling**: texts longer than an engine's limit are chunked at sentence, clause or
  word boundaries; texts are batched as the engine allows and sent with a per-engine
  concurrency limit; timeouts and 5xx are retried with exponential backoff and jitter; a
  429 without ``Retry-After`` backs the engine off (all threads) and retries, a short
  ``Retry-After`` is waited for, a long one rests the engine across runs; a malformed
  answer (an HTML error page) is asked once more, then the batch is bisected to isolate the
  text that breaks it; an engine is dropped for the run only after ``max_failures`` failed
  batches in a row, or at once when it cannot be reached;
* **cost**: characters sent are counted per engine; a budget (``--max-chars``,
  ``[translate] max_chars_per_run``) stops sending when spent, the rest waits with that
  reason;
* **reviewers' rejections**: a machine suggestion a reviewer cleared is remembered per
  source text and engine (``.i18npub/mt-rejections.sqlite3``) and that engine is not asked
  again for it (``--retry-rejected`` lifts it);
* **interrupts**: Ctrl-C cancels queued batches at once, writes and caches what arrived,
  and raises :class:`Interrupted`;
* **checks**: Chinese typography is fixed (full-width punctuation, no spaces between
  characters), then the gate (:func:`i18npub.qa.acceptance_issues`) rejects only what is
  certainly broken (placeholders, empty, echo, wrong script, absurd length, a loop, a
  number's value, glossary); what is written carries a risk score and flags
  (:mod:`i18npub.risk`) in the provenance, for ``i18npub review``.

Results are written with ``edit_catalog`` (a translator's concurrent edit is kept), only into
entries that are still untranslated, as machine translations (fuzzy, with provenance).
Why a sentence is still untranslated is kept in ``.i18npub/translate-state.json`` (not in
the PO, to avoid churn) and shown by ``i18npub status``.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import json
import random
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from i18npub.article import PLACEHOLDER_RE, text_hash
from i18npub.catalog import (
    PROVENANCE_PREFIX,
    CatalogError,
    edit_catalog,
    provenance,
    read_catalog,
    set_machine_translation,
    stamp_machine_revision,
)
from i18npub.engines import ENGINE_TYPES, create_engine
from i18npub.engines.base import (
    Answer,
    BadResponse,
    Engine,
    EngineConfigError,
    EngineContext,
    EngineError,
    EngineUnavailable,
    Limits,
    RateLimited,
)
from i18npub.errors import I18npubError
from i18npub.fsutil import STATE_DIR, atomic_write_text
from i18npub.numbers import chinese_form
from i18npub.qa import (
    URL_OR_EMAIL_RE,
    Issue,
    acceptance_issues,
    check_glossary,
    check_numbers,
    check_placeholders,
    fix_chinese_typography,
    is_chinese,
)
from i18npub.risk import assess

if TYPE_CHECKING:
    from i18npub.glossary import Hit, Term
    from i18npub.pofile import POEntry, POFile
    from i18npub.project import Project

CACHE_FILE = "mt-cache.sqlite3"
REJECTIONS_FILE = "mt-rejections.sqlite3"
STATE_FILE = "translate-state.json"
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
UNAVAILABLE_SECONDS = 300.0  # an unreachable engine is not tried again for this long
PARAGRAPH_SEP = "\x1e"  # between the sentences of a paragraph sent as one unit
Paragraph = tuple[str, ...]  # the msgids of one block's untranslated sentences, in order
COOLDOWN_WITHOUT_RETRY_AFTER = 600.0  # a 429 without Retry-After: rest of the run, 10 min max


class TranslateError(I18npubError, ValueError):
    """Invalid translate options (an unknown engine, an unknown article)."""


# Placeholder protection ------------------------------------------------------

TOKEN_RE = re.compile(r"[\[［【]\s*[Xx]\s*(\d{1,6})\s*[Xx]\s*[\]］】]")  # 30k numbers: 5 digits
_NUMBER_RE = re.compile(r"(?<![\w.,:/-])\d+(?:[.,:]\d+)*(?!\w|[.,:]\d)")
# A number before a scale word stays in clear: "1.2 million" must be able to become "120万".
_SCALE_WORD_RE = re.compile(r"\s+(?:thousand|million|billion|trillion|bn)\b", re.I)


class PlaceholderMismatch(I18npubError, ValueError):
    """An engine's answer lost, duplicated or invented tokens."""


@dataclass(frozen=True)
class Protected:
    """A segment as engines see it, and what each token ``[Xn X]`` becomes in the answer."""

    text: str
    replacements: tuple[str, ...] = ()


def token(number: int) -> str:
    return f"[X{number}X]"


def protect(
    text: str, hits: Sequence[Hit] = (), numbers: bool = False, chinese: bool = False
) -> Protected:
    """Replace placeholders, URLs, e-mails, glossary terms and (optionally) numbers by tokens.

    A must-use glossary term's token comes back as the term's translation; a number comes
    back as Chinese writes it when ``chinese`` (``6,000`` → ``6000``); everything else comes
    back as it was. Numbers travel in clear by default: an engine must be free to write
    ``60,000`` as ``6万``, and the number check verifies the values.
    """
    pieces: list[str] = []
    replacements: list[str] = []
    position = 0
    for start, end, replacement in _protected_spans(text, hits, numbers, chinese):
        replacements.append(replacement)
        pieces += [text[position:start], token(len(replacements))]
        position = end
    pieces.append(text[position:])
    return Protected("".join(pieces), tuple(replacements))


def _protected_spans(
    text: str, hits: Sequence[Hit], numbers: bool, chinese: bool = False
) -> list[tuple[int, int, str]]:
    """Non-overlapping spans to protect; earlier kinds win over later ones."""
    candidates = [
        (m.start(), m.end(), m.group(0))
        for pattern in (TOKEN_RE, PLACEHOLDER_RE, URL_OR_EMAIL_RE)
        for m in pattern.finditer(text)
    ]
    candidates += [
        (hit.start, hit.end, text[hit.start : hit.end] if hit.term.keep else hit.term.translation)
        for hit in hits
    ]
    if numbers:
        candidates += [
            (m.start(), m.end(), chinese_form(m.group(0)) if chinese else m.group(0))
            for m in _NUMBER_RE.finditer(text)
            if not _SCALE_WORD_RE.match(text, m.end())
        ]
    taken: list[tuple[int, int, str]] = []  # sorted, non-overlapping: bisect, not a scan
    starts: list[int] = []
    for span in candidates:
        i = bisect.bisect_right(starts, span[0])
        if (i and taken[i - 1][1] > span[0]) or (i < len(starts) and starts[i] < span[1]):
            continue
        starts.insert(i, span[0])
        taken.insert(i, span)
    return taken


def restore(answer: str, protected: Protected) -> str:
    """Put back what the tokens stand for; raise PlaceholderMismatch if any is not there once."""
    found = [int(m.group(1)) for m in TOKEN_RE.finditer(answer)]
    expected = list(range(1, len(protected.replacements) + 1))
    if sorted(found) != expected:
        missing = [protected.replacements[n - 1] for n in expected if n not in found]
        extra = sorted({n for n in found if found.count(n) > 1 or n not in expected})
        problems = []
        if missing:
            problems.append("dropped " + " ".join(missing))
        if extra:
            problems.append("extra " + " ".join(token(n) for n in extra))
        raise PlaceholderMismatch("; ".join(problems))
    return TOKEN_RE.sub(lambda m: protected.replacements[int(m.group(1)) - 1], answer)


# Chunking --------------------------------------------------------------------

_CUT_PATTERNS = (
    re.compile(r"(?<=[.!?])[\"'”’)]*\s+"),  # after a sentence
    re.compile(r"(?<=[,;:])\s+"),  # after a clause
    re.compile(r"\s+"),  # between words
)


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at sentence, clause or word boundaries,
    never inside a token."""
    pieces: list[str] = []
    while len(text) > limit:
        end, next_start = _cut(text, limit)
        pieces.append(text[:end].rstrip())
        text = text[next_start:].lstrip()
    pieces.append(text)
    return [piece for piece in pieces if piece]


def _cut(text: str, limit: int) -> tuple[int, int]:
    tokens = [(m.start(), m.end()) for m in TOKEN_RE.finditer(text)]

    def inside(position: int) -> bool:
        return any(start < position < end for start, end in tokens)

    for pattern in _CUT_PATTERNS:
        cuts = [
            m
            for m in pattern.finditer(text, 0, limit + 1)
            if 0 < m.start() <= limit and not inside(m.start())
        ]
        if cuts:
            return cuts[-1].start(), cuts[-1].end()
    end = limit
    for start, stop in tokens:
        if start < end < stop:
            end = start
    end = end or limit  # a token longer than the limit: cut through it
    return end, end


def join_pieces(translations: Sequence[str], sources: Sequence[str], target: str) -> str:
    """Translations of the pieces of one text, joined as the target language writes."""
    if target.lower().split("_")[0].split("-")[0] not in ("zh", "ja"):
        return " ".join(t.strip() for t in translations)
    joined = []
    for index, (translation, source) in enumerate(zip(translations, sources, strict=True)):
        translation = translation.strip()
        last = index == len(translations) - 1
        if (
            not last
            and translation.endswith("。")
            and not source.rstrip().endswith((".", "!", "?"))
        ):
            translation = translation[:-1] + "，"
        joined.append(translation)
    return "".join(joined)


# The cache -------------------------------------------------------------------


@dataclass(frozen=True)
class CacheScope:
    """What a cached answer depends on besides the text: engine, languages, glossary."""

    engine: str
    source: str
    target: str
    glossary: str


class Cache:
    """Engine answers kept across runs (SQLite, opened on first use; in memory when ``path``
    is None or cannot be written). Thread-safe: engine threads store answers as they arrive."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._lock = threading.RLock()

    @property
    def db(self) -> sqlite3.Connection:
        with self._lock:
            if self._db is None:
                self._db = _open_cache(self.path)
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS answers (engine TEXT, source TEXT, target TEXT,"
                    " glossary TEXT, text TEXT, answer TEXT, created TEXT,"
                    " PRIMARY KEY (engine, source, target, glossary, text))"
                )
            return self._db

    def get(self, scope: CacheScope, text: str) -> str | None:
        with self._lock:
            row = self.db.execute(
                "SELECT answer FROM answers WHERE engine=? AND source=? AND target=?"
                " AND glossary=? AND text=?",
                (scope.engine, scope.source, scope.target, scope.glossary, text),
            ).fetchone()
        return row[0] if row else None

    def put(self, scope: CacheScope, text: str, answer: str) -> None:
        with self._lock:
            self.db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    scope.engine,
                    scope.source,
                    scope.target,
                    scope.glossary,
                    text,
                    answer,
                    _now_iso(),
                ),
            )

    def delete(self, scope: CacheScope, text: str) -> None:
        with self._lock:
            self.db.execute(
                "DELETE FROM answers WHERE engine=? AND source=? AND target=? AND glossary=?"
                " AND text=?",
                (scope.engine, scope.source, scope.target, scope.glossary, text),
            )

    def commit(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.commit()

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.commit()
                self._db.close()
                self._db = None


def _open_cache(path: Path | None) -> sqlite3.Connection:
    """The cache database; a damaged file is said once, moved aside, and started anew."""
    import logging

    if path is not None:
        for attempt in (1, 2):
            db = None
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path, timeout=30, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # reads the schema
                return db
            except sqlite3.DatabaseError as error:
                if db is not None:
                    db.close()
                busy = isinstance(error, sqlite3.OperationalError)  # locked, cannot open
                if attempt == 2 or busy or not path.is_file():
                    break
                aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
                try:
                    path.rename(aside)
                    for suffix in ("-wal", "-shm"):  # its journal goes with it
                        journal = Path(f"{path}{suffix}")
                        if journal.exists():
                            journal.rename(Path(f"{aside}{suffix}"))
                except OSError:
                    break
                logging.getLogger("i18npub").warning(
                    "warning: %s: damaged (%s); moved aside to %s, starting a new cache",
                    path,
                    error,
                    aside.name,
                )
            except OSError:
                break  # a read-only project: cache in memory for this run
    return sqlite3.connect(":memory:", check_same_thread=False)


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# Reviewers' rejections ---------------------------------------------------------

REJECTED_BY_REVIEWER = (
    "suggestion cleared by a reviewer (`i18npub translate --retry-rejected` asks again)"
)


def _cleared_suggestion(entry: POEntry) -> tuple[str, str] | None:
    """``(engine, provenance)`` if this untranslated entry held a machine suggestion for its
    current text that someone cleared (Weblate's save of a rejected string, Poedit's delete):
    the provenance comment is still there, the text is gone."""
    record = provenance(entry)
    if entry.msgstr or record.get("kind") != "machine" or not record.get("engine"):
        return None
    if record.get("source", text_hash(entry.msgid)) != text_hash(entry.msgid):
        return None  # carried from an older source text: not a verdict on this one
    comment = next(c for c in entry.translator_comments if c.startswith(PROVENANCE_PREFIX))
    return record["engine"], comment


class Rejections:
    """Which engine's suggestion for which source text a reviewer cleared
    (``.i18npub/mt-rejections.sqlite3``, kept even when the MT cache is off).

    A rejected engine is not asked again for that text; the next engine of the chain is.
    ``forgive`` (``--retry-rejected``) lifts it; writing a new suggestion from that engine
    starts afresh, so clearing it again is a new rejection.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = _open_cache(self.path)
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS rejections (language TEXT, msgid TEXT, engine TEXT,"
                " provenance TEXT, active INTEGER, created TEXT,"
                " PRIMARY KEY (language, msgid, engine))"
            )
        return self._db

    def record(self, language: str, cleared: Mapping[str, tuple[str, str]]) -> None:
        """Remember cleared suggestions; one already forgiven stays forgiven."""
        for msgid, (engine, comment) in cleared.items():
            row = self.db.execute(
                "SELECT provenance FROM rejections WHERE language=? AND msgid=? AND engine=?",
                (language, msgid, engine),
            ).fetchone()
            if row is None or row[0] != comment:
                self.db.execute(
                    "INSERT OR REPLACE INTO rejections VALUES (?, ?, ?, ?, 1, ?)",
                    (language, msgid, engine, comment, _now_iso()),
                )
        if cleared:
            self.db.commit()

    def active(self, language: str, msgids: Collection[str]) -> dict[str, set[str]]:
        """``{msgid: engines}`` whose suggestions stand rejected."""
        if not msgids or not self._exists():
            return {}
        wanted = set(msgids)
        found: dict[str, set[str]] = {}
        rows = self.db.execute(
            "SELECT msgid, engine FROM rejections WHERE language=? AND active=1", (language,)
        )
        for msgid, engine in rows:
            if msgid in wanted:
                found.setdefault(msgid, set()).add(engine)
        return found

    def forgive(
        self, language: str, msgids: Collection[str], engines: Collection[str]
    ) -> dict[str, set[str]]:
        """Lift the rejections of ``msgids`` by ``engines``; ``{engine: msgids}`` to ask
        again, anew."""
        fresh: dict[str, set[str]] = {}
        for msgid, rejected in self.active(language, msgids).items():
            for engine in set(rejected) & set(engines):
                fresh.setdefault(engine, set()).add(msgid)
                self.db.execute(
                    "UPDATE rejections SET active=0 WHERE language=? AND msgid=? AND engine=?",
                    (language, msgid, engine),
                )
        if fresh:
            self.db.commit()
        return fresh

    def written(self, language: str, suggestions: Sequence[tuple[str, str]]) -> None:
        """A new suggestion from an engine replaces what was forgiven of it."""
        if not suggestions or not self._exists():
            return
        self.db.executemany(
            "DELETE FROM rejections WHERE language=? AND msgid=? AND engine=? AND active=0",
            [(language, msgid, engine) for msgid, engine in suggestions],
        )
        self.db.commit()

    def _exists(self) -> bool:
        return self._db is not None or self.path is None or self.path.exists()

    def close(self) -> None:
        if self._db is not None:
            self._db.commit()
            self._db.close()
            self._db = None


# Run state: why segments wait, engine cooldowns -------------------------------

_STATE_LOCK = threading.Lock()


class TranslateState:
    """``.i18npub/translate-state.json``: reasons per untranslated sentence, cooldowns."""

    def __init__(self, path: Path, data: dict[str, Any] | None = None) -> None:
        self.path = path
        self.data = data or {}
        self.data.setdefault("pending", {})
        self.data.setdefault("cooldowns", {})

    @classmethod
    def load(cls, folder: Path) -> TranslateState:
        path = folder / STATE_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        return cls(path, data if isinstance(data, dict) else {})

    def reasons(self, language: str, slug: str) -> dict[str, str]:
        """Why each still-untranslated sentence of one catalog could not be translated."""
        return dict(self.data["pending"].get(language, {}).get(slug, {}))

    def cooldown(self, engine: str) -> float:
        return float(self.data["cooldowns"].get(engine, 0.0))

    def update(
        self, pending: Mapping[tuple[str, str], Mapping[str, str]], cooldowns: Mapping[str, float]
    ) -> None:
        """Merge this run's results into the file (other catalogs' entries are kept)."""
        with _STATE_LOCK:
            current = TranslateState.load(self.path.parent).data
            for (language, slug), reasons in pending.items():
                catalogs = current["pending"].setdefault(language, {})
                if reasons:
                    catalogs[slug] = dict(reasons)
                else:
                    catalogs.pop(slug, None)
            now = time.time()
            current["cooldowns"] = {
                name: until
                for name, until in {**current["cooldowns"], **cooldowns}.items()
                if until > now
            }
            self.data = current
            if self.path.exists() or any(current["pending"].values()) or current["cooldowns"]:
                text = json.dumps(current, ensure_ascii=False, indent=1, sort_keys=True)
                atomic_write_text(self.path, text + "\n")


# Engine guards: concurrency, retries, cooldowns, budget, cancellation ----------


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


class Interrupted(KeyboardInterrupt):
    """A ``translate`` call stopped by Ctrl-C after saving what had arrived."""

    def __init__(self, saved: int, report: TranslateReport | None = None) -> None:
        super().__init__(f"interrupted: {saved} answers saved; run again to continue")
        self.saved = saved
        self.report = report


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
            _pause(wait, cancel)

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


def _pause(seconds: float, cancel: threading.Event | None) -> None:
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


# Reports ---------------------------------------------------------------------


@dataclass
class EngineRun:
    """What one engine did in one call."""

    name: str
    status: str = "not used"  # ok | unavailable | rate-limited | error | not used
    message: str = ""
    requests: int = 0  # requests sent (retries included)
    cache_hits: int = 0
    translated: int = 0  # distinct sentences answered and accepted
    rejected: int = 0  # answers that failed the checks
    failed: int = 0  # distinct sentences it could not answer
    chars: int = 0  # characters sent (retries included): what a paid engine bills
    isolated: int = 0  # texts a malformed batch was bisected down to


@dataclass
class LanguageRun:
    """What one call did for one target language."""

    language: str
    untranslated: int = 0  # untranslated entries found in scope
    unique: int = 0  # distinct sentences among them
    filled: int = 0  # entries written
    pending: int = 0  # entries still untranslated
    errors: list[str] = field(default_factory=list)
    retryable: bool = True  # every error may not recur (catalogs busy, not broken)

    def fail(self, error: CatalogError) -> None:
        """Record a catalog that could not be read or written."""
        self.errors.append(str(error))
        self.retryable = self.retryable and error.retryable


@dataclass
class TranslateReport:
    """Everything one ``translate`` call did."""

    chain: list[str]
    languages: list[LanguageRun] = field(default_factory=list)
    engines: list[EngineRun] = field(default_factory=list)
    budget: Budget = field(default_factory=Budget, repr=False)

    def engine(self, name: str) -> EngineRun:
        for run in self.engines:
            if run.name == name:
                return run
        self.engines.append(EngineRun(name))
        return self.engines[-1]

    @property
    def filled(self) -> int:
        return sum(language.filled for language in self.languages)

    @property
    def pending(self) -> int:
        return sum(language.pending for language in self.languages)

    def problems(self) -> list[str]:
        """One line per engine that failed (unreachable, rate-limited, misconfigured)."""
        return [f"{run.name}: {run.message}" for run in self.engines if run.message]

    @property
    def chars(self) -> dict[str, int]:
        """Characters sent per engine (retries included)."""
        return {run.name: run.chars for run in self.engines if run.status != "not used"}

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"filled": self.filled, "pending": self.pending}
        data["chain"] = list(self.chain)
        data["languages"] = [asdict(language) for language in self.languages]
        data["engines"] = [asdict(run) for run in self.engines]
        data["chars"] = self.chars
        data["budget"] = {
            "max_chars": self.budget.limit,
            "used": self.budget.used,
            "reached": self.budget.exhausted,
        }
        return data

    def lines(self) -> list[str]:
        """A human summary: one line per language and per engine used."""
        lines = []
        for language in self.languages:
            lines.append(
                f"{language.language}: {language.untranslated} untranslated"
                f" ({language.unique} distinct), {language.filled} filled,"
                f" {language.pending} awaiting translation"
            )
            lines += [f"error: {error}" for error in language.errors]
        for run in self.engines:
            if run.status == "not used":
                continue
            detail = f"{run.translated} translated"
            if run.requests or run.cache_hits:
                detail += f", {run.requests} requests, {run.cache_hits} from cache"
            if run.rejected:
                detail += f", {run.rejected} rejected by checks"
            sent = f"{run.chars:,} characters sent"
            problem = f"{run.status}: {run.message} ({sent})" if run.message else ""
            lines.append(f"  {run.name:10} {problem or detail + ', ' + sent}")
        if self.budget.exhausted:
            lines.append(f"  {self.budget.reason}: the rest waits for the next run")
        return lines


# Translating -----------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """An accepted translation and its provenance."""

    text: str
    engine: str
    details: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Failure:
    """Why an engine gave no answer for a text."""

    reason: str


class Rejected(I18npubError):
    """An answer that cannot be written (the message says why)."""


class Translator:
    """Engines and their state, shared by every ``translate`` call on one project object.

    Thread-safe: the pipeline may translate several articles at once. Engines are created
    when a sentence first reaches them, so an unused engine costs nothing.
    """

    def __init__(self, project: Project, environ: Mapping[str, str] | None = None) -> None:
        import os

        self.project = project
        self.settings: Mapping[str, Any] = project.config.translate.options
        self.tables: Mapping[str, Any] = project.config.translate.tables
        self.context = EngineContext(
            project.root, project.path("locales"), dict(environ or os.environ)
        )
        self.state_dir = project.root / STATE_DIR
        self._engines: dict[str, Engine | EngineError] = {}
        self._guards: dict[str, EngineGuard] = {}
        self._lock = threading.Lock()
        self.controls = Controls()  # the current call's budget and Ctrl-C flag

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
        chain = list(engines or self.project.config.engines)
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
            for language in languages or self.project.config.target_languages:
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
        known = self.project.slugs()
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
            path = self.project.catalog_path(slug, language)
            try:
                catalog = read_catalog(path)
            except FileNotFoundError:
                continue
            except CatalogError as error:
                run.fail(error)
                continue
            catalogs.append((slug, path))
            for entry in _untranslated(catalog):
                run.untranslated += 1
                msgids.setdefault(entry.msgid)
                if rejected := _cleared_suggestion(entry):
                    cleared[entry.msgid] = rejected
            paragraphs.update(dict.fromkeys(_paragraphs(catalog)))
        run.unique = len(msgids)
        return catalogs, list(msgids), cleared, list(paragraphs)

    def _prepare(self, language: str, msgids: list[str]) -> _Work:
        """Each sentence protected (tokens) and its glossary terms, ready for the chain."""
        glossary = self.project.glossary()
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
        source = self.project.config.source_language
        scope = CacheScope(engine.cache_id(), source, work.language, work.glossary_version)
        runner = _Runner(engine, guard, cache, scope, stats, controls)
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
        self, engine: Engine, work: _Work, asked: list[str], runner: _Runner, fresh: set[str]
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
        paragraphs = _Runner(
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
    for entry in _untranslated(catalog):
        for reference in entry.references:
            blocks.setdefault(reference, []).append(entry.msgid)
    for msgids in blocks.values():
        if len(msgids) > 1:
            yield tuple(msgids)


def _untranslated(catalog: POFile) -> Iterator[POEntry]:
    for entry in catalog.entries:
        if entry.msgid and not entry.obsolete and not entry.msgstr and not entry.msgid_plural:
            yield entry


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
        for entry in _untranslated(catalog):
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


# The scheduler ---------------------------------------------------------------

Outcome = str | Answer | Failure
Settle = Callable[[str, Outcome], bool]
"""Called once per text as soon as its outcome is known; True if the answer was accepted."""


class _Runner:
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
                _pause(policy.delay(attempt), self.controls.cancel)
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


@dataclass
class Controls:
    """What every engine of one run shares: the character budget and the Ctrl-C flag."""

    budget: Budget = field(default_factory=Budget)
    cancel: threading.Event = field(default_factory=threading.Event)

    @property
    def cancelled(self) -> bool:
        return self.cancel.is_set()


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


# Status ----------------------------------------------------------------------


class Awaiting:
    """Why untranslated entries are still waiting (``status``): the reasons recorded by the
    last runs, counted over the entries that are still untranslated now."""

    def __init__(self, state: TranslateState) -> None:
        self.state = state
        self._articles: dict[str, dict[str, dict[str, Any]]] = {}

    @classmethod
    def load(cls, project: Project) -> Awaiting:
        return cls(TranslateState.load(project.root / STATE_DIR))

    def add(self, language: str, slug: str, catalog: POFile) -> None:
        """Count the reasons of one catalog's untranslated entries."""
        recorded = self.state.reasons(language, slug)
        counts: dict[str, int] = {}
        for entry in _untranslated(catalog):
            if reason := recorded.get(entry.msgid):
                counts[reason] = counts.get(reason, 0) + 1
        summary = {"awaiting": sum(counts.values()), "reasons": counts}
        self._articles.setdefault(slug, {})[language] = summary

    def article(self, slug: str) -> dict[str, dict[str, Any]]:
        """``{language: {"awaiting": n, "reasons": {reason: count}}}`` for one article."""
        return self._articles.get(slug, {})

    def totals(self) -> dict[str, dict[str, Any]]:
        """The same, summed over every article."""
        totals: dict[str, dict[str, Any]] = {}
        for languages in self._articles.values():
            for language, summary in languages.items():
                total = totals.setdefault(language, {"awaiting": 0, "reasons": {}})
                total["awaiting"] += summary["awaiting"]
                for reason, count in summary["reasons"].items():
                    total["reasons"][reason] = total["reasons"].get(reason, 0) + count
        return totals
