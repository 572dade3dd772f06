"""Project configuration: ``i18npub.toml``, with embedded defaults."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
min_approved = 0.5         # below this approved share an article stays out of the Chinese index
"""


class ConfigError(ValueError):
    """An invalid ``i18npub.toml``."""


@dataclass(frozen=True)
class Config:
    """The settings of one publication project."""

    title: str = "i18npub"
    source_language: str = "en"
    target_languages: tuple[str, ...] = ("zh_CN",)
    paths: dict[str, str] = field(
        default_factory=lambda: {
            "content": "content",
            "articles": "articles",
            "locales": "locales",
            "templates": "templates",
            "site": "site",
        }
    )
    max_bytes: int = 10_000_000
    fetch_timeout: float = 15.0
    engines: tuple[str, ...] = ("memory",)  # the machine translation chain
    glossary: str = "glossary.csv"
    raw: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Config:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"{path}: cannot read: {error}") from error
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path}: {error}") from error
        return cls.from_dict(data, path)

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: Path | str = CONFIG_NAME) -> Config:
        project = data.get("project", {})
        ingest = data.get("ingest", {})
        defaults = cls()
        paths = {**defaults.paths, **data.get("paths", {})}
        for key, value in paths.items():
            if (
                not isinstance(value, str)
                or not value
                or Path(value).is_absolute()
                or ".." in Path(value).parts
            ):
                raise ConfigError(f"{path}: paths.{key} must be a relative path inside the project")
        targets = project.get("target_languages", list(defaults.target_languages))
        if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
            raise ConfigError(f"{path}: project.target_languages must be a list of locale names")
        engines, glossary = _translate_settings(data.get("translate", {}), defaults, path)
        return cls(
            title=str(project.get("title", defaults.title)),
            source_language=str(project.get("source_language", defaults.source_language)),
            target_languages=tuple(targets),
            paths=paths,
            max_bytes=int(ingest.get("max_bytes", defaults.max_bytes)),
            fetch_timeout=float(ingest.get("fetch_timeout", defaults.fetch_timeout)),
            engines=engines,
            glossary=glossary,
            raw=data,
        )


def _translate_settings(
    translate: dict[str, Any], defaults: Config, path: Path | str
) -> tuple[tuple[str, ...], str]:
    """The ``[translate]`` engine chain and glossary path, checked."""
    engines = translate.get("engines", list(defaults.engines))
    if not isinstance(engines, list) or not all(isinstance(e, str) and e for e in engines):
        raise ConfigError(f"{path}: translate.engines must be a list of engine names")
    glossary = translate.get("glossary", defaults.glossary)
    if (
        not isinstance(glossary, str)
        or Path(glossary).is_absolute()
        or ".." in Path(glossary).parts
    ):
        raise ConfigError(f"{path}: translate.glossary must be a relative path inside the project")
    budget = translate.get("max_chars_per_run")
    if budget is not None and (
        isinstance(budget, bool) or not isinstance(budget, int) or budget < 0
    ):
        raise ConfigError(f"{path}: translate.max_chars_per_run must be a whole number ≥ 0")
    return tuple(engines), glossary
