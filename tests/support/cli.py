"""The installed ``i18npub`` command (the console script beside this Python), run as a user
would: a subprocess with the test's environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXE = Path(sys.executable).with_name("i18npub")


def run_cli(
    *args: str | Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run ``i18npub ARGS``; output captured as text, ``env`` added to the environment."""
    return subprocess.run(
        [str(EXE), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
