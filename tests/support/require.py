"""What a test needs from the machine: a command-line tool, a file of ``../shared``.

Missing, it skips the test on a developer's machine and fails it in CI: a tool when
``I18NPUB_REQUIRE_TOOLS`` is set (``.ci/run`` sets it), a shared file when ``CI`` is set too
(CI lays ``../shared`` beside the clone, so a missing corpus is a broken run, not an option).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

FALSE = ("", "0", "false", "no")


def _set(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in FALSE


def tools_required() -> bool:
    """Whether a missing tool fails the test (``I18NPUB_REQUIRE_TOOLS``) instead of skipping it."""
    return _set("I18NPUB_REQUIRE_TOOLS")


def shared_required() -> bool:
    """Whether a missing shared file fails the test (``CI`` or ``I18NPUB_REQUIRE_TOOLS``)."""
    return _set("CI") or tools_required()


def require_tool(name: str) -> str:
    """The path of a command-line tool; skip (or fail in CI) when it is missing."""
    path = shutil.which(name)
    if path is None:
        if tools_required():
            pytest.fail(f"{name} is required (I18NPUB_REQUIRE_TOOLS is set) but not installed")
        pytest.skip(f"{name} not installed")
    return path


def require_shared(path: Path, what: str = "") -> Path:
    """A file of ``../shared`` (or another file CI provides); skip when it is missing, but
    fail in CI: it must be there."""
    if not path.exists():
        name = f"{what}: {path}" if what else str(path)
        if shared_required():
            pytest.fail(f"{name} is missing: CI must run with it")
        pytest.skip(f"{name} not present (optional outside CI)")
    return path
