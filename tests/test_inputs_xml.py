"""Characters XML 1.0 forbids (U+FFFF, U+FFFE, C0 controls) in a source or a translation
are dropped from every XML output, so feeds and the sitemap stay well-formed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from i18npub.config import CONFIG_NAME
from i18npub.project import Project
from tests.support.sitekit import edit_catalog, set_msgstr

BAD = "\uffff\ufffe\x0b\x1b\x01"


def test_feeds_and_sitemap_stay_well_formed(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "proj", title=f"Wire{BAD[0]} News")
    config = project.root / CONFIG_NAME
    config.write_text(
        config.read_text().replace('base_url = ""', 'base_url = "https://news.example.org/"')
    )
    project = Project.open(project.root)
    source = tmp_path / "tariffs.txt"
    source.write_text(
        f"Tariffs{BAD} rise again\n\nPort fees rose{BAD[:2]} by a tenth this spring. "
        f"Shippers{BAD[2:]} said they would pass the cost on.\n",
        encoding="utf-8",
    )
    [result] = project.ingest([source])
    assert result.action == "created", result.message
    edit_catalog(project, result.slug, set_msgstr(f"关税{BAD}再次上涨"))  # all approved
    project.build()
    site = project.path("site")
    outputs = [site / "en" / "feed.xml", site / "zh" / "feed.xml", site / "sitemap.xml"]
    for path in outputs:
        text = path.read_text(encoding="utf-8")
        assert not any(c in text for c in BAD), path
        ET.fromstring(text.encode("utf-8"))  # raises on a character XML forbids
    english = (site / "en" / "feed.xml").read_text(encoding="utf-8")
    assert "Tariffs rise again" in english and "Wire News" in english
    assert "关税再次上涨" in (site / "zh" / "feed.xml").read_text(encoding="utf-8")
