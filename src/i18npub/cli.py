"""The ``i18npub`` command line: a thin layer over ``i18npub.project``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from i18npub.config import ConfigError
from i18npub.project import IngestResult, Project, ProjectError, result_dict

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from i18npub.pipeline import Progress, RunOptions, RunReport
    from i18npub.render import BuildReport

app = typer.Typer(
    help="Translate English news into reviewed Chinese and publish bilingual pages.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_state: dict[str, Path] = {"project": Path(".")}


@app.callback()
def _global(
    project: Annotated[
        Path, typer.Option("--project", "-p", help="The project folder (default: current folder).")
    ] = Path("."),
) -> None:
    _state["project"] = project


def _open() -> Project:
    try:
        return Project.open(_state["project"])
    except (ProjectError, ConfigError) as error:
        _fail(str(error))
        raise  # unreachable


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


MAX_CHARS_HELP = "Stop sending to engines after this many characters (default: the config's)."
RETRY_REJECTED_HELP = "Ask the engines again for suggestions a reviewer cleared."


def _interrupted(interrupt: KeyboardInterrupt) -> None:
    """Ctrl-C: say what was kept (``translate.Interrupted.saved``) and exit 130."""
    saved = getattr(interrupt, "saved", 0)
    typer.echo(f"interrupted: {saved} answers saved; run again to continue", err=True)
    raise typer.Exit(130)


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the project in.")],
    title: Annotated[str, typer.Option(help="Site title.")] = "",
) -> None:
    """Create a new publication project (i18npub.toml, content/, articles/, locales/)."""
    try:
        project = Project.init(directory, title)
    except (ProjectError, OSError) as error:
        _fail(str(error))
        return
    typer.echo(f"created project in {project.root}")


@app.command()
def ingest(
    sources: Annotated[list[str], typer.Argument(help="Files, folders or http(s) URLs.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
) -> None:
    """Read articles, split them into sentences, and write their translation templates."""
    project = _open()
    results = project.ingest(sources)
    _report_ingest(results, as_json)
    if any(result.action == "error" for result in results):
        raise typer.Exit(1)


def _report_ingest(results: list[IngestResult], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps([result_dict(r) for r in results], ensure_ascii=False, indent=2))
        return
    for result in results:
        if result.action == "error":
            typer.echo(f"error: {result.message}", err=True)
        else:
            typer.echo(
                f"{result.action:9} {result.slug} ({result.segments} segments) <- {result.source}"
            )


@app.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print status as JSON.")] = False,
) -> None:
    """Articles and their segment counts."""
    report = _open().status()
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    _print_status(report)


def _print_status(report: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    languages = list(report["totals"]["languages"])
    table = Table(title="i18npub status")
    table.add_column("article", no_wrap=True)
    table.add_column("segments", justify="right")
    for language in languages:
        for column in ("approved", "machine", "outdated", "untransl.", "obsolete", "% appr."):
            table.add_column(
                f"{language}\n{column}" if column == "approved" else column, justify="right"
            )
    for row in report["articles"]:
        table.add_row(
            row["slug"], str(row["segments"]), *_language_cells(row["languages"], languages)
        )
    totals = report["totals"]
    table.add_section()
    table.add_row(
        f"{totals['articles']} articles",
        str(totals["segments"]),
        *_language_cells(totals["languages"], languages),
    )
    Console().print(table)
    for row in report["articles"]:
        for state in row["languages"].values():
            if "error" in state:
                typer.echo(f"error: {state['error']}", err=True)
            if "warning" in state:
                typer.echo(f"warning: {state['warning']}", err=True)
    _print_awaiting(report.get("machine_translation", {}))


def _print_awaiting(summaries: dict) -> None:
    """Why untranslated sentences are still waiting for machine translation."""
    for language, summary in summaries.items():
        if not summary["awaiting"]:
            continue
        typer.echo(f"{language}: {summary['awaiting']} sentence(s) awaiting machine translation:")
        for reason, count in sorted(summary["reasons"].items(), key=lambda item: -item[1]):
            typer.echo(f"  {count:4} × {reason}")


def _language_cells(states: dict, languages: list[str]) -> list[str]:
    cells: list[str] = []
    for language in languages:
        state = states.get(language, {})
        if "error" in state:
            cells += ["error", "", "", "", "", ""]
            continue
        cells += [
            str(state.get(key, 0))
            for key in ("approved", "machine", "outdated", "untranslated", "obsolete")
        ]
        cells.append(f"{state.get('percent_approved', 0.0):.1f}")
    return cells


@app.command()
def check(
    as_json: Annotated[bool, typer.Option("--json", help="Print findings as JSON.")] = False,
    article: Annotated[list[str] | None, typer.Option(help="Only these article slugs.")] = None,
) -> None:
    """Quality checks over the catalogs; exits 1 if any error is found."""
    findings = _open().check(article or None)
    if as_json:
        typer.echo(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            typer.echo(finding.format())
        errors = sum(f.severity == "error" for f in findings)
        warnings = len(findings) - errors
        typer.echo(f"{errors} error(s), {warnings} warning(s)")
    if any(f.severity == "error" for f in findings):
        raise typer.Exit(1)


@app.command()
def review(
    as_json: Annotated[bool, typer.Option("--json", help="Print the queue as JSON.")] = False,
    article: Annotated[list[str] | None, typer.Option(help="Only these article slugs.")] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many entries (0: all).")] = 0,
) -> None:
    """Machine translations waiting for review, riskiest first (score 0-100 and flags)."""
    from i18npub.review import review_queue

    project = _open()
    try:
        queue = review_queue(project, slugs=_known_slugs(project, article))
    except ProjectError as error:
        _fail(str(error))
        return
    if limit > 0:
        queue.items = queue.items[:limit]
    if as_json:
        typer.echo(json.dumps(queue.as_dict(), ensure_ascii=False, indent=2))
        return
    for item in queue.items:
        flags = ",".join(item.flags) or "-"
        typer.echo(f"{item.score:3} {item.path}:{item.line} [{flags}] {item.msgid}")
        typer.echo(f"      {item.msgstr}")
    for error in queue.errors:
        typer.echo(f"error: {error}", err=True)
    flagged = sum(item.flagged for item in queue.items)
    typer.echo(f"{len(queue.items)} machine translation(s), {flagged} flagged for review")


def _known_slugs(project: Project, article: list[str] | None) -> list[str] | None:
    """The slugs asked for, or None for all; an unknown slug fails with one line."""
    if not article:
        return None
    unknown = [slug for slug in article if slug not in project.slugs()]
    if unknown:
        _fail(f"no such article(s): {', '.join(unknown)}")
    return article


@app.command()
def translate(
    engine: Annotated[
        list[str] | None,
        typer.Option(help="Use this engine instead of the configured chain (repeat for a chain)."),
    ] = None,
    article: Annotated[list[str] | None, typer.Option(help="Only these article slugs.")] = None,
    max_chars: Annotated[int | None, typer.Option(min=0, help=MAX_CHARS_HELP)] = None,
    retry_rejected: Annotated[bool, typer.Option(help=RETRY_REJECTED_HELP)] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Machine-translate untranslated sentences (fuzzy, with provenance) through the chain."""
    project = _open()
    try:
        report = project.translate(
            engines=engine or None,
            slugs=article or None,
            max_chars=max_chars,
            retry_rejected=retry_rejected,
        )
    except ProjectError as error:
        _fail(str(error))
        return
    except KeyboardInterrupt as interrupt:
        _interrupted(interrupt)
        return
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    for line in report.lines():
        typer.echo(line)


@app.command()
def build(
    out: Annotated[Path | None, typer.Option(help="Output folder (default: site/).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Render the English, Chinese and bilingual pages (incremental; swapped in atomically)."""
    report = _build(_open(), out)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    action = "built" if report.changed else "unchanged"
    typer.echo(
        f"{action} {report.out}: {report.pages} files, {report.rendered} rendered, "
        f"{report.reused} reused ({report.seconds:.2f} s)"
    )


def _build(project: Project, out: Path | None) -> BuildReport:
    from jinja2 import TemplateError

    from i18npub.render import BuildError

    try:
        return project.build(out)
    except (BuildError, ConfigError, OSError, TemplateError) as error:
        _fail(str(error))
        raise  # unreachable


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port (0: any free port).")] = 8000,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    out: Annotated[Path | None, typer.Option(help="Site folder (default: site/).")] = None,
    no_build: Annotated[bool, typer.Option("--no-build", help="Serve as is.")] = False,
) -> None:
    """Build (if needed) and serve the site; / follows the reader's language."""
    from i18npub.serve import make_server

    project = _open()
    folder = out.resolve() if out else project.path("site")
    if not no_build:
        report = _build(project, folder)
        typer.echo(f"{'built' if report.changed else 'unchanged'} {report.out}")
    try:
        server = make_server(folder, host, port)
    except OSError as error:
        _fail(str(error))
        return
    bound_host, bound_port = server.server_address[:2]
    typer.echo(f"serving {folder} at http://{bound_host}:{bound_port}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@app.command()
def run(
    source: Annotated[
        list[str] | None, typer.Option(help="Ingest these instead of the content folder.")
    ] = None,
    article: Annotated[list[str] | None, typer.Option(help="Only translate these slugs.")] = None,
    engine: Annotated[list[str] | None, typer.Option(help="Machine translation chain.")] = None,
    publish: Annotated[
        str, typer.Option(help="Build the site: changed | always | never.")
    ] = "changed",
    dry_run: Annotated[bool, typer.Option(help="Show what would happen; write nothing.")] = False,
    prefect: Annotated[
        bool | None,
        typer.Option(
            "--prefect/--no-prefect",
            help="Run as a Prefect flow (default: only when PREFECT_API_URL is set).",
        ),
    ] = None,
    task_runner: Annotated[
        str, typer.Option(help="With --prefect: threads | dask (translate in parallel).")
    ] = "threads",
    workers: Annotated[int, typer.Option(help="With --prefect: parallel translate tasks.")] = 4,
    max_chars: Annotated[int | None, typer.Option(min=0, help=MAX_CHARS_HELP)] = None,
    retry_rejected: Annotated[bool, typer.Option(help=RETRY_REJECTED_HELP)] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect logs.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run report as JSON.")] = False,
) -> None:
    """The main job: ingest the content folder, machine-translate, build the site."""
    from i18npub import pipeline

    project = _open()
    try:
        options = pipeline.RunOptions(
            sources=tuple(source or ()),
            articles=tuple(article or ()),
            engines=tuple(engine or ()),
            publish=publish,
            dry_run=dry_run,
            max_chars=max_chars,
            retry_rejected=retry_rejected,
        )
        pipeline.validate(project, options)
        if _wants_prefect(prefect):
            report = _run_with_prefect(project, options, task_runner, workers, verbose)
        else:
            with _progress(enabled=not as_json) as progress:
                report = pipeline.run(project, options, pipeline.Runner(progress))
    except pipeline.PipelineError as error:
        _fail(str(error))
        return
    except KeyboardInterrupt as interrupt:
        _interrupted(interrupt)
        return
    _report_run(report, as_json)
    if not report.ok:
        raise typer.Exit(1)


def _wants_prefect(flag: bool | None) -> bool:
    import os

    return flag if flag is not None else bool(os.environ.get("PREFECT_API_URL"))


def _run_with_prefect(
    project: Project, options: RunOptions, task_runner: str, workers: int, verbose: bool
) -> RunReport:
    """Run the pipeline flow from ``flows/`` (a source checkout); Prefect is imported only here."""
    import sys

    if task_runner not in ("threads", "dask") or workers < 1:
        _fail("--task-runner is threads or dask, and --workers at least 1")

    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "flows" / "local.py").is_file() and str(checkout) not in sys.path:
        sys.path.insert(0, str(checkout))
    try:
        from flows.local import FlowRunError, run_flow
    except ImportError as error:
        _fail(f"--prefect needs the flows/ folder of an i18npub checkout ({error})")
        raise
    try:
        with _progress(enabled=True) as progress:
            return run_flow(project, options, task_runner, workers, verbose, progress)
    except FlowRunError as error:
        _fail(str(error))
        raise


def _progress(enabled: bool) -> AbstractContextManager[Progress | None]:
    """A rich progress bar on stderr for long runs (a no-op when stderr is not a terminal)."""
    from i18npub.progress import progress_bar

    return progress_bar(enabled)


def _report_run(report: RunReport, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    if report.options.dry_run:
        for planned in report.ingest:
            typer.echo(f"{planned.action:12} {planned.slug or '-'} <- {planned.source}")
    else:
        _report_ingest(report.ingest, as_json=False)
    for result in report.translate:
        if result.action == "error":
            typer.echo(f"error: {result.slug}: {result.message}", err=True)
        elif result.action == "awaiting":  # the reasons are listed once, under the status
            typer.echo(f"{'awaiting':9} {result.slug} ({result.pending} segments)")
        elif result.filled:
            verb = "would translate" if result.action == "planned" else "translated"
            typer.echo(f"{verb:9} {result.slug} ({result.filled} segments)")
    if sent := report.chars_sent():
        typer.echo("sent      " + ", ".join(f"{n} {c:,} characters" for n, c in sent.items()))
    if report.publish and report.publish.action != "skipped":
        typer.echo(f"{report.publish.action:9} site {report.publish.site}")
    elif report.publish and report.publish.message:
        typer.echo(f"publish skipped: {report.publish.message}")
    if report.publish and report.publish.action == "error":
        typer.echo(f"error: publish: {report.publish.message}", err=True)
    _print_status(report.status)


def main() -> None:
    app()
