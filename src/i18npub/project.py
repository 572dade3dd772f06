"""A publication project: a folder with ``i18npub.toml``, articles, catalogs and a site."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from i18npub.article import Article, numbered_slug, slugify, validate_slug
from i18npub.catalog import (
    CatalogError,
    CatalogStats,
    CatalogUpdate,
    catalog_stats,
    merge_template,
    read_catalog,
    update_catalog,
    update_catalogs,
    write_template,
)
from i18npub.config import CONFIG_NAME, DEFAULT_CONFIG, Config
from i18npub.errors import I18npubError
from i18npub.fsutil import (
    STATE_DIR,
    FileState,
    LockTimeout,
    atomic_write_text,
    ensure_inside,
    file_state,
    locked,
    restore_orphans,
    settled,
)
from i18npub.in_step import CatalogReading, DriftCache, drift_message
from i18npub.ingest import (
    Draft,
    IngestError,
    SourceDocument,
    draft_to_article,
    iter_sources,
    load_source,
    parse_document,
    read_draft,
)
from i18npub.layout import Layout
from i18npub.lookup import sentence_count
from i18npub.source_index import SOURCE_INDEX, SourceRecord, load_index, save_index

_log = logging.getLogger("i18npub")

if TYPE_CHECKING:
    from concurrent.futures import Future

    from i18npub.glossary import Glossary
    from i18npub.po import POFile
    from i18npub.qa import Finding
    from i18npub.site import BuildReport
    from i18npub.translate import Awaiting, TranslateReport, Translator


PARALLEL_MIN = 32  # sources from which workers parse (a pool: 10 ms; a source: 1.4 ms)
PARALLEL_WORKERS = 2
PARALLEL_AHEAD = 32  # sources parsed ahead of the writing at most (their memory)
INGEST_LOCK = "ingest.lock"  # in the state folder: held while a source gets its article
DRIFT_CACHE = "in-step.json"  # in the state folder: catalogs found in step with their template
Progress = Callable[[str, int, int], None]
"""Called as ``progress(step, done, total)`` after each unit of work."""


class ProjectError(I18npubError):
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
    retryable: bool = False  # an error the same call may not repeat (a timeout, HTTP 503)


class Project:
    """Open with ``Project.open(path)``; see ``ingest`` and ``status``."""

    def __init__(self, root: Path, config: Config) -> None:
        self.root = root.resolve()
        self.config = config
        self._glossary: Glossary | None = None
        self._translator: Translator | None = None
        self.layout = Layout(self.root, config.paths)
        self._slug_numbers: dict[str, int] = {}  # wanted slug -> next number to try
        self._damaged: set[str] = set()  # slugs whose article file cannot be read
        self._rebuilt: dict[str, str] = {}  # source -> slug of its damaged article
        self.warnings: list[str] = []  # skipped files and the like, each said once
        self._drift_cache: DriftCache | None = None

    @classmethod
    def open(cls, path: str | Path = ".") -> Project:
        root = Path(path)
        config_path = root / CONFIG_NAME
        if not config_path.is_file():
            raise ProjectError(
                f"{root}: not an i18npub project (no {CONFIG_NAME}; run `i18npub init`)"
            )
        project = cls(root, Config.load(config_path))
        for warning in project.config.warnings:
            project.warn(warning)
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
        return self.layout.folder(key)

    # Articles -----------------------------------------------------------------

    def article_path(self, slug: str) -> Path:
        return self.layout.article_path(slug)

    def template_path(self, slug: str) -> Path:
        return self.layout.template_path(slug)

    def catalog_path(self, slug: str, language: str) -> Path:
        return self.layout.catalog_path(slug, language)

    def slugs(self) -> list[str]:
        """The articles' slugs; other ``*.json`` files (``._story.json``) are named and skipped."""
        return self.layout.slugs(self.warn)

    def load_article(self, slug: str) -> Article:
        path = self.article_path(slug)
        try:
            article = Article.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            detail = " ".join(str(error).split())[:200]
            raise ProjectError(f"{self._display(path)}: cannot load article: {detail}") from error
        if article.slug != slug:
            raise ProjectError(f"{self._display(path)}: cannot load article: slug mismatch")
        return article

    def articles(self) -> Iterator[Article]:
        """Every readable article; a damaged file is named once and skipped (ingest rebuilds it)."""
        for slug in self.slugs():
            try:
                yield self.load_article(slug)
            except ProjectError as error:
                self._damaged.add(slug)
                self.warn(f"{error}; skipped (ingest its source again to rebuild it)")

    def warn(self, message: str) -> None:
        """Say ``message`` once (on stderr through logging) and keep it in ``warnings``."""
        if message not in self.warnings:
            self.warnings.append(message)
            _log.warning("warning: %s", message)

    def save_article(self, article: Article) -> None:
        text = json.dumps(article.to_dict(), ensure_ascii=False, indent=1) + "\n"
        atomic_write_text(self.article_path(article.slug), text)  # fsynced: it marks done

    # Ingest -------------------------------------------------------------------

    def ingest(
        self, sources: Iterable[str | Path], progress: Progress | None = None
    ) -> list[IngestResult]:
        """Ingest files, folders and URLs; one result per source, errors included.

        ``progress(step, done, total)`` is called after each source, if given. Other
        processes may ingest into the project at the same time: choosing a slug and
        writing the article happen under the project's ingest lock, after reading the
        articles those processes wrote, so each source gets one article.
        """
        index = self._source_index()
        self._rebuilt = {self._template_source(slug): slug for slug in self._damaged}
        results: list[IngestResult] = []
        items = [item for source in sources for item in self._expand(str(source), results)]
        parallel = len(items) >= PARALLEL_MIN and _can_fork()
        each = self._ingest_parallel(items, index) if parallel else self._ingest_each(items, index)
        for done, result in enumerate(each, 1):
            results.append(result)
            if progress:
                progress("ingest", done, len(items))
        self._save_drift_cache()
        if index.dirty:
            save_index(self.layout.state / SOURCE_INDEX, list(index.known.values()))
        return results

    def _ingest_each(self, items: list[str], index: _SourceIndex) -> Iterator[IngestResult]:
        for item in items:
            yield self._ingest_one(item, index)

    def known_sources(self) -> dict[str, Article]:
        """The ingested articles by source label (labels stored by older versions renamed)."""
        return {self._stored_label(article.source): article for article in self.articles()}

    def _source_index(self) -> _SourceIndex:
        """Every readable article's record by source label: from the source index while the
        article file is as recorded there, else read from the file (a damaged one is named
        once and skipped, as by :meth:`articles`)."""
        stored = load_index(self.layout.state / SOURCE_INDEX)
        known: dict[str, SourceRecord] = {}
        slugs = self.slugs()
        dirty = set(stored) != set(slugs)
        for slug in slugs:
            state = file_state(self.article_path(slug))  # before reading: a later write shows
            record = stored.get(slug)
            if record is None or state is None or record.article != state:
                record, dirty = self._read_record(slug, state, record), True
            if record is not None:
                known[self._stored_label(record.source)] = record
        index = _SourceIndex(known, {record.slug for record in known.values()})
        index.dirty = dirty
        return index

    def _read_record(
        self, slug: str, state: FileState | None, old: SourceRecord | None
    ) -> SourceRecord | None:
        try:
            article = self.load_article(slug)
        except ProjectError as error:
            self._damaged.add(slug)
            self.warn(f"{error}; skipped (ingest its source again to rebuild it)")
            return None
        kept = old.source_state if old and old.source_hash == article.source_hash else None
        return _record(article, state, kept)

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
        absolute, root = os.path.abspath(source), str(self.root)
        if absolute.startswith(root + os.sep):  # the usual case, without pathlib's cost
            return Path(absolute[len(root) + 1 :]).as_posix()
        path = Path(absolute)
        for resolve in (False, True):  # the root is resolved; the path maybe not
            try:
                return (path.resolve() if resolve else path).relative_to(self.root).as_posix()
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

    def plan_ingest(self, sources: Iterable[str]) -> list[IngestResult]:
        """What ``ingest`` would do with each source (``would create``, ``would update``,
        ``unchanged``, ``error``), writing nothing: the same reading, parsing and slug choice;
        a URL is not fetched (``would fetch``)."""
        index = self._source_index()
        return [self._plan_one(str(source), index) for source in sources]

    def _plan_one(self, source: str, index: _SourceIndex) -> IngestResult:
        label = self.source_label(source)
        previous = index.known.get(label)
        if source.lower().startswith(("http://", "https://")):
            return IngestResult(label, "would fetch", previous.slug if previous else "")
        try:
            read = self._read_source(source, label, index, timeout=0)
            if isinstance(read, IngestResult):
                return read
            article = self._article_from(read[0], read[1], previous, index.taken)
        except IngestError as error:
            return IngestResult(label, "error", message=str(error), retryable=error.retryable)
        index.taken.add(article.slug)
        action = "would update" if previous else "would create"
        return IngestResult(label, action, article.slug, sentence_count(article))

    def _read_source(
        self, source: str, label: str, index: _SourceIndex, timeout: float
    ) -> IngestResult | tuple[Draft, SourceDocument, FileState | None]:
        """Load and parse ``source`` (slow: outside the ingest lock), or say it is unchanged."""
        loaded = self._load_source(source, label, index, timeout)
        if isinstance(loaded, IngestResult):
            return loaded
        document, state = loaded
        return read_draft(document, self.config.source_language), document, state

    def _load_source(
        self, source: str, label: str, index: _SourceIndex, timeout: float
    ) -> IngestResult | tuple[SourceDocument, FileState | None]:
        """Load ``source``, or say it is unchanged: a source whose file state is the one
        recorded with its article's hash is not even read. With the document comes the
        file's state if it may be recorded with the document's digest (see ``settled``)."""
        previous = index.known.get(label)
        url = source.lower().startswith(("http://", "https://"))
        state = None if url else file_state(source)  # before reading: a later write shows
        if previous and state and state == previous.source_state and self._current(previous, label):
            return IngestResult(label, "unchanged", previous.slug, previous.segments)
        state = settled(state)  # (as of this stat) what may be recorded with the digest
        document = load_source(source, self.config.max_bytes, timeout, label)
        if previous and self.is_unchanged(previous, document, label):
            if state and previous.source_state != state:
                previous.source_state, index.dirty = state, True  # a stat will do next time
            return IngestResult(label, "unchanged", previous.slug, previous.segments)
        return document, state

    def _ingest_one(self, source: str, index: _SourceIndex) -> IngestResult:
        label = self.source_label(source)
        try:
            read = self._read_source(source, label, index, self.config.fetch_timeout)
        except IngestError as error:
            return IngestResult(label, "error", message=str(error), retryable=error.retryable)
        if isinstance(read, IngestResult):
            return read
        return self._store(label, *read, index)

    def _ingest_parallel(self, items: list[str], index: _SourceIndex) -> Iterator[IngestResult]:
        """``_ingest_one`` for each item, with the parsing and splitting done ahead by worker
        processes; loading, slug choice and writing stay here, in order, under the lock."""
        import multiprocessing
        from collections import deque
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork")  # (only when no other thread runs)
        queue: deque[tuple[str, IngestResult | Future[Any], SourceDocument | None, Any]]
        queue = deque()
        pool = ProcessPoolExecutor(PARALLEL_WORKERS, mp_context=context)
        try:
            for item in items:
                label = self.source_label(item)
                try:
                    loaded = self._load_source(item, label, index, self.config.fetch_timeout)
                except IngestError as error:
                    loaded = IngestResult(label, "error", message=str(error))
                    loaded.retryable = error.retryable
                if isinstance(loaded, IngestResult):
                    queue.append((label, loaded, None, None))
                else:
                    language = self.config.source_language
                    parsed = pool.submit(parse_document, loaded[0], language)
                    queue.append((label, parsed, *loaded))
                while queue and (len(queue) > PARALLEL_AHEAD or _ready(queue[0][1])):
                    yield self._store_parsed(*queue.popleft(), index)
            while queue:
                yield self._store_parsed(*queue.popleft(), index)
        finally:  # (an interrupt: drop the sources not parsed yet)
            pool.shutdown(wait=True, cancel_futures=True)

    def _store_parsed(
        self,
        label: str,
        parsed: IngestResult | Future[Any],
        document: SourceDocument | None,
        state: FileState | None,
        index: _SourceIndex,
    ) -> IngestResult:
        if isinstance(parsed, IngestResult) or document is None:
            return parsed  # type: ignore[return-value]
        try:
            outcome = parsed.result()
        except Exception:  # a worker died (out of memory?): parse it here
            outcome = parse_document(document, self.config.source_language)
        if isinstance(outcome, IngestError):  # (returned: an exception's attributes
            message = str(outcome)  # do not all survive pickling when raised)
            return IngestResult(label, "error", message=message, retryable=outcome.retryable)
        draft, article = outcome
        return self._store(label, draft, document, state, index, article)

    def _store(
        self,
        label: str,
        draft: Draft,
        document: SourceDocument,
        state: FileState | None,
        index: _SourceIndex,
        split: Article | None = None,
    ) -> IngestResult:
        """Choose the slug and write the article and its catalogs, under the ingest lock."""
        try:
            with self._ingest_lock(index):
                previous = index.known.get(label)  # another process may have ingested it
                if previous and self.is_unchanged(previous, document, label):
                    return IngestResult(label, "unchanged", previous.slug, previous.segments)
                article = self._article_from(draft, document, previous, index.taken, split)
                try:
                    updates = self._write(article)
                except OSError as error:  # a full disk, a read-only folder: this source only
                    return IngestResult(label, "error", message=f"{label}: {write_error(error)}")
                saved = not any(update.error for update in updates)
                article_state = file_state(self.article_path(article.slug)) if saved else None
                index.add(_record(article, article_state, state))
        except (IngestError, LockTimeout) as error:
            return IngestResult(label, "error", message=str(error), retryable=error.retryable)
        rebuilt = article.slug in self._rebuilt.values()  # over its damaged article file
        action = "updated" if previous or rebuilt else "created"
        result = IngestResult(label, action, article.slug, sentence_count(article))
        result.catalogs = {u.path.parent.parent.name: u.report.as_dict() for u in updates}
        errors = [u.error for u in updates if u.error]
        if errors:
            result.action, result.message = "error", "; ".join(errors)
        return result

    def is_unchanged(
        self, article: Article | SourceRecord, document: SourceDocument, label: str
    ) -> bool:
        """True if ingesting ``document`` (as ``label``) would leave ``article`` as it is:
        same source, stored under the same label, template and catalogs in step."""
        return article.source_hash.endswith(document.digest) and self._current(article, label)

    def _current(self, article: Article | SourceRecord, label: str) -> bool:
        """Stored under ``label`` (else re-save: an older version stored ../..), by this
        version of ingest, with its template and catalogs in step."""
        return article.source == label and self._complete(article)

    @contextlib.contextmanager
    def _ingest_lock(self, index: _SourceIndex) -> Iterator[None]:
        """Hold the project's ingest lock, with ``index`` brought up to date first.

        The lock file holds a token that every writer renews: when it is the one
        ``index`` last saw, no other process has ingested since, and nothing is read.
        """
        with locked(self.root / STATE_DIR / INGEST_LOCK) as fd:
            token = os.pread(fd, 64, 0)
            if index.token is None or token != index.token:
                for slug in sorted(set(self.slugs()) - index.seen):
                    state = file_state(self.article_path(slug))
                    with contextlib.suppress(ProjectError):  # being rewritten: not one of ours
                        index.add(_record(self.load_article(slug), state))
            index.changed = False
            yield
            if index.changed:  # tell the others: an article was written
                token = secrets.token_hex(8).encode("ascii")
                os.pwrite(fd, token, 0)
                os.ftruncate(fd, len(token))
            index.token, index.changed = token, False

    def _complete(self, article: Article | SourceRecord) -> bool:
        """True if the article's template and catalogs exist, in step with each other."""
        from i18npub.ingest import INGEST_VERSION

        template = self.template_path(article.slug)
        catalogs = [
            self.catalog_path(article.slug, language) for language in self.config.target_languages
        ]
        return article.source_hash.startswith(f"{INGEST_VERSION}:") and self._in_step(
            template, catalogs
        )

    def _template_source(self, slug: str) -> str:
        """The source a template names (``# Source:``), to rebuild a damaged article."""
        try:
            with self.template_path(slug).open(encoding="utf-8", errors="replace") as handle:
                head = handle.read(4096)
        except OSError:
            return ""
        match = re.search(r"^# Source: (.+)$", head, re.M)
        return match.group(1).strip() if match else ""

    def _template(self, slug: str) -> POFile | None:
        try:
            return read_catalog(self.template_path(slug))
        except (OSError, CatalogError):
            return None

    def _in_step(self, template: Path, catalogs: list[Path]) -> bool:
        """True if every catalog exists and holds exactly the template's sentences."""
        cache = self._drift_cache_for()
        try:
            return not any(any(cache.drift(path, template)) for path in catalogs)
        except (OSError, CatalogError):  # missing (merging creates it) or broken (reported)
            return False

    def _drift(self, slug: str, language: str, catalog: POFile | None = None) -> tuple[int, int]:
        """``template_drift`` of one catalog, through the cache of files found in step."""
        path, template = self.catalog_path(slug, language), self.template_path(slug)
        return self._drift_cache_for().drift(path, template, catalog)

    def _drift_cache_for(self) -> DriftCache:
        if self._drift_cache is None:
            self._drift_cache = DriftCache(self.root / STATE_DIR / DRIFT_CACHE, self.root)
        return self._drift_cache

    def _save_drift_cache(self) -> None:
        if self._drift_cache is not None:
            self._drift_cache.save()

    def merge_stale(self, slugs: Iterable[str], languages: Iterable[str]) -> list[CatalogUpdate]:
        """Merge again the catalogs out of step with their template (see ``template_drift``)."""
        updates, languages = [], list(languages)
        for slug in slugs:
            for language in languages:
                try:
                    stale = any(self._drift(slug, language))
                except (OSError, CatalogError):
                    continue  # missing or broken: reported by the command itself
                template = self._template(slug) if stale else None
                if template is not None:
                    title = template.metadata().get("Project-Id-Version", slug)
                    path = self.catalog_path(slug, language)
                    try:
                        updates.append(update_catalog(path, template, language, title))
                    except OSError:  # full disk, read-only folder: translate reports it
                        continue
        self._save_drift_cache()
        return updates

    def _article_from(
        self,
        draft: Draft,
        document: SourceDocument,
        previous: SourceRecord | None,
        taken: set[str],
        split: Article | None = None,
    ) -> Article:
        """The article of ``draft`` under its slug (``split``: the draft already split into
        sentences, under no slug yet)."""
        damaged = self._rebuilt.get(draft.url or document.source)
        if previous:
            slug = previous.slug
        elif damaged and damaged not in taken:  # its article file was damaged: same slug
            slug = damaged
            self._damaged.discard(slug)
        else:
            try:
                wanted = validate_slug(draft.slug) if draft.slug else slugify(draft.title)
            except ValueError as error:
                raise IngestError(f"{document.source}: {error}") from error
            slug = self._free_slug(wanted, taken)
        if split is not None:
            split.slug = slug
            return split
        return draft_to_article(draft, slug, document.source, document.digest)

    def _free_slug(self, wanted: str, taken: set[str]) -> str:
        """``wanted``, or its first free numbered variant (numbers only grow within a run)."""
        slug = wanted
        number = self._slug_numbers.get(wanted, 2)
        while slug in taken or self.article_path(slug).exists():
            slug = numbered_slug(wanted, number)
            number += 1
        self._slug_numbers[wanted] = number
        return slug

    def _write(self, article: Article) -> list[CatalogUpdate]:
        """Write the template, merge the catalogs, then save the article (last: it marks done)."""
        template = write_template(self.layout, article, self.glossary())
        updates = update_catalogs(self.layout, self.config.target_languages, article, template)
        if not any(update.error for update in updates):
            self.save_article(article)
        for update in updates:  # merged from the template: in step, no need to parse it again
            if update.data is not None:
                self._drift_cache_for().record(
                    update.path, self.template_path(article.slug), update.data, template
                )
        return updates

    # Status -------------------------------------------------------------------

    def status(self) -> dict[str, object]:
        """Per article and in total: segments and translation states per language."""
        from i18npub.translate import Awaiting

        waiting = Awaiting.load(self.layout.state)
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
                # distinct sentences, as in the catalogs and the pages' notice
                "segments": len({segment.text for _, _, segment in article.segments()}),
                "languages": {},
            }
            for language in self.config.target_languages:
                row["languages"][language] = self._catalog_status(  # type: ignore[index]
                    article.slug, language, totals, waiting
                )
            row["machine_translation"] = waiting.article(article.slug)
            rows.append(row)
        self._save_drift_cache()
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
        try:
            catalog = read_catalog(path)
        except FileNotFoundError:  # not merely moved aside by a writer: read_catalog waits
            return {"error": f"{path}: missing (run `i18npub ingest` again)"}
        except CatalogError as error:
            return {"error": str(error)}
        try:
            missing, extra = self._drift(slug, language, catalog)
        except (OSError, CatalogError):  # no readable template: nothing to compare with
            missing = extra = 0
        template = self._template(slug) if missing or extra else None
        if template is not None:  # count what readers see: the missing sentences in English
            merge_template(catalog, template)
        stats = catalog_stats(catalog)
        totals[language].add(stats)
        if waiting is not None:
            waiting.add(language, slug, catalog)
        if missing or extra:
            return {
                **stats.as_dict(),
                "missing": missing,
                "warning": f"{self._display(path)}: {drift_message(missing, extra)}",
            }
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

    def translator(self) -> Translator:
        """The project's machine translator (one per project: engines and their cooldowns are
        shared by every call)."""
        if self._translator is None:
            from i18npub.translate import Translator

            self._translator = Translator(self.layout, self.config, self.glossary, warn=self.warn)
        return self._translator

    def translate(
        self,
        engines: Iterable[str] | None = None,
        slugs: Iterable[str] | None = None,
        languages: Iterable[str] | None = None,
        **options: Any,
    ) -> TranslateReport:
        """Machine-translate untranslated sentences through ``engines`` (default: the chain).

        Only untranslated entries are filled (fuzzy, with provenance); an engine's failure
        leaves its sentences waiting, with the reason shown by ``status``. ``options``
        (``max_chars``, ``budget``, ``retry_rejected``): see ``Translator.translate``.
        """
        from i18npub.translate import TranslateError

        translator = self.translator()
        slugs, languages = list(slugs or ()), list(languages or ())
        known, targets = self.slugs(), self.config.target_languages
        self.merge_stale(  # a catalog saved from an old buffer gets its sentences back first
            [s for s in slugs if s in known] if slugs else known,
            [lang for lang in languages if lang in targets] if languages else list(targets),
        )
        try:
            return translator.translate(
                list(engines) if engines else None,
                list(slugs) if slugs else None,
                list(languages) if languages else None,
                **options,
            )
        except TranslateError as error:
            raise ProjectError(str(error)) from error
        except (OSError, sqlite3.Error) as error:  # the state file or the cache on a full disk
            raise ProjectError(f"translate: {write_error(error)}") from error

    # Publishing ----------------------------------------------------------------

    def build(self, out: str | Path | None = None) -> BuildReport:
        """Render the site into ``out`` (default: the ``site`` folder); see ``i18npub.site``."""
        from i18npub.site import build_site

        report = build_site(self.layout, self.config.publish, out)
        self._offer_catalogs_read(report.catalogs_read)
        return report

    def _offer_catalogs_read(self, reads: dict[str, CatalogReading]) -> None:
        """Catalogs the build parsed and found in step need no parsing by the next ingest."""
        folder = self.layout.catalog_folder(self.config.publish.language)
        cache = self._drift_cache_for()
        for path, read in reads.items():
            catalog = Path(path)
            if catalog.parent == folder and catalog.suffix == ".po":
                cache.offer(catalog, self.template_path(catalog.stem), read)
        self._save_drift_cache()

    # Quality checks ------------------------------------------------------------

    def check(self, slugs: list[str] | None = None) -> list[Finding]:
        """QA findings over the catalogs of ``slugs`` (default: every article)."""
        from i18npub.qa import Finding, check_catalog  # its patterns take 30 ms to compile

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
                try:
                    drift = self._drift(slug, language, catalog)
                except (OSError, CatalogError):
                    drift = (0, 0)
                if any(drift):
                    findings.append(
                        Finding(label, 0, "", "template", "error", drift_message(*drift))
                    )
                findings += check_catalog(catalog, label, language, self.glossary())
        self._save_drift_cache()
        return findings

    def _display(self, path: Path) -> str:
        return self.layout.display(path)


@dataclass
class _SourceIndex:
    """What one ingest call knows: articles by source, slugs taken, article files read."""

    known: dict[str, SourceRecord]
    taken: set[str]
    seen: set[str] = field(default_factory=set)
    token: bytes | None = None  # the ingest lock's token when ``known`` was last in step
    changed: bool = False  # this process wrote an article since
    dirty: bool = False  # ``known`` differs from the source index on disk

    def __post_init__(self) -> None:
        self.seen |= self.taken

    def add(self, record: SourceRecord) -> None:
        self.known[record.source] = record
        self.taken.add(record.slug)
        self.seen.add(record.slug)
        self.changed = self.dirty = True


def _record(
    article: Article, state: FileState | None, source_state: FileState | None = None
) -> SourceRecord:
    segments = sentence_count(article)
    return SourceRecord(
        article.slug, article.source, article.source_hash, segments, state, source_state
    )


def _can_fork() -> bool:
    """True where ingest may parse in forked worker processes: two cores or more, and
    forking safe (see ``i18npub.forking``)."""
    from i18npub.forking import cores, fork_context

    return cores() > 1 and fork_context() is not None


def _ready(parsed: IngestResult | Future[Any]) -> bool:
    return isinstance(parsed, IngestResult) or parsed.done()


def _error_finding(label: str, message: str) -> Finding:
    from i18npub.qa import Finding

    match = re.match(r"^.*?:(\d+): (.*)$", message)
    line, text = (int(match.group(1)), match.group(2)) if match else (0, message)
    return Finding(label, line, "", "syntax", "error", text)


def write_error(error: OSError | sqlite3.Error) -> str:
    """``cannot write <folder>: No space left on device`` (temp file names left out)."""
    reason = getattr(error, "strerror", None) or " ".join(str(error).split())
    name = getattr(error, "filename", None)
    return f"cannot write {Path(name).parent}: {reason}" if name else f"cannot write: {reason}"


def result_dict(result: IngestResult) -> dict[str, object]:
    return asdict(result)
