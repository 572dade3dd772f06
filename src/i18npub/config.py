"""Project configuration: ``i18npub.toml``, with embedded defaults."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from i18npub.errors import I18npubError

CONFIG_NAME = "i18npub.toml"

DEFAULT_CONFIG = """\
# i18npub publication project
[project]
title = "{title}"
source_language = "en"
target_languages = ["zh_CN"]

[paths]
content = "content"        # the inbox: sources that `i18npub run` ingests
articles = "articles"      # ingested articles (JSON), one per slug
locales = "locales"        # templates/<slug>.pot and <lang>/LC_MESSAGES/<slug>.po
templates = "templates"    # Jinja2 page templates
site = "site"              # the built site

[ingest]
max_bytes = 10_000_000     # larger sources are refused
fetch_timeout = 15         # seconds, for http(s) sources

[translate]
engines = ["memory"]       # the chain, first match wins: e.g. ["memory", "libre", "google"]
glossary = "glossary.csv"  # must-use and do-not-translate terms (CSV or TBX), if present
# max_chars_per_run = 500_000  # stop sending to engines after this many characters per run
# [engines.libre]
# url = "http://127.0.0.1:5000/"  # any LibreTranslate-compatible server
# api_key = ""                    # or the LIBRE_API_KEY environment variable

[site]
base_url = ""              # e.g. "https://news.example.org/": canonical links, hreflang, feeds
title_zh = ""              # the site title on Chinese pages

[publish]
policy = "mark-machine"    # or "approved-only": unreviewed machine text falls back to English
min_approved = 0.5         # below this approved share: no Chinese feed, sitemap or hreflang;
                           # the Chinese index still lists the article, marked, under
                           # mark-machine when this share of its sentences reads in Chinese
"""


class ConfigError(I18npubError, ValueError):
    """An invalid ``i18npub.toml``: one line per problem, each naming its key."""


PATH_KEYS = ("content", "articles", "locales", "templates", "site")
POLICIES = ("mark-machine", "approved-only")  # [publish] policy
LANGUAGE_RE = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*")  # zh_CN, zh-Hant, en
Check = Callable[[Any], str | None]  # a problem with a value, or None


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be a string"


def _language(value: Any) -> str | None:
    if isinstance(value, str) and LANGUAGE_RE.fullmatch(value):
        return None
    return f"{value!r} is not a language code (like zh_CN or en)"


def _languages(value: Any) -> str | None:
    if not isinstance(value, list) or not value:
        return 'must be a non-empty list of language codes, like ["zh_CN"]'
    return next((problem for problem in map(_language, value) if problem), None)


def _relative_path(value: Any) -> str | None:
    path = Path(value) if isinstance(value, str) and value else None
    if path is not None and not path.is_absolute() and ".." not in path.parts:
        return None
    return "must be a relative path inside the project"


def _engine_list(value: Any) -> str | None:
    if isinstance(value, list) and all(isinstance(e, str) and e for e in value):
        return None
    return "must be a list of engine names"


def _flag(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _number(low: float, high: float | None = None, integer: bool = False) -> Check:
    kinds = int if integer else int | float
    what = "a whole number" if integer else "a number"
    bounds = f"from {low:g} to {high:g}" if high is not None else f"≥ {low:g}"

    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, kinds):
            return f"must be {what} {bounds}, not {value!r}"
        if value < low or (high is not None and value > high) or value != value:
            return f"must be {what} {bounds}, not {value!r}"
        return None

    return check


def _positive(integer: bool = False) -> Check:
    inner = _number(0, integer=integer)
    return lambda value: inner(value) or ("must be more than 0" if value == 0 else None)


def _url(value: Any) -> str | None:
    if isinstance(value, str) and (not value or re.match(r"^https?://[^\s/]+", value)):
        return None
    return "must be an http(s) URL (or empty)"


def _policy(value: Any) -> str | None:
    return None if value in POLICIES else f"must be one of {', '.join(POLICIES)}"


SCHEMA: dict[str, dict[str, Check]] = {
    "project": {"title": _text, "source_language": _language, "target_languages": _languages},
    "paths": dict.fromkeys(PATH_KEYS, _relative_path),
    "ingest": {"max_bytes": _positive(integer=True), "fetch_timeout": _positive()},
    "translate": {
        "engines": _engine_list,
        "glossary": _relative_path,
        "cache": _flag,
        "protect_numbers": _flag,
        "timeout": _positive(),
        "connect_timeout": _positive(),
        "retries": _number(0, integer=True),
        "backoff": _number(0),
        "max_backoff": _number(0),
        "max_wait": _number(0),
        "rate_retries": _number(0, integer=True),
        "max_failures": _positive(integer=True),
        "max_chars_per_run": _number(0, integer=True),
    },
    "site": {"base_url": _url, "title": _text, "title_zh": _text},
    "publish": {"policy": _policy, "min_approved": _number(0, 1)},
}
TABLES_OF_TABLES = ("engines",)  # [engines.NAME]: each engine checks its own keys


def check_config(data: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Every problem (``key: reason``) and every unknown key in a parsed ``i18npub.toml``."""
    problems: list[str] = []
    unknown: list[str] = []
    for section, table in data.items():
        if section in TABLES_OF_TABLES:
            if not isinstance(table, dict):
                problems.append(f"{section}: must be a table ([{section}.NAME])")
                continue
            problems += [
                f"{section}.{name}: must be a table ([{section}.{name}])"
                for name, value in table.items()
                if not isinstance(value, dict)
            ]
            continue
        checks = SCHEMA.get(section)
        if checks is None:
            unknown.append(section)
        elif not isinstance(table, dict):
            problems.append(f"{section}: must be a table ([{section}]), not {type(table).__name__}")
        else:
            for key, value in table.items():
                check = checks.get(key)
                if check is None:
                    unknown.append(f"{section}.{key}")
                elif problem := check(value):
                    problems.append(f"{section}.{key}: {problem}")
    return problems, unknown


def _outside(root: Path, data: dict[str, Any]) -> list[str]:
    """Configured folders that resolve (through symlinks) outside the project."""
    problems = []
    base = root.resolve()
    paths = data.get("paths", {})
    translate = data.get("translate", {})
    named = {f"paths.{key}": paths.get(key, key) for key in PATH_KEYS}
    named["translate.glossary"] = translate.get("glossary", "glossary.csv")
    for key, value in named.items():
        try:
            resolved = (base / value).resolve()
        except (OSError, RuntimeError) as error:  # a symlink loop
            problems.append(f"{key}: cannot resolve {value!r}: {error}")
            continue
        if resolved != base and base not in resolved.parents:
            problems.append(f"{key}: {value!r} leads outside the project (to {resolved})")
    return problems


@dataclass(frozen=True)
class PublishSettings:
    """``[site]`` and ``[publish]`` in ``i18npub.toml``."""

    policy: str = "mark-machine"
    min_approved: float = 0.5
    base_url: str = ""
    title: str = "i18npub"
    title_zh: str = ""
    language: str = "zh_CN"  # the catalog behind the Chinese view

    @classmethod
    def from_tables(
        cls, site: dict[str, Any], publish: dict[str, Any], title: str, languages: tuple[str, ...]
    ) -> PublishSettings:
        """From ``[site]`` and ``[publish]`` as :func:`check_config` passed them."""
        base_url = str(site.get("base_url", ""))
        chinese = [lang for lang in languages if lang.lower().startswith("zh")]
        return cls(
            policy=publish.get("policy", cls.policy),
            min_approved=float(publish.get("min_approved", cls.min_approved)),
            base_url=base_url.rstrip("/") + "/" if base_url else "",
            title=str(site.get("title", title)),
            title_zh=str(site.get("title_zh", "")),
            language=(chinese or list(languages) or ["zh_CN"])[0],
        )

    @property
    def lang_tag(self) -> str:
        """The BCP 47 tag of the Chinese view (``zh-Hans`` for ``zh_CN``)."""
        return language_tag(self.language)


@lru_cache(maxsize=64)
def language_tag(language: str) -> str:
    """A catalog language (``zh_CN``) as an HTML ``lang`` / ``hreflang`` tag (``zh-Hans``)."""
    parts = language.replace("-", "_").split("_")
    if parts[0].lower() == "zh":
        traditional = {"tw", "hk", "mo", "hant"} & {p.lower() for p in parts[1:]}
        return "zh-Hant" if traditional else "zh-Hans"
    return "-".join(parts)


@dataclass(frozen=True)
class TranslateSettings:
    """``[translate]`` (the run's options and the defaults every engine inherits) and
    ``[engines.NAME]`` (each engine's own table), as :func:`check_config` passed them."""

    options: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def cache(self) -> bool:
        return bool(self.options.get("cache", True))

    @property
    def protect_numbers(self) -> bool:
        return bool(self.options.get("protect_numbers", False))

    @property
    def max_chars_per_run(self) -> int | None:
        limit = self.options.get("max_chars_per_run")
        return None if limit is None else int(limit)

    def engine_table(self, name: str) -> dict[str, Any]:
        return self.tables.get(name, {})

    def fingerprint(self) -> str:
        """Both tables as canonical JSON: what a cached translation depends on."""
        data = {"translate": self.options, "engines": self.tables}
        return json.dumps(data, sort_keys=True, default=str)


@dataclass(frozen=True)
class Config:
    """The settings of one publication project."""

    title: str = "i18npub"
    source_language: str = "en"
    target_languages: tuple[str, ...] = ("zh_CN",)
    paths: dict[str, str] = field(default_factory=lambda: {key: key for key in PATH_KEYS})
    max_bytes: int = 10_000_000
    fetch_timeout: float = 15.0
    engines: tuple[str, ...] = ("memory",)  # the machine translation chain
    glossary: str = "glossary.csv"
    translate: TranslateSettings = field(default_factory=TranslateSettings)
    publish: PublishSettings = field(default_factory=PublishSettings)
    warnings: tuple[str, ...] = ()  # unknown keys: said, not refused

    @classmethod
    def load(cls, path: Path) -> Config:
        """Read and check the whole file; ConfigError lists every problem, one per line."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"{path}: cannot read: {error}") from error
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path}: {error}") from error
        return cls.from_dict(data, path, root=path.parent)

    @classmethod
    def from_dict(
        cls, data: dict[str, Any], path: Path | str = CONFIG_NAME, root: Path | None = None
    ) -> Config:
        problems, unknown = check_config(data)
        if not problems and root is not None:
            problems = _outside(root, data)
        if problems:
            raise ConfigError("\n".join(f"{path}: {problem}" for problem in problems))
        project = data.get("project", {})
        ingest = data.get("ingest", {})
        translate = data.get("translate", {})
        defaults = cls()
        title = project.get("title", defaults.title)
        languages = tuple(project.get("target_languages", defaults.target_languages))
        return cls(
            title=title,
            source_language=project.get("source_language", defaults.source_language),
            target_languages=languages,
            paths={**defaults.paths, **data.get("paths", {})},
            max_bytes=ingest.get("max_bytes", defaults.max_bytes),
            fetch_timeout=float(ingest.get("fetch_timeout", defaults.fetch_timeout)),
            engines=tuple(translate.get("engines", defaults.engines)),
            glossary=translate.get("glossary", defaults.glossary),
            translate=TranslateSettings(translate, data.get("engines", {})),
            publish=PublishSettings.from_tables(
                data.get("site", {}), data.get("publish", {}), title, languages
            ),
            warnings=tuple(f"{path}: unknown key {key!r} (ignored)" for key in unknown),
        )
