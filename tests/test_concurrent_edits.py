"""A translator saving a catalog while the pipeline writes it never loses an edit."""

from __future__ import annotations

import os
import random
import threading
import time
from pathlib import Path

from i18npub.catalog import CatalogBusy, edit_catalog, read_catalog
from i18npub.lookup import set_machine_translation
from i18npub.po import POFile
from i18npub.project import Project

PIPELINE_WRITES = 100
TRANSLATOR_SAVES = 50


def _translator_save(path: Path, entry_index: int, text: str) -> None:
    """What Poedit does: read, change one entry, write a temp file, rename it over."""
    while True:
        try:
            catalog = read_catalog(path)
            break
        except FileNotFoundError:  # the pipeline is swapping the file this instant
            continue
    catalog.entries[entry_index].msgstr = text
    catalog.entries[entry_index].fuzzy = False
    tmp = path.with_name(f".{path.name}.poedit")
    tmp.write_bytes(catalog.dumps().encode("utf-8"))
    os.replace(tmp, path)


def test_no_translator_edit_is_lost_while_the_pipeline_writes(
    project: Project, tmp_path: Path
) -> None:
    source = tmp_path / "story.md"
    sentences = " ".join(f"Sentence number {n} is here." for n in range(8))
    source.write_text(f"# Story\n\n{sentences}\n", encoding="utf-8")
    project.ingest([source])
    path = project.catalog_path("story", "zh_CN")
    translator_entries = [1, 2, 3]  # the pipeline works on entries 4-8 meanwhile
    last_edit: dict[int, str] = {}
    rng = random.Random(7)
    pipeline_writes = 0

    stop = threading.Event()
    translator_saves = 0

    def translator() -> None:
        nonlocal translator_saves
        while not stop.is_set():
            trial = translator_saves
            translator_saves += 1
            index = rng.choice(translator_entries)
            text = f"第{trial}次审校的译文。"
            _translator_save(path, index, text)
            last_edit[index] = text
            time.sleep(rng.uniform(0.001, 0.01))

    def pipeline_change(catalog: POFile | None) -> POFile | None:
        assert catalog is not None
        entry = catalog.entries[4 + pipeline_writes % 5]
        set_machine_translation(entry, f"机器译文{pipeline_writes}。", "pseudo")
        return catalog

    worker = threading.Thread(target=translator)
    worker.start()
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and (
            pipeline_writes < PIPELINE_WRITES or translator_saves < TRANSLATOR_SAVES
        ):
            try:
                if edit_catalog(path, pipeline_change):
                    pipeline_writes += 1
            except CatalogBusy:  # the translator kept saving; safety is what we test
                continue
    finally:
        stop.set()
        worker.join()

    final = read_catalog(path)
    for index, text in last_edit.items():
        assert final.entries[index].msgstr == text, f"edit to entry {index} lost"
        assert not final.entries[index].fuzzy
    assert pipeline_writes >= 30 and translator_saves >= TRANSLATOR_SAVES, "too little overlap"
    assert not list(path.parent.glob(".*.tmp")) and not list(path.parent.glob(".*.old"))
