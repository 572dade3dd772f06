"""The theme: templates, static files and UI catalogs (``templates/`` over the built-in)."""

from __future__ import annotations

import gettext
import hashlib
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from i18npub.config import PublishSettings
from i18npub.site.views import (
    Label,
)
from i18npub.wordbreak import word_breaks

if TYPE_CHECKING:
    from jinja2 import Environment

THEME = Path(__file__).parent.parent / "theme"
CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' https: data:; "
    "base-uri 'none'; form-action 'none'"
)
# Characters XML 1.0 does not allow, even escaped (its "Char" production).
_FORMAT_RE = re.compile(r"%\((\w+)\)s")
_FORMAT_ANY_RE = re.compile(r"%\(\w+\)s|%%")


class Theme:
    """Templates, static files and UI catalogs: the project's ``templates/`` over the built-in."""

    def __init__(self, override: Path, settings: PublishSettings) -> None:
        self.override = override
        self.settings = settings
        self._environments: dict[str, Environment] = {}

    def file(self, relative: str) -> Path | None:
        for folder in (self.override, THEME):
            path = folder / relative
            if path.is_file():
                return path
        return None

    def files(self, folder: str = "") -> dict[str, Path]:
        """Theme files under ``folder`` by relative path, overrides winning."""
        found: dict[str, Path] = {}
        for base in (THEME, self.override):
            start = base / folder
            if not start.is_dir():
                continue
            for path in sorted(start.rglob("*")):
                relative = path.relative_to(base).as_posix()
                if path.is_file() and "__pycache__" not in relative:
                    found[relative] = path
        return found

    def digest(self) -> str:
        hasher = hashlib.sha256()
        for relative, path in sorted(self.files().items()):
            hasher.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
        return hasher.hexdigest()

    def static(self) -> dict[str, bytes]:
        return {
            relative: path.read_bytes()
            for relative, path in self.files("static").items()
            if not Path(relative).name.startswith(".")
        }

    def translations(self, ui: str) -> gettext.NullTranslations:
        """The UI catalog for ``ui`` ("en" needs none: the msgids are English)."""
        if ui == "en":
            return gettext.NullTranslations()
        language = self.settings.language
        for name in (language, language.split("_")[0]):
            path = self.file(f"locales/{name}/LC_MESSAGES/site.po")
            if path is not None:
                return load_ui_catalog(path)
        return gettext.NullTranslations()

    def environment(self, ui: str) -> Environment:
        """A Jinja2 environment whose UI strings are in ``ui`` ("en" or "zh")."""
        if ui not in self._environments:
            self._environments[ui] = self._new_environment(ui)
        return self._environments[ui]

    def _new_environment(self, ui: str) -> Environment:
        from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

        env = Environment(
            loader=FileSystemLoader([str(self.override), str(THEME)]),
            autoescape=select_autoescape(("html", "xml")),
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=StrictUndefined,
            auto_reload=False,
        )
        translations = self.translations(ui)
        env.install_gettext_callables(  # type: ignore[attr-defined]
            *_escaping_callables(translations), newstyle=True
        )
        zh_gettext = _escaping_callables(self.translations("zh"))[0]
        ui_tag = "en" if ui == "en" else self.settings.lang_tag
        locale = "en" if ui == "en" else self.settings.language
        env.filters["longdate"] = lambda day: _long_date(day, locale)
        env.filters["wordbreaks"] = lambda text: word_breaks(
            text, "zh_Hant" if self.settings.lang_tag == "zh-Hant" else "zh"
        )
        env.filters["byline_parts"] = byline_parts
        env.globals.update(
            site=self.settings,
            ui_lang=ui_tag,
            zh_tag=self.settings.lang_tag,
            zh_=lambda message, **variables: zh_gettext(message) % variables,
            csp=Markup(CSP),
            label=lambda short, long, gap="": Label(short, long, gap, ui_tag),
        )
        return env


_BYLINE_SPLIT_RE = re.compile(r"\s*(?:,|;|\band\b|&)\s*", re.I)


def byline_parts(byline: str) -> list[str]:
    """A byline's names and roles: "Staff reporter and Jane Doe" → two parts."""
    return [part for part in _BYLINE_SPLIT_RE.split(byline.strip()) if part]


def load_ui_catalog(path: Path) -> gettext.NullTranslations:
    """Compile a UI catalog in memory: approved entries only, placeholders checked."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with path.open("rb") as handle:
        catalog = read_po(handle, ignore_obsolete=True)
    for message in list(catalog):
        if message.id and message.string and not _same_placeholders(message.id, message.string):
            catalog.delete(message.id, message.context)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled)


def _same_placeholders(msgid: str | Sequence[str], msgstr: str | Sequence[str]) -> bool:
    """A translation may use only its msgid's ``%(name)s`` placeholders (and ``%%``)."""
    ids = _texts(msgid)
    allowed = {name for text in ids for name in _FORMAT_RE.findall(text)}
    for text in _texts(msgstr):
        if set(_FORMAT_RE.findall(text)) - allowed or "%" in _FORMAT_ANY_RE.sub("", text):
            return False
    return True


def _texts(value: str | Sequence[str]) -> list[str]:
    return [t or "" for t in value] if isinstance(value, tuple | list) else [str(value or "")]


def _escaping_callables(
    translations: gettext.NullTranslations,
) -> tuple[Callable[..., Markup], Callable[..., Markup]]:
    """gettext/ngettext whose results are escaped: a catalog never injects HTML."""

    def ugettext(message: str) -> Markup:
        return escape(translations.gettext(message))

    def ungettext(singular: str, plural: str, number: int) -> Markup:
        return escape(translations.ngettext(singular, plural, number))

    return ugettext, ungettext


@lru_cache(maxsize=8192)
def _long_date(day: Any, locale: str) -> str:
    from babel.dates import format_date  # 15 ms to import: only when a page is rendered

    return format_date(day, "long", locale=locale)
