"""The Prefect flows against a real Prefect server on 127.0.0.1 (SQLite in a temporary
PREFECT_HOME), started once for this module: task runs, caching, retries, artifacts, the
Dask runner, ``i18npub run --prefect``, and a deployment run by a process worker."""

from __future__ import annotations

import os
import shutil
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
from tests.support.faults import news_project, write_config
from tests.support.loopback import serving
from tests.support.mt_servers import ProviderServer
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
    from i18npub.orchestrate.server import LocalServer

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
            from i18npub.orchestrate.local import drain_prefect_clients

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


def logs_of(flow_run_id: Any) -> list[str]:
    """The messages the flow run and its task runs logged (queued ones sent first)."""
    from prefect import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    from i18npub.orchestrate.local import drain_prefect_clients

    drain_prefect_clients()
    run_filter = LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id]))
    with get_client(sync_client=True) as client:
        return [log.message for log in client.read_logs(log_filter=run_filter)]


def task_states_of(flow_run_id: Any) -> dict[str, str]:
    """``{task run name: state name}`` of a flow run."""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    run_filter = FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
    with get_client(sync_client=True) as client:
        task_runs = client.read_task_runs(flow_run_filter=run_filter)
    return {run.name: run.state.name for run in task_runs if run.state}


def test_pipeline_flow_runs_tasks_and_records_artifacts(
    prefect_server: Any, newsroom: Project
) -> None:
    from i18npub.orchestrate import flows

    state = flows.pipeline(str(newsroom.root), engines=["pseudo"], return_state=True)
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
    logs = logs_of(state.state_details.flow_run_id)
    assert "tea-exports-rise: 3 filled, 0 rejected by the checks, 0 still untranslated" in logs
    assert any(line.startswith("created tea-exports-rise <- ") for line in logs)
    assert any(line.startswith("site built: ") for line in logs)


def test_dry_run_and_publish_flows(prefect_server: Any, newsroom: Project) -> None:
    from i18npub.orchestrate import flows

    plan = flows.pipeline(str(newsroom.root), dry_run=True, return_state=True)
    assert plan.is_completed() and plan.message.startswith("dry run: ")
    assert {r.action for r in plan.result().ingest} == {"would create"}
    assert not newsroom.slugs()
    keys = set(artifacts_of(plan.state_details.flow_run_id))
    assert keys == {"i18npub-newsroom-plan", "i18npub-newsroom-plan-summary"}
    flows.ingest(str(newsroom.root), return_state=True)
    published = flows.publish(str(newsroom.root), return_state=True).result()
    assert published.publish.action == "built"
    again = flows.publish(str(newsroom.root), policy="changed", return_state=True)
    assert again.result().publish.action == "unchanged"


def test_unchanged_articles_are_cache_hits(prefect_server: Any, newsroom: Project) -> None:
    from i18npub.orchestrate import flows

    # The memory engine finds nothing here, so both articles stay untranslated: a second
    # run asks again only for the article whose source changed.
    first = flows.pipeline(str(newsroom.root), publish="never", return_state=True).result()
    assert {r.action for r in first.translate} == {"unchanged"}
    source = newsroom.path("content") / "ferry.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA band played.\n", "utf-8")
    second = flows.pipeline(str(newsroom.root), publish="never", return_state=True).result()
    actions = {r.slug: r.action for r in second.translate}
    assert actions == {"solar-ferry-sails": "unchanged", "tea-exports-rise": "cached"}
    forced = flows.translate(str(newsroom.root), refresh_cache=True, return_state=True)
    assert {r.action for r in forced.result().translate} == {"unchanged"}


def test_a_failed_article_fails_the_run_and_a_rerun_finishes(
    prefect_server: Any, newsroom: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from i18npub.orchestrate import flows

    real = Project.translate

    def flaky(self: Project, engines=None, slugs=None, languages=None):
        if slugs == ["tea-exports-rise"]:
            raise OSError("disk full")
        return real(self, engines, slugs, languages)

    monkeypatch.setattr(Project, "translate", flaky)
    state = flows.pipeline(str(newsroom.root), engines=["pseudo"], return_state=True)
    report = state.result(raise_on_failure=False).report
    assert state.is_failed() and "1 error(s)" in state.message
    assert report.errors() == ["tea-exports-rise: disk full"]
    tasks = task_states_of(state.state_details.flow_run_id)
    assert tasks["translate tea-exports-rise"] == "Failed"
    assert tasks["translate solar-ferry-sails"] == "Completed"
    assert report.publish.action == "skipped" and not newsroom.path("site").exists()
    assert not [f for f in newsroom.check() if f.check in ("syntax", "catalog")]

    monkeypatch.setattr(Project, "translate", real)
    again = flows.pipeline(str(newsroom.root), engines=["pseudo"], return_state=True)
    assert again.is_completed()
    assert [r.slug for r in again.result().translate] == ["tea-exports-rise"]
    assert (newsroom.path("site") / "index.html").is_file()


def test_an_offline_engine_leaves_sentences_awaiting_and_is_asked_again(
    prefect_server: Any, newsroom: Project
) -> None:
    from i18npub.orchestrate import flows
    from tests.support.loopback import closed_port_url

    with (newsroom.root / "i18npub.toml").open("a", encoding="utf-8") as config:
        config.write(f'\n[engines.libre]\nurl = "{closed_port_url()}"\nretries = 0\n')
    first = flows.pipeline(str(newsroom.root), engines=["libre"], return_state=True)
    report = first.result()
    assert first.is_completed() and {r.action for r in report.translate} == {"awaiting"}
    waits = [m for m in logs_of(first.state_details.flow_run_id) if "sentence(s) wait: " in m]
    assert len(waits) == 2 and all("libre: " in line for line in waits)
    assert report.publish.action == "built"  # with the English text where Chinese waits
    again = flows.translate(str(newsroom.root), engines=["libre"], return_state=True)
    assert {r.action for r in again.result().translate} == {"awaiting"}  # not "cached"


def test_one_character_budget_holds_for_all_task_runs_of_a_flow_run(
    prefect_server: Any, tmp_path: Path
) -> None:
    from i18npub.orchestrate import flows

    with ProviderServer("libre") as server:
        project = news_project(tmp_path / "proj", server.url, articles=4, per=6)
        write_config(project.root, server.url, batch_size=3, concurrency=1)
        state = flows.translate(str(project.root), max_chars=600, workers=4, return_state=True)
        sent = sum(len(text) for text in server.texts)
    report = state.result()
    assert 0 < sent <= 600  # four articles in parallel task runs, one budget
    assert sum(r.filled for r in report.translate) > 0
    waiting = [r for r in report.translate if r.action == "awaiting"]
    assert waiting and all("character budget reached" in r.message for r in waiting)
    assert not list(project.layout.state.glob("budget-*"))  # the run's ledger is removed


def test_a_source_that_fails_fails_its_task_and_the_others_are_kept(
    prefect_server: Any, newsroom: Project
) -> None:
    from i18npub.orchestrate import flows

    (newsroom.path("content") / "blank.md").write_text("", encoding="utf-8")
    state = flows.ingest(str(newsroom.root), return_state=True)
    report = state.result(raise_on_failure=False).report
    assert state.is_failed() and "1 error(s)" in state.message
    actions = {Path(r.source).name: r.action for r in report.ingest}
    assert actions == {"blank.md": "error", "ferry.md": "created", "tea.md": "created"}
    assert set(task_states_of(state.state_details.flow_run_id).values()) == {"Failed"}
    assert sorted(newsroom.slugs()) == ["solar-ferry-sails", "tea-exports-rise"]
    logs = logs_of(state.state_details.flow_run_id)
    assert any("blank.md" in line and "empty source" in line for line in logs)


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
    from i18npub.orchestrate import flows

    with serving(FlakyArticleHandler) as base:
        state = flows.ingest(str(newsroom.root), sources=[f"{base}/port.html"], return_state=True)
    [result] = state.result().ingest
    assert (result.action, result.slug) == ("created", "port-reopens")
    assert FlakyArticleHandler.requests == 2


def test_dask_runner_translates_on_two_worker_processes_quietly(
    prefect_server: Any, newsroom: Project
) -> None:
    """In a process of its own, as under a worker: Prefect's INFO lines show, Dask's do not."""
    code = (
        "import sys\n"
        "from i18npub.orchestrate import flows\n"
        f"state = flows.pipeline({str(newsroom.root)!r}, engines=['pseudo'], task_runner='dask',"
        " workers=2, return_state=True)\n"
        "report = state.result()\n"
        "print(state.name, sum(r.filled for r in report.translate))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DASK_LOGGING__DISTRIBUTED"}
    env["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] = "INFO"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["Completed", "6"]
    assert "Task run 'translate tea-exports-rise' - " in done.stderr
    assert "| distributed." not in done.stderr  # the scheduler's, nannies' and workers' chatter


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


def test_the_operators_snippet_shows_the_last_finished_run_not_the_next_scheduled(
    deployed: dict[str, Any],
) -> None:
    import contextlib
    import datetime as dt
    import io

    from prefect import get_client
    from prefect.client.schemas.objects import TERMINAL_STATES
    from prefect.states import Scheduled

    text = (REPO / "docs" / "operators.md").read_text(encoding="utf-8")
    [snippet] = [b.split("\n", 1)[1] for b in text.split("```python")[1:] if "END_TIME" in b]
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    with get_client(sync_client=True) as client:
        scheduled = client.create_flow_run_from_deployment(
            deployed["i18npub-pipeline/hourly-inbox"].id, state=Scheduled(scheduled_time=later)
        )
        finished = [r for r in client.read_flow_runs(limit=200) if r.state_type in TERMINAL_STATES]
    last = max(finished, key=lambda run: run.end_time.timestamp() if run.end_time else 0.0)
    shown = io.StringIO()
    try:
        with contextlib.redirect_stdout(shown):
            exec(snippet.split("```")[0], {})
    finally:
        with get_client(sync_client=True) as client:
            client.delete_flow_run(scheduled.id)
    assert shown.getvalue().split()[0] == last.name != scheduled.name


def _build_wheel(into: Path) -> Path:
    """A wheel built from a copy of the sources (the checkout gets no build/ or egg-info)."""
    sources = into / "sources"
    sources.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        (sources / name).write_bytes((REPO / name).read_bytes())
    shutil.copytree(REPO / "src", sources / "src", ignore=shutil.ignore_patterns("__pycache__"))
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    command += ["--no-index", "-q", "-w", str(into), "."]  # offline: this venv's setuptools
    done = subprocess.run(command, cwd=sources, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    [wheel] = into.glob("i18npub-*.whl")
    return wheel


def _venv_with(wheel: Path, folder: Path) -> Path:
    """A new venv holding the wheel; the other packages are this environment's (a .pth)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    [site_packages] = folder.glob("lib/python*/site-packages")
    parents = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    (site_packages / "parent-environment.pth").write_text("\n".join(parents) + "\n", "utf-8")
    python = folder / "bin" / "python"
    install = [python, "-m", "pip", "install", "-q", "--no-deps", "--no-index"]
    install += ["--force-reinstall", "--no-warn-script-location", str(wheel)]
    done = subprocess.run(install, env=_outside_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return python


def _outside_env(**extra: str) -> dict[str, str]:
    """This process's environment (the server's settings) without the checkout's paths."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return env | {"COLUMNS": "120"} | extra


@pytest.mark.slow
def test_an_installed_wheel_runs_and_deploys_a_project_outside_the_checkout(
    prefect_server: Any, tmp_path: Path
) -> None:
    """``pip install`` the wheel: ``run --prefect``, ``run`` on PREFECT_API_URL, ``init
    --prefect`` and ``prefect deploy``, and a worker from that venv running a deployment."""
    from prefect import get_client
    from prefect.client.schemas.actions import WorkPoolCreate

    python = _venv_with(_build_wheel(tmp_path / "dist"), tmp_path / "venv")
    i18npub = python.with_name("i18npub")
    outside = tmp_path / "desk"
    outside.mkdir()

    def run(*command: Any, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(part) for part in command],
            cwd=cwd,
            env=_outside_env(**env),
            capture_output=True,
            text=True,
            timeout=300,
        )

    where = run(python, "-c", "import i18npub.orchestrate as o; print(o.__file__)", cwd=outside)
    assert where.stdout.startswith(str(tmp_path / "venv")), where.stdout + where.stderr
    done = run(i18npub, "init", "gazette", "--prefect", cwd=outside)
    assert done.returncode == 0, done.stderr
    gazette = outside / "gazette"
    for name, text in STORIES.items():
        (gazette / "content" / name).write_text(text, encoding="utf-8")
    done = run(i18npub, "run", "--prefect", "--engine", "pseudo", cwd=gazette)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "built     site" in done.stdout and "Prefect flow run: http" in done.stderr
    done = run(i18npub, "run", "--engine", "pseudo", "--publish", "always", cwd=gazette)
    assert done.returncode == 0, done.stdout + done.stderr  # PREFECT_API_URL is set: the flow
    assert "Prefect flow run: http" in done.stderr

    # Deploy from the project; a worker of the venv (its own pool) runs one deployment.
    config = gazette / "prefect.yaml"
    config.write_text(config.read_text("utf-8").replace("name: i18npub\n", "name: gazette\n"))
    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name="gazette", type="process"))
    done = run(python, "-m", "prefect", "--no-prompt", "deploy", "--all", cwd=gazette)
    assert done.returncode == 0, done.stdout + done.stderr
    with get_client(sync_client=True) as client:
        full = client.read_deployment_by_name("i18npub-pipeline/gazette-full")
    assert full.entrypoint == "i18npub.orchestrate.flows:pipeline" and full.parameters == {
        "project_dir": ".",
        "publish": "changed",
    }
    log = tmp_path / "worker.log"
    worker = [python, "-m", "prefect", "worker", "start", "--pool", "gazette"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(part) for part in worker], cwd=outside, stdout=output,
            stderr=subprocess.STDOUT, start_new_session=True,
            env=_outside_env(PREFECT_WORKER_QUERY_SECONDS="1"),
        )  # fmt: skip
    try:
        (gazette / "content" / "ferry.md").write_text(
            STORIES["ferry.md"] + "\nA band played.\n", encoding="utf-8"
        )
        done = run(
            python, "-m", "prefect", "--no-prompt", "deployment", "run",
            "i18npub-pipeline/gazette-full", "--param", 'engines=["pseudo"]',
            "--watch", "--watch-interval", "1", "--watch-timeout", "240",
            cwd=outside,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr + log.read_text(errors="replace")
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    with get_client(sync_client=True) as client:
        [flow_run] = client.read_flow_runs(deployment_filter=_deployment_filter(full.id))
    assert flow_run.state.is_completed(), flow_run.state.message
    assert "1 new or updated" in flow_run.state.message and "site built" in flow_run.state.message
    article = Project.open(gazette).load_article("solar-ferry-sails")
    assert "A band played." in [segment.text for _, _, segment in article.segments()]
