"""README.md against the product: its command list is the CLI's command set, and the
commands it gives for a fresh machine name commands, options and extras that exist."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from typing import Any

import typer.core
import typer.main

from i18npub.cli import app
from tests.support.paths import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
CLI = typer.main.get_command(app)
assert isinstance(CLI, typer.core.TyperGroup)  # click's Group, as typer builds it
OPTION_RE = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")
HELP = {"-h", "--help"}  # the context's help option names (on every command)


def section(title: str) -> str:
    """The text of README's ``## title`` section."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"README.md has no '## {title}' section"
    return match.group(1)


def code_blocks(text: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```", text, re.M | re.S)


def invocations(block: str) -> list[str]:
    """Each command of a shell block (comments dropped, continuation lines joined, ``&&``
    chains split), without a leading ``.venv/bin/``."""
    lines: list[str] = []
    for raw in block.splitlines():
        line = raw.split(" #")[0].rstrip()
        if raw.startswith(" ") and lines:
            lines[-1] += " " + line.strip()
        elif line:
            lines.append(line)
    commands = [part.strip() for line in lines for part in line.split("&&")]
    return [command.removeprefix(".venv/bin/") for command in commands]


def visible_commands() -> set[str]:
    return {name for name, command in CLI.commands.items() if not command.hidden}


def options_of(command: Any) -> set[str]:
    return {opt for p in command.params for opt in [*p.opts, *p.secondary_opts]} | HELP


def check_invocation(line: str) -> list[str]:
    """What one ``i18npub …`` line names that the CLI does not have: its command (the first
    lowercase word), options before it (global) and after it (the command's)."""
    words = line.split()
    assert words[0] == "i18npub", line
    name = next((word for word in words[1:] if re.fullmatch(r"[a-z]+", word)), None)
    if name is None:
        before, after = line, ""
    elif name not in CLI.commands:
        return [f"{line!r}: no command {name!r}"]
    else:
        before, after = line.split(f" {name}", 1)
    problems = [
        f"{line!r}: no global option {option}"
        for option in OPTION_RE.findall(before)
        if option not in options_of(CLI)
    ]
    if name:
        problems += [
            f"{line!r}: {name} has no option {option}"
            for option in OPTION_RE.findall(after)
            if option not in options_of(CLI.commands[name])
        ]
    return problems


def test_the_readme_lists_every_cli_command_and_no_other() -> None:
    listed = set()
    for block in code_blocks(section("Command line")):
        for line in invocations(block):
            words = [w for w in line.split()[1:] if not w.startswith(("-", "["))]
            if words and re.fullmatch(r"[a-z]+", words[0]):
                listed.add(words[0])
    commands = visible_commands()
    assert listed == commands, (
        f"in the CLI, not in README's command list: {sorted(commands - listed)}; "
        f"in README, not in the CLI: {sorted(listed - commands)}"
    )


def test_every_i18npub_line_of_the_readme_names_real_commands_and_options() -> None:
    lines = [line for block in code_blocks(README) for line in invocations(block)]
    lines = [line for line in lines if line.startswith("i18npub")]
    assert len(lines) > 15
    problems = [problem for line in lines for problem in check_invocation(line)]
    assert not problems, "\n".join(problems)


def test_the_fresh_machine_setup_installs_the_package_and_runs_the_main_job() -> None:
    setup = code_blocks(section("Two commands for a fresh machine"))[0]
    steps = invocations(setup)
    assert steps[0].startswith("python3 -m venv .venv"), steps
    assert re.fullmatch(r"pip install( -q)? -e \.", steps[1]), steps  # .venv/bin/ dropped
    assert "i18npub" in PYPROJECT["project"]["scripts"]  # what puts .venv/bin/i18npub there
    assert steps[2:] == ["i18npub run"], steps
    assert not check_invocation(steps[2])


def test_the_test_command_installs_an_extra_that_exists_and_runs_pytest() -> None:
    marked = re.search(
        r"<!-- test-command:start -->\n```sh\n(.*?)\n```\n<!-- test-command:end -->", README, re.S
    )
    assert marked, "README.md lost its test-command markers (.ci/run reads between them)"
    steps = [step.strip() for step in marked.group(1).split("&&")]
    assert steps[0] == "python3 -m venv .venv", steps
    install = shlex.split(steps[1])
    assert install[:2] == [".venv/bin/pip", "install"] and "-e" in install, steps
    target = install[install.index("-e") + 1]
    extras = re.fullmatch(r"\.\[([\w,-]+)\]", target)
    assert extras, target
    declared = PYPROJECT["project"]["optional-dependencies"]
    for extra in extras.group(1).split(","):
        assert extra in declared, f"pyproject.toml has no extra {extra!r}"
    assert any(re.match(r"pytest\b", requirement) for requirement in declared["test"])
    test = shlex.split(steps[2])
    assert test[:3] == [".venv/bin/python", "-m", "pytest"], steps
    assert_pytest_accepts(test[3:])


def test_the_quick_subset_deselects_only_declared_markers() -> None:
    runs = [
        words[words.index("pytest") + 1 :]
        for block in code_blocks(section("Two commands for a fresh machine"))
        for line in block.splitlines()
        if "pytest" in (words := shlex.split(line))
    ]
    quick = [args for args in runs if "-m" in args]
    assert len(quick) == 1, runs
    args = quick[0]
    expression = args[args.index("-m") + 1]
    declared = {
        line.split(":")[0] for line in PYPROJECT["tool"]["pytest"]["ini_options"]["markers"]
    }
    named = set(re.findall(r"\w+", expression)) - {"not", "and", "or"}
    assert named == {"slow", "server", "browser"} and named <= declared, (named, declared)
    assert_pytest_accepts(args)


def assert_pytest_accepts(args: list[str]) -> None:
    """pytest parses ``args`` (collecting one test of this file only)."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *args,
            "-p",
            "no:cacheprovider",
            "--collect-only",
            f"{__file__}::test_the_readme_lists_every_cli_command_and_no_other",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 5), done.stdout + done.stderr  # 5: deselected by -m
