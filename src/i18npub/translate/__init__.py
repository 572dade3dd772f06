"""Machine translation: fill untranslated entries through a chain of engines.

``Translator(layout, config, glossary).translate()`` (``Project.translate``, ``i18npub
translate``) reads the untranslated entries of the project's catalogs and sends each distinct
sentence down the engine chain of ``i18npub.toml``; the first engine whose answer passes the
checks wins.
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

The modules, lowest first: :mod:`~i18npub.translate.tokens` (protection, chunking),
:mod:`~i18npub.translate.cache`, :mod:`~i18npub.translate.rejections`,
:mod:`~i18npub.translate.state` (run state, :class:`Awaiting`),
:mod:`~i18npub.translate.guard` (engine guards, budget), :mod:`~i18npub.translate.report`,
:mod:`~i18npub.translate.scheduler` and :mod:`~i18npub.translate.translator`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from i18npub.translate.cache import Cache, CacheScope
    from i18npub.translate.guard import (
        Budget,
        BudgetReached,
        Cancelled,
        EngineSkipped,
        Policy,
        SharedBudget,
        TranslateError,
    )
    from i18npub.translate.rejections import Rejections
    from i18npub.translate.report import EngineRun, Interrupted, LanguageRun, TranslateReport
    from i18npub.translate.state import Awaiting, TranslateState
    from i18npub.translate.tokens import (
        TOKEN_RE,
        PlaceholderMismatch,
        Protected,
        join_pieces,
        protect,
        restore,
        split_text,
    )
    from i18npub.translate.translator import Translator

# Each name is imported from its module when first used (PEP 562): ``i18npub status`` needs
# only ``Awaiting``, not the translator (which loads the segmenter behind the risk score).
_HOMES = {
    "Cache": "cache",
    "CacheScope": "cache",
    "Budget": "guard",
    "BudgetReached": "guard",
    "Cancelled": "guard",
    "EngineSkipped": "guard",
    "Policy": "guard",
    "SharedBudget": "guard",
    "TranslateError": "guard",
    "Rejections": "rejections",
    "EngineRun": "report",
    "Interrupted": "report",
    "LanguageRun": "report",
    "TranslateReport": "report",
    "Awaiting": "state",
    "TranslateState": "state",
    "TOKEN_RE": "tokens",
    "PlaceholderMismatch": "tokens",
    "Protected": "tokens",
    "join_pieces": "tokens",
    "protect": "tokens",
    "restore": "tokens",
    "split_text": "tokens",
    "Translator": "translator",
}

__all__ = [
    "TOKEN_RE",
    "Awaiting",
    "Budget",
    "BudgetReached",
    "Cache",
    "CacheScope",
    "Cancelled",
    "EngineRun",
    "EngineSkipped",
    "Interrupted",
    "LanguageRun",
    "PlaceholderMismatch",
    "Policy",
    "Protected",
    "Rejections",
    "SharedBudget",
    "TranslateError",
    "TranslateReport",
    "TranslateState",
    "Translator",
    "join_pieces",
    "protect",
    "restore",
    "split_text",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'i18npub.translate' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"i18npub.translate.{home}"), name)
    globals()[name] = value
    return value
