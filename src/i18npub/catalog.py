"""Translation templates and catalogs: one POT per article, one PO per article and language.

States live in the PO itself (untranslated, approved, machine, pseudo, outdated); the one
place that decides an entry's key and state is :mod:`i18npub.lookup`. A translator approves
by clearing the fuzzy flag (Poedit: "Needs work" off; Weblate: "Approved"/"Translated"; an
editor: delete ``fuzzy`` from the ``#,`` line).

Merging a new template into a catalog never loses a translation: unchanged sentences
keep theirs, trivially changed ones (whitespace, quotes, punctuation, case; not signs,
digits, decimal separators, ``?``/``!`` or negations) keep the approved text, changed ones
keep the old text as fuzzy with ``#| msgid`` (outdated), removed ones become obsolete
(``#~``, without ``#.``/``#:`` lines, as ``msgmerge`` writes them) and come back when the
text returns, unless a newer translation of the same or a trivially equal text is there.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from i18npub.article import Article, Block, Segment
from i18npub.errors import I18npubError
from i18npub.file_hashes import read_with_stat
from i18npub.fsutil import (
    LockTimeout,
    atomic_write_text,
    recover,
    replace_if_unchanged,
)
from i18npub.lookup import (
    ArticleKeys,
    EntryState,
    Key,
    entry_key,
    is_approved,
    mark_outdated,
    rebase_machine_source,
    state_of,
)
from i18npub.po import POEntry, POFile, POSyntaxError, new_po, parse_po

if TYPE_CHECKING:
    from i18npub.glossary import Glossary
    from i18npub.layout import Layout

FUZZY_MATCH_THRESHOLD = 60.0  # rapidfuzz ratio (0-100) for carrying an old translation
MAX_WRITE_ATTEMPTS = 20
BUSY_WAIT = 5.0  # seconds a read waits while another process has the catalog aside
KIND_NOTES = {
    "title": "title",
    "heading": "heading",
    "caption": "caption",
    "quote": "quote",
    "list_item": "list item",
}
PLURAL_FORMS = {"zh": "nplurals=1; plural=0;", "ja": "nplurals=1; plural=0;"}


class CatalogError(I18npubError):
    """A catalog that cannot be read or written (the message names the file and line)."""


class CatalogBusy(CatalogError):
    """A catalog kept changing under us; retried and gave up."""

    retryable = True


# Templates -------------------------------------------------------------------


def build_template(
    article: Article, created: dt.datetime | None = None, glossary: Glossary | None = None
) -> POFile:
    """The article's POT: one entry per distinct sentence, in document order.

    With a ``glossary``, the terms each sentence holds are noted for translators.
    """
    template = new_po()
    template.header = POEntry(msgid="", msgstr=_template_header(article, created))
    template.header.flags = ["fuzzy"]
    template.header.translator_comments = [
        f"Translation template for the article {article.slug!r}.",
        f"Source: {article.url or article.source}",
    ]
    keys = ArticleKeys.of(article)
    entries: dict[Key, POEntry] = {}
    for index, block, segment in article.segments():
        key = keys.key(block, segment)
        entry = entries.get(key)
        if entry is None:
            entry = POEntry(
                msgid=segment.text, msgctxt=key[0], extracted_comments=_notes(block, segment)
            )
            entries[key] = entry
            template.append(entry)
        reference = f"{article.slug}:{index}"
        if reference not in entry.references:
            entry.references.append(reference)
    if glossary is not None:
        for entry in template.entries:
            entry.extracted_comments = [*entry.extracted_comments, *glossary.notes(entry.msgid)]
    return template


def _notes(block: Block, segment: Segment) -> list[str]:
    notes = [KIND_NOTES[block.kind]] if block.kind in KIND_NOTES else []
    for number, inline in enumerate(segment.markup, start=1):
        tag = f"<{number}>…</{number}>" if inline.paired else f"<{number}/>"
        notes.append(f"{tag}: {inline.describe()}")
    return notes


def _template_header(article: Article, created: dt.datetime | None) -> str:
    return (
        f"Project-Id-Version: {article.slug}\n"
        f"POT-Creation-Date: {_stamp(created)}\n"
        "PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\n"
        "Last-Translator: FULL NAME <EMAIL@ADDRESS>\n"
        "Language-Team: LANGUAGE <LL@li.org>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: 8bit\n"
        "X-Generator: i18npub\n"
    )


def _stamp(moment: dt.datetime | None = None) -> str:
    return (moment or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M%z")


# Catalog states and provenance (decided in i18npub.lookup) ------------------


def generator() -> str:
    """``X-Generator``: the pipeline says it wrote the file (it is not a translator)."""
    from i18npub._version import __version__

    return f"i18npub {__version__}"


def stamp_machine_revision(catalog: POFile, moment: dt.datetime | None = None) -> None:
    """Header fields after the pipeline wrote machine text: ``PO-Revision-Date`` and
    ``X-Generator``; ``Last-Translator`` is left to the humans (an old ``i18npub`` is cleared)."""
    catalog.set_metadata("PO-Revision-Date", _stamp(moment))
    catalog.set_metadata("X-Generator", generator())
    if catalog.metadata().get("Last-Translator") == "i18npub":
        catalog.set_metadata("Last-Translator", "")


# Merging ---------------------------------------------------------------------


@dataclass
class MergeReport:
    """What a merge did to one catalog."""

    added: int = 0
    kept: int = 0
    carried_trivial: int = 0
    carried_fuzzy: int = 0
    obsoleted: int = 0
    revived: int = 0
    changed: bool = False

    def as_dict(self) -> dict[str, int | bool]:
        return dict(self.__dict__)

    def changed_entries(self) -> bool:
        """True if the merge added, carried, obsoleted or revived any entry."""
        return bool(
            self.added
            or self.carried_trivial
            or self.carried_fuzzy
            or self.obsoleted
            or self.revived
        )


def trivial_form(text: str) -> str:
    """Text with differences a translation does not care about removed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[\"'“”‘’«»„`]", "", text)
    text = re.sub(r"[\s.,;:!?…\-−–—()\[\]]+", " ", text)
    return text.strip()


_NUMBER = re.compile(r"(?<![\w.,])[-+]?\d(?:[\d.,]*\d)?")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
NEGATIONS = frozenset(
    ("not", "no", "never", "none", "nor", "neither", "nobody", "nothing", "nowhere", "cannot")
)


def meaning_form(text: str) -> tuple[tuple[str, ...], frozenset[str], tuple[str, ...]]:
    """What a trivial change may not touch: numbers as written (sign, digits, decimal
    separators), ``?`` and ``!``, and negations."""
    text = unicodedata.normalize("NFKC", text).replace("−", "-").replace("’", "'")
    numbers = tuple(match.group(0) for match in _NUMBER.finditer(text))
    marks = frozenset(char for char in text if char in "?!")
    words = _WORD.findall(text.casefold())
    negations = tuple(sorted(w for w in words if w in NEGATIONS or w.endswith("n't")))
    return numbers, marks, negations


def trivially_equal(old: str, new: str) -> bool:
    """True if a translation of ``old`` is a translation of ``new`` too."""
    return trivial_form(old) == trivial_form(new) and meaning_form(old) == meaning_form(new)


def merge_template(
    catalog: POFile, template: POFile, report: MergeReport | None = None
) -> MergeReport:
    """Bring ``catalog`` in step with ``template`` in place; never drops a translation.

    When a text comes back, its obsolete entry is revived, unless an entry leaving now
    holds a newer translation of the same or a trivially equal text: then that one wins.
    """
    report = report or MergeReport()
    active = {entry_key(e): e for e in catalog.entries if not e.obsolete}
    obsolete: dict[Key, POEntry] = {}
    for entry in catalog.entries:
        if entry.obsolete:
            obsolete.setdefault(entry_key(entry), entry)
    wanted = {entry_key(e) for e in template.entries}
    vanished = [e for k, e in active.items() if k not in wanted]
    ordered: list[POEntry] = []
    for template_entry in template.entries:
        key = entry_key(template_entry)
        found = active.get(key)
        if found is not None:
            entry = found
            report.kept += 1
            copy = obsolete.pop(key, None)  # the same text twice: one definition stays
            if copy is not None and copy.msgstr and not entry.msgstr:
                _carry(entry, copy, trivial=True)
        elif key in obsolete:
            entry = _revive(obsolete.pop(key), template_entry, vanished)
            report.revived += 1
        else:
            entry = _new_entry(template_entry, vanished, report)
        _refresh_comments(entry, template_entry)
        ordered.append(entry)
    for entry in vanished:
        entry.obsolete = True
        key = entry_key(entry)
        if key not in obsolete or entry.msgstr or entry.msgstr_plural:
            obsolete.pop(key, None)  # an older copy: the entry leaving now is newer
            obsolete[key] = entry
        report.obsoleted += 1
    kept = [e for e in obsolete.values() if e.msgstr or e.msgstr_plural]
    for entry in kept:  # msgmerge's obsolete entries: no notes, no references
        if entry.extracted_comments:
            entry.extracted_comments = []
        if entry.references:
            entry.references = []
    _replace_entries(catalog, ordered + kept)
    return report


def _revive(old: POEntry, template_entry: POEntry, vanished: list[POEntry]) -> POEntry:
    """The obsolete ``old`` back in use, with a newer equal translation if one is leaving."""
    old.obsolete = False
    candidates = [
        e
        for e in vanished
        if e.msgstr
        and e.msgstr != old.msgstr
        and (is_approved(e) or not is_approved(old))
        and trivially_equal(e.msgid, template_entry.msgid)
    ]
    if candidates:
        _carry(old, _best(candidates, template_entry), trivial=True)
    return old


def _new_entry(template_entry: POEntry, vanished: list[POEntry], report: MergeReport) -> POEntry:
    entry = POEntry(msgid=template_entry.msgid, msgctxt=template_entry.msgctxt)
    match = _closest(template_entry, [e for e in vanished if e.msgstr])
    if match is None:
        report.added += 1
        return entry
    old, trivial = match
    _carry(entry, old, trivial)
    if trivial:
        report.carried_trivial += 1
    else:
        report.carried_fuzzy += 1
    return entry


def _carry(entry: POEntry, old: POEntry, trivial: bool) -> None:
    """Give ``entry`` the translation of ``old``: as it was if trivially equal, else outdated."""
    entry.translator_comments = list(old.translator_comments)
    if trivial:
        entry.msgstr = old.msgstr
        entry.flags = list(old.flags)
        entry.previous_msgid = old.previous_msgid
        rebase_machine_source(entry, old)
    else:
        mark_outdated(entry, old)


def _best(candidates: list[POEntry], template_entry: POEntry) -> POEntry:
    """Approved before the rest, then the one in the same place of the article."""
    places = set(template_entry.references)
    return max(candidates, key=lambda e: (is_approved(e), bool(places & set(e.references))))


def _closest(template_entry: POEntry, candidates: list[POEntry]) -> tuple[POEntry, bool] | None:
    """The vanished entry a new sentence most likely replaces, and whether trivially."""
    if not candidates:
        return None
    msgid = template_entry.msgid
    trivial = [c for c in candidates if trivially_equal(c.msgid, msgid)]
    if trivial:
        return _best(trivial, template_entry), True
    from rapidfuzz import fuzz, process

    best = process.extractOne(
        msgid, [c.msgid for c in candidates], scorer=fuzz.ratio, score_cutoff=FUZZY_MATCH_THRESHOLD
    )
    return (candidates[best[2]], False) if best else None


def _refresh_comments(entry: POEntry, template_entry: POEntry) -> None:
    if entry.extracted_comments != template_entry.extracted_comments:
        entry.extracted_comments = list(template_entry.extracted_comments)
    if entry.references != template_entry.references:
        entry.references = list(template_entry.references)


def _replace_entries(catalog: POFile, entries: list[POEntry]) -> None:
    current = list(catalog.entries)
    if current == entries and all(a is b for a, b in zip(current, entries, strict=True)):
        return
    for entry in current:
        catalog.remove(entry)
    for entry in entries:
        catalog.append(entry)


# Catalog files ---------------------------------------------------------------


@dataclass
class CatalogUpdate:
    """The outcome of updating one catalog file."""

    path: Path
    report: MergeReport = field(default_factory=MergeReport)
    error: str = ""
    data: bytes | None = None  # what the merge left in the file (in step with the template)


def new_catalog(template: POFile, language: str, title: str) -> POFile:
    """An empty catalog for ``language`` with a complete header."""
    catalog = new_po()
    catalog.header = POEntry(msgid="", msgstr=_catalog_header(template, language, title))
    catalog.header.translator_comments = [f"{language} translation of {title}."]
    return catalog


def _catalog_header(template: POFile, language: str, title: str) -> str:
    created = template.metadata().get("POT-Creation-Date", _stamp())
    plural = PLURAL_FORMS.get(language.split("_")[0], "nplurals=2; plural=(n != 1);")
    return (
        f"Project-Id-Version: {template.metadata().get('Project-Id-Version', title)}\n"
        f"POT-Creation-Date: {created}\n"
        f"PO-Revision-Date: {created}\n"
        "Last-Translator: \n"  # left to the translators' tools
        f"Language-Team: {language}\n"
        f"Language: {language}\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: 8bit\n"
        f"Plural-Forms: {plural}\n"
        f"X-Generator: {generator()}\n"
    )


def read_catalog(path: Path) -> POFile:
    """Read a PO file; a syntax error becomes CatalogError ``file:line: message``."""
    return parse_catalog(_read_bytes(path), path)


def read_catalog_with_stat(path: Path) -> tuple[POFile, bytes, os.stat_result]:
    """:func:`read_catalog`, with the bytes parsed and the ``fstat`` of the file they came
    from (what a cache may record them under)."""
    data, info = _read_bytes_with_stat(path)
    return parse_catalog(data, path), data, info


def parse_catalog(data: bytes, path: Path) -> POFile:
    if not data.strip():  # truncated to nothing (a crashed editor or sync): not a catalog
        raise CatalogError(f"{path}:1: empty file (a catalog has at least its header)")
    try:
        return parse_po(data.decode("utf-8"), str(path))
    except UnicodeDecodeError as error:
        raise CatalogError(f"{path}:1: not valid UTF-8 ({error.reason})") from error
    except POSyntaxError as error:
        raise CatalogError(str(error)) from error


def _read_bytes(path: Path) -> bytes:
    return _read_bytes_with_stat(path)[0]


def _read_bytes_with_stat(path: Path) -> tuple[bytes, os.stat_result]:
    """The file's bytes and its stat; a catalog a killed writer left moved aside is put
    back first.

    While another process has the catalog moved aside (its compare-and-swap), the path
    is missing but the catalog is not: wait up to ``BUSY_WAIT`` seconds for it, then
    raise CatalogBusy. FileNotFoundError means no catalog, aside or not (decided under
    the window lock; a creation checks again under it).
    """
    deadline = time.monotonic() + BUSY_WAIT
    while True:
        try:
            return read_with_stat(str(path))
        except FileNotFoundError:
            try:
                state = recover(path, max(0.0, deadline - time.monotonic()))
            except LockTimeout:
                state = "busy"
            if state == "absent":
                raise
        if time.monotonic() > deadline:
            raise CatalogBusy(f"{path}: another process is rewriting it; try again")
        if state == "busy":
            time.sleep(0.005)


def edit_catalog(path: Path, change: Callable[[POFile | None], POFile | None]) -> bool:
    """Apply ``change`` to the catalog at ``path`` and write it without losing a concurrent edit.

    ``change`` gets the parsed catalog (None if the file does not exist) and returns
    the catalog to write (or None to write nothing). If the file changes on disk while
    we work (a translator saved), the work is redone on the new contents. Returns
    True if the file was written.
    """
    return _edit_catalog(path, change)[0]


def _edit_catalog(
    path: Path, change: Callable[[POFile | None], POFile | None]
) -> tuple[bool, bytes | None]:
    """``edit_catalog``, and the bytes the file holds as a result (None: nothing to write)."""
    for attempt in range(MAX_WRITE_ATTEMPTS):
        if attempt:
            time.sleep(random.uniform(0, min(0.2, 0.002 * 2**attempt)))
        try:
            original: bytes | None = _read_bytes(path)
        except FileNotFoundError:
            original = None
        catalog = None if original is None else parse_catalog(original, path)
        result = change(catalog)
        if result is None:
            return False, None
        data = result.dumps().encode("utf-8")
        if data == original:
            return False, data
        # A new catalog holds no one's work yet: no need to fsync it.
        try:
            if replace_if_unchanged(path, original, data, durable=original is not None):
                return True, data
        except LockTimeout as error:
            raise CatalogBusy(f"{path}: another process is rewriting it; try again") from error
    raise CatalogBusy(f"{path}: kept changing while being updated; try again")


def update_catalog(path: Path, template: POFile, language: str, title: str) -> CatalogUpdate:
    """Create or merge the catalog at ``path`` from ``template``."""
    update = CatalogUpdate(path)

    def change(catalog: POFile | None) -> POFile:
        update.report = MergeReport()
        if catalog is None:
            catalog = new_catalog(template, language, title)
        merge_template(catalog, template, update.report)
        created = template.metadata().get("POT-Creation-Date")
        if update.report.changed_entries() and created:
            catalog.set_metadata("POT-Creation-Date", created)
        return catalog

    try:
        update.report.changed, update.data = _edit_catalog(path, change)
    except CatalogError as error:
        update.error = str(error)
    return update


# Statistics ------------------------------------------------------------------


@dataclass
class CatalogStats:
    """Entry counts by state (``machine`` includes pseudo-localization)."""

    segments: int = 0
    approved: int = 0
    machine: int = 0
    outdated: int = 0
    untranslated: int = 0
    obsolete: int = 0

    @property
    def percent_approved(self) -> float:
        return round(100.0 * self.approved / self.segments, 1) if self.segments else 0.0

    def add(self, other: CatalogStats) -> None:
        for name in ("segments", "approved", "machine", "outdated", "untranslated", "obsolete"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, float | int]:
        return {**self.__dict__, "percent_approved": self.percent_approved}


STATS_BUCKETS = {EntryState.PSEUDO: EntryState.MACHINE}


def catalog_stats(catalog: POFile) -> CatalogStats:
    stats = CatalogStats()
    for entry in catalog.entries:
        if entry.obsolete:
            stats.obsolete += 1
            continue
        stats.segments += 1
        state = state_of(entry)
        bucket = str(STATS_BUCKETS.get(state, state))
        setattr(stats, bucket, getattr(stats, bucket) + 1)
    return stats


# An article's files ----------------------------------------------------------


def write_template(layout: Layout, article: Article, glossary: Glossary | None = None) -> POFile:
    """Write ``locales/templates/<slug>.pot`` atomically; return it."""
    template = build_template(article, glossary=glossary)
    atomic_write_text(layout.template_path(article.slug), template.dumps(), durable=False)
    return template


def update_catalogs(
    layout: Layout, languages: Iterable[str], article: Article, template: POFile
) -> list[CatalogUpdate]:
    """Create or merge each language's catalog for ``article``."""
    return [
        update_catalog(
            layout.catalog_path(article.slug, language), template, language, article.title
        )
        for language in languages
    ]
