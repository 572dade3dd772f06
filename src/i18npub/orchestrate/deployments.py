"""A project's ``prefect.yaml``: the repository's deployments, for a project of its own.

The repository's ``prefect.yaml`` deploys its sample project through the entry files in
``flows/``; a project made with ``i18npub init --prefect`` gets the same four deployments
with entrypoints in the installed package (``i18npub.orchestrate.flows:pipeline`` …), so
``prefect deploy`` works from any project folder, no checkout needed. Does not import Prefect.
"""

from __future__ import annotations

import re
from importlib import metadata, resources
from pathlib import Path
from string import Template

from i18npub.errors import I18npubError
from i18npub.fsutil import atomic_write_text

PREFECT_YAML = "prefect.yaml"


class DeploymentsExist(I18npubError):
    """The project has a ``prefect.yaml`` already (it is never overwritten)."""


def project_label(project_root: str | Path) -> str:
    """The project folder's name in lowercase letters, digits and dashes (``news``); it
    names the project's deployments and artifacts."""
    name = Path(project_root).name.lower()
    return re.sub(r"[^a-z0-9]+", "-", name).strip("-") or "project"


def prefect_yaml(project_root: str | Path) -> str:
    """The text of the project's ``prefect.yaml``, deployments named after the project."""
    template = resources.files(__package__).joinpath("project-prefect.yaml").read_text("utf-8")
    return Template(template).substitute(
        project=project_label(Path(project_root).resolve())[:40].rstrip("-"),
        prefect_version=metadata.version("prefect"),
    )


def write_prefect_yaml(project_root: str | Path) -> Path:
    """Write ``prefect.yaml`` into the project folder; an existing one is kept (an error)."""
    path = Path(project_root) / PREFECT_YAML
    if path.exists():
        raise DeploymentsExist(f"{path}: already exists")
    atomic_write_text(path, prefect_yaml(project_root))
    return path
