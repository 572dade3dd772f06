"""The Prefect adapter as a part of the package, without a server: where it sits in the
layers, the ``prefect.yaml`` a project gets, and what its translate cache is keyed on.
(``tests/test_flows.py`` runs the flows against a real server.)"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from i18npub.cli import app
from tests.support.paths import REPO

PACKAGE = REPO / "src" / "i18npub"
ADAPTER = PACKAGE / "orchestrate"
runner = CliRunner()


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_the_library_imports_neither_prefect_nor_its_adapter() -> None:
    """Only the CLI (lazily, for ``run --prefect`` and ``init --prefect``) reaches up."""
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.is_relative_to(ADAPTER) or path == PACKAGE / "cli.py":
            continue
        wrong = {
            name
            for name in _imported_modules(path)
            if name.split(".")[0] in ("prefect", "prefect_dask", "dask", "distributed")
            or name.startswith("i18npub.orchestrate")
        }
        if wrong:
            offenders[str(path.relative_to(PACKAGE))] = sorted(wrong)
    assert offenders == {}


def test_the_adapter_modules_the_cli_needs_first_do_not_import_prefect() -> None:
    modules = "i18npub.orchestrate, i18npub.orchestrate.deployments, i18npub.orchestrate.server"
    code = f"import sys, {modules}, i18npub.orchestrate.local; sys.exit('prefect' in sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_repository_entry_files_name_the_packaged_flows() -> None:
    """``prefect.yaml``'s entrypoints (``flows/pipeline.py:NAME``) are the package's flows."""
    from i18npub.orchestrate import flows

    code = (REPO / "flows" / "pipeline.py").read_text(encoding="utf-8")
    deployments = yaml.safe_load((REPO / "prefect.yaml").read_text(encoding="utf-8"))
    for deployment in deployments["deployments"]:
        path, name = deployment["entrypoint"].split(":")
        assert path == "flows/pipeline.py" and name in code
        assert getattr(flows, name).name.startswith("i18npub-")


def test_init_prefect_writes_the_repositorys_deployments_for_the_project(tmp_path: Path) -> None:
    folder = tmp_path / "Evening News"
    result = runner.invoke(app, ["init", str(folder), "--prefect"])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and (folder / "i18npub.toml").is_file()
    ours = yaml.safe_load((folder / "prefect.yaml").read_text(encoding="utf-8"))
    repository = yaml.safe_load((REPO / "prefect.yaml").read_text(encoding="utf-8"))
    assert ours["name"] == "evening-news"
    assert ours["definitions"] == repository["definitions"]
    for mine, theirs in zip(ours["deployments"], repository["deployments"], strict=True):
        flow_name = theirs["entrypoint"].split(":")[1]
        assert mine.pop("name") == f"evening-news-{theirs.pop('name')}"
        assert mine.pop("entrypoint") == f"i18npub.orchestrate.flows:{flow_name}"
        theirs.pop("entrypoint")
        assert mine == theirs


def test_init_prefect_in_a_project_adds_only_the_deployments(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    assert runner.invoke(app, ["init", str(folder)]).exit_code == 0
    config = (folder / "i18npub.toml").read_text(encoding="utf-8")
    added = runner.invoke(app, ["init", str(folder), "--prefect"])
    assert added.exit_code == 0, added.output
    assert "created project" not in added.output and (folder / "prefect.yaml").is_file()
    assert (folder / "i18npub.toml").read_text(encoding="utf-8") == config
    (folder / "prefect.yaml").write_text("# mine\n", encoding="utf-8")
    again = runner.invoke(app, ["init", str(folder), "--prefect"])
    assert again.exit_code == 1 and "prefect.yaml: already exists" in again.output
    assert (folder / "prefect.yaml").read_text(encoding="utf-8") == "# mine\n"


def test_translate_cache_key_carries_the_code_version_and_expires(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import i18npub
    from i18npub.orchestrate import tasks
    from i18npub.project import Project

    project = Project.init(tmp_path / "news")
    parameters = {"project_dir": str(project.root), "slug": "none-yet", "engines": ["pseudo"]}
    key = tasks.translate_cache_key(None, parameters)  # type: ignore[arg-type]
    version = tasks.code_version()
    assert version.startswith(i18npub.__version__ + "-") and version in key
    assert tasks.translate_article.cache_expiration == tasks.TRANSLATE_CACHE_EXPIRATION
    assert tasks.TRANSLATE_CACHE_EXPIRATION.days >= 1

    package = tmp_path / "i18npub"  # an edit of the code is a new version
    package.mkdir()
    (package / "translate.py").write_text("ANSWER = 1\n", encoding="utf-8")
    monkeypatch.setattr(i18npub, "__file__", str(package / "__init__.py"))
    tasks.code_version.cache_clear()
    before = tasks.code_version()
    (package / "translate.py").write_text("ANSWER = 2\n", encoding="utf-8")
    tasks.code_version.cache_clear()
    assert tasks.code_version() != before != version
    tasks.code_version.cache_clear()
