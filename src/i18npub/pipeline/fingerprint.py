"""Content fingerprints: what a cached translation or a built site was made from."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from i18npub.file_hashes import FileHashes
from i18npub.fsutil import atomic_write_text
from i18npub.project import STATE_DIR

if TYPE_CHECKING:
    from i18npub.project import Project

BUILD_STAMP = "build-stamp.json"
FILE_HASHES = "file-hashes.json"  # in the state folder: the content hash of each input file


def article_fingerprint(
    project: Project, slug: str, engines: Iterable[str] = (), memory: str = ""
) -> str:
    """A hash of what translating ``slug`` reads: its template and catalogs, the engines and
    their settings, the glossary, and ``memory`` (see :func:`memory_version`)."""
    digest = hashlib.sha256()
    _feed(digest, str(project.root), slug, json.dumps(sorted(engines)), memory)
    _feed(digest, project.config.translate.fingerprint())
    paths = [project.template_path(slug)] + [
        project.catalog_path(slug, language) for language in project.config.target_languages
    ]
    glossary = getattr(project.config, "glossary", "")
    if glossary:
        paths.append(project.root / glossary)
    for path in paths:
        _feed_file(digest, path)
    return digest.hexdigest()


def memory_version(project: Project, engines: Iterable[str] = ()) -> str:
    """A hash of the approved translations, when the chain has a ``memory`` engine.

    The memory engine answers from them, so a new approval anywhere may help any article;
    machine translations written by a run do not change it.
    """
    chain = list(engines) or list(getattr(project.config, "engines", ()))
    settings = project.config.translate
    kinds = [str(settings.engine_table(name).get("type", name)) for name in chain]
    if "memory" not in kinds:
        return ""
    from i18npub.catalog import CatalogError, read_catalog
    from i18npub.lookup import is_approved

    digest = hashlib.sha256()
    for language in project.config.target_languages:
        for slug in project.slugs():
            try:
                catalog = read_catalog(project.catalog_path(slug, language))
            except (OSError, CatalogError):
                continue
            for entry in catalog.entries:
                if is_approved(entry):
                    _feed(digest, language, entry.msgctxt or "", entry.msgid, entry.msgstr)
    return digest.hexdigest()


def content_fingerprint(project: Project) -> str:
    """A hash of everything the site is built from: config, articles, catalogs, templates, code."""
    digest = hashlib.sha256()
    _feed(digest, str(project.root))
    cache = project.root / STATE_DIR / FILE_HASHES
    hashes = FileHashes.load(cache)
    for path in site_inputs(project):
        _feed(digest, path.as_posix(), hashes.hash(str(path)) or "-")
    hashes.save(cache)
    return digest.hexdigest()


def site_inputs(project: Project) -> list[Path]:
    """The files a site is built from, the whole i18npub package (code and theme) included."""
    import i18npub

    package = Path(i18npub.__file__).resolve().parent
    paths = [project.root / "i18npub.toml"]
    paths += sorted(project.path("articles").glob("*.json"))
    paths += sorted(p for p in project.path("locales").rglob("*.po*") if p.is_file())
    paths += sorted(p for p in project.path("templates").rglob("*") if p.is_file())
    paths += sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return paths


def _feed(digest: Any, *texts: str) -> None:
    for text in texts:
        data = text.encode("utf-8")
        digest.update(len(data).to_bytes(8, "big") + data)


def _feed_file(digest: Any, path: Path) -> None:
    try:
        _feed(digest, hashlib.sha256(path.read_bytes()).hexdigest())
    except FileNotFoundError:
        _feed(digest, "-")


def site_is_current(project: Project, fingerprint: str | None = None) -> bool:
    """True if the site on disk was built from exactly the current content (``fingerprint``:
    the :func:`content_fingerprint` already computed in this run)."""
    try:
        stamp = json.loads((project.root / STATE_DIR / BUILD_STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    content = fingerprint or content_fingerprint(project)
    return stamp == {"content": content, "site": _site_marker(project)}


def write_stamp(project: Project, fingerprint: str) -> None:
    stamp = {"content": fingerprint, "site": _site_marker(project)}
    atomic_write_text(project.root / STATE_DIR / BUILD_STAMP, json.dumps(stamp) + "\n")


def _site_marker(project: Project) -> str:
    """A hash of the built site's manifest: a deleted or replaced site no longer matches."""
    from i18npub.site import MANIFEST_NAME

    digest = hashlib.sha256()
    _feed_file(digest, project.path("site") / MANIFEST_NAME)
    return digest.hexdigest()
