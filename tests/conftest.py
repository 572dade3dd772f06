"""Shared fixtures: project folders, the shared corpus, and required tools."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "samples" / "wipo-ciftis-2021.txt"
# Debian's Chromium, headless, with nothing that would reach the network by itself.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_tool(name: str) -> str:
    """The path of a command-line tool; skip (or fail in CI) when it is missing."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("I18NPUB_REQUIRE_TOOLS"):
            pytest.fail(f"{name} is required (I18NPUB_REQUIRE_TOOLS is set) but not installed")
        pytest.skip(f"{name} not installed")
    return path


def require_shared(path: Path) -> Path:
    """A file of ``../shared``; skip when it is missing, but fail in CI (it must be there)."""
    if not path.exists():
        if os.environ.get("CI") or os.environ.get("I18NPUB_REQUIRE_TOOLS"):
            pytest.fail(f"{path} is required in CI (../shared beside the checkout) but missing")
        pytest.skip(f"{path} not present (the shared corpus is optional)")
    return path


@pytest.fixture
def project(tmp_path: Path):
    from i18npub.project import Project

    return Project.init(tmp_path / "proj", title="Test site")


@pytest.fixture
def seed() -> Path:
    return require_shared(SEED)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """The system Chromium through playwright (no `playwright install`), one per module."""
    executable = require_tool("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
