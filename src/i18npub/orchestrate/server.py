"""A Prefect server in a child process on 127.0.0.1, its output kept in a log file.

Prefect's own temporary ("ephemeral") server shares the terminal and prints ERROR tracebacks
when it shuts down. This one writes everything to ``<home>/server.log``, stops gently, and is
used by ``i18npub run --prefect`` when no ``PREFECT_API_URL`` is set, and by the tests.
It does not import Prefect.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

QUIET_ENV = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}


class ServerError(RuntimeError):
    """The server did not start; the message ends with the tail of its log."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LocalServer:
    """``prefect server start`` on a free loopback port; use as a context manager."""

    def __init__(
        self,
        home: Path | None = None,
        port: int = 0,
        ui: bool = False,
        settings: dict[str, str] | None = None,
    ) -> None:
        self.home = Path(home or os.environ.get("PREFECT_HOME") or Path.home() / ".prefect")
        self.port = port or free_port()
        self.ui = ui
        self.settings = settings or {}  # extra PREFECT_* settings for the server process
        self.log_path = self.home / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def environment(self) -> dict[str, str]:
        """The settings a client of this server needs (the server's own, minus the port)."""
        return {**QUIET_ENV, "PREFECT_HOME": str(self.home), "PREFECT_API_URL": self.api_url}

    def start(self, timeout: float = 180.0) -> str:
        """Start the server and wait until it answers; return its API URL."""
        self.home.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env.update(QUIET_ENV, PREFECT_HOME=str(self.home), PREFECT_UI_ENABLED=str(self.ui))
        env.update(self.settings)
        command = [sys.executable, "-m", "prefect", "server", "start"]
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a Ctrl-C in the terminal reaches us, not the server
            )
        self._wait_healthy(timeout)
        return self.api_url

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise ServerError(
                    f"Prefect server exited ({self.process.returncode}){self._tail()}"
                )
            try:
                if httpx.get(f"{self.api_url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        self.stop()
        raise ServerError(f"Prefect server did not answer within {timeout:g} s{self._tail()}")

    def _tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return ""
        return f"; the end of {self.log_path}:\n" + "\n".join(text[-lines:])

    def stop(self, grace: float = 10.0) -> None:
        """Interrupt the server's process group, then terminate it if it lingers."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        for sig, wait in ((signal.SIGINT, grace), (signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(process.pid, sig)
                process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue
            except ProcessLookupError:
                return

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
