"""Partly translated pages in headless Chromium: heights, marks, heading breaks, axe-core.

Builds the browser suite's site (``tests/test_pages_partial.py``: a WMT22 news article partly
translated, approved / machine / outdated / untranslated by sentence position, and one not
translated at all), opens every view at 1366×900 and 390×844 and prints a markdown table.
Run it against any checkout through ``PYTHONPATH`` to compare before and after:

    PYTHONPATH=src .venv/bin/python benchmarks/pages.py [--shots DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.append(str(REPO))  # the tests package; i18npub comes from PYTHONPATH

import i18npub  # noqa: E402
import i18npub.site.views  # noqa: E402
from tests import test_pages_partial as suite  # noqa: E402
from tests.support.browser import CHROMIUM_ARGS  # noqa: E402
from tests.support.sitekit import sample_project  # noqa: E402

MEASURE = """() => ({
  height: document.documentElement.scrollHeight,
  badges: document.querySelectorAll('article .badge').length,
  marks: document.querySelectorAll('article small.mark:not(.sample)').length,
  notices: document.querySelectorAll('.notice').length,
  notes: document.querySelectorAll('.notice p, .notice li').length,
})"""


def build(root: Path) -> tuple[str, object, list[str]]:
    from i18npub.serve import make_server, serve_in_thread

    partial, untranslated = suite._documents(2)
    project = sample_project(root / "proj")
    sources = root / "sources"
    sources.mkdir()
    for slug, doc in (("partial-news", partial), ("untranslated-news", untranslated)):
        (sources / f"{slug}.md").write_text(suite._markdown(doc, slug), encoding="utf-8")
    project.ingest(sorted(sources.glob("*.md")))
    outdated = suite._fill(project, "partial-news", partial, translate=True)
    suite._fill(project, "untranslated-news", untranslated, translate=False)
    if hasattr(i18npub.site.views, "OUTDATED"):  # before the state existed: they read approved
        with suite._outdated(outdated):
            report = project.build()
    else:
        report = project.build()
    server = make_server(project.path("site"), port=0, quiet=True)
    serve_in_thread(server)
    return f"http://127.0.0.1:{server.server_address[1]}/", server, report.warnings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=Path, help="save full-page screenshots here")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    url, server, warnings = build(Path(tempfile.mkdtemp()))
    axe = suite._axe_script()
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        for device, (width, height) in suite.SIZES.items():
            context = browser.new_context(
                viewport={"width": width, "height": height}, bypass_csp=True, locale="zh-CN"
            )
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
            for slug in ("partial-news", "untranslated-news", ""):
                for view in suite.VIEWS:
                    page.goto(f"{url}{view}/{slug + '/' if slug else ''}")
                    found = page.evaluate(MEASURE)
                    headings = page.evaluate(suite.HEADING_BREAKS, "main h1, main h2, main h3")
                    page.add_script_tag(path=str(axe))
                    violations = page.evaluate(
                        "async () => (await axe.run(document)).violations.map(v => v.id)"
                    )
                    bad = sum(len(h["bad"]) for h in headings)
                    rows.append((device, f"{view}/{slug}", found, bad, violations))
                    if args.shots:
                        args.shots.mkdir(parents=True, exist_ok=True)
                        name = f"{view}-{slug or 'index'}-{device}.png"
                        page.screenshot(path=str(args.shots / name), full_page=True)
            rows.append((device, "console errors", {}, 0, errors))
            context.close()
        browser.close()
    server.shutdown()
    print(f"i18npub from {Path(i18npub.__file__).parent}; build warnings: {warnings}\n")
    print("| size | page | height px | badges | marks | notice lines | mid-word breaks | axe |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for device, name, found, bad, violations in rows:
        if not found:
            print(f"| {device} | {name} | | | | | | {len(violations)} |")
            continue
        print(
            f"| {device} | {name} | {found['height']:,} | {found['badges']} | {found['marks']} "
            f"| {found['notes']} | {bad} | {', '.join(violations) or 0} |"
        )


if __name__ == "__main__":
    main()
