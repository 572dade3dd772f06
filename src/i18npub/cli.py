"""The ``i18npub`` command line: a thin layer over ``i18npub.project``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from i18npub.config import ConfigError
from i18npub.project import IngestResult, Project, ProjectError, result_dict

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
    table = Table("article", "segments", title="i18npub status")
    for language in languages:
        for column in ("approved", "machine", "untransl.", "obsolete", "% appr."):
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


def _language_cells(states: dict, languages: list[str]) -> list[str]:
    cells: list[str] = []
    for language in languages:
        state = states.get(language, {})
        if "error" in state:
            cells += ["error", "", "", "", ""]
            continue
        cells += [
            str(state.get(key, 0)) for key in ("approved", "machine", "untranslated", "obsolete")
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
def run() -> None:
    """The main job: ingest the project's content folder, then report status."""
    project = _open()
    results = project.ingest([str(project.path("content"))])
    _report_ingest(results, as_json=False)
    _print_status(project.status())
    if any(result.action == "error" for result in results):
        raise typer.Exit(1)


def main() -> None:
    app()
