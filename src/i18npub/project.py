"""A publication project: a folder with ``i18npub.toml``, articles, catalogs and a site."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from i18npub.article import Article, slugify, validate_slug
from i18npub.catalog import (
    CatalogError,
    CatalogStats,
    CatalogUpdate,
    catalog_stats,
    read_catalog,
    update_catalogs,
    write_template,
)
from i18npub.config import CONFIG_NAME, DEFAULT_CONFIG, Config
from i18npub.fsutil import atomic_write_text, ensure_inside, restore_orphans
from i18npub.ingest import (
    IngestError,
    SourceDocument,
    draft_to_article,
    iter_sources,
    load_source,
    read_draft,
)
from i18npub.qa import Finding, check_catalog

if TYPE_CHECKING:
    from i18npub.glossary import Glossary
    from i18npub.pipeline import Progress
    from i18npub.render import BuildReport
    from i18npub.translate import Awaiting, TranslateReport, Translator


STATE_DIR = ".i18npub"  # run state and caches: not committed


class ProjectError(Exception):
    """The folder is not a usable project."""


@dataclass
class IngestResult:
    """What ingest did with one source."""

    source: str
    action: str  # created | updated | unchanged | error
    slug: str = ""
    segments: int = 0
    message: str = ""
    catalogs: dict[str, dict[str, int | bool]] = field(default_factory=dict)


class Project:
    """Open with ``Project.open(path)``; see ``ingest`` and ``status``."""

    def __init__(self, root: Path, config: Config) -> None:
        self.root = root.resolve()
        self.config = config
        self._glossary: Glossary | None = None
        self._translator: Translator | None = None
        self._paths: dict[str, Path] = {}

    @classmethod
    def open(cls, path: str | Path = ".") -> Project:
        root = Path(path)
        config_path = root / CONFIG_NAME
        if not config_path.is_file():
            raise ProjectError(
                f"{root}: not an i18npub project (no {CONFIG_NAME}; run `i18npub init`)"
            )
        project = cls(root, Config.load(config_path))
        project.glossary()  # a broken glossary is reported like a broken i18npub.toml
        for language in project.config.target_languages:  # after a writer was killed
            restore_orphans(project.path("locales") / language / "LC_MESSAGES")
        return project

    @classmethod
    def init(cls, path: str | Path, title: str = "") -> Project:
        """Create a project folder with a default configuration (never overwrites one)."""
        root = Path(path)
        config_path = root / CONFIG_NAME
        if config_path.exists():
            raise ProjectError(f"{config_path}: already exists")
        root.mkdir(parents=True, exist_ok=True)
        title = title or root.resolve().name
        atomic_write_text(config_path, DEFAULT_CONFIG.format(title=title.replace('"', "'")))
        project = cls.open(root)
        for key in ("content", "articles", "locales"):
            project.path(key).mkdir(parents=True, exist_ok=True)
        return project

    def write_gitignore(self) -> None:
        """Keep the built site and the run state out of git (add to a .gitignore, never drop)."""
        path = self.root / ".gitignore"
        wanted = [f"{self.config.paths['site'].strip('/')}/", f"{STATE_DIR}/"]
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        have = {line.strip() for line in text.splitlines()}
        missing = [line for line in wanted if line not in have and f"/{line}" not in have]
        if missing:
            prefix = text if not text or text.endswith("\n") else text + "\n"
            atomic_write_text(path, prefix + "\n".join(missing) + "\n")

    def path(self, key: str) -> Path:
        """A configured project folder (``content``, ``articles``, ``locales``, ``site``…)."""
        if key not in self._paths:  # resolved once: ensure_inside costs syscalls per component
            self._paths[key] = ensure_inside(self.root, Path(self.config.paths[key]))
        return self._paths[key]

    # Articles -----------------------------------------------------------------

    def article_path(self, slug: str) -> Path:
        return self.path("articles") / f"{validate_slug(slug)}.json"

    def template_path(self, slug: str) -> Path:
        return self.path("locales") / "templates" / f"{validate_slug(slug)}.pot"

    def catalog_path(self, slug: str, language: str) -> Path:
        if not re.fullmatch(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*", language):
            raise ProjectError(f"invalid language code {language!r}")
        return self.path("locales") / language / "LC_MESSAGES" / f"{validate_slug(slug)}.po"

    def slugs(self) -> list[str]:
        folder = self.path("articles")
        return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []

    def load_article(self, slug: str) -> Article:
        path = self.article_path(slug)
        try:
            return Article.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError) as error:
            raise ProjectError(f"{path}: cannot load article: {error}") from error

    def articles(self) -> Iterator[Article]:
        for slug in self.slugs():
            yield self.load_article(slug)

    def save_article(self, article: Article) -> None:
        text = json.dumps(article.to_dict(), ensure_ascii=False, indent=1) + "\n"
        atomic_write_text(self.article_path(article.slug), text, durable=False)

    # Ingest -------------------------------------------------------------------

    def ingest(
        self, sources: Iterable[str | Path], progress: Progress | None = None
    ) -> list[IngestResult]:
        """Ingest files, folders and URLs; one result per source, errors included.

        ``progress(step, done, total)`` is called after each source, if given.
        """
        known = self.known_sources()
        taken = {article.slug for article in known.values()}
        results: list[IngestResult] = []
        items = [item for source in sources for item in self._expand(str(source), results)]
        for done, item in enumerate(items, 1):
            results.append(self._ingest_one(item, known, taken))
            if progress:
                progress("ingest", done, len(items))
        return results

    def known_sources(self) -> dict[str, Article]:
        """The ingested articles by source label (labels stored by older versions renamed)."""
        return {self._stored_label(article.source): article for article in self.articles()}

    def _expand(self, source: str, results: list[IngestResult]) -> Iterator[str]:
        if source.lower().startswith(("http://", "https://")):
            yield source
            return
        path = Path(source)
        if path.is_dir():
            found = list(iter_sources(path))
            if not found:
                results.append(
                    IngestResult(source, "error", message=f"{source}: no sources in folder")
                )
            yield from (str(p) for p in found)
        else:
            yield source

    def source_label(self, source: str) -> str:
        """How a source is shown and remembered: a URL, a path inside the project relative to
        its root (``content/story.md``), or else the absolute path (never ``../..``)."""
        if source.lower().startswith(("http://", "https://")):
            return source
        import os

        path = Path(os.path.abspath(source))
        for candidate in (path, path.resolve()):  # the root is resolved; the path maybe not
            try:
                return candidate.relative_to(self.root).as_posix()
            except ValueError:
                continue
        return path.as_posix()

    def _stored_label(self, label: str) -> str:
        """A label as :meth:`source_label` gives it today (older versions stored ``../..``)."""
        if label.lower().startswith(("http://", "https://")) or Path(label).is_absolute():
            return label
        if ".." not in Path(label).parts:
            return label
        return self.source_label(str(self.root / label))

    def _ingest_one(self, source: str, known: dict[str, Article], taken: set[str]) -> IngestResult:
        label = self.source_label(source)
        try:
            document = load_source(source, self.config.max_bytes, self.config.fetch_timeout, label)
            previous = known.get(label)
            if (
                previous
                and previous.source_hash.endswith(document.digest)
                and previous.source == label  # else re-save: the stored label was ../..
                and self._complete(previous)
            ):
                return IngestResult(label, "unchanged", previous.slug, len(previous.segments()))
            article = self._article_from(document, previous, taken)
        except IngestError as error:
            return IngestResult(label, "error", message=str(error))
        updates = self._write(article)
        known[label] = article
        taken.add(article.slug)
        action = "updated" if previous else "created"
        result = IngestResult(label, action, article.slug, len(article.segments()))
        result.catalogs = {u.path.parent.parent.name: u.report.as_dict() for u in updates}
        errors = [u.error for u in updates if u.error]
        if errors:
            result.action, result.message = "error", "; ".join(errors)
        return result

    def _complete(self, article: Article) -> bool:
        from i18npub.ingest import INGEST_VERSION

        paths = [self.template_path(article.slug)] + [
            self.catalog_path(article.slug, language) for language in self.config.target_languages
        ]
        return article.source_hash.startswith(f"{INGEST_VERSION}:") and all(
            path.is_file() for path in paths
        )

    def _article_from(
        self, document: SourceDocument, previous: Article | None, taken: set[str]
    ) -> Article:
        draft = read_draft(document, self.config.source_language)
        if previous:
            slug = previous.slug
        else:
            try:
                wanted = validate_slug(draft.slug) if draft.slug else slugify(draft.title)
            except ValueError as error:
                raise IngestError(f"{document.source}: {error}") from error
            slug = self._free_slug(wanted, taken)
        return draft_to_article(draft, slug, document.source, document.digest)

    def _free_slug(self, wanted: str, taken: set[str]) -> str:
        slug, number = wanted, 2
        while slug in taken or self.article_path(slug).exists():
            slug = f"{wanted[:55]}-{number}"
            number += 1
        return slug

    def _write(self, article: Article) -> list[CatalogUpdate]:
        """Write the template, merge the catalogs, then save the article (last: it marks done)."""
        template = write_template(self, article)
        updates = update_catalogs(self, article, template)
        if not any(update.error for update in updates):
            self.save_article(article)
        return updates

    # Status -------------------------------------------------------------------

    def status(self) -> dict[str, object]:
        """Per article and in total: segments and translation states per language."""
        from i18npub.translate import Awaiting

        waiting = Awaiting.load(self)
        rows = []
        totals: dict[str, CatalogStats] = {
            lang: CatalogStats() for lang in self.config.target_languages
        }
        for article in self.articles():
            row: dict[str, object] = {
                "slug": article.slug,
                "title": article.title,
                "date": article.date.isoformat() if article.date else None,
                "source": article.source,
                "segments": len(article.segments()),
                "languages": {},
            }
            for language in self.config.target_languages:
                row["languages"][language] = self._catalog_status(  # type: ignore[index]
                    article.slug, language, totals, waiting
                )
            row["machine_translation"] = waiting.article(article.slug)
            rows.append(row)
        return {
            "articles": rows,
            "totals": {
                "articles": len(rows),
                "segments": sum(int(row["segments"]) for row in rows),  # type: ignore[call-overload]
                "languages": {lang: stats.as_dict() for lang, stats in totals.items()},
            },
            "machine_translation": waiting.totals(),
        }

    def _catalog_status(
        self,
        slug: str,
        language: str,
        totals: dict[str, CatalogStats],
        waiting: Awaiting | None = None,
    ) -> dict:
        path = self.catalog_path(slug, language)
        if not path.exists():
            return {"error": f"{path}: missing (run `i18npub ingest` again)"}
        try:
            catalog = read_catalog(path)
        except CatalogError as error:
            return {"error": str(error)}
        stats = catalog_stats(catalog)
        totals[language].add(stats)
        if waiting is not None:
            waiting.add(language, slug, catalog)
        return stats.as_dict()

    # Machine translation ---------------------------------------------------------

    def glossary(self) -> Glossary:
        """The project glossary (``[translate] glossary``; empty if the file is absent)."""
        if self._glossary is None:
            from i18npub.glossary import Glossary, GlossaryError

            try:
                path = ensure_inside(self.root, Path(self.config.glossary))
                self._glossary = Glossary.load(path)
            except (GlossaryError, ValueError) as error:
                raise ProjectError(str(error)) from error
        return self._glossary

    def translate(
        self,
        engines: Iterable[str] | None = None,
        slugs: Iterable[str] | None = None,
        languages: Iterable[str] | None = None,
    ) -> TranslateReport:
        """Machine-translate untranslated sentences through ``engines`` (default: the chain).

        Only untranslated entries are filled (fuzzy, with provenance); an engine's failure
        leaves its sentences waiting, with the reason shown by ``status``.
        """
        from i18npub.translate import TranslateError, Translator

        if self._translator is None:
            self._translator = Translator(self)
        try:
            return self._translator.translate(
                list(engines) if engines else None,
                list(slugs) if slugs else None,
                list(languages) if languages else None,
            )
        except TranslateError as error:
            raise ProjectError(str(error)) from error

    # Publishing ----------------------------------------------------------------

    def build(self, out: str | Path | None = None) -> BuildReport:
        """Render the site into ``out`` (default: the ``site`` folder); see ``i18npub.render``."""
        from i18npub.render import build_site

        return build_site(self, out)

    # Quality checks ------------------------------------------------------------

    def check(self, slugs: list[str] | None = None) -> list[Finding]:
        """QA findings over the catalogs of ``slugs`` (default: every article)."""
        findings: list[Finding] = []
        for slug in slugs or self.slugs():
            for language in self.config.target_languages:
                path = self.catalog_path(slug, language)
                label = self._display(path)
                try:
                    catalog = read_catalog(path)
                except CatalogError as error:
                    findings.append(_error_finding(label, str(error)))
                    continue
                except FileNotFoundError:
                    findings.append(Finding(label, 0, "", "catalog", "error", "missing catalog"))
                    continue
                findings += check_catalog(catalog, label, language, self.glossary())
        return findings

    def _display(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


def _error_finding(label: str, message: str) -> Finding:
    match = re.match(r"^.*?:(\d+): (.*)$", message)
    line, text = (int(match.group(1)), match.group(2)) if match else (0, message)
    return Finding(label, line, "", "syntax", "error", text)


def result_dict(result: IngestResult) -> dict[str, object]:
    return asdict(result)
