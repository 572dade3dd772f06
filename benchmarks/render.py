"""Site rendering speed: a cold build, a no-change rebuild and rebuilds after 5% change.

Generates a project of N articles (default 1,000) from the WMT22 English news documents in
``../shared/corpus/news`` (or, when absent, from the repository's three sample articles):
paragraphs of two or three sentences, the human reference A as approved Chinese, system
Online-B as machine translation (every 7th sentence) and every 23rd sentence untranslated.
Prints a markdown table.

    .venv/bin/python benchmarks/render.py [--articles 1000] [--repeats 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from i18npub.article import Article, Block, Segment, slugify  # noqa: E402
from i18npub.catalog import build_template, merge_template, new_catalog  # noqa: E402
from i18npub.lookup import set_machine_translation  # noqa: E402
from i18npub.project import Project  # noqa: E402
from i18npub.site import wait_for_discards  # noqa: E402

WMT = REPO.parent / "shared" / "corpus" / "news" / "wmt22-news-en-zh.jsonl"


def documents() -> list[tuple[str, list[str], list[str], list[str]]]:
    """(id, English sentences, approved Chinese, machine Chinese) per source document."""
    if WMT.is_file():
        docs = []
        for line in WMT.read_text(encoding="utf-8").splitlines():
            data = json.loads(line)
            machine = data["mt"].get("Online-B") or data["ref_zh_b"]
            docs.append((data["id"], data["sentences_en"], data["ref_zh_a"], machine))
        return docs
    return _sample_documents()


def _sample_documents() -> list[tuple[str, list[str], list[str], list[str]]]:
    from i18npub.catalog import read_catalog

    project = Project.open(REPO)
    docs = []
    for article in project.articles():
        catalog = read_catalog(project.catalog_path(article.slug, "zh_CN"))
        entries = {e.msgid: e.msgstr for e in catalog.entries}
        english = [segment.text for _, _, segment in article.segments()]
        chinese = [entries.get(text, "") for text in english]
        docs.append((article.slug, english, chinese, chinese))
    return docs


def make_project(root: Path, count: int) -> tuple[Project, int]:
    """A project of ``count`` articles with catalogs; returns it and the sentence count."""
    config = (REPO / "i18npub.toml").read_text(encoding="utf-8")
    root.mkdir(parents=True)
    (root / "i18npub.toml").write_text(config, encoding="utf-8")
    project = Project.open(root)
    docs = documents()
    sentences = 0
    for number in range(count):
        first, second = docs[number % len(docs)], docs[(number * 7 + 3) % len(docs)]
        article, chinese, machine = _article(number, first, second)
        sentences += len(article.segments())
        project.save_article(article)
        path = project.catalog_path(article.slug, "zh_CN")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_catalog(article, chinese, machine).dumps(), encoding="utf-8")
    return project, sentences


def _article(number: int, first: tuple, second: tuple) -> tuple[Article, dict, dict]:
    english = list(first[1]) + list(second[1][1:])
    approved = list(first[2]) + list(second[2][1:])
    machine = list(first[3]) + list(second[3][1:])
    blocks = [Block("title", [Segment(english[0])])]
    body = english[1:]
    position = 0
    while position < len(body):
        size = 2 + (position // 2) % 2
        kind = "heading" if position and position % 17 == 0 else "paragraph"
        size = 1 if kind == "heading" else size
        blocks.append(Block(kind, [Segment(text) for text in body[position : position + size]]))
        position += size
    slug = slugify(f"news {number:04d} {first[0]}")
    day = dt.date(2026, 1, 1) + dt.timedelta(days=number % 365)
    article = Article(slug, english[0], blocks, date=day, byline="Wire desk")
    return (
        article,
        dict(zip(english, approved, strict=True)),
        dict(zip(english, machine, strict=True)),
    )


def _catalog(article: Article, approved: dict, machine: dict):  # type: ignore[no-untyped-def]
    template = build_template(article)
    catalog = new_catalog(template, "zh_CN", article.title)
    merge_template(catalog, template)
    for index, entry in enumerate(catalog.entries):
        if index % 23 == 22:
            continue  # untranslated
        if index % 7 == 6:
            set_machine_translation(entry, machine.get(entry.msgid, ""), "online-b")
        else:
            entry.msgstr = approved.get(entry.msgid, "")
    return catalog


def touch_catalogs(project: Project, share: float) -> int:
    """Change one sentence in ``share`` of the catalogs (a translator's review pass)."""
    slugs = project.slugs()
    step = max(1, round(1 / share))
    changed = 0
    for slug in slugs[::step]:
        path = project.catalog_path(slug, "zh_CN")
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace('msgstr "', 'msgstr "〔已审〕', 2), encoding="utf-8")
        changed += 1
    return changed


def timed(project: Project) -> tuple[float, float, object]:
    """Wall seconds until the build returns; CPU seconds (user + system) of all its threads and
    render processes, the background deletion of the replaced site included; the report."""
    wall, cpu = time.perf_counter(), _cpu()
    report = project.build()
    wall = time.perf_counter() - wall
    wait_for_discards()
    return wall, _cpu() - cpu, report


def _cpu() -> float:
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build here and keep the project")
    args = parser.parse_args()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="i18npub-render-"))
    try:
        run(workdir, args.articles, args.repeats)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def run(workdir: Path, count: int, repeats: int) -> None:
    started = time.perf_counter()
    project, sentences = make_project(workdir / "project", count)
    generated = time.perf_counter() - started
    runs: dict[str, list[tuple[float, float, int]]] = {
        "cold": [],
        "noop": [],
        "update": [],
        "again": [],
    }
    site = project.path("site")
    for _ in range(repeats):
        shutil.rmtree(site, ignore_errors=True)
        shutil.rmtree(site.parent / f".{site.name}.spare", ignore_errors=True)
        for name in runs:
            if name in ("update", "again"):
                touch_catalogs(project, 0.05)
                time.sleep(2.1)  # older than fsutil.RACY_NS: the next build's stats are kept
            wall, cpu, report = timed(project)
            runs[name].append((wall, cpu, report.rendered))  # type: ignore[attr-defined]
    memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    html = len(list(project.path("site").rglob("*.html")))
    load = os.getloadavg()[0]
    print(f"{count:,} articles, {sentences:,} sentences, {html:,} HTML pages; project generated")
    print(f"in {generated:.1f} s; median of {repeats} runs; peak memory {memory:.0f} MB;")
    print(f"load average {load:.1f} at the end (wall time suffers when the machine is shared)\n")
    print("| build | wall s | CPU s | files rendered | pages/s (wall) | pages/CPU-s |")
    print("|---|---:|---:|---:|---:|---:|")
    labels = {
        "cold": "cold (empty output)",
        "noop": "no change",
        "update": "5% of catalogs changed (no spare yet)",
        "again": "5% changed again (the spare updated)",
    }
    for name, label in labels.items():
        wall = statistics.median(r[0] for r in runs[name])
        cpu = statistics.median(r[1] for r in runs[name])
        rendered = runs[name][0][2]
        pages = html if name == "noop" else rendered  # a no-change build checks every page
        print(
            f"| {label} | {wall:.3f} | {cpu:.3f} | {rendered:,} | "
            f"{pages / wall:,.0f} | {pages / cpu:,.0f} |"
        )


if __name__ == "__main__":
    main()
