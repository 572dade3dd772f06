"""Pathological segments (megabyte sentences, thousands of numbers, long emphasis runs) go
through ingest, machine translation and the PO writer in linear time and come out intact.

Speed is measured in ``benchmarks/pathological.py`` (ratios); before the fixes these cases
took minutes (quadratic token protection and GNU line layout), so this suite would stall.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

from i18npub.po import POEntry, new_po, parse_po
from i18npub.po.layout import gnu_lines_exact, gnu_lines_fast
from i18npub.project import Project
from i18npub.translate import protect, restore
from tests.support.require import require_tool

WORDS = "the council said prices rose in the region over the past year "


@pytest.mark.slow
def test_megabyte_segments_translate_and_write_valid_catalogs(tmp_path: Path) -> None:
    msgfmt = require_tool("msgfmt")
    numbers = " ".join(f"{i},{i % 1000:03d}.5" for i in range(30_000))
    source = tmp_path / "long.md"
    source.write_text(
        "---\ntitle: Long ones\n---\n\n"
        f"The {WORDS * 20_000}end.\n\nTotals {numbers} end.\n\nRun *{WORDS * 1_600}* end.\n",
        encoding="utf-8",
    )
    project = Project.init(tmp_path / "proj", title="Long")
    config = project.root / "i18npub.toml"
    config.write_text(config.read_text().replace('engines = ["memory"]', 'engines = ["pseudo"]'))
    project = Project.open(project.root)
    [result] = project.ingest([source])
    assert result.action == "created", result.message
    report = project.translate()
    assert report.pending == 0 and report.filled == 4
    path = project.catalog_path(result.slug, "zh_CN")
    done = subprocess.run([msgfmt, "-c", "-o", "/dev/null", str(path)], capture_output=True)
    assert done.returncode == 0, done.stderr
    entries = [e for e in parse_po(path.read_text(encoding="utf-8")).entries if e.msgstr]
    [totals] = [e for e in entries if e.msgid.startswith("Totals")]
    # every number kept (numbers travel in clear: the pseudo engine widens their digits)
    kept = unicodedata.normalize("NFKC", totals.msgstr)
    assert re.findall(r"\d[\d,.]*\d", kept) == numbers.split()


def test_protection_of_thirty_thousand_numbers_round_trips() -> None:
    text = (
        "Totals " + " ".join(f"{i}.{i % 7}" for i in range(30_000)) + " and a@b.org " + "x" * 1000
    )
    protected = protect(text, numbers=True)  # numbers protected, as protect_numbers = true does
    assert len(protected.replacements) == 30_001
    assert restore(protected.text, protected) == text


def test_wide_text_over_many_lines_is_laid_out_like_gnu_gettext() -> None:
    value = ("市议会表示，该地区物价在过去一年上涨。" * 400) + "Mixed English words 12,5 " * 40
    for width in (79, 40):
        expected = gnu_lines_exact("", "msgstr", value, width, frozenset())
        assert gnu_lines_fast("", "msgstr", value, width, frozenset()) == expected
    po = new_po()
    po.append(POEntry(msgid="x", msgstr="中文" * 650_000))  # a 1.3 MB Chinese line
    assert parse_po(po.dumps()).entries[0].msgstr == "中文" * 650_000
