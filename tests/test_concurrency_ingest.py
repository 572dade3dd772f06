"""Two ``ingest`` processes at once on the same new sources make one article per source.

Each trial starts two real processes that wait at a common start line, then ingest the
same 30 new sources (some with the same title, so slugs collide on purpose).
``I18NPUB_CONCURRENCY_TRIALS`` sets the number of trials (default 6). Each process ingests
alone or, as from ``PARALLEL_MIN`` sources, with worker processes parsing ahead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from i18npub.project import Project
from tests.support.paths import REPO, SRC

pytestmark = pytest.mark.slow
TRIALS = int(os.environ.get("I18NPUB_CONCURRENCY_TRIALS", "6"))
SOURCES = 30

_INGEST = """
import json, os, sys, time
from pathlib import Path
import i18npub.project
from i18npub.project import Project

root, inbox, go, parallel_min = sys.argv[1:5]
i18npub.project.PARALLEL_MIN = int(parallel_min)
project = Project.open(root)
Path(go + f".{os.getpid()}").touch()  # ready
while not os.path.exists(go):
    time.sleep(0.0005)
results = project.ingest([inbox])
print(json.dumps([[r.source, r.action, r.slug, r.message] for r in results]))
"""


def _sources(inbox: Path, trial: int) -> None:
    inbox.mkdir()
    for number in range(SOURCES):
        title = f"Council meets on item {number % 10}"  # 3 sources per title
        body = f"The council met about item {number} on Monday in trial {trial}. It was long."
        (inbox / f"s{number:02d}.md").write_text(f"# {title}\n\n{body}\n", encoding="utf-8")


def _race(root: Path, inbox: Path, parallel_min: int) -> list[list[list[str]]]:
    go = root / "go"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(REPO)])}
    command = [sys.executable, "-c", _INGEST, str(root), str(inbox), str(go), str(parallel_min)]
    processes = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    deadline = time.monotonic() + 60
    while len(list(root.glob("go.*"))) < 2:  # both have opened the project: start together
        assert time.monotonic() < deadline and all(p.poll() is None for p in processes)
        time.sleep(0.005)
    go.touch()
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
        outputs.append(json.loads(out))
    return outputs


@pytest.mark.parametrize("parallel_min", [10**9, 2], ids=["one-process", "worker-processes"])
def test_two_ingests_at_once_make_one_article_per_source(tmp_path: Path, parallel_min: int) -> None:
    extra, both = 0, 0
    for trial in range(TRIALS):
        root = tmp_path / f"t{trial}"
        Project.init(root, title="Race")
        inbox = root / "inbox"
        _sources(inbox, trial)
        outputs = _race(root, inbox, parallel_min)
        for results in outputs:
            errors = [r for r in results if r[1] not in ("created", "updated", "unchanged")]
            assert not errors, errors
        both += all(any(r[1] == "created" for r in results) for results in outputs)
        project = Project.open(root)
        per_source = Counter(article.source for article in project.articles())
        extra += sum(per_source.values()) - len(per_source)
        assert len(per_source) == SOURCES
        duplicated = {source: n for source, n in per_source.items() if n > 1}
        assert not duplicated, f"trial {trial}: duplicate articles for {duplicated}"
        for results in outputs:  # both processes name the same article for each source
            assert {r[0]: r[2] for r in results} == {a.source: a.slug for a in project.articles()}
        catalogs = sorted(p.stem for p in (root / "locales/zh_CN/LC_MESSAGES").glob("*.po"))
        assert catalogs == project.slugs()
        # a later correction reaches the one article of its source
        first = inbox / "s00.md"
        first.write_text(first.read_text(encoding="utf-8").replace("long", "short"))
        results = {r.source: r for r in project.ingest([inbox])}
        assert results["inbox/s00.md"].action == "updated"
        assert [r.action for r in results.values()].count("updated") == 1
    print(f"\ntwo ingests at once: {TRIALS} trials ({both} with both creating), {extra} extra")
