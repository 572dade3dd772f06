"""What one ``translate`` call did: per language, per engine, and the budget spent."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from i18npub.catalog import CatalogError
from i18npub.translate.guard import Budget


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


class Interrupted(KeyboardInterrupt):
    """A ``translate`` call stopped by Ctrl-C after saving what had arrived."""

    def __init__(self, saved: int, report: TranslateReport | None = None) -> None:
        super().__init__(f"interrupted: {saved} answers saved; run again to continue")
        self.saved = saved
        self.report = report
