"""The same job through each tool: set-up, the commands of each step, stand-in translations.

Steps (each one measured in its own subprocess):

* ``cold``: extract + catalogs from nothing (one POT and one zh_CN PO per article);
* ``render``: the translated output from filled catalogs, nothing built before;
* ``noop``: extract + catalogs + render again with nothing changed;
* ``update``: extract + catalogs after the edit of about 5% of the paragraphs;
* ``rerender``: the translated output again after that update.

Every tool runs in its documented incremental mode where it has one: po4a skips
translations whose inputs are older (mtime), Translate Toolkit's converters take ``-S``
(skip outputs newer than their inputs), Sphinx keeps its environment in a doctree folder,
i18npub skips unchanged sources by content hash and hard-links unchanged pages.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from peers.corpus import pseudo_chinese

BIN = Path(sys.executable).parent
STEPS = ("cold", "render", "noop", "update", "rerender")
Commands = list[list[str]]


def _tool(name: str) -> str:
    """A command from the venv's bin folder, else from PATH (absolute path, or the bare name)."""
    local = BIN / name
    return str(local) if local.exists() else shutil.which(name) or name


@dataclass(frozen=True)
class Library:
    """A step run inside one Python process through ``i18npub.open(...)``."""

    project: str
    actions: tuple[str, ...]  # ingest | build


Step = Commands | Library


class Tool:
    """One tool's way through the job; subclasses fill in the commands."""

    name = ""
    label = ""
    needs: tuple[str, ...] = ()
    max_rounds = 0  # 0: every round; else at most this many (a tool too slow to repeat)

    def missing(self) -> str:
        """Why the tool cannot run here ('' when it can)."""
        absent = [cmd for cmd in self.needs if not Path(_tool(cmd)).is_file()]
        return f"not installed: {', '.join(absent)}" if absent else ""

    def setup(self, work: Path, content: Path) -> None:
        raise NotImplementedError

    def step(self, name: str, work: Path) -> Step:
        raise NotImplementedError

    def content(self, work: Path) -> Path:
        """Where the Markdown sources live (the edit is copied here)."""
        return work / "content"

    def catalogs(self, work: Path) -> list[Path]:
        raise NotImplementedError

    def outputs(self, work: Path) -> list[Path]:
        """The translated article documents."""
        raise NotImplementedError

    def fill(self, work: Path) -> int:
        """Give every entry a stand-in approved translation (polib); return the entry count."""
        import polib

        count = 0
        for path in self.catalogs(work):
            catalog = polib.pofile(str(path), wrapwidth=76)
            for entry in catalog:
                if entry.msgid and not entry.obsolete:
                    entry.msgstr = pseudo_chinese(entry.msgid)
                    if "fuzzy" in entry.flags:
                        entry.flags.remove("fuzzy")
                    count += 1
            catalog.save()
        return count


def _copy_sources(content: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(content.glob("*.md")):
        shutil.copy2(path, target / path.name)


class I18npub(Tool):
    """i18npub through its Python API (``library``) or its command line (``cli``)."""

    def __init__(self, cli: bool) -> None:
        self.cli = cli
        self.name = "i18npub-cli" if cli else "i18npub"
        self.label = "i18npub (CLI)" if cli else "i18npub (library)"
        self.needs = ("i18npub",) if cli else ()

    def setup(self, work: Path, content: Path) -> None:
        from i18npub.project import Project

        Project.init(work, title="Benchmark news")
        _copy_sources(content, work / "content")

    def step(self, name: str, work: Path) -> Step:
        actions = {
            "cold": ("ingest",),
            "render": ("build",),
            "noop": ("ingest", "build"),
            "update": ("ingest",),
            "rerender": ("build",),
        }[name]
        if not self.cli:
            return Library(str(work), actions)
        base = [_tool("i18npub"), "--project", str(work)]
        argv = {"ingest": [*base, "ingest", str(work / "content")], "build": [*base, "build"]}
        return [argv[action] for action in actions]

    def catalogs(self, work: Path) -> list[Path]:
        return sorted((work / "locales" / "zh_CN" / "LC_MESSAGES").glob("*.po"))

    def outputs(self, work: Path) -> list[Path]:
        return sorted((work / "site" / "zh").glob("*/index.html"))

    def fill(self, work: Path) -> int:
        """Approved stand-in translations, written with i18npub's own PO layer."""
        from i18npub.po import parse_po

        count = 0
        for path in self.catalogs(work):
            catalog = parse_po(path.read_text(encoding="utf-8"), str(path))
            for entry in catalog.entries:
                if entry.msgid and not entry.obsolete:
                    entry.msgstr, entry.fuzzy = pseudo_chinese(entry.msgid), False
                    count += 1
            path.write_text(catalog.dumps(), encoding="utf-8")
        return count


PO4A_SPLIT = "[po4a_paths] pot/$master.pot $lang:po/$master.$lang.po\n"
PO4A_SINGLE = "[po4a_paths] pot/news.pot $lang:po/$lang.po\n"
PO4A_OPTIONS = '[options] opt:"-o markdown -o yfm_keys=title"\n'


class Po4a(Tool):
    """po4a 0.69 (Debian), Text module in Markdown mode.

    ``split``: one POT and PO per document (``$master``), like the other tools; po4a makes
    them from one temporary POT with a ``msggrep`` per document, which grows quadratically,
    so this variant runs one round only. Otherwise one POT and one PO for all documents.
    """

    needs = ("po4a", "msgmerge")

    def __init__(self, split: bool) -> None:
        self.split = split
        self.name = "po4a" if split else "po4a-single"
        self.label = "po4a" if split else "po4a (one catalog)"
        self.max_rounds = 1 if split else 0

    def setup(self, work: Path, content: Path) -> None:
        _copy_sources(content, work / "content")
        for folder in ("pot", "po"):  # po4a's msginit does not create them
            (work / folder).mkdir()
        lines = ["[po4a_langs] zh_CN\n", PO4A_SPLIT if self.split else PO4A_SINGLE, PO4A_OPTIONS]
        for path in sorted((work / "content").glob("*.md")):
            lines.append(f"[type: text] content/{path.name} $lang:out/{path.stem}.$lang.md\n")
        (work / "po4a.cfg").write_text("".join(lines), encoding="utf-8")

    def step(self, name: str, work: Path) -> Step:
        po4a = [_tool("po4a"), "--master-charset", "UTF-8", "--localized-charset", "UTF-8"]
        extract = [*po4a, "--no-translations", "po4a.cfg"]
        render = [*po4a, "--no-update", "--keep", "0", "po4a.cfg"]
        return {
            "cold": [extract],
            "render": [render],
            "noop": [[*po4a, "--keep", "0", "po4a.cfg"]],
            "update": [extract],
            "rerender": [render],
        }[name]

    def catalogs(self, work: Path) -> list[Path]:
        return sorted((work / "po").glob("*.po"))

    def outputs(self, work: Path) -> list[Path]:
        return sorted((work / "out").glob("*.md"))


class TranslateToolkit(Tool):
    """Translate Toolkit: md2po → pot2po (merge into the old PO) → po2md, all with ``-S``."""

    name, label, needs = "ttk", "Translate Toolkit", ("md2po", "pot2po", "po2md")

    def setup(self, work: Path, content: Path) -> None:
        _copy_sources(content, work / "content")

    def step(self, name: str, work: Path) -> Step:
        quiet = ["-S", "--progress=none", "--errorlevel=none"]
        extract = [
            [_tool("md2po"), *quiet, "-P", "content", "pot"],
            [_tool("pot2po"), *quiet, "-t", "po", "pot", "po"],
        ]
        render = [[_tool("po2md"), *quiet, "-t", "content", "po", "out"]]
        return {
            "cold": extract,
            "render": render,
            "noop": extract + render,
            "update": extract,
            "rerender": render,
        }[name]

    def catalogs(self, work: Path) -> list[Path]:
        return sorted((work / "po").glob("*.po"))

    def outputs(self, work: Path) -> list[Path]:
        return sorted((work / "out").glob("*.md"))


SPHINX_CONF = """\
project = "Benchmark news"
extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
root_doc = "index"
language = "en"
gettext_compact = False
locale_dirs = ["../locales/"]
html_theme = "basic"
"""
SPHINX_INDEX = "# News\n\n```{toctree}\n:glob:\n:maxdepth: 1\n\nstory-*\n```\n"


class Sphinx(Tool):
    """Sphinx gettext builder + sphinx-intl update + a zh_CN HTML build (MyST Markdown)."""

    name, label = "sphinx", "Sphinx + sphinx-intl"
    needs = ("sphinx-build", "sphinx-intl")

    def missing(self) -> str:
        try:
            import myst_parser  # noqa: F401
        except ImportError:
            return "not installed: myst-parser"
        return super().missing()

    def content(self, work: Path) -> Path:
        return work / "src"

    def setup(self, work: Path, content: Path) -> None:
        _copy_sources(content, work / "src")
        (work / "src" / "conf.py").write_text(SPHINX_CONF, encoding="utf-8")
        (work / "src" / "index.md").write_text(SPHINX_INDEX, encoding="utf-8")

    def step(self, name: str, work: Path) -> Step:
        build = [_tool("sphinx-build"), "-q"]
        extract = [
            [*build, "-b", "gettext", "-d", "build/doctrees-gettext", "src", "build/gettext"],
            [_tool("sphinx-intl"), "update", "-p", "build/gettext", "-l", "zh_CN", "-d", "locales"],
        ]
        html = ["-b", "html", "-D", "language=zh_CN", "-d", "build/doctrees-zh"]
        render = [[*build, *html, "src", "build/html"]]
        return {
            "cold": extract,
            "render": render,
            "noop": extract + render,
            "update": extract,
            "rerender": render,
        }[name]

    def catalogs(self, work: Path) -> list[Path]:
        return sorted((work / "locales" / "zh_CN" / "LC_MESSAGES").glob("*.po"))

    def outputs(self, work: Path) -> list[Path]:
        return sorted((work / "build" / "html").glob("story-*.html"))


def all_tools() -> list[Tool]:
    return [
        I18npub(cli=False),
        I18npub(cli=True),
        TranslateToolkit(),
        Sphinx(),
        Po4a(split=False),
        Po4a(split=True),
    ]
