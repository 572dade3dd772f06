"""Helpers for the site tests: a copy of the sample project, catalog edits, HTML queries."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import lxml.html

from i18npub.lookup import set_machine_translation
from i18npub.po import POEntry, parse_po
from i18npub.project import Project
from tests.support.paths import REPO

SLUGS = ("harbour-solar-ferry", "library-open-data", "tea-exports")
ZH = "zh_CN"


def sample_project(root: Path, extra_config: str = "") -> Project:
    """The repository's sample project (config, articles, catalogs) copied to ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    config = (REPO / "i18npub.toml").read_text(encoding="utf-8")
    (root / "i18npub.toml").write_text(config + extra_config, encoding="utf-8")
    shutil.copytree(REPO / "articles", root / "articles")
    for slug in SLUGS:
        source = REPO / "locales" / ZH / "LC_MESSAGES" / f"{slug}.po"
        target = root / "locales" / ZH / "LC_MESSAGES" / f"{slug}.po"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
    return Project.open(root)


def edit_catalog(
    project: Project, slug: str, change: Callable[[POEntry], None], msgid_contains: str = ""
) -> int:
    """Apply ``change`` to the entries whose msgid contains ``msgid_contains``; count them."""
    path = project.catalog_path(slug, ZH)
    catalog = parse_po(path.read_text(encoding="utf-8"), str(path))
    changed = 0
    for entry in catalog.entries:
        if entry.msgid and msgid_contains in entry.msgid and not entry.obsolete:
            change(entry)
            changed += 1
    path.write_text(catalog.dumps(), encoding="utf-8")
    return changed


def set_msgstr(text: str) -> Callable[[POEntry], None]:
    """An approved translation."""

    def change(entry: POEntry) -> None:
        entry.msgstr = text
        entry.fuzzy = False

    return change


def machine(engine: str = "google", text: str | None = None) -> Callable[[POEntry], None]:
    """A machine translation (fuzzy, with provenance) keeping or replacing the text."""

    def change(entry: POEntry) -> None:
        set_machine_translation(entry, entry.msgstr if text is None else text, engine)

    return change


def untranslate(entry: POEntry) -> None:
    entry.msgstr = ""
    entry.fuzzy = False


def page(site: Path, relative: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / relative).read_bytes())


def text_of(element: lxml.html.HtmlElement) -> str:
    return element.text_content()
