"""The machine-translation engine interface: what an engine is, its limits, and how it fails.

An engine turns a batch of texts into a batch of translations, nothing more. Everything
that is the same for every provider (the chain, dedup, the cache, batching, chunking,
retries, cooldowns, placeholder protection, the glossary, QA) lives once, above this
interface, in :mod:`i18npub.translate`. An engine says what it can take (:class:`Limits`)
and fails with one of the errors below, whose messages are safe to show: they never
contain a key.
"""

from __future__ import annotations

import os
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from i18npub.errors import I18npubError


@dataclass(frozen=True)
class Limits:
    """What one request may hold, and how many requests may be in flight."""

    max_chars: int = 5000  # characters of one text (longer texts are chunked)
    batch_size: int = 1  # texts per request
    batch_chars: int = 5000  # characters per request, all texts together
    concurrency: int = 4  # requests in flight at once


@dataclass(frozen=True)
class Answer:
    """A translation plus provenance details (``score``, ``origin``…) for the PO comment."""

    text: str
    details: Mapping[str, str] = field(default_factory=dict)


# Errors ----------------------------------------------------------------------


class EngineError(I18npubError):
    """An engine could not translate a batch. ``retryable`` errors are retried with backoff."""

    retryable = False


class EngineConfigError(EngineError):
    """A missing key or a bad setting: the engine is skipped for the whole run."""


class EngineUnavailable(EngineError):
    """The provider cannot be reached: the engine is skipped for the rest of the run."""


class EngineTimeout(EngineError):
    """No answer within the timeout."""

    retryable = True


class ServerError(EngineError):
    """The provider failed (HTTP 5xx or equivalent)."""

    retryable = True


class BadResponse(EngineError):
    """An answer we cannot use: malformed body, wrong number of texts, HTTP 4xx."""


class RateLimited(EngineError):
    """HTTP 429 or an exhausted quota: stop sending to this engine for a while."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


# The interface ---------------------------------------------------------------


class Engine(ABC):
    """A translation engine. Subclasses set ``name``, ``limits`` and ``translate_batch``.

    ``kind`` is ``"mt"`` (a translation service), ``"memory"`` (reviewed human translations)
    or ``"pseudo"`` (layout testing). ``protect`` engines get texts with placeholders,
    numbers, URLs and glossary terms replaced by tokens (``[X1X]``) that they must keep;
    the others get the segment as it is. Only ``cacheable`` engines' answers are cached.
    ``context`` engines (language models) also get whole paragraphs.
    """

    name: str = ""
    kind: str = "mt"
    limits: Limits = Limits()
    cacheable: bool = True
    protect: bool = True
    context: bool = False  # translates a paragraph at a time (``translate_paragraph``)

    @abstractmethod
    def translate_batch(
        self, texts: Sequence[str], source: str, target: str
    ) -> Sequence[str | Answer | None]:
        """One translation per text (None: this engine has no answer for that text).

        ``source`` and ``target`` are gettext locale names (``en``, ``zh_CN``).
        Raises an :class:`EngineError`.
        """

    def translate_paragraph(
        self,
        sentences: Sequence[str],
        source: str,
        target: str,
        glossary: Sequence[tuple[str, str]] = (),
    ) -> list[str] | None:
        """The sentences of one paragraph translated together, one translation each, or
        None if the answer cannot be split back into sentences with confidence (they are
        then sent as sentences). ``glossary``: (term, translation) pairs for the prompt.
        Only ``context`` engines implement it."""
        raise NotImplementedError

    def cache_id(self) -> str:
        """What identifies this engine's answers in the cache (name plus model, if any)."""
        return self.name

    def close(self) -> None:  # noqa: B027 - most engines hold nothing to release
        """Release connections."""


@dataclass(frozen=True)
class EngineContext:
    """What an engine may need from the project."""

    root: Path = Path(".")
    locales: Path | None = None  # the project's catalogs (the memory engine reads them)
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))


class Settings:
    """An ``[engines.NAME]`` table with typed getters and clear errors."""

    def __init__(self, name: str, data: Mapping[str, Any], context: EngineContext) -> None:
        self.name = name
        self.data = dict(data)
        self.context = context

    def text(self, key: str, default: str = "") -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise EngineConfigError(f"engines.{self.name}.{key} must be a string")
        return value

    def number(self, key: str, default: float) -> float:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise EngineConfigError(f"engines.{self.name}.{key} must be a number ≥ 0")
        return float(value)

    def integer(self, key: str, default: int) -> int:
        value = self.number(key, default)
        if value != int(value) or value < 1:
            raise EngineConfigError(f"engines.{self.name}.{key} must be an integer ≥ 1")
        return int(value)

    def secret(self, key: str, env: Sequence[str], required: bool = True) -> str:
        """A key from the config or the environment (``<key>_env`` names another variable)."""
        names = [self.text(f"{key}_env")] if self.data.get(f"{key}_env") else list(env)
        value = self.text(key) or next(
            (self.context.environ[n] for n in names if self.context.environ.get(n)), ""
        )
        if required and not value:
            raise EngineConfigError(f"no {key.replace('_', ' ')} (set {' or '.join(names)})")
        return value

    def limits(self, default: Limits) -> Limits:
        """``default`` with ``max_chars``, ``batch_size``, ``batch_chars``, ``concurrency``."""
        return Limits(
            max_chars=self.integer("max_chars", default.max_chars),
            batch_size=self.integer("batch_size", default.batch_size),
            batch_chars=self.integer("batch_chars", default.batch_chars),
            concurrency=self.integer("concurrency", default.concurrency),
        )

    def language(self, locale: str, defaults: Mapping[str, str]) -> str:
        """The provider's code for a gettext locale: ``languages`` setting, then defaults."""
        overrides = self.data.get("languages", {})
        for table in (overrides, defaults):
            for key in (locale, locale.replace("-", "_"), locale.split("_")[0].split("-")[0]):
                if key in table:
                    return str(table[key])
        return locale.replace("_", "-")


def display_url(url: str) -> str:
    """A URL safe to show: no user info, no query string (keys hide there)."""
    url = re.sub(r"//[^/@]*@", "//", url)
    return url.split("?", 1)[0].split("#", 1)[0]


def redact(message: str, secrets: Sequence[str]) -> str:
    """``message`` with every secret replaced by ``***``."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            message = message.replace(secret, "***")
    return message


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    import time

    return max(0.0, moment.timestamp() - time.time())
