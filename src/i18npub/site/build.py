"""Render the site: English, Chinese and bilingual pages, indexes, Atom feeds and a sitemap.

>>> report = i18npub.open(".").build()          # doctest: +SKIP

Layout of the output folder (default ``site/``)::

    index.html                         language choice (JS: remembered choice or browser language)
    en/ zh/ bilingual/index.html       newest first
    en/ zh/ bilingual/<slug>/index.html
    404.html                           bilingual "page not found" (links from the site root)
    en/feed.xml  zh/feed.xml  sitemap.xml  robots.txt   (when ``[site] base_url`` is set)
    static/site.css  static/site.js  static/favicon.svg

Pages come from the built-in theme (``i18npub/theme``); a file of the same name in the
project's ``templates/`` folder replaces a theme file (``article.html``, ``static/site.css``,
``locales/zh_CN/LC_MESSAGES/site.po``…). UI strings are gettext messages (``jinja2.ext.i18n``);
the Chinese UI catalog is compiled in memory, and its text is escaped like all catalog text.

A build is incremental and atomic: every output has a key (a hash of everything it is made
from); a build where nothing changed writes nothing. Otherwise the site is made in a folder
beside the live one, which then replaces it in one step (``renameat2(RENAME_EXCHANGE)``):
the *spare* (:mod:`i18npub.site.output`), the site the last swap replaced, updated in place
(pages it holds with the wanted key kept, others linked from the live site or rendered, the
rest removed), else a new folder into which every unchanged page is hard-linked. Building
into a folder without a previous build reuses pages from the project's ``site/``.

What a build costs follows what changed: an article or catalog whose stat is unchanged since
the last build is not read (:mod:`i18npub.site.inputs`); each article is read, keyed and
published once, its pages rendered and written straight away (no page is kept in memory);
when enough articles need rendering, they are rendered by a pool of processes, one per core
(templates compiled once in each). A replaced site not kept as the spare is renamed to
``.<site>.….old`` and deleted by a background thread
(:func:`i18npub.site.output.wait_for_discards` waits for it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from i18npub._version import __version__
from i18npub.article import Article, validate_slug
from i18npub.config import PublishSettings
from i18npub.file_hashes import FileHashes, content_hash, read_if_present
from i18npub.forking import cores, fork_context
from i18npub.fsutil import package_stamp
from i18npub.in_step import CatalogReading, reading
from i18npub.po import POSyntaxError, parse_po
from i18npub.site.inputs import INDEX_NAME, NO_CATALOG, Source
from i18npub.site.output import (
    MANIFEST_NAME,
    BuildError,
    TreeScan,
    current_umask,
    discard_later,
    discard_stale,
    discarding,
    keep_as_spare,
    link_or_copy,
    lock_spare,
    make_folders,
    place_file,
    prune_tree,
    read_manifest,
    resolve_output,
    retire_spare,
    scan_tree,
    spare_pages,
    spare_path,
    swap_in,
)
from i18npub.site.theme import Theme
from i18npub.site.views import (
    UNLISTED,
    ArticleView,
    Summary,
    catalog_entries,
    publish_article,
)
from i18npub.wordbreak import word_breaks

if TYPE_CHECKING:
    from i18npub.layout import Layout

RENDER_VERSION = "2"  # bump when the same inputs should give different output
VIEWS = ("en", "zh", "bilingual")
VIEW_LABELS = {"en": "English", "zh": "中文", "bilingual": "中英对照"}
FEED_ENTRIES = 50
IO_THREADS = 4  # file writes and links run beside rendering (syscalls release the GIL)
# Articles to render before a process pool pays for itself (measured: benchmarks/README.md,
# "Rendering"). Only a "fork" pool: "spawn" and "forkserver" re-import the caller's __main__,
# which breaks a script without an ``if __name__ == "__main__"`` guard.
POOL_MIN_ARTICLES = 20
MAX_RENDER_PROCESSES = 8
BATCH_ARTICLES = 25  # articles per task sent to a render process
XML_INVALID_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass
class BuildReport:
    """What a build did."""

    out: Path
    pages: int = 0
    rendered: int = 0
    reused: int = 0
    changed: bool = False
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    catalogs_read: dict[str, CatalogReading] = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict[str, Any]:
        shown = {k: v for k, v in asdict(self).items() if k != "catalogs_read"}
        return {**shown, "out": str(self.out)}


def build_site(
    layout: Layout, settings: PublishSettings, out: Path | str | None = None
) -> BuildReport:
    """Render the project's site into ``out`` (default: the project's ``site`` folder)."""
    started = time.perf_counter()
    folder = resolve_output(layout, out)
    theme = Theme(layout.folder("templates"), settings)
    report = SiteBuilder(layout, settings, theme, folder).build()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


@dataclass(frozen=True)
class SwitchLink:
    view: str
    label: str
    lang: str
    hreflang: str
    href: str
    current: bool


@dataclass
class PageInfo:
    """What ``base.html`` needs: language, relative root, canonical, alternates, switcher."""

    view: str
    lang: str
    root: str
    home: str
    site_title: str
    title: str
    canonical: str = ""
    alternates: list[tuple[str, str]] = field(default_factory=list)
    switch: list[SwitchLink] = field(default_factory=list)
    feed: str = ""
    feed_title: str = ""
    noindex: bool = False
    description: str = ""


@dataclass
class Output:
    """One file of the site: where, the key of its inputs, and how to make it."""

    path: str
    key: str
    make: Callable[[], bytes]


@dataclass
class ArticleJob:
    """An article whose pages may need rendering: its inputs by path and what is known of them.

    ``key`` is the source key the plan saw (``summary`` was cached for it); ``reusable`` holds
    the keys of its pages that exist in the previous build. The job reads the files itself and
    trusts the plan's summary only if it finds the same key."""

    slug: str
    article_path: str
    catalog_path: str
    key: str
    summary: dict | None
    reusable: dict[str, str]


@dataclass
class ArticleResult:
    """What a job made: the summary (None: skipped), every page's key, the pages written."""

    slug: str
    summary: dict | None
    keys: dict[str, str]
    written: list[str]
    warnings: list[str]
    hashes: dict[str, str | None]  # input path → hash of what was read (None: no such file)
    catalogs_read: dict[str, CatalogReading] = field(default_factory=dict)  # as parsed, by path


_hash = content_hash


class SiteBuilder:
    """One build of one site; see the module docstring."""

    def __init__(self, layout: Layout, settings: PublishSettings, theme: Theme, out: Path) -> None:
        self.layout = layout
        self.settings = settings
        self.theme = theme
        self.out = out
        self.warnings: list[str] = []
        self.catalogs_read: dict[str, CatalogReading] = {}  # for ingest's drift check
        self.static = theme.static()
        self.assets = {Path(name).name: _hash(data)[:10] for name, data in self.static.items()}
        self.global_key = _hash(
            RENDER_VERSION,
            __version__,
            package_stamp("jinja2"),
            package_stamp("babel"),
            json.dumps(asdict(settings), sort_keys=True),
            theme.digest(),
        )
        self.previous = out  # the folder unchanged pages are linked from
        self.pool_min: int | None = None  # articles for a process pool (None: by start method)
        self._makers: dict[str, Callable[[], bytes]] = {}  # site outputs, for _relink
        self._staging: Path | None = None
        self._made_dirs: set[str] = {""}  # folders made in staging (relative paths)
        self._pool: ThreadPoolExecutor | None = None
        self._pending: list[Future[None]] = []
        self._links: dict[str, Future[bool]] = {}
        self._spare_lock: int | None = None  # held: this build may use and keep a spare
        self._spare_pages: dict[str, str] = {}  # pages the spare being updated holds: keys
        self._spare_scan: TreeScan | None = None  # set once the spare is the staging folder
        self._kept: set[str] = set()  # pages the spare already holds with their key

    # The build ------------------------------------------------------------------------------

    def build(self) -> BuildReport:
        self._spare_lock = lock_spare(self.layout.state)
        try:
            return self._build()
        finally:
            if self._spare_lock is not None:
                os.close(self._spare_lock)

    def _build(self) -> BuildReport:
        old = self._previous_build()
        same_global = old.get("global") == self.global_key
        old_pages: dict[str, str] = old.get("pages", {}) if same_global else {}
        old_summaries: dict[str, dict] = old.get("summaries", {}) if same_global else {}
        inputs = FileHashes.load(self.layout.state / INDEX_NAME)
        report = BuildReport(self.out, warnings=self.warnings, catalogs_read=self.catalogs_read)
        pages: dict[str, str] = {}  # every output's path → key
        written: set[str] = set()
        summaries: dict[str, dict] = {}
        try:
            jobs = self._plan(inputs, old_pages, old_summaries, pages, summaries)
            settled = dict(pages) if jobs else {}  # linked while the jobs render
            for result in self._run(jobs, settled):
                self._take(result, inputs, pages, written, summaries)
            entries = [Summary.from_dict(_without_key(summaries[slug])) for slug in summaries]
            for output in self._site_outputs(_newest_first(entries)):
                pages[output.path] = output.key
                self._makers[output.path] = output.make
                if not self._reusable(old_pages, output.path, output.key):
                    self._write(output.path, output.make())
                    written.add(output.path)
            nothing_new = self._staging is None and self.previous == self.out
            if nothing_new and set(pages) == set(old_pages):
                report.pages = report.reused = len(pages)
                inputs.save(self.layout.state / INDEX_NAME)
                return report
            self._finish(pages, written, summaries)
            inputs.save(self.layout.state / INDEX_NAME)
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
            if self._staging is not None and self._spare_scan is None:
                shutil.rmtree(self._staging, ignore_errors=True)
            # a spare left half-updated has no manifest: the next build will not trust it
        report.pages, report.rendered = len(pages), len(written)
        report.reused, report.changed = len(pages) - len(written), True
        return report

    def _previous_build(self) -> dict[str, Any]:
        """The manifest of the site to reuse pages from: ``out``'s, else the project site's."""
        self.previous = self.out
        old = read_manifest(self.out)
        site = self.layout.folder("site")
        if not old and site != self.out:
            old = read_manifest(site)
            self.previous = site if old else self.out
        return old

    def _reusable(self, old_pages: dict[str, str], path: str, key: str) -> bool:
        return old_pages.get(path) == key and os.path.isfile(f"{self.previous}/{path}")

    def _plan(
        self,
        inputs: FileHashes,
        old_pages: dict[str, str],
        old_summaries: dict[str, dict],
        pages: dict[str, str],
        summaries: dict[str, dict],
    ) -> list[ArticleJob]:
        """Settle the articles whose pages all exist with their keys; the others are jobs."""
        jobs = []
        for source in self._sources(inputs):
            summary_key = _hash(self.global_key, source.key)
            cached = old_summaries.get(source.slug)
            summary = _cached_summary(cached, summary_key)
            keys = {} if summary is None else self._article_keys(source, summary)
            reusable = {p: k for p, k in keys.items() if self._reusable(old_pages, p, k)}
            if summary is not None and len(reusable) == len(keys):
                pages.update(keys)
                summaries[source.slug] = cached  # type: ignore[assignment]
                continue
            reusable = {
                path: old_pages[path]
                for path in self._article_paths(source.slug)
                if self._reusable(old_pages, path, old_pages.get(path, ""))
            }
            jobs.append(
                ArticleJob(
                    source.slug,
                    source.article_path,
                    source.catalog_path,
                    source.key,
                    cached if summary is not None else None,
                    reusable,
                )
            )
        return jobs

    def _run(self, jobs: list[ArticleJob], settled: dict[str, str]) -> Iterator[ArticleResult]:
        """The jobs' results: over a process pool when there are enough, else here; the
        ``settled`` pages are linked meanwhile."""
        workers = min(cores(), MAX_RENDER_PROCESSES)
        context = fork_context(own_threads=discarding())  # (they hold no lock)
        least = POOL_MIN_ARTICLES if self.pool_min is None else self.pool_min
        if workers < 2 or context is None or len(jobs) < max(least, 1):
            self._link_all(settled)
            for job in jobs:
                yield self._article_pages(job)
            return
        staging = self._stage()
        size = max(1, min(BATCH_ARTICLES, len(jobs) // (workers * 4)))
        self._warm_up()  # once here: the forked processes inherit it
        init = (self.layout, self.settings, self.theme, self.out, staging, self.global_key)
        with ProcessPoolExecutor(workers, context, _init_worker, init) as pool:
            batches = [jobs[at : at + size] for at in range(0, len(jobs), size)]
            tasks = [pool.submit(_render_batch, batch) for batch in batches]
            self._link_all(settled)  # threads only now: the pool has forked
            for task in tasks:
                yield from task.result()

    def _warm_up(self) -> None:
        """Compile the article templates and load the Chinese word segmenter."""
        for template, ui in (("article.html", "en"), ("article.html", "zh")):
            self.theme.environment(ui).get_template(template)
        self.theme.environment("zh").get_template("bilingual.html")
        word_breaks("中文")

    def _take(
        self,
        result: ArticleResult,
        inputs: FileHashes,
        pages: dict[str, str],
        written: set[str],
        summaries: dict[str, dict],
    ) -> None:
        """Record a job's result; inputs found changed since the plan are not stat-recorded."""
        self.warnings.extend(result.warnings)
        self.catalogs_read.update(result.catalogs_read)
        for path, digest in result.hashes.items():
            if inputs.records.get(path, [None])[-1] != digest:
                inputs.forget(path, digest)
        if result.summary is None:
            return
        summaries[result.slug] = result.summary
        pages.update(result.keys)
        written.update(result.written)

    def _finish(self, pages: dict[str, str], written: set[str], summaries: dict) -> None:
        """Link the unchanged pages, write the manifest, swap the new site in; keep the
        replaced one as the spare (or delete it)."""
        staging = self._stage()
        done = written | self._links.keys() | self._kept
        self._link_all({path: key for path, key in pages.items() if path not in done})
        gone = [path for path, linked in self._links.items() if not linked.result()]
        self._relink(gone, pages, written)
        self._wait()
        if self._spare_scan is not None:  # an updated spare: what this build does not want
            prune_tree(staging, self._spare_scan, set(pages))
        manifest = {
            "generator": f"i18npub {__version__}",
            "global": self.global_key,
            "pages": pages,
            "summaries": summaries,
        }
        temporary = staging / f"{MANIFEST_NAME}.tmp"
        temporary.write_text(json.dumps(manifest, ensure_ascii=False))
        os.replace(temporary, staging / MANIFEST_NAME)  # last: the tree is complete
        swap_in(staging, self.out)
        self._staging = None
        discard_stale(self.out)
        if self._spare_scan is not None or not staging.exists():
            return  # the spare now holds the replaced site (or there was none to replace)
        if self._spare_lock is not None:
            keep_as_spare(staging, self.out)
        else:
            discard_later(staging)

    def _link_all(self, pages: dict[str, str]) -> None:
        """Queue links of ``pages`` (path → key) from the previous build, except those the
        spare being updated holds already."""
        if pages:
            self._stage()
        for path, key in pages.items():
            if self._spare_pages.get(path) == key:
                self._kept.add(path)
            else:
                self._links[path] = self._io().submit(self._link, path)

    def _relink(self, gone: list[str], pages: dict[str, str], written: set[str]) -> None:
        """Render the pages that vanished from the previous build since the plan."""
        for path in gone:
            if path in self._makers:
                self._write(path, self._makers[path]())
                written.add(path)
        articles = sorted({path.split("/")[1] for path in gone if path not in self._makers})
        folder = self.layout.folder("articles")
        catalogs = self.layout.catalog_folder(self.settings.language)
        for slug in articles:
            paths = self._article_paths(slug)
            keep = {path: pages[path] for path in paths if path not in gone}
            job = ArticleJob(slug, f"{folder}/{slug}.json", f"{catalogs}/{slug}.po", "", None, keep)
            result = self._article_pages(job)
            if result.keys != {path: pages[path] for path in paths}:
                raise BuildError(f"{slug}: changed during the build; build again")
            written.update(result.written)

    def _stage(self) -> Path:
        """The folder this build writes: the spare, updated in place, else a new one."""
        if self._staging is None and self._spare_lock is not None:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self._staging = self._take_spare()
        if self._staging is None:
            if self._spare_lock is not None:
                retire_spare(self.out)  # unusable (or a spare not taken): make room for one
            self._staging = Path(
                tempfile.mkdtemp(prefix=f".{self.out.name}.", suffix=".new", dir=self.out.parent)
            )
            os.chmod(self._staging, 0o777 & ~current_umask())
        return self._staging

    def _take_spare(self) -> Path | None:
        """Make the spare the staging folder: its manifest removed first (an update cut short
        leaves a spare no build trusts), then its files listed (None: it cannot be used)."""
        held, spare = spare_pages(self.out), spare_path(self.out)
        try:
            if held is None:
                return None
            (spare / MANIFEST_NAME).unlink()
            self._spare_scan = scan = scan_tree(spare)
        except OSError:
            return None
        self._spare_pages = {path: key for path, key in held.items() if path in scan.files}
        self._made_dirs.update(scan.dirs)
        return spare

    def _target(self, relative: str) -> Path:
        """Where ``relative`` goes in the staging folder; never outside it."""
        parts = PurePosixPath(relative).parts
        if not parts or parts[0] == "/" or any(part in (".", "..") for part in parts):
            raise BuildError(f"{relative!r}: not a path inside the site")
        target = self._stage().joinpath(*parts)
        folder = "/".join(parts[:-1])
        if folder not in self._made_dirs:
            make_folders(self._stage(), target.parent)
            self._made_dirs.add(folder)
        return target

    def _write(self, relative: str, data: bytes) -> None:
        """Queue a file for writing: file-system latency overlaps rendering."""
        self._stage()
        self._pending.append(self._io().submit(self._write_now, relative, data))

    def _write_now(self, relative: str, data: bytes) -> None:
        """A new file: never written through a link to another build."""

        def create(path: Path) -> None:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)

        place_file(self._target(relative), create)

    def _io(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(IO_THREADS, thread_name_prefix="i18npub-io")
        return self._pool

    def _wait(self) -> None:
        """Wait for the queued writes; the first failure is raised."""
        pending, self._pending = self._pending, []
        for future in pending:
            future.result()

    def _link(self, relative: str) -> bool:
        """Hard-link an unchanged file from the previous build (copy if links fail); False
        if it is gone."""
        source, target = self.previous / relative, self._target(relative)
        try:
            place_file(target, partial(link_or_copy, source))
        except FileNotFoundError:
            return False
        return True

    # What the site is made of ---------------------------------------------------------------

    def _site_outputs(self, entries: list[Summary]) -> Iterator[Output]:
        listed = {
            "en": entries,
            "zh": [e for e in entries if e.zh_index != UNLISTED],
            "bilingual": entries,
        }
        withheld = {"en": 0, "zh": len(entries) - len(listed["zh"]), "bilingual": 0}
        self._note_withheld([e for e in entries if e.zh_index == UNLISTED], len(entries))
        for view in VIEWS:
            shown = _shown(listed[view], view) + str(withheld[view])
            key = _hash(self.global_key, "index", view, shown)
            yield Output(
                f"{view}/index.html",
                key,
                partial(self._render_index, view, listed[view], withheld[view]),
            )
        yield Output("404.html", _hash(self.global_key, "404"), self._render_not_found)
        yield Output("index.html", _hash(self.global_key, "root"), self._render_root)
        for name, data in self.static.items():
            yield Output(name, _hash(data), partial(bytes, data))
        if not self.settings.base_url:  # said once, by `i18npub init`; not on every build
            return
        feeds = {"en": entries, "zh": [e for e in entries if e.listed_zh]}
        for view in ("en", "zh"):
            key = _hash(self.global_key, "feed", view, _shown(feeds[view], view))
            yield Output(f"{view}/feed.xml", key, partial(self._render_feed, view, feeds[view]))
        yield Output(
            "sitemap.xml",
            _hash(self.global_key, "sitemap", _shown(entries, "sitemap")),
            lambda: self._render_sitemap(entries),
        )
        robots = f"User-agent: *\nAllow: /\nSitemap: {self.settings.base_url}sitemap.xml\n"
        yield Output("robots.txt", _hash(robots), lambda: robots.encode())

    def _sources(self, inputs: FileHashes) -> Iterator[Source]:
        """Every article with its catalog, hashed (a stat when unchanged since the last build)."""
        folder = self.layout.folder("articles")
        catalogs = self.layout.catalog_folder(self.settings.language)
        names = sorted(os.listdir(folder)) if folder.is_dir() else []
        for name in names:
            if not name.endswith(".json"):
                continue
            try:
                slug = validate_slug(name[: -len(".json")])
            except ValueError as error:
                self.warnings.append(f"{name}: skipped: {error}")
                continue
            article_path, catalog_path = f"{folder}/{name}", f"{catalogs}/{slug}.po"
            try:
                article_hash = inputs.hash(article_path)
                catalog_hash = inputs.hash(catalog_path) or NO_CATALOG
            except OSError as error:
                self.warnings.append(f"{name}: skipped: {error}")
                continue
            if article_hash is not None:  # gone since the listing
                yield Source(slug, article_path, catalog_path, article_hash, catalog_hash)

    @staticmethod
    def _article_paths(slug: str) -> list[str]:
        return [f"{view}/{slug}/index.html" for view in VIEWS]

    def _article_keys(self, source: Source, summary: Summary) -> dict[str, str]:
        """The key of each of the article's pages (English depends on the article only)."""
        keys = {}
        for view, path in zip(VIEWS, self._article_paths(source.slug), strict=True):
            inputs = source.article_hash if view == "en" else source.key
            keys[path] = _hash(self.global_key, "article", view, inputs, str(summary.listed_zh))
        return keys

    def _article_pages(self, job: ArticleJob) -> ArticleResult:
        """Read an article and its catalog, and render those of its pages not reusable."""
        mark = len(self.warnings)
        result = ArticleResult(job.slug, None, {}, [], [], {})
        try:
            article = Path(job.article_path).read_bytes()
            catalog = read_if_present(job.catalog_path)
        except OSError as error:
            self.warnings.append(f"{job.slug}.json: skipped: {error}")
            return self._done(result, mark)
        source = Source(
            job.slug,
            job.article_path,
            job.catalog_path,
            _hash(article),
            NO_CATALOG if catalog is None else _hash(catalog[0]),
        )
        result.hashes = {job.article_path: source.article_hash}
        result.hashes[job.catalog_path] = None if catalog is None else source.catalog_hash
        summary = None
        if job.summary is not None and source.key == job.key:
            summary = Summary.from_dict(_without_key(job.summary))
        view = None
        if summary is None:
            view = self._article_view(job.slug, article, catalog, job.catalog_path, result)
            if view is None:
                return self._done(result, mark)
            summary = view.summary(self.settings)
        result.summary = {"key": _hash(self.global_key, source.key), **summary.as_dict()}
        result.keys = self._article_keys(source, summary)
        for name, (path, key) in zip(VIEWS, result.keys.items(), strict=True):
            if job.reusable.get(path) == key:
                continue
            view = view or self._article_view(job.slug, article, catalog, job.catalog_path, result)
            if view is None:  # cannot happen: the same bytes gave a summary before
                raise BuildError(f"{job.slug}: cannot be rendered")
            self._write(path, self._render_article(view, summary, name))
            result.written.append(path)
        return self._done(result, mark)

    def _done(self, result: ArticleResult, mark: int) -> ArticleResult:
        result.warnings = self.warnings[mark:]
        del self.warnings[mark:]
        return result

    def _article_view(
        self,
        slug: str,
        data: bytes,
        catalog: tuple[bytes, os.stat_result] | None,
        catalog_path: str,
        result: ArticleResult,
    ) -> ArticleView | None:
        """The article as published (None, with a warning, when it cannot be read)."""
        try:
            article = Article.from_dict(json.loads(data))
            if article.slug != slug:
                raise ValueError(f"its slug {article.slug!r} does not match the file name")
        except (ValueError, KeyError, TypeError) as error:
            self.warnings.append(f"{slug}.json: skipped: {error}")
            return None
        entries = {}
        if catalog is not None:
            try:
                parsed = parse_po(catalog[0].decode("utf-8"), catalog_path)
                entries = catalog_entries(parsed)
                result.catalogs_read[catalog_path] = reading(catalog[0], catalog[1], parsed)
            except (UnicodeDecodeError, POSyntaxError) as error:
                self.warnings.append(f"{Path(catalog_path).name}: shown in English: {error}")
        return publish_article(article, entries, self.settings)

    # Rendering ------------------------------------------------------------------------------

    def _render(self, template: str, ui: str, **context: Any) -> bytes:
        html = (
            self.theme.environment(ui).get_template(template).render(assets=self.assets, **context)
        )
        if template.endswith(".xml"):  # feeds, sitemap: U+FFFF or U+0001 would void the file
            html = XML_INVALID_RE.sub("", html)
        return html.encode("utf-8")

    def _render_article(self, view: ArticleView, summary: Summary, name: str) -> bytes:
        zh = name != "en"
        title = summary.title_zh if zh else summary.title_en
        description = _plain_join(summary.summary_zh) if zh else summary.summary_en
        page = self._page(name, f"{summary.slug}/", title, summary.listed_zh)
        page.description = description
        page.noindex = name == "zh" and not summary.listed_zh
        template = "bilingual.html" if name == "bilingual" else "article.html"
        return self._render(template, "zh" if zh else "en", page=page, article=view)

    def _note_withheld(self, withheld: list[Summary], total: int) -> None:
        """Say in the build report which articles the Chinese index leaves out, and why."""
        if not withheld:
            return
        settings, share = self.settings, f"{self.settings.min_approved:.0%}"
        if settings.policy == "mark-machine":
            why = f"less than {share} of their sentences read in Chinese (publish.min_approved)"
        else:
            why = (
                f"less than {share} of their sentences approved "
                "(publish.min_approved; policy approved-only withholds machine text)"
            )
        slugs = ", ".join(e.slug for e in withheld[:5]) + (", …" if len(withheld) > 5 else "")
        self.warnings.append(
            f"{len(withheld)} of {total} articles withheld from the Chinese index: {why}: {slugs}"
        )

    def _render_index(self, view: str, entries: list[Summary], withheld: int = 0) -> bytes:
        page = self._page(view, "", VIEW_LABELS[view], True)
        return self._render(
            "index.html",
            "en" if view == "en" else "zh",
            page=page,
            entries=entries,
            withheld=withheld,
        )

    def _render_not_found(self) -> bytes:
        """``404.html``: in both languages, with links from the site's root (any depth)."""
        page = self._page("root", "", "", True)
        page.view, page.lang, page.noindex = "404", "en", True
        page.root = urlsplit(self.settings.base_url).path if self.settings.base_url else "/"
        page.home = page.root
        page.title = f"Page not found · 找不到页面 | {self.settings.title}"
        page.switch = [
            SwitchLink(s.view, s.label, s.lang, s.hreflang, f"{page.root}{s.view}/", False)
            for s in page.switch
        ]
        page.canonical, page.alternates = "", []
        return self._render("404.html", "en", page=page)

    def _render_root(self) -> bytes:
        page = self._page("root", "", "", True)
        page.title = self.settings.title
        return self._render("root.html", "en", page=page)

    def _render_feed(self, view: str, entries: list[Summary]) -> bytes:
        base, zh = self.settings.base_url, view == "zh"
        items = [
            {
                "url": f"{base}{view}/{e.slug}/",
                "title": e.title_zh if zh else e.title_en,
                "updated": f"{e.date or '1970-01-01'}T00:00:00Z",
                "summary": _plain_join(e.summary_zh) if zh else e.summary_en,
            }
            for e in entries[:FEED_ENTRIES]
        ]
        feed = {
            "lang": self.settings.lang_tag if zh else "en",
            "id": f"{base}{view}/",
            "title": self._site_title(view),
            "updated": max((i["updated"] for i in items), default="1970-01-01T00:00:00Z"),
            "self": f"{base}{view}/feed.xml",
            "home": f"{base}{view}/",
            "entries": items,
        }
        return self._render("feed.xml", "zh" if zh else "en", feed=feed)

    def _render_sitemap(self, entries: list[Summary]) -> bytes:
        base, tag = self.settings.base_url, self.settings.lang_tag
        urls: list[dict[str, Any]] = [{"loc": base, "lastmod": "", "alternates": []}]
        for suffix, lastmod, listed in [("", "", True)] + [
            (f"{e.slug}/", e.date or "", e.listed_zh) for e in entries
        ]:
            alternates = [("en", f"{base}en/{suffix}")]
            alternates += [(tag, f"{base}zh/{suffix}")] if listed else []
            alternates.append(("x-default", f"{base}en/{suffix}"))
            for view in VIEWS:
                if view == "zh" and not listed:
                    continue
                urls.append(
                    {
                        "loc": f"{base}{view}/{suffix}",
                        "lastmod": lastmod,
                        "alternates": alternates if view != "bilingual" else [],
                    }
                )
        return self._render("sitemap.xml", "en", urls=urls)

    def _site_title(self, view: str) -> str:
        return (
            self.settings.title
            if view in ("en", "root")
            else self.settings.title_zh or self.settings.title
        )

    def _page(self, view: str, suffix: str, title: str, listed_zh: bool) -> PageInfo:
        root = "" if view == "root" else "../" * (2 if suffix else 1)
        site_title = self._site_title(view)
        base, tag = self.settings.base_url, self.settings.lang_tag
        page = PageInfo(
            view=view,
            lang="en" if view in ("en", "root") else tag,
            root=root,
            home=root if view == "root" else f"{root}{view}/",
            site_title=site_title,
            title=f"{title} | {site_title}" if title else site_title,
            switch=[
                SwitchLink(
                    name,
                    VIEW_LABELS[name],
                    "en" if name == "en" else tag,
                    {"en": "en", "zh": tag}.get(name, ""),
                    f"{root}{name}/{suffix}",
                    name == view,
                )
                for name in VIEWS
            ],
        )
        if view != "root":
            feed_view = "en" if view == "en" else "zh"
            page.feed = f"{root}{feed_view}/feed.xml" if base else ""
            page.feed_title = f"{self._site_title(feed_view)} · {VIEW_LABELS[feed_view]}"
        if base:
            page.canonical = f"{base}{view}/{suffix}" if view != "root" else base
            if view != "bilingual":
                page.alternates = [("en", f"{base}en/{suffix}")]
                page.alternates += [(tag, f"{base}zh/{suffix}")] if listed_zh else []
                page.alternates.append(("x-default", f"{base}en/{suffix}" if suffix else base))
        return page


def _cached_summary(cached: dict | None, key: str) -> Summary | None:
    """The summary kept in the last manifest, if it was made from the same inputs."""
    if not cached or cached.get("key") != key:
        return None
    try:
        return Summary.from_dict({k: v for k, v in cached.items() if k != "key"})
    except (TypeError, ValueError):
        return None


SHOWN_FIELDS = {
    "en": ("slug", "date", "title_en", "summary_en"),
    "sitemap": ("slug", "date", "listed_zh"),
}


def _shown(entries: list[Summary], view: str) -> str:
    """What of ``entries`` a page for ``view`` shows (its key changes only when that does)."""
    fields = SHOWN_FIELDS.get(view)
    rows = [e.as_dict() if fields is None else {f: getattr(e, f) for f in fields} for e in entries]
    return json.dumps(rows, ensure_ascii=False)


def _newest_first(entries: list[Summary]) -> list[Summary]:
    by_slug = sorted(entries, key=lambda e: e.slug)
    return sorted(by_slug, key=lambda e: e.date or "", reverse=True)


def _plain_join(pieces: list[tuple[str, str]]) -> str:
    text = ""
    previous = ""
    for piece, lang in pieces:
        if text and (lang == "en" or previous == "en"):
            text += " "
        text += piece
        previous = lang
    return text


def _without_key(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k != "key"}


# Render processes ---------------------------------------------------------------------------

_worker: SiteBuilder | None = None  # a render process's own builder (templates compiled once)


def _init_worker(
    layout: Layout, settings: PublishSettings, theme: Theme, out: Path, staging: Path, key: str
) -> None:
    """A render process's builder, with the parent's theme (inherited through ``fork``,
    templates compiled) and global key."""
    global _worker
    _worker = SiteBuilder(layout, settings, theme, out)
    _worker.global_key = key
    _worker._staging = staging


def _render_batch(jobs: list[ArticleJob]) -> list[ArticleResult]:
    """In a render process: the jobs' pages rendered and written (waited for) into staging."""
    assert _worker is not None
    results = [_worker._article_pages(job) for job in jobs]
    _worker._wait()
    return results
