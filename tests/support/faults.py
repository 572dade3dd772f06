"""Helpers for the fault suites (``test_faults_*.py``, ``test_mt_*.py``, the concurrency suites).

* ``news_project``: a project of generated articles (sentences with numbers, links, quotes)
  with a LibreTranslate-compatible engine and fast retry settings;
* ``FaultPlan``: puts a seeded mix of faults on a ``ProviderServer`` and records which
  texts got which answer;
* ``approve_some`` / ``catalog_states`` / ``assert_reviewed_kept``: what a run must not lose;
* ``killed_after``: run a function in a forked child and ``SIGKILL`` it after a delay;
* ``OsWithLink``: ``os`` with ``link`` replaced, to stop or fail a catalog swap at its link.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from i18npub.catalog import read_catalog
from i18npub.lookup import state_of
from i18npub.po import parse_po
from i18npub.project import Project
from i18npub.translate import protect
from tests.support.mt_servers import ProviderServer

SUBJECTS = ["The harbour board", "Ms. Lee", "The U.S. embassy", "Acme Co.", "The city council"]
VERBS = ["approved", "rejected", "delayed", "announced", "questioned"]
OBJECTS = ["a plan for 300 ferries", "the budget of $4.5 million", "a new tea market"]
TAILS = ["on Monday.", "in March, officials said.", "after a long debate.", "by 12 votes to 3."]


def sentence(rng: random.Random, number: int) -> str:
    """A news-like sentence, distinct for each ``number``."""
    return (
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
        f"in district {number} {rng.choice(TAILS)}"
    )


def article_text(slug: str, rng: random.Random, start: int, count: int) -> str:
    sentences = [sentence(rng, start + n) for n in range(count)]
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    if paragraphs:
        paragraphs[0] += " See [the report](https://news.example.org/r) for more."
    body = "\n\n".join(paragraphs)
    return f"---\nslug: {slug}\ntitle: Story {slug}\n---\n\n{body}\n"


def write_config(root: Path, url: str, **engine: Any) -> None:
    """``i18npub.toml`` with a libre engine at ``url`` and fast, bounded retries."""
    table = {"url": url, "batch_size": 4, "concurrency": 2, "max_failures": 2, **engine}
    lines = [
        '[project]\ntitle = "Faults"\n',
        "[translate]",
        'engines = ["libre"]',
        "timeout = 0.4\nconnect_timeout = 0.4\nretries = 1\nbackoff = 0.01\nmax_wait = 1\n",
        "[engines.libre]",
        *(f"{key} = {json.dumps(value)}" for key, value in table.items()),
    ]
    (root / "i18npub.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def news_project(root: Path, url: str, articles: int = 6, per: int = 9, seed: int = 1) -> Project:
    """A project with ``articles`` ingested stories of ``per`` sentences each (plus a title)."""
    Project.init(root, title="Faults")
    write_config(root, url)
    project = Project.open(root)
    rng = random.Random(seed)
    sources = root / "inbox"
    sources.mkdir()
    for number in range(articles):
        slug = f"story-{number}"
        text = article_text(slug, rng, number * 100, per)
        (sources / f"{slug}.md").write_text(text, encoding="utf-8")
    results = project.ingest([sources])
    assert all(r.action == "created" for r in results), [r.message for r in results]
    return project


def approve_some(project: Project, share: float = 0.3, seed: int = 5) -> dict[tuple[str, str], str]:
    """Give ``share`` of the entries a reviewed (approved) translation; return them."""
    rng = random.Random(seed)
    approved: dict[tuple[str, str], str] = {}
    for slug in project.slugs():
        path = project.catalog_path(slug, "zh_CN")
        catalog = read_catalog(path)
        for entry in catalog.entries:
            if entry.msgid and rng.random() < share:
                entry.msgstr, entry.fuzzy = f"审校译文{len(approved)}。", False
                approved[(slug, entry.msgid)] = entry.msgstr
        path.write_text(catalog.dumps(), encoding="utf-8")
    return approved


def catalog_states(project: Project) -> dict[tuple[str, str], tuple[str, str]]:
    """(slug, msgid) -> (state, msgstr) for every active entry; every catalog must parse."""
    states = {}
    for slug in project.slugs():
        path = project.catalog_path(slug, "zh_CN")
        catalog = parse_po(path.read_bytes().decode("utf-8"), str(path))
        for entry in catalog.entries:
            if entry.msgid and not entry.obsolete:
                states[(slug, entry.msgid)] = (state_of(entry), entry.msgstr)
    return states


def assert_reviewed_kept(project: Project, approved: dict[tuple[str, str], str]) -> None:
    states = catalog_states(project)
    lost = {key: text for key, text in approved.items() if states.get(key) != ("approved", text)}
    assert not lost, f"reviewed translations lost or changed: {list(lost)[:3]}"


def sent_form(msgid: str) -> str:
    """What the libre engine sends for a msgid (no glossary): the protected text."""
    return protect(msgid).text


class FaultPlan:
    """A seeded fault for each request a ``ProviderServer`` gets; records (texts, fault)."""

    def __init__(self, server: ProviderServer, faults: dict[str | None, float], seed: int) -> None:
        self.rng = random.Random(seed)
        self.names = list(faults)
        self.weights = list(faults.values())
        self.log: list[tuple[Any, str | None]] = []  # (request, fault); texts parsed later
        self._local = threading.local()
        self._lock = threading.Lock()
        server.on_request = self._seen
        server.next_fault = self._choose  # type: ignore[method-assign]

    def _seen(self, request: Any) -> None:
        self._local.request = request

    def _choose(self) -> str | None:
        with self._lock:
            fault = self.rng.choices(self.names, self.weights)[0]
            self.log.append((self._local.request, fault))
        return fault

    def texts(self, faults: Iterable[str | None]) -> set[str]:
        """Texts that got one of ``faults`` at least once."""
        wanted = set(faults)
        return {text for request, fault in self.log if fault in wanted for text in request.texts}


def killed_after(target: Callable[[], None], delay: float) -> int | None:
    """Run ``target`` in a forked child; SIGKILL it after ``delay`` s unless it ended first.

    Returns the child's exit code if it finished, None if it was killed.
    """
    context = multiprocessing.get_context("fork")
    child = context.Process(target=target, daemon=True)
    child.start()
    child.join(delay)
    if child.is_alive():
        os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
        child.join()
        return None
    return child.exitcode


def leftovers(root: Path) -> list[Path]:
    """Temp files and folders a killed writer leaves behind (never read by i18npub)."""
    return [p for p in root.rglob(".*") if p.name.endswith((".tmp", ".old", ".new"))]


def wait_for(predicate: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


class OsWithLink:
    """``os`` with ``link`` replaced: set as ``fsutil.os`` (in a child, or monkeypatched) to
    stop or fail a catalog swap at its link step."""

    def __init__(self, link: Callable[[object, object], None]) -> None:
        self.link = link

    def __getattr__(self, name: str) -> object:
        return getattr(os, name)
