"""Prefect's overhead on the whole pipeline: N generated articles through the flow vs the library.

Each scenario starts from a fresh copy of the same project (N Markdown articles in
``content/``) and runs ingest → machine translation (the offline ``pseudo`` engine) → site
build, then runs again with nothing changed (a flow ``--settle`` seconds later: the server
records a run's events in the background, and a rerun started at once waits for that):

* ``library``: ``i18npub.pipeline.run`` (what ``i18npub run`` does without Prefect);
* ``flow, threads``: the ``i18npub-pipeline`` flow, translate tasks on 4 threads;
* ``flow, dask``: the same flow with the Dask task runner on 2 worker processes.

With ``--latency S`` the engine is ``libre`` instead, answering from a LibreTranslate-like
server on 127.0.0.1 (``tests/support/mt_servers.py``) after ``S`` seconds per request: the case of a
remote engine, where running articles in parallel pays.

The flows talk to a Prefect server started here on 127.0.0.1 (temporary PREFECT_HOME;
its start-up is reported, not counted). Articles are made from the sentences of the shared
WMT22 news corpus (read in place) or, without it, from sentences written here.

    .venv/bin/python benchmarks/pipeline.py [--articles 1000] [--only library,threads,dask]
        [--latency 0.2] [--settle 30]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "news" / "wmt22-news-en-zh.jsonl"
FALLBACK = [
    "The city council approved the new harbour plan on Tuesday.",
    "Officials said the ferry would carry 300 passengers a day.",
    "Exports of green tea rose 12% in the first quarter, the ministry said.",
    "The library opened its archive of 40,000 photographs to the public.",
    "Farmers in the valley expect a strong harvest after the spring rains.",
    "Dr. Chen, who led the study, said more data was needed.",
    "Tickets go on sale at 9 a.m. on Friday and cost $15.",
    '"We are ready," the mayor told reporters outside the town hall.',
]
SCENARIOS = ("library", "threads", "dask")
sys.path.insert(0, str(ROOT))


def sentences() -> list[str]:
    if not CORPUS.is_file():
        return FALLBACK
    found: list[str] = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        found += [s.strip() for s in json.loads(line)["sentences_en"] if len(s.split()) > 3]
    return found


def write_articles(folder: Path, count: int, seed: int = 6) -> None:
    """``count`` Markdown articles, each a title and 3 paragraphs of 2-4 corpus sentences."""
    rng = random.Random(seed)
    pool = sentences()
    for number in range(count):
        paragraphs = [" ".join(rng.sample(pool, rng.randint(2, 4))) for _ in range(3)]
        words = " ".join(rng.choice(pool).split()[:6]).rstrip(",.").replace('"', "")
        front = f'---\ntitle: "Story {number}: {words}"\n---\n\n'
        text = front + "\n\n".join(paragraphs) + "\n"
        (folder / f"story-{number:04d}.md").write_text(text, encoding="utf-8")


def fresh_project(template: Path, scratch: Path, name: str) -> Path:
    target = scratch / name
    shutil.copytree(template, target)
    return target


def timed(call: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def run_library(project_dir: Path, engine: str) -> Callable[[], object]:
    from i18npub import pipeline
    from i18npub.project import Project

    options = pipeline.RunOptions(engines=(engine,))
    return lambda: pipeline.run(Project.open(project_dir), options)


def run_flow(
    project_dir: Path, engine: str, task_runner: str, workers: int
) -> Callable[[], object]:
    from i18npub.orchestrate.flows import pipeline as flow

    def call() -> object:
        state = flow(
            str(project_dir),
            engines=[engine],
            task_runner=task_runner,
            workers=workers,
            return_state=True,
        )
        report = state.result(raise_on_failure=False)
        if not state.is_completed():
            raise SystemExit(f"flow run failed: {state.message}")
        return report

    return call


def measure(name: str, call: Callable[[], object], settle: float) -> dict[str, float]:
    first, report = timed(call)
    assert report.ok, report.errors()  # type: ignore[attr-defined]
    time.sleep(settle)  # the server records the first run's events in the background
    again, _ = timed(call)
    totals = report.status["totals"]  # type: ignore[attr-defined]
    print(f"  {name}: {first:.1f} s, rerun {again:.1f} s", flush=True)
    return {"first": first, "again": again, "segments": totals["segments"]}


def libre_server(latency: float) -> contextlib.AbstractContextManager[Any]:
    """The test suite's LibreTranslate look-alike, answering after ``latency`` seconds."""
    from tests.support.mt_servers import ProviderServer

    return ProviderServer("libre", delay=latency)


def start_server(scratch: Path) -> float:
    from i18npub.orchestrate.server import LocalServer

    server = LocalServer(scratch / "prefect-home")
    seconds, _ = timed(server.start)
    os.environ.update(server.environment())
    os.environ["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] = "CRITICAL"
    os.environ["DASK_LOGGING__DISTRIBUTED"] = "error"
    import atexit

    atexit.register(server.stop)
    return seconds


def table(results: dict[str, dict[str, float]], articles: int, engine: str) -> str:
    base = results.get("library")
    segments = int(next(iter(results.values()))["segments"])
    lines = [
        f"{articles:,} articles, {segments:,} segments, engine: {engine}; one run of each",
        "",
        "| path | first run (s) | overhead vs library | rerun, nothing changed (s) |",
        "|---|---:|---:|---:|",
    ]
    for name, numbers in results.items():
        overhead = ""
        if base and name != "library":
            extra = numbers["first"] - base["first"]
            overhead = f"{extra:+.1f} s ({100 * extra / base['first']:+.0f} %)"
        lines.append(f"| {name} | {numbers['first']:.1f} | {overhead} | {numbers['again']:.1f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--only", default=",".join(SCENARIOS))
    parser.add_argument("--latency", type=float, default=0.0, help="use libre, this slow (s)")
    parser.add_argument("--settle", type=float, default=30.0, help="pause before a flow rerun")
    args = parser.parse_args()
    wanted = args.only.split(",")
    scratch = Path(tempfile.mkdtemp(prefix="i18npub-bench-"))
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, scratch, ignore_errors=True)
        from i18npub.project import Project

        template = Project.init(scratch / "template").root
        write_articles(template / "content", args.articles)
        engine, label = "pseudo", "`pseudo` (offline, instant)"
        if args.latency:
            engine, label = "libre", f"`libre` on 127.0.0.1, {args.latency:g} s per request"
            mt_server = stack.enter_context(libre_server(args.latency))
            with (template / "i18npub.toml").open("a", encoding="utf-8") as config:
                config.write(f'\n[engines.libre]\nurl = "{mt_server.url}"\n')
        results: dict[str, dict[str, float]] = {}
        if "library" in wanted:
            project_dir = fresh_project(template, scratch, "lib")
            results["library"] = measure("library", run_library(project_dir, engine), 0)
        if {"threads", "dask"} & set(wanted):
            print(f"  (Prefect server started in {start_server(scratch):.1f} s)", flush=True)
        for name, runner, workers in (("threads", "threads", 4), ("dask", "dask", 2)):
            if name in wanted:
                project_dir = fresh_project(template, scratch, name)
                title = f"flow, {runner} ({workers} workers)"
                flow_run = run_flow(project_dir, engine, runner, workers)
                results[title] = measure(title, flow_run, args.settle)
        print()
        print(table(results, args.articles, label))


if __name__ == "__main__":
    main()
