"""The glossary: must-use translations and do-not-translate terms.

A CSV file (``term,translation,type,note`` plus an optional ``language`` column) or a TBX
file. ``type`` is empty or ``term`` for a must-use translation, ``keep`` for a term that
stays as it is (a brand, a code); a row without a translation is ``keep`` too. Several
accepted translations are separated by ``|``; the first is the one machine translation
uses. Lines starting with ``#`` are comments.

Terms match whole words. A term is matched case-insensitively unless it has a capital
letter inside a word (``WIPO``, ``SMEs``, ``TikTok``), which makes it case-sensitive.
The glossary is applied before machine translation (terms become tokens that come back
as their translation), checked after it and by ``i18npub check``, and noted in templates.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from i18npub.errors import I18npubError

TYPES = {"": False, "term": False, "must": False, "keep": True, "dnt": True}


class GlossaryError(I18npubError, ValueError):
    """A glossary file that cannot be read (the message names the file and line)."""


@dataclass(frozen=True)
class Term:
    """One glossary entry."""

    source: str
    translations: tuple[str, ...] = ()  # accepted translations, preferred first
    keep: bool = False  # do not translate: the source term stays as it is
    note: str = ""
    language: str = ""  # the target language it is for ("": every language)

    @property
    def translation(self) -> str:
        """What machine translation must write for this term."""
        return self.source if self.keep or not self.translations else self.translations[0]

    @property
    def case_sensitive(self) -> bool:
        return any(ch.isupper() for word in self.source.split() for ch in word[1:])

    def applies_to(self, language: str) -> bool:
        return not self.language or _same_language(self.language, language)

    def describe(self) -> str:
        """A note for translators (``#.`` comments of templates)."""
        suffix = f" ({self.language})" if self.language else ""
        if self.keep:
            return f"glossary: {self.source} (keep as is){suffix}"
        return f"glossary: {self.source} = {' | '.join(self.translations)}{suffix}"


@dataclass(frozen=True)
class Hit:
    """A term found in a text: where, and which term."""

    start: int
    end: int
    term: Term


@dataclass
class Glossary:
    """A list of terms with fast lookup per target language."""

    terms: list[Term] = field(default_factory=list)
    path: str = ""
    _patterns: dict[str, re.Pattern[str] | None] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, path: Path) -> Glossary:
        """Read a ``.csv`` or ``.tbx`` glossary; a missing file is an empty glossary."""
        if not path.is_file():
            return cls(path=str(path))
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise GlossaryError(f"{path}: cannot read: {error}") from error
        if path.suffix.lower() in (".tbx", ".xml"):
            return cls(_parse_tbx(text, str(path)), str(path))
        return cls(_parse_csv(text, str(path)), str(path))

    @property
    def version(self) -> str:
        """A hash of the terms: cached machine translations depend on it."""
        rows = sorted(
            f"{t.source}\t{'|'.join(t.translations)}\t{t.keep}\t{t.language}" for t in self
        )
        return hashlib.sha1("\n".join(rows).encode("utf-8")).hexdigest()[:12]

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def find(self, text: str, language: str = "") -> list[Hit]:
        """Non-overlapping terms in ``text`` for ``language``, longest first at each place."""
        pattern = self._pattern(language)
        if pattern is None:
            return []
        return [
            Hit(match.start(), match.end(), self._term(match.group(0), language))
            for match in pattern.finditer(text)
        ]

    def terms_in(self, text: str, language: str = "") -> list[Term]:
        """The distinct terms that occur in ``text``."""
        return list(dict.fromkeys(hit.term for hit in self.find(text, language)))

    def notes(self, text: str) -> list[str]:
        """Template notes for the terms in ``text`` (every language)."""
        return [term.describe() for term in self.terms_in(text, "")]

    def _applicable(self, language: str) -> list[Term]:
        return [t for t in self.terms if not language or t.applies_to(language)]

    def _pattern(self, language: str) -> re.Pattern[str] | None:
        if language not in self._patterns:
            terms = sorted(self._applicable(language), key=lambda t: -len(t.source))
            parts = [
                re.escape(t.source) if t.case_sensitive else f"(?i:{re.escape(t.source)})"
                for t in terms
            ]
            self._patterns[language] = (
                re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)") if parts else None
            )
        return self._patterns[language]

    def _term(self, matched: str, language: str) -> Term:
        candidates = self._applicable(language)
        for term in candidates:
            if term.source == matched:
                return term
        folded = matched.casefold()
        return next(t for t in candidates if t.source.casefold() == folded)


def contains_term(text: str, term: Term) -> bool:
    """True if ``text`` has one of the term's accepted forms (the source, for keep terms)."""
    if term.keep or not term.translations:
        if term.case_sensitive:
            return term.source in text
        return term.source.casefold() in text.casefold()
    return any(translation in text for translation in term.translations)


def _same_language(a: str, b: str) -> bool:
    a, b = (x.lower().replace("-", "_") for x in (a, b))
    return a == b or a.split("_")[0] == b or b.split("_")[0] == a


# CSV -------------------------------------------------------------------------


def _parse_csv(text: str, path: str) -> list[Term]:
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    if not rows:
        return []
    header = [cell.strip().lower() for cell in rows[0]]
    if "term" not in header:
        raise GlossaryError(f"{path}:1: the header must name the columns: term,translation,…")
    terms = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
        terms.append(_csv_term(cells, f"{path}:{number}"))
    return terms


def _csv_term(cells: dict[str, str], where: str) -> Term:
    source, kind = cells.get("term", ""), cells.get("type", "").lower()
    if not source:
        raise GlossaryError(f"{where}: empty term")
    if kind not in TYPES:
        raise GlossaryError(f"{where}: unknown type {kind!r} (use term or keep)")
    translations = tuple(t.strip() for t in cells.get("translation", "").split("|") if t.strip())
    keep = TYPES[kind] or not translations
    translations = () if keep else translations
    return Term(source, translations, keep, cells.get("note", ""), cells.get("language", ""))


# TBX -------------------------------------------------------------------------


def _parse_tbx(text: str, path: str, source_language: str = "en") -> list[Term]:
    """TBX (v2 ``termEntry/langSet/tig`` or v3 ``conceptEntry/langSec/termSec``).

    The source-language term is the entry's term; each other language's terms are its
    translations for that language. An entry with no other language is do-not-translate.
    """
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        raise GlossaryError(f"{path}:{error.position[0]}: not valid TBX: {error}") from error
    terms = []
    for entry in root.iter():
        if _local(entry.tag) not in ("termEntry", "conceptEntry"):
            continue
        languages = _tbx_languages(entry)
        sources = languages.pop(_find_language(languages, source_language), [])
        note = next((d.text or "" for d in entry.iter() if _local(d.tag) == "descrip"), "")
        for source in sources:
            if not languages:
                terms.append(Term(source, (), True, note.strip()))
            for language, translations in languages.items():
                terms.append(Term(source, tuple(translations), False, note.strip(), language))
    return terms


def _tbx_languages(entry: object) -> dict[str, list[str]]:
    languages: dict[str, list[str]] = {}
    for section in entry.iter():  # type: ignore[attr-defined]
        if _local(section.tag) not in ("langSet", "langSec"):
            continue
        language = section.get("{http://www.w3.org/XML/1998/namespace}lang", "")
        words = [t.text.strip() for t in section.iter() if _local(t.tag) == "term" and t.text]
        languages.setdefault(language, []).extend(words)
    return languages


def _find_language(languages: dict[str, list[str]], wanted: str) -> str:
    return next((code for code in languages if _same_language(code, wanted)), wanted)


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]
