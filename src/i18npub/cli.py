"""The ``i18npub`` command line: a thin layer over ``i18npub.project``.

Exit codes: 0 done; 1 something failed (an article, a catalog, the build, an unusable
project or configuration, a busy port); 2 the command line itself is wrong (unknown option,
bad value, an engine or article named on it that does not exist). Every ``--json`` output is
one object with a ``schema`` key (``i18npub.<command>/<version>``; see docs/cli.md).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from i18npub._version import __version__
from i18npub.errors import I18npubError
from i18npub.project import IngestResult, Project, result_dict

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from i18npub.pipeline import Progress, RunOptions, RunReport
    from i18npub.site import BuildReport

EXIT_FAILED = 1  # the command ran and something failed
EXIT_USAGE = 2  # the command line is wrong (click uses 2 for its own usage errors too)
SCHEMA_VERSION = 1  # of every --json document; bump a command's when its shape changes

app = typer.Typer(
    help="Translate English news into reviewed Chinese and publish bilingual pages.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: `--publish [changed|always|never]`, fast
    context_settings={"help_option_names": ["-h", "--help"]},
)
_state: dict[str, Path] = {"project": Path(".")}


def _plain_argument_help() -> None:
    """Help shows an argument as ``SOURCE``, not ``SOURCE <list[str]>`` (typer ≥ 0.2x adds
    the Python type; options get a metavar instead, below)."""
    from typer.core import TyperArgument

    if hasattr(TyperArgument, "display_type_rich"):
        TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]


_plain_argument_help()
JsonFlag = Annotated[bool, typer.Option("--json", help="Print the result as JSON (docs/cli.md).")]


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"i18npub {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    project: Annotated[
        Path,
        typer.Option(
            "--project",
            "-p",
            metavar="DIR",
            show_default=False,
            help="The project folder (default: current folder).",
        ),
    ] = Path("."),
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    _state["project"] = project


def _open() -> Project:
    try:
        return Project.open(_state["project"])
    except I18npubError as error:  # not a project, a bad config
        _fail(str(error))
        raise  # unreachable


def _fail(message: str, code: int = EXIT_FAILED) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


MAX_CHARS_HELP = "Stop sending to engines after this many characters (default: the config's)."
RETRY_REJECTED_HELP = "Ask the engines again for suggestions a reviewer cleared."


def _interrupted(interrupt: KeyboardInterrupt) -> None:
    """Ctrl-C: say what was kept (``translate.Interrupted.saved``) and exit 130."""
    saved = getattr(interrupt, "saved", 0)
    typer.echo(f"interrupted: {saved} answers saved; run again to continue", err=True)
    raise typer.Exit(130)


def _emit(command: str, data: dict[str, Any]) -> None:
    """Print one ``--json`` document: an object whose ``schema`` names command and version."""
    document = {"schema": f"i18npub.{command}/{SCHEMA_VERSION}", **data}
    typer.echo(json.dumps(document, ensure_ascii=False, indent=2))


@app.command()
def init(
    directory: Annotated[
        Path, typer.Argument(metavar="DIR", help="Folder to create the project in.")
    ],
    title: Annotated[str, typer.Option(metavar="TEXT", help="Site title.")] = "",
    prefect: Annotated[
        bool,
        typer.Option(
            "--prefect",
            help="Also write prefect.yaml (this project's Prefect deployments); "
            "in an existing project, only that.",
        ),
    ] = False,
) -> None:
    """Create a new publication project.

    Writes i18npub.toml, content/ (the inbox), articles/, locales/ and a .gitignore, and
    prints the next steps.
    """
    from i18npub.config import CONFIG_NAME

    if prefect and (directory / CONFIG_NAME).is_file():  # an existing project: deployments only
        _write_deployments(directory)
        return
    try:
        project = Project.init(directory, title)
        project.write_gitignore()
    except (I18npubError, OSError) as error:
        _fail(str(error))
        return
    typer.echo(f"created project in {project.root}")
    if prefect:
        _write_deployments(project.root)
    typer.echo(_next_steps(directory))


def _write_deployments(directory: Path) -> None:
    from i18npub.orchestrate.deployments import write_prefect_yaml

    try:
        path = write_prefect_yaml(directory)
    except (I18npubError, OSError) as error:
        _fail(str(error))
        return
    typer.echo(f"wrote {path}: Prefect deployments (from the project: prefect deploy --all)")


def _next_steps(directory: Path) -> str:
    import shlex

    enter = (
        "" if directory.resolve() == Path.cwd().resolve() else f"cd {shlex.quote(str(directory))}"
    )
    steps = [enter] if enter else []
    steps += [
        "i18npub ingest FILE-OR-URL...   # or put sources into content/",
        "i18npub run                     # translate and build the site into site/",
        "i18npub serve                   # read it at http://127.0.0.1:8000/",
    ]
    return "\n".join(
        [
            "next:",
            *(f"  {step}" for step in steps),
            "before publishing, set [site] base_url in i18npub.toml: without it the site has no",
            "canonical links, hreflang, feeds or sitemap.",
        ]
    )


@app.command()
def ingest(
    sources: Annotated[
        list[str], typer.Argument(metavar="SOURCE", help="Files, folders or http(s) URLs.")
    ],
    as_json: JsonFlag = False,
) -> None:
    """Read sources into articles and translation templates.

    Files, folders and http(s) URLs are split into sentences; each article gets a template
    and a catalog per target language (reviewed translations are kept on re-ingest).
    """
    project = _open()
    with _progress(enabled=not as_json) as progress:
        results = project.ingest(sources, progress)
    _report_ingest(results, as_json)
    if any(result.action == "error" for result in results):
        raise typer.Exit(EXIT_FAILED)


def _report_ingest(results: list[IngestResult], as_json: bool) -> None:
    if as_json:
        ok = not any(result.action == "error" for result in results)
        _emit("ingest", {"ok": ok, "results": [result_dict(r) for r in results]})
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
    as_json: JsonFlag = False,
    tsv: Annotated[bool, typer.Option("--tsv", help="Print the table as TSV.")] = False,
) -> None:
    """Articles, segment counts, and why sentences wait.

    A table that fits the terminal; when piped, aligned text with short headers and the
    article last (or --tsv with full headers, or --json).
    """
    report = _open().status()
    if as_json:
        _emit("status", report)
        return
    _print_status(report, "tsv" if tsv else None)


# (key, header, short header) of the per-language columns of the status table
STATE_COLUMNS = (
    ("approved", "approved", "appr"),
    ("machine", "machine", "mach"),
    ("outdated", "outdated", "outd"),
    ("untranslated", "untranslated", "untr"),
    ("obsolete", "obsolete", "obs"),
    ("percent_approved", "% approved", "%appr"),
)


def _print_status(report: dict, style: str | None = None) -> None:
    """The status table: rich on a terminal (fits its width), else aligned text or TSV."""
    languages = list(report["totals"]["languages"])
    rows = [
        [row["slug"], str(row["segments"]), *_language_cells(row["languages"], languages)]
        for row in report["articles"]
    ]
    totals = report["totals"]
    total = [
        f"({totals['articles']} article{'' if totals['articles'] == 1 else 's'})",
        str(totals["segments"]),
        *_language_cells(totals["languages"], languages),
    ]
    style = style or ("table" if sys.stdout.isatty() else "plain")
    if style == "table":
        _print_rich_status(languages, rows, total)
    elif style == "tsv":
        header = ["article", "segments"]
        header += [f"{lang} {column[1]}" for lang in languages for column in STATE_COLUMNS]
        for row in [header, *rows, total]:
            typer.echo("\t".join(row))
    else:
        _print_plain_table(languages, [*rows, total])
    for row in report["articles"]:
        for state in row["languages"].values():
            if "error" in state:
                typer.echo(f"error: {state['error']}", err=True)
            if "warning" in state:
                typer.echo(f"warning: {state['warning']}", err=True)
    _print_awaiting(report.get("machine_translation", {}))


def _print_plain_table(languages: list[str], rows: list[list[str]]) -> None:
    """Aligned text for pagers and scripts: short headers (``zh_CN:appr`` opens a language's
    columns), numbers right-aligned, the article last, so that a short line fits 80 columns
    and a long slug only runs on at the end (``awk '{print $NF}'`` still finds it)."""
    header = ["segs"]
    for language in languages:
        header += [f"{language}:{STATE_COLUMNS[0][2]}", *(c[2] for c in STATE_COLUMNS[1:])]
    table = [[*header, "article"], *([*row[1:], row[0]] for row in rows)]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        cells = [cell.rjust(width) for cell, width in zip(row, widths, strict=False)]
        typer.echo("  ".join([*cells, row[-1]]))


def _print_rich_status(languages: list[str], rows: list[list[str]], total: list[str]) -> None:
    """One rich table, or one per language when they do not fit side by side."""
    from rich.console import Console

    console = Console()
    slug_width = max([len(row[0]) for row in [*rows, total]] + [7])
    numbers = [*rows, total]

    def width(headers: list[str], offset: int) -> int:
        cells = [
            max(len(h), *(len(row[offset + i]) for row in numbers)) for i, h in enumerate(headers)
        ]
        return sum(cell + 2 for cell in cells)

    for short in (False, True):
        headers = [column[2 if short else 1] for column in STATE_COLUMNS]
        needed = width(["segs" if short else "segments"], 1) + width(headers * len(languages), 2)
        if needed + min(slug_width, 40 if not short else 24) + 2 <= console.width:
            console.print(_rich_table(languages, rows, total, short))
            return
    per = len(STATE_COLUMNS)
    for index, language in enumerate(languages):
        cells = slice(2 + index * per, 2 + (index + 1) * per)
        console.print(
            _rich_table(
                [language],
                [[*row[:2], *row[cells]] for row in rows],
                [*total[:2], *total[cells]],
                short=True,
            )
        )


def _rich_table(languages: list[str], rows: list[list[str]], total: list[str], short: bool):
    from rich import box
    from rich.table import Table

    table = Table(title="i18npub status", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("article", overflow="fold", min_width=12)
    table.add_column("segs" if short else "segments", justify="right", no_wrap=True)
    for language in languages:
        for index, column in enumerate(STATE_COLUMNS):
            label = column[2 if short else 1]
            table.add_column(
                f"{language}\n{label}" if index == 0 else f"\n{label}",
                justify="right",
                no_wrap=True,
                min_width=max(len(label), len(language) if index == 0 else 0),
            )
    for row in rows:
        table.add_row(*row)
    table.add_section()
    table.add_row(*total)
    return table


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
            cells += ["error"] + ["-"] * (len(STATE_COLUMNS) - 1)
            continue
        for key, *_ in STATE_COLUMNS:
            value = state.get(key, 0)
            cells.append(f"{value:.1f}" if key == "percent_approved" else str(value))
    return cells


@app.command()
def check(
    as_json: JsonFlag = False,
    article: Annotated[
        list[str] | None, typer.Option(metavar="SLUG", help="Only this article (repeatable).")
    ] = None,
) -> None:
    """Quality checks over the catalogs (exit 1 on an error)."""
    project = _open()
    _check_named(project, [], article or [])
    findings = project.check(article or None)
    errors = sum(f.severity == "error" for f in findings)
    if as_json:
        _emit(
            "check",
            {
                "ok": not errors,
                "errors": errors,
                "warnings": len(findings) - errors,
                "findings": [f.as_dict() for f in findings],
            },
        )
    else:
        for finding in findings:
            typer.echo(finding.format())
        typer.echo(f"{errors} error(s), {len(findings) - errors} warning(s)")
    if errors:
        raise typer.Exit(EXIT_FAILED)


@app.command()
def review(
    as_json: JsonFlag = False,
    article: Annotated[
        list[str] | None, typer.Option(metavar="SLUG", help="Only this article (repeatable).")
    ] = None,
    limit: Annotated[
        int, typer.Option(metavar="N", min=0, help="Show at most this many entries (0: all).")
    ] = 0,
) -> None:
    """Machine translations waiting for review, riskiest first (score 0-100 and flags)."""
    from i18npub.review import review_queue

    project = _open()
    try:
        queue = review_queue(project, slugs=_known_slugs(project, article))
    except I18npubError as error:
        _fail(str(error))
        return
    if as_json:
        typer.echo(json.dumps(queue.as_dict(limit), ensure_ascii=False, indent=2))
        return
    for item in queue.shown(limit):
        flags = ",".join(item.flags) or "-"
        typer.echo(f"{item.score:3} {item.path}:{item.line} [{flags}] {item.msgid}")
        typer.echo(f"      {item.msgstr}")
    for problem in queue.errors:
        typer.echo(f"error: {problem}", err=True)
    typer.echo(f"{len(queue.items)} machine translation(s), {queue.flagged} flagged for review")


def _known_slugs(project: Project, article: list[str] | None) -> list[str] | None:
    """The slugs asked for, or None for all; an unknown slug fails with one line."""
    if not article:
        return None
    _check_named(project, [], article)
    return article


@app.command()
def translate(
    engine: Annotated[
        list[str] | None,
        typer.Option(
            metavar="NAME",
            help="Use this engine instead of the configured chain (repeat for a chain).",
        ),
    ] = None,
    article: Annotated[
        list[str] | None, typer.Option(metavar="SLUG", help="Only this article (repeatable).")
    ] = None,
    max_chars: Annotated[int | None, typer.Option(metavar="N", min=0, help=MAX_CHARS_HELP)] = None,
    retry_rejected: Annotated[bool, typer.Option(help=RETRY_REJECTED_HELP)] = False,
    as_json: JsonFlag = False,
) -> None:
    """Machine-translate untranslated sentences.

    Through the configured engine chain (or --engine); written as fuzzy, with provenance.
    """
    from i18npub import pipeline

    project = _open()
    _check_named(project, engine or [], article or [])
    try:
        shared = pipeline.translate_options(
            project, pipeline.RunOptions(max_chars=max_chars, retry_rejected=retry_rejected)
        )
        with _progress(enabled=not as_json) as progress:
            report = pipeline.translate_in_steps(
                project, engine or (), article or (), progress, **shared
            )
    except I18npubError as error:
        _fail(str(error))
        return
    except KeyboardInterrupt as interrupt:
        _interrupted(interrupt)
        return
    if as_json:
        _emit("translate", report.as_dict())
    else:
        for line in report.lines():
            typer.echo(line)
    if any(language.errors for language in report.languages):  # a catalog not read or written
        raise typer.Exit(EXIT_FAILED)


def _check_named(project: Project, engines: list[str], articles: list[str]) -> None:
    """Exit 2 for an engine or article named on the command line that does not exist."""
    from i18npub import pipeline

    try:
        if engines:
            pipeline.check_engines(project, engines)
    except pipeline.PipelineError as error:
        _fail(str(error), EXIT_USAGE)
    missing = sorted(set(articles) - set(project.slugs()))
    if missing:
        _fail(f"no such article(s): {', '.join(missing)}", EXIT_USAGE)


@app.command()
def build(
    out: Annotated[
        Path | None, typer.Option(metavar="DIR", help="Output folder (default: site/).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Render the English, Chinese and bilingual pages.

    Incremental; the new site is swapped in atomically.
    """
    report = _build(_open(), out)
    if as_json:
        _emit("build", report.as_dict())
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

    try:
        return project.build(out)
    except (I18npubError, OSError, TemplateError) as error:
        _fail(str(error))
        raise  # unreachable


@app.command()
def serve(
    port: Annotated[int, typer.Option(metavar="PORT", help="Port (0: any free port).")] = 8000,
    host: Annotated[str, typer.Option(metavar="ADDRESS", help="Address to listen on.")] = (
        "127.0.0.1"
    ),
    out: Annotated[
        Path | None, typer.Option(metavar="DIR", help="Site folder (default: site/).")
    ] = None,
    no_build: Annotated[bool, typer.Option("--no-build", help="Serve as is.")] = False,
) -> None:
    """Build (if needed) and serve the site.

    / follows the reader's language.
    """
    from i18npub.serve import make_server

    project = _open()
    folder = out.resolve() if out else project.path("site")
    _check_port(host, port)  # before a build that would be wasted
    if not no_build:
        report = _build(project, folder)
        typer.echo(f"{'built' if report.changed else 'unchanged'} {report.out}")
    try:
        server = make_server(folder, host, port)
    except FileNotFoundError as error:  # --no-build and no site yet
        _fail(str(error))
        return
    except OSError as error:
        _fail(_listen_error(host, port, error))
        return
    bound_host, bound_port = server.server_address[:2]
    if isinstance(bound_host, bytes):  # an AF_UNIX-style address; TCP gives str
        bound_host = bound_host.decode()
    typer.echo(f"serving {folder} at http://{bound_host}:{bound_port}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _check_port(host: str, port: int) -> None:
    """Fail in one line if ``host:port`` cannot be listened on (busy, forbidden, no such host)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as http.server does
            probe.bind(infos[0][4][:2])
    except OSError as error:
        _fail(_listen_error(host, port, error))


def _listen_error(host: str, port: int, error: OSError) -> str:
    import errno

    if error.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is already in use: try --port {port + 1}, or --port 0"
    if error.errno == errno.EACCES:
        return f"port {port} on {host}: permission denied (ports below 1024 need root)"
    return f"cannot listen on {host}:{port}: {getattr(error, 'strerror', None) or error}"


@app.command()
def run(
    source: Annotated[
        list[str] | None,
        typer.Option(metavar="SOURCE", help="Ingest this instead of the content folder."),
    ] = None,
    article: Annotated[
        list[str] | None, typer.Option(metavar="SLUG", help="Only translate this article.")
    ] = None,
    engine: Annotated[
        list[str] | None, typer.Option(metavar="NAME", help="Machine translation chain.")
    ] = None,
    publish: Annotated[
        str,
        typer.Option(
            metavar="[changed|always|never]",
            help="Build the site when its content changed, always, or never.",
        ),
    ] = "changed",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would happen; write nothing.")
    ] = False,
    prefect: Annotated[
        bool | None,
        typer.Option(
            "--prefect/--no-prefect",
            help="Run as a Prefect flow (default: only when PREFECT_API_URL is set).",
        ),
    ] = None,
    task_runner: Annotated[
        str,
        typer.Option(
            metavar="[threads|dask]", help="With --prefect: how translate tasks run in parallel."
        ),
    ] = "threads",
    workers: Annotated[
        int, typer.Option(metavar="N", min=1, help="With --prefect: parallel translate tasks.")
    ] = 4,
    max_chars: Annotated[int | None, typer.Option(metavar="N", min=0, help=MAX_CHARS_HELP)] = None,
    retry_rejected: Annotated[bool, typer.Option(help=RETRY_REJECTED_HELP)] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect logs.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """The main job: ingest, machine-translate, build the site.

    Ingests the content folder (an empty one is fine), machine-translates what is
    untranslated, and builds the site when its content changed.
    """
    from i18npub import pipeline

    _choice("--publish", publish, pipeline.PUBLISH_POLICIES)
    _choice("--task-runner", task_runner, ("threads", "dask"))
    project = _open()
    _check_named(project, engine or [], [])
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
        pipeline.check_engines(project, options.engines)  # the configured chain: exit 1
    except pipeline.PipelineError as error:
        _fail(str(error))
        return
    try:
        pipeline.validate(project, options)  # what is left: articles named on the command line
    except pipeline.PipelineError as error:
        _fail(str(error), EXIT_USAGE)
    try:
        if _wants_prefect(prefect):
            report = _run_with_prefect(project, options, task_runner, workers, verbose)
        else:
            with _progress(enabled=not as_json) as progress:
                report = pipeline.run(project, options, pipeline.Runner(progress))
    except pipeline.PipelineError as error:  # an --article that ingest did not create
        _fail(str(error), EXIT_USAGE)
        return
    except KeyboardInterrupt as interrupt:
        _interrupted(interrupt)
        return
    _report_run(report, as_json)
    if not report.ok:
        raise typer.Exit(EXIT_FAILED)


def _choice(option: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        typer.echo(f"error: {option} {value!r}: choose one of {', '.join(choices)}", err=True)
        raise typer.Exit(EXIT_USAGE)


def _wants_prefect(flag: bool | None) -> bool:
    import os

    return flag if flag is not None else bool(os.environ.get("PREFECT_API_URL"))


def _run_with_prefect(
    project: Project, options: RunOptions, task_runner: str, workers: int, verbose: bool
) -> RunReport:
    """Run the pipeline as the Prefect flow; Prefect is imported only here."""
    from i18npub.orchestrate.local import FlowRunError, run_flow

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
        _emit("run", report.as_dict())
        return
    if report.options.dry_run:
        for planned in report.ingest:
            if planned.action == "error":
                typer.echo(f"error: {planned.message}", err=True)
            else:
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
    if sent := {name: chars for name, chars in report.chars_sent().items() if chars}:
        typer.echo("sent      " + ", ".join(f"{n} {c:,} characters" for n, c in sent.items()))
    publish = report.publish
    if publish and publish.action == "error":
        typer.echo(f"error: publish: {publish.message}", err=True)
    elif publish and publish.action == "skipped":
        if publish.message:
            typer.echo(f"publish skipped: {publish.message}")
    elif publish:
        verb = "would build" if publish.action == "planned" else publish.action
        typer.echo(f"{verb:9} site {publish.site}")
    _print_status(report.status)


def main() -> None:
    app(prog_name="i18npub")


if __name__ == "__main__":
    main()
