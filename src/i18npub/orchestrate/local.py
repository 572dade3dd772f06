"""``i18npub run --prefect``: the pipeline flow in this process, quiet unless asked.

With ``PREFECT_API_URL`` set (in the environment or the active Prefect profile), the run
goes to that server, whose UI shows the run and its artifacts. Without it, a temporary
server is started for the run (about 15 s) and stopped afterwards, its output kept in
``$PREFECT_HOME/server.log`` instead of the terminal. Prefect's console logs are hidden
unless ``verbose``; they still reach the server.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, cast

from i18npub.orchestrate.server import QUIET_ENV, LocalServer, ServerError

if TYPE_CHECKING:
    from i18npub.pipeline import Progress, RunOptions, RunReport
    from i18npub.project import Project


class FlowRunError(RuntimeError):
    """The flow run crashed before it could report."""


def quiet_environment(verbose: bool) -> None:
    """Prefect and Dask settings for a terminal run; call before importing Prefect."""
    for name, value in QUIET_ENV.items():
        os.environ.setdefault(name, value)
    console_level = "INFO" if verbose else "CRITICAL"
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", console_level)
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "info" if verbose else "error")


@contextmanager
def prefect_api(announce: bool = True) -> Iterator[str]:
    """Yield the API URL to use: ``PREFECT_API_URL``, or a temporary local server's."""
    url = os.environ.get("PREFECT_API_URL") or configured_api_url()
    if url:
        yield url
        return
    server = LocalServer()
    if announce:
        print(
            "starting a temporary Prefect server (set PREFECT_API_URL to use a running one; "
            f"its log: {server.log_path})",
            file=sys.stderr,
        )
    try:
        server.start()
    except ServerError as error:
        raise FlowRunError(str(error)) from error
    os.environ["PREFECT_API_URL"] = server.api_url
    try:
        yield server.api_url
    finally:
        try:
            drain_prefect_clients()
        finally:
            server.stop()
            os.environ.pop("PREFECT_API_URL", None)


def configured_api_url() -> str:
    """The API URL of the active Prefect profile (``prefect config set PREFECT_API_URL=…``)."""
    from prefect.settings import get_current_settings

    return str(get_current_settings().api.url or "")


def drain_prefect_clients() -> None:
    """Send queued logs and events before the server goes away (no shutdown errors)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=10)
    EventsWorker.drain_all(timeout=10)


def run_flow(
    project: Project,
    options: RunOptions,
    task_runner: str = "threads",
    workers: int = 4,
    verbose: bool = False,
    progress: Progress | None = None,
) -> RunReport:
    """Run the ``i18npub-pipeline`` flow for ``project`` and return its report."""
    quiet_environment(verbose)
    temporary = not (os.environ.get("PREFECT_API_URL") or configured_api_url())
    with prefect_api(announce=True):
        from i18npub.orchestrate import flows

        flows.progress_hook = progress
        try:
            state = flows.pipeline(
                project_dir=str(project.root),
                sources=list(options.sources) or None,
                articles=list(options.articles) or None,
                engines=list(options.engines) or None,
                publish=options.publish,
                dry_run=options.dry_run,
                task_runner=task_runner,
                workers=workers,
                return_state=True,
            )
        finally:
            flows.progress_hook = None
        outcome = state.result(raise_on_failure=False)
        if isinstance(outcome, flows.RunFailed):
            report = outcome.report
        elif isinstance(outcome, BaseException):
            raise FlowRunError(f"the flow run crashed: {outcome}") from outcome
        else:
            report = cast("RunReport", outcome)  # the flow's return value
        if not temporary:
            _announce_run(state.state_details.flow_run_id)
        return report


def _announce_run(flow_run_id: object) -> None:
    from prefect.settings import PREFECT_UI_URL

    ui = PREFECT_UI_URL.value()
    where = f"{ui}/runs/flow-run/{flow_run_id}" if ui else str(flow_run_id)
    print(f"Prefect flow run: {where}", file=sys.stderr)
