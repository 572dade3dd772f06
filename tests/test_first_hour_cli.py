"""Command-line conventions and output on a terminal and in a pipe (issue 12, items 2, 5, 6).

Terminal runs go through a real pseudo-terminal of 80 columns, as a user's shell would."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import pty
import re
import socket
import struct
import subprocess
import termios
from pathlib import Path

import pytest

from i18npub.project import Project
from tests.support.cli import EXE, run_cli
from tests.support.paths import REPO

ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")
# Titles whose slugs are as long as real ones (55 characters, more with a -2 suffix).
TITLES = [
    "Provincial Government Announces Comprehensive Plan for Rural Broadband Access",
    "Regional Water Authority Publishes Its Long Awaited Report on Drought Planning",
    "Central Bank Holds Interest Rates Steady as Inflation Eases for Third Month Running",
]
BODY = (
    "Officials said the plan would take {n} years. It was welcomed by {n} towns. Work begins soon."
)


def on_terminal(*args: str, cwd: Path, columns: int = 80) -> tuple[int, str]:
    """Run the command with stdin, stdout and stderr on a pseudo-terminal; its screen text."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {**os.environ, "COLUMNS": str(columns), "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [str(EXE), *args], cwd=cwd, stdin=slave, stdout=slave, stderr=slave, env=env
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError as error:  # EIO: the other side closed
            if error.errno != errno.EIO:
                raise
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    code = process.wait(timeout=120)
    return code, b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture
def newsroom(tmp_path: Path) -> Project:
    project = Project.init(tmp_path / "newsroom")
    for number, title in enumerate(TITLES):
        source = tmp_path / f"story-{number}.md"
        source.write_text(f"# {title}\n\n{BODY.format(n=number + 2)}\n", encoding="utf-8")
        project.ingest([source])
    return project


def json_status(project: Project) -> dict:
    return json.loads(run_cli("-p", str(project.root), "status", "--json").stdout)


def test_status_on_an_80_column_terminal_is_whole(newsroom: Project) -> None:
    slugs = newsroom.slugs()
    assert min(len(slug) for slug in slugs) >= 55
    code, screen = on_terminal("status", cwd=newsroom.root)
    assert code == 0, screen
    lines = ANSI_RE.sub("", screen).splitlines()
    assert max(len(line) for line in lines) <= 80, screen
    text = "\n".join(lines)
    assert "…" not in text, text
    for header in ("approved", "machine", "outd", "untr", "obs"):
        assert header[:4] in text
    folded = "".join(line.split()[0] if line.split() else "" for line in lines)
    for slug in slugs:
        assert slug in folded, (slug, text)  # the slug is all there, maybe over two lines
    rows = [line.split() for line in lines if line.split() and line.split()[0] in slugs]
    expected = {a["slug"]: a for a in json_status(newsroom)["articles"]}
    for row in rows:
        state = expected[row[0]]["languages"]["zh_CN"]
        numbers = [str(expected[row[0]]["segments"]), "0", "0", "0", str(state["untranslated"])]
        assert row[1:6] == numbers, (row, text)


def test_status_in_a_pipe_is_aligned_text_and_tsv(newsroom: Project) -> None:
    plain = run_cli("-p", str(newsroom.root), "status", env={"COLUMNS": "80"})
    assert plain.returncode == 0
    lines = plain.stdout.splitlines()
    assert "\x1b" not in plain.stdout and "━" not in plain.stdout and "│" not in plain.stdout
    header = lines[0].split()
    assert header == ["segs", "zh_CN:appr", "mach", "outd", "untr", "obs", "%appr", "article"]
    expected = {a["slug"]: a for a in json_status(newsroom)["articles"]}
    table = lines[: len(expected) + 2]
    starts = {re.match(r"(\s*\S+){7}", line).end() for line in table}  # type: ignore[union-attr]
    assert len(starts) == 1, lines  # aligned: the numbers right-justified, the article after
    assert starts.pop() + 2 + 32 <= 80, lines  # a slug of up to 32 characters fits in 80
    for line in lines[1 : len(expected) + 1]:
        segments, approved, machine, outdated, untranslated, obsolete, percent, slug = line.split()
        state = expected[slug]["languages"]["zh_CN"]
        assert (int(segments), int(untranslated)) == (
            expected[slug]["segments"],
            state["untranslated"],
        )
        assert (approved, machine, outdated, obsolete, percent) == ("0", "0", "0", "0", "0.0")
    assert lines[len(expected) + 1].endswith(f"({len(expected)} articles)")
    tsv = run_cli("-p", str(newsroom.root), "status", "--tsv").stdout.splitlines()
    assert tsv[0].split("\t")[:3] == ["article", "segments", "zh_CN approved"]
    assert all(len(line.split("\t")) == 8 for line in tsv[: len(expected) + 2])


def test_run_prints_the_same_readable_table(newsroom: Project) -> None:
    code, screen = on_terminal("run", cwd=newsroom.root)
    assert code == 0, screen
    lines = ANSI_RE.sub("", screen).splitlines()
    table = lines[next(i for i, line in enumerate(lines) if "i18npub status" in line) :]
    assert max(len(line) for line in table) <= 80 and "…" not in "\n".join(table)
    folded = "".join(line.split()[0] if line.split() else "" for line in table)
    for slug in newsroom.slugs():
        assert slug in folded, (slug, table)  # the slug is all there, maybe over lines


def test_version_short_help_and_completion() -> None:
    version = run_cli("--version")
    assert version.returncode == 0 and re.fullmatch(r"i18npub \d+\.\d+\.\d+\n", version.stdout)
    short = run_cli("-h")
    assert short.returncode == 0 and "Usage: i18npub" in short.stdout
    assert "--install-completion" in short.stdout and "--show-completion" in short.stdout
    completion = run_cli("--show-completion", "bash")
    assert completion.returncode == 0 and "complete" in completion.stdout


@pytest.mark.slow
def test_help_shows_choices_and_names_not_types() -> None:
    shown = ""
    for command in ("run", "ingest", "status", "check", "translate", "build", "serve", "init"):
        result = run_cli(command, "-h", env={"COLUMNS": "100"})
        assert result.returncode == 0, result.stderr
        shown += result.stdout
    assert "--publish [changed|always|never]" in shown
    assert "--task-runner [threads|dask]" in shown
    assert not re.search(r"<(bool|str|int|list\[str\]|path)>", shown), shown


@pytest.mark.slow
def test_exit_codes_2_only_for_usage_errors(newsroom: Project, tmp_path: Path) -> None:
    root = str(newsroom.root)
    assert run_cli("-p", root, "status", "--no-such-option").returncode == 2
    assert run_cli("-p", root, "run", "--publish", "often").returncode == 2
    assert run_cli("-p", root, "translate", "--engine", "nope").returncode == 2
    assert run_cli("-p", root, "run", "--article", "no-such-article").returncode == 2
    assert run_cli("-p", str(tmp_path), "status").returncode == 1  # not a project: not usage
    config = newsroom.root / "i18npub.toml"
    config.write_text(config.read_text() + "\n[broken\n", encoding="utf-8")
    assert run_cli("-p", root, "status").returncode == 1
    docs = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert "## Exit codes" in docs


def test_serve_on_a_busy_port_says_so_in_one_line(newsroom: Project) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("-p", str(newsroom.root), "serve", "--port", str(port))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and f"port {port}" in result.stderr
    assert "in use" in result.stderr and "Traceback" not in result.stderr
    assert not newsroom.path("site").exists()  # failed before building


@pytest.mark.slow
def test_every_json_output_is_an_object_with_a_schema(newsroom: Project, tmp_path: Path) -> None:
    root = str(newsroom.root)
    source = tmp_path / "extra.md"
    source.write_text("# Extra Story Arrives\n\nIt arrived. All read it.\n", encoding="utf-8")
    commands = {
        "ingest": ["ingest", str(source), "--json"],
        "status": ["status", "--json"],
        "check": ["check", "--json"],
        "translate": ["translate", "--engine", "pseudo", "--json"],
        "build": ["build", "--json"],
        "run": ["run", "--json", "--engine", "pseudo"],
    }
    docs = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    for name, args in commands.items():
        result = run_cli("-p", root, *args)
        document = json.loads(result.stdout)
        assert isinstance(document, dict), (name, document)
        assert document["schema"] == f"i18npub.{name}/1", (name, document.get("schema"))
        assert f"`i18npub.{name}/1`" in docs, name


def test_ingest_of_many_sources_shows_progress_on_a_terminal(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "p")
    inbox = tmp_path / "many"
    inbox.mkdir()
    for number in range(120):
        text = f"# Story Number {number} Is Here\n\n{BODY.format(n=number)}\n"
        (inbox / f"s{number:03}.md").write_text(text, encoding="utf-8")
    code, screen = on_terminal("ingest", str(inbox), cwd=project.root, columns=100)
    assert code == 0, screen
    assert re.search(r"ingest\s.*━.*\d+/120", ANSI_RE.sub("", screen)), screen[-2000:]
    piped = run_cli("-p", str(project.root), "ingest", str(inbox))
    assert "━" not in piped.stdout + piped.stderr and "/120" not in piped.stderr


def test_translate_shows_progress_on_a_terminal(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "p")
    inbox = tmp_path / "many"
    inbox.mkdir()
    for number in range(40):
        text = f"# Story Number {number} Is Here\n\n{BODY.format(n=number)}\n"
        (inbox / f"s{number:03}.md").write_text(text, encoding="utf-8")
    project.ingest([inbox])
    code, screen = on_terminal("translate", "--engine", "pseudo", cwd=project.root, columns=100)
    assert code == 0, screen
    text = ANSI_RE.sub("", screen)
    assert re.search(r"translate\s.*━.*\d+/40", text), text[-2000:]
    assert "zh_CN: " in text and " filled" in text
    status = Project.open(project.root).status()["totals"]["languages"]["zh_CN"]
    assert status["untranslated"] == 0
