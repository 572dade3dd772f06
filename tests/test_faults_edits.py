"""A translator saving catalogs (another process, editor-style) while translate and ingest
write them: over many trials, not one saved edit is lost.

The translator is a forked child that keeps picking a random entry of a random catalog and
saving it as Poedit does (read, change, write a temp file, rename it over the catalog),
logging each save after the rename. Meanwhile this process machine-translates article by
article and re-ingests edited sources (a paragraph added), so catalogs are rewritten while
the translator saves them. At the end, the last logged text of every edited entry must be
in the catalog, approved.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from i18npub.po import parse_po
from i18npub.project import Project
from tests.support.faults import approve_some, catalog_states, news_project, write_config
from tests.support.mt_servers import ProviderServer

pytestmark = pytest.mark.slow
TRIALS = int(os.environ.get("I18NPUB_EDIT_TRIALS", "15"))


@pytest.fixture(scope="module")
def server() -> Iterator[ProviderServer]:
    with ProviderServer("libre", delay=0.005) as libre:
        yield libre


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, server: ProviderServer) -> Path:
    root = tmp_path_factory.mktemp("edits") / "template"
    project = news_project(root, server.url, articles=5, per=9)
    write_config(root, server.url, batch_size=3, concurrency=2)
    approve_some(project, share=0.2)
    return root


def _translator(root: Path, log: Path, stop: Path, seed: int) -> None:
    """Save random entries editor-style until ``stop`` exists; log each save."""
    rng = random.Random(seed)
    folder = root / "locales" / "zh_CN" / "LC_MESSAGES"
    paths = sorted(folder.glob("*.po"))
    saves = 0
    while not stop.exists():
        path = rng.choice(paths)
        try:
            catalog = parse_po(path.read_bytes().decode("utf-8"), str(path))
        except FileNotFoundError:  # the pipeline is swapping the file this instant
            continue
        active = [e for e in catalog.entries if e.msgid and not e.obsolete]
        entry = rng.choice(active)
        entry.msgstr, entry.fuzzy = f"译者第{seed}-{saves}次审校。", False
        temp = path.with_name(f".{path.name}.poedit")
        temp.write_bytes(catalog.dumps().encode("utf-8"))
        os.replace(temp, path)
        with log.open("a", encoding="utf-8") as out:
            out.write(json.dumps([path.stem, entry.msgid, entry.msgstr]) + "\n")
        saves += 1
        time.sleep(rng.uniform(0.0005, 0.004))


def _pipeline(project: Project, rng: random.Random) -> int:
    """Translate article by article, re-ingest edited sources, translate again."""
    writes = 0
    slugs = project.slugs()
    for slug in rng.sample(slugs, len(slugs)):
        writes += project.translate(slugs=[slug]).filled > 0
    inbox = project.root / "inbox"
    for path in sorted(inbox.glob("*.md")):
        extra = f"\n\nA new paragraph number {rng.randint(1, 10**6)} was added.\n"
        path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    results = project.ingest([inbox])
    assert all(r.action == "updated" for r in results), [r.message for r in results]
    writes += len(results)
    writes += project.translate().filled > 0
    return writes


def test_no_translator_save_is_lost_while_translate_and_ingest_write(
    tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    from i18npub import catalog

    totals = {"trials": TRIALS, "translator saves": 0, "pipeline writes": 0, "lost": 0}
    totals["conflicts redone"] = 0
    swap = catalog.replace_if_unchanged

    def counted(*args: object, **kwargs: object) -> bool:
        done = swap(*args, **kwargs)  # type: ignore[arg-type]
        totals["conflicts redone"] += not done
        return done

    monkeypatch.setattr(catalog, "replace_if_unchanged", counted)
    for trial in range(TRIALS):
        root = tmp_path / f"t{trial}"
        shutil.copytree(template, root)
        log, stop = root / "saves.jsonl", root / "stop"
        child = multiprocessing.get_context("fork").Process(
            target=_translator, args=(root, log, stop, trial), daemon=True
        )
        child.start()
        try:
            time.sleep(0.05)  # the translator is saving before the pipeline starts
            totals["pipeline writes"] += _pipeline(Project.open(root), random.Random(trial))
        finally:
            stop.touch()
            child.join(30)
        assert child.exitcode == 0
        last: dict[tuple[str, str], str] = {}
        for line in log.read_text(encoding="utf-8").splitlines():
            slug, msgid, text = json.loads(line)
            last[(slug, msgid)] = text
        states = catalog_states(Project.open(root))
        lost = [key for key, text in last.items() if states.get(key) != ("approved", text)]
        totals["translator saves"] += len(log.read_text(encoding="utf-8").splitlines())
        totals["lost"] += len(lost)
        assert not lost, f"trial {trial}: {len(lost)} of {len(last)} edited entries lost"
        shutil.rmtree(root)
    assert totals["translator saves"] >= 20 * TRIALS and totals["conflicts redone"], totals
    print(f"\nconcurrent edits: {totals}")
