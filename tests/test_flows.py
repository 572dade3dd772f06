"""The Prefect flows against a real Prefect server on 127.0.0.1 (SQLite in a temporary
PREFECT_HOME), started once for this module: task runs, caching, retries, artifacts, the
Dask runner, ``i18npub run --prefect``, and a deployment run by a process worker."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from i18npub.project import Project
from tests.support.loopback import serving
from tests.support.paths import REPO

pytestmark = pytest.mark.server

BIN = Path(sys.executable).parent
STORIES = {
    "ferry.md": "---\ntitle: Solar Ferry Sails\n---\n\nThe ferry sailed at 9 a.m. All cheered.\n",
    "tea.md": "---\ntitle: Tea Exports Rise\n---\n\nExports rose 12% in May. Farmers were glad.\n",
}
ARTICLE_HTML = (
    b"<html><head><title>Port Reopens</title></head><body><article><h1>Port Reopens</h1>"
    b"<p>The port reopened on Monday after a week of repairs. Ships queued outside.</p>"
    b"<p>Dock workers said the new cranes were faster. The harbour master thanked them.</p>"
    b"</article></body></html>"
)


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One server for the module; this process and its children talk to it."""
    from flows.server import LocalServer

    home = tmp_path_factory.mktemp("prefect-home")
    server = LocalServer(home, settings={"PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false"})
    server.start()
    quiet = {"PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL"}
    saved = {name: os.environ.get(name) for name in [*server.environment(), *quiet]}
    os.environ.update(server.environment() | quiet)
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings

    try:
        with temporary_settings({PREFECT_API_URL: server.api_url, PREFECT_HOME: str(home)}):
            yield server
            from flows.local import drain_prefect_clients

            drain_prefect_clients()
    finally:
        server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def newsroom(tmp_path: Path) -> Project:
    project = Project.init(tmp_path / "newsroom")
    for name, text in STORIES.items():
        (project.path("content") / name).write_text(text, encoding="utf-8")
    return project


def artifacts_of(flow_run_id: Any) -> dict[str, Any]:
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    run_filter = ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
    with get_client(sync_client=True) as client:
        return {a.key: a for a in client.read_artifacts(artifact_filter=run_filter)}


def test_pipeline_flow_runs_tasks_and_records_artifacts(
    prefect_server: Any, newsroom: Project
) -> None:
    from flows import pipeline

    state = pipeline.pipeline(str(newsroom.root), engines=["pseudo"], return_state=True)
    report = state.result()
    assert state.is_completed() and report.ok
    assert {r.action for r in report.translate} == {"translated"}
    assert report.publish.action == "built"
    artifacts = artifacts_of(state.state_details.flow_run_id)
    assert set(artifacts) == {
        "i18npub-newsroom-articles",
        "i18npub-newsroom-summary",
        "i18npub-newsroom-site",
        "i18npub-newsroom-progress",
    }
    table = artifacts["i18npub-newsroom-articles"]
    assert table.type == "table" and "tea-exports-rise" in str(table.data)
    assert "machine-translated 3" in str(table.data)
    site_link = artifacts["i18npub-newsroom-site"].data
    assert (newsroom.path("site") / "index.html").as_uri() in site_link
    assert "6 segments machine-translated" in artifacts["i18npub-newsroom-summary"].data


def test_dry_run_and_publish_flows(prefect_server: Any, newsroom: Project) -> None:
    from flows import pipeline

    plan = pipeline.pipeline(str(newsroom.root), dry_run=True, return_state=True)
    assert plan.is_completed() and plan.message.startswith("dry run: ")
    assert {r.action for r in plan.result().ingest} == {"would create"}
    assert not newsroom.slugs()
    keys = set(artifacts_of(plan.state_details.flow_run_id))
    assert keys == {"i18npub-newsroom-plan", "i18npub-newsroom-plan-summary"}
    pipeline.ingest(str(newsroom.root), return_state=True)
    published = pipeline.publish(str(newsroom.root), return_state=True).result()
    assert published.publish.action == "built"
    again = pipeline.publish(str(newsroom.root), policy="changed", return_state=True)
    assert again.result().publish.action == "unchanged"


def test_unchanged_articles_are_cache_hits(prefect_server: Any, newsroom: Project) -> None:
    from flows import pipeline

    # The memory engine finds nothing here, so both articles stay untranslated: a second
    # run asks again only for the article whose source changed.
    first = pipeline.pipeline(str(newsroom.root), publish="never", return_state=True).result()
    assert {r.action for r in first.translate} == {"unchanged"}
    source = newsroom.path("content") / "ferry.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA band played.\n", "utf-8")
    second = pipeline.pipeline(str(newsroom.root), publish="never", return_state=True).result()
    actions = {r.slug: r.action for r in second.translate}
    assert actions == {"solar-ferry-sails": "unchanged", "tea-exports-rise": "cached"}
    forced = pipeline.translate(str(newsroom.root), refresh_cache=True, return_state=True)
    assert {r.action for r in forced.result().translate} == {"unchanged"}


def test_a_failed_article_fails_the_run_and_a_rerun_finishes(
    prefect_server: Any, newsroom: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows import pipeline

    real = Project.translate

    def flaky(self: Project, engines=None, slugs=None, languages=None):
        if slugs == ["tea-exports-rise"]:
            raise OSError("disk full")
        return real(self, engines, slugs, languages)

    monkeypatch.setattr(Project, "translate", flaky)
    state = pipeline.pipeline(str(newsroom.root), engines=["pseudo"], return_state=True)
    report = state.result(raise_on_failure=False).report
    assert state.is_failed() and "1 error(s)" in state.message
    assert report.errors() == ["tea-exports-rise: disk full"]
    assert report.publish.action == "skipped" and not newsroom.path("site").exists()
    assert not [f for f in newsroom.check() if f.check in ("syntax", "catalog")]

    monkeypatch.setattr(Project, "translate", real)
    again = pipeline.pipeline(str(newsroom.root), engines=["pseudo"], return_state=True)
    assert again.is_completed()
    assert [r.slug for r in again.result().translate] == ["tea-exports-rise"]
    assert (newsroom.path("site") / "index.html").is_file()


def test_an_offline_engine_leaves_sentences_awaiting_and_is_asked_again(
    prefect_server: Any, newsroom: Project
) -> None:
    from flows import pipeline
    from tests.support.loopback import closed_port_url

    with (newsroom.root / "i18npub.toml").open("a", encoding="utf-8") as config:
        config.write(f'\n[engines.libre]\nurl = "{closed_port_url()}"\nretries = 0\n')
    first = pipeline.pipeline(str(newsroom.root), engines=["libre"], return_state=True)
    report = first.result()
    assert first.is_completed() and {r.action for r in report.translate} == {"awaiting"}
    assert report.publish.action == "built"  # with the English text where Chinese waits
    again = pipeline.translate(str(newsroom.root), engines=["libre"], return_state=True)
    assert {r.action for r in again.result().translate} == {"awaiting"}  # not "cached"


class FlakyArticleHandler(BaseHTTPRequestHandler):
    """503 for the first request, then the article."""

    requests = 0

    def do_GET(self) -> None:
        type(self).requests += 1
        if type(self).requests == 1:
            self.send_error(503)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(ARTICLE_HTML)))
        self.end_headers()
        self.wfile.write(ARTICLE_HTML)

    def log_message(self, *args: Any) -> None:
        pass


def test_a_url_that_fails_once_is_retried(prefect_server: Any, newsroom: Project) -> None:
    from flows import pipeline

    with serving(FlakyArticleHandler) as base:
        state = pipeline.ingest(
            str(newsroom.root), sources=[f"{base}/port.html"], return_state=True
        )
    [result] = state.result().ingest
    assert (result.action, result.slug) == ("created", "port-reopens")
    assert FlakyArticleHandler.requests == 2


def test_dask_runner_translates_on_two_worker_processes(
    prefect_server: Any, newsroom: Project
) -> None:
    from flows import pipeline

    state = pipeline.pipeline(
        str(newsroom.root), engines=["pseudo"], task_runner="dask", workers=2, return_state=True
    )
    report = state.result()
    assert state.is_completed(), state.message
    assert sum(r.filled for r in report.translate) == 6


def test_cli_run_prefect_is_quiet_and_clean(prefect_server: Any, newsroom: Project) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"}
    done = subprocess.run(
        [BIN / "i18npub", "-p", newsroom.root, "run", "--prefect", "--engine", "pseudo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "built     site" in done.stdout
    assert "Traceback" not in done.stderr and "ERROR" not in done.stderr
    assert "Prefect flow run: http://127.0.0.1" in done.stderr


@pytest.mark.slow
def test_cli_run_prefect_without_a_server_starts_a_quiet_one(
    prefect_server: Any, newsroom: Project, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    # A copy of the module server's database: the temporary server skips the migrations.
    with (
        sqlite3.connect(prefect_server.home / "prefect.db") as source,
        sqlite3.connect(home / "prefect.db") as copy,
    ):
        source.backup(copy)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {"PREFECT_HOME": str(home), "DO_NOT_TRACK": "1"}
    done = subprocess.run(
        [BIN / "i18npub", "-p", newsroom.root, "run", "--prefect", "--publish", "never"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr + done.stdout and "ERROR" not in done.stderr
    assert done.stderr.startswith("starting a temporary Prefect server")
    assert "created   tea-exports-rise" in done.stdout
    assert (home / "server.log").is_file()


def prefect_cli(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "prefect"), "--no-prompt", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def deployed(prefect_server: Any) -> dict[str, Any]:
    """The work pool and the deployments of prefect.yaml, as an operator makes them."""
    from prefect import get_client
    from prefect.client.schemas.actions import WorkPoolCreate

    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name="i18npub", type="process"))
    done = prefect_cli("deploy", "--all")
    assert done.returncode == 0, done.stdout + done.stderr
    names = ["i18npub-pipeline/hourly-inbox", "i18npub-publish/on-demand"]
    names += ["i18npub-pipeline/full", "i18npub-translate/parallel"]
    with get_client(sync_client=True) as client:
        return {name: client.read_deployment_by_name(name) for name in names}


@pytest.fixture(scope="module")
def worker(deployed: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    env = {**os.environ, "PREFECT_WORKER_QUERY_SECONDS": "1"}
    command = [str(BIN / "prefect"), "worker", "start", "--pool", "i18npub", "--type", "process"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    yield log
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_deployments_have_their_schedules_and_parameters(deployed: dict[str, Any]) -> None:
    hourly = deployed["i18npub-pipeline/hourly-inbox"]
    assert [s.schedule.cron for s in hourly.schedules] == ["0 * * * *"]
    assert hourly.parameters == {"project_dir": ".", "publish": "never"}
    assert deployed["i18npub-translate/parallel"].parameters["task_runner"] == "dask"
    assert deployed["i18npub-pipeline/full"].work_pool_name == "i18npub"


def test_a_deployment_run_by_a_process_worker(
    deployed: dict[str, Any], worker: Path, newsroom: Project
) -> None:
    from prefect import get_client

    done = prefect_cli(
        "deployment", "run", "i18npub-pipeline/full",
        "--param", f"project_dir={newsroom.root}",
        "--param", 'engines=["pseudo"]',
        "--param", "publish=always",
        "--watch", "--watch-interval", "1", "--watch-timeout", "240",
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr + worker.read_text(errors="replace")
    with get_client(sync_client=True) as client:
        [flow_run] = client.read_flow_runs(
            deployment_filter=_deployment_filter(deployed["i18npub-pipeline/full"].id)
        )
    assert flow_run.state.is_completed(), flow_run.state.message
    assert flow_run.parameters["project_dir"] == str(newsroom.root)
    assert "6 segments filled" in flow_run.state.message
    artifacts = artifacts_of(flow_run.id)
    assert "i18npub-newsroom-articles" in artifacts and "i18npub-newsroom-site" in artifacts
    assert (newsroom.path("site") / "zh" / "tea-exports-rise" / "index.html").is_file()


def _deployment_filter(deployment_id: Any) -> Any:
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    return DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id]))
