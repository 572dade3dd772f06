"""The theme's UI catalog: extracted by Babel, fully approved in Chinese, valid for msgfmt."""

from __future__ import annotations

import subprocess
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from i18npub.site.theme import THEME, load_ui_catalog
from tests.support.paths import REPO
from tests.support.require import require_tool

POT = THEME / "locales" / "templates" / "site.pot"
PO = THEME / "locales" / "zh_CN" / "LC_MESSAGES" / "site.po"


def _msgids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


def test_the_template_holds_every_ui_string_of_the_theme() -> None:
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "zh_": None}
    method_map = [("**.html", "jinja2")]
    found = {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(
            str(THEME), method_map, keywords=keywords, options_map={"**.html": {}}
        )
    }
    assert found == _msgids(POT), "run the pybabel extract command in babel.cfg"
    assert (REPO / "babel.cfg").is_file()


def test_every_ui_string_has_an_approved_chinese_translation() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    assert {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id} == _msgids(POT)
    for message in catalog:
        if message.id:
            assert message.string and all(message.string), message.id
            assert not message.fuzzy, message.id


def test_the_catalog_passes_msgfmt_check() -> None:
    msgfmt = require_tool("msgfmt")
    subprocess.run([msgfmt, "-c", "-o", "/dev/null", str(PO)], check=True)


def test_compiled_in_memory_with_plurals() -> None:
    translations = load_ui_catalog(PO)
    assert translations.gettext("Machine translation, not yet reviewed") == "机器翻译，待审校"
    singular, plural = "%(label)s: %(num)s sentence", "%(label)s: %(num)s sentences"
    assert translations.ngettext(singular, plural, 3) % {"label": "机译", "num": 3} == (
        "机译：3\u00a0句"  # no line break between a number and its measure word
    )


def test_translations_with_broken_placeholders_fall_back_to_english(tmp_path: Path) -> None:
    po = tmp_path / "site.po"
    po.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "%(percent)s%% reviewed"\nmsgstr "已审校 %(pct)s"\n\n'
        '#, fuzzy\nmsgid "Latest news"\nmsgstr "最新"\n\n'
        'msgid "Language"\nmsgstr "语言"\n',
        encoding="utf-8",
    )
    translations = load_ui_catalog(po)
    assert translations.gettext("%(percent)s%% reviewed") == "%(percent)s%% reviewed"
    assert translations.gettext("Latest news") == "Latest news"  # fuzzy: not approved
    assert translations.gettext("Language") == "语言"
