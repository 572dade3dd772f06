"""Partly translated articles in headless Chromium, in every view, at desktop and phone widths.

The articles are real news from ``../shared/corpus/news`` (WMT22, not tuned on): one is partly
translated — by the sentence's position, a human reference (approved), a real MT system's
output (machine), an approved translation whose English changed (outdated), or nothing — and
one is not translated at all. Checked: one notice per article, marks per run of sentences
naming their state for screen readers, the English printed once in 中英对照 (page heights),
no line break inside a Chinese word in any heading (line boxes measured with
``Range.getClientRects`` against the browser's own ``Intl.Segmenter``), and axe-core finding
nothing. Screenshots go to ``tests/screenshots/`` (gitignored; ``I18NPUB_SCREENSHOTS``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from i18npub.project import Project
from tests.support.corpus import WMT
from tests.support.loopback import served_site
from tests.support.paths import REPO, SCREENSHOTS
from tests.support.require import require_shared
from tests.support.sitekit import ZH, edit_catalog, machine, sample_project

pytestmark = pytest.mark.browser

SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
VIEWS = ("en", "zh", "bilingual")
CYCLE = ("approved", "machine", "outdated", "untranslated")  # by gold sentence position
CAPTION = "( Photo: Reuters)"
AXE_PATHS = [
    Path(os.environ.get("I18NPUB_AXE", "/nonexistent")),
    Path.home() / ".cache" / "i18npub-npm" / "node_modules" / "axe-core" / "axe.min.js",
    REPO / "node_modules" / "axe-core" / "axe.min.js",
]

# For every heading: where its lines break, and whether each break is at a word boundary of
# the browser's own segmenter (no break between a digit and the Han character after it).
HEADING_BREAKS = """(selector) => {
  const han = /\\p{Script=Han}/u;
  const words = new Intl.Segmenter('zh', {granularity: 'word'});
  const results = [];
  for (const heading of document.querySelectorAll(selector)) {
    const chars = [];
    const walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.vh, [aria-hidden="true"], .mark')) continue;
      for (let i = 0; i < node.length;) {
        const size = node.data.codePointAt(i) > 0xffff ? 2 : 1;
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + size);
        const rects = [...range.getClientRects()].filter(r => r.width > 0);
        chars.push({ch: node.data.slice(i, i + size), top: rects.length ? rects[0].top : null});
        i += size;
      }
    }
    const text = chars.map(c => c.ch).join('');
    const bounds = new Set();
    let at = 0;
    for (const s of words.segment(text)) { bounds.add(at); at += s.segment.length; }
    const offsets = [];
    at = 0;
    for (const c of chars) { offsets.push(at); at += c.ch.length; }
    let lines = 1, previous = null;
    const bad = [];
    chars.forEach((c, k) => {
      if (c.top === null || /\\s/.test(c.ch)) return;
      if (previous !== null && c.top > chars[previous].top + 2) {
        lines += 1;
        const before = chars[previous].ch, after = c.ch;
        const inWord = han.test(before) && han.test(after) && !bounds.has(offsets[k]);
        const numberUnit = /\\d/.test(before) && han.test(after);
        if (inWord || numberUnit) {
          bad.push(text.slice(0, offsets[k]) + ' / ' + text.slice(offsets[k]));
        }
      }
      previous = k;
    });
    results.push({text, lines, bad});
  }
  return results;
}"""


def _axe_script() -> Path:
    for path in AXE_PATHS:
        if path.is_file():
            return path
    return require_shared(AXE_PATHS[1], "axe-core (npm install axe-core, see .ci/run)")


def _documents(count: int) -> list[dict[str, Any]]:
    """The first ``count`` news documents of 18 sentences or more."""
    lines = require_shared(WMT, "the shared news corpus").read_text(encoding="utf-8").splitlines()
    docs = [json.loads(line) for line in lines]
    return [d for d in docs if len(d["sentences_en"]) >= 18][:count]


def _markdown(doc: dict[str, Any], slug: str) -> str:
    """Headline, byline, a heading, paragraphs of three sentences, a repeated photo credit."""
    sentences = doc["sentences_en"]
    chunks = [sentences[1:4]] + [sentences[i : i + 3] for i in range(5, len(sentences), 3)]
    body = [f"# {sentences[0]}", ""]
    for number, chunk in enumerate(chunks):
        if number == 1:
            body += [f"## {sentences[4]}", ""]
        body += [" ".join(chunk), ""]
        if number in (0, 3):
            body += [CAPTION, ""]
    front = f"---\nslug: {slug}\ndate: 2026-11-0{len(slug) % 9 + 1}\nauthor: Staff reporter\n---\n"
    return front + "\n".join(body)


def _state_of(doc: dict[str, Any], msgid: str) -> str:
    """The state the test gives a sentence: by its position in the gold list."""
    if msgid == CAPTION:
        return "machine"
    if msgid not in doc["sentences_en"]:
        return "untranslated"
    index = doc["sentences_en"].index(msgid)
    return "approved" if index in (0, 4) else CYCLE[index % len(CYCLE)]  # headings reviewed


def _fill(project: Project, slug: str, doc: dict[str, Any], translate: bool) -> set[str]:
    """Give each entry of the article's catalog its state; return the outdated msgids."""
    outdated: set[str] = set()
    en = doc["sentences_en"]
    for msgid in {seg.text for _, _, seg in project.load_article(slug).segments()}:
        state = _state_of(doc, msgid) if translate else "untranslated"
        if state == "untranslated":
            continue
        zh = "（图片：路透社）" if msgid == CAPTION else doc["ref_zh_a"][en.index(msgid)]
        if state == "machine" and msgid != CAPTION:
            zh = doc["mt"]["Online-G"][en.index(msgid)]
        change = machine("google", zh) if state == "machine" else _approve(zh, state)
        assert edit_catalog(project, slug, change, msgid) >= 1
        if state == "outdated":
            outdated.add(msgid)
    return outdated


def _approve(text: str, state: str):  # type: ignore[no-untyped-def]
    """Approve ``text``; for "outdated", as the merge leaves a reviewed text whose English
    changed: fuzzy, with the earlier English as the previous msgid."""

    def change(entry) -> None:  # type: ignore[no-untyped-def]
        if entry.msgid and not entry.msgstr:
            entry.msgstr, entry.fuzzy = text, state == "outdated"
            if state == "outdated":
                entry.previous_msgid = entry.msgid.rstrip(".") + " earlier."

    return change


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    partial, untranslated = _documents(2)
    project = sample_project(tmp_path_factory.mktemp("partial") / "proj")
    sources = tmp_path_factory.mktemp("sources")
    for slug, doc in (("partial-news", partial), ("untranslated-news", untranslated)):
        (sources / f"{slug}.md").write_text(_markdown(doc, slug), encoding="utf-8")
    results = project.ingest(sorted(sources.glob("*.md")))
    assert [r.action for r in results] == ["created", "created"], [r.message for r in results]
    outdated = _fill(project, "partial-news", partial, translate=True)
    _fill(project, "untranslated-news", untranslated, translate=False)
    project.build()
    with served_site(project.path("site")) as url:
        yield {"url": url, "project": project, "doc": partial, "outdated": outdated}


def _expected_runs(project: Project, doc: dict[str, Any], slug: str) -> dict[str, int]:
    """Runs of consecutive same-state sentences per block, by state (the test's own count)."""
    runs: dict[str, int] = {}
    for block in project.load_article(slug).blocks:
        previous = None
        for segment in block.segments if block.translatable else []:
            state = _state_of(doc, segment.text)
            if state != previous and state != "approved":
                runs[state] = runs.get(state, 0) + 1
            previous = state
    return runs


@pytest.fixture(scope="module")
def measured(browser, site: dict[str, Any]) -> dict[str, dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Every view of both articles and the indexes at both sizes: heights, marks, breaks."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    out: dict[str, dict[str, Any]] = {}
    for device, (width, height) in SIZES.items():
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
        for slug in ("partial-news", "untranslated-news", ""):
            for view in VIEWS:
                name = f"{view}-{slug or 'index'}-{device}"
                page.goto(f"{site['url']}{view}/{slug + '/' if slug else ''}")
                out[name] = page.evaluate(
                    """() => ({
                      height: document.documentElement.scrollHeight,
                      overflow: document.documentElement.scrollWidth - innerWidth,
                      notices: document.querySelectorAll('.notice').length,
                      legend: [...document.querySelectorAll('.legend li')].map(l => l.innerText),
                      marks: [...document.querySelectorAll('article small.mark:not(.sample)')]
                        .map(m =>
                        [m.className.split(' ')[1].slice(5),
                         m.querySelector('.vh') ? m.querySelector('.vh').textContent : '']),
                      gaps: [...document.querySelectorAll('.col-zh .gap')].map(g =>
                        [g.className.split(' ')[2].slice(4), g.dataset.pair.split(' ').length]),
                      zhText: [...document.querySelectorAll('.col-zh')].map(c => c.innerText)
                        .join('\\n'),
                      enSentences: [...document.querySelectorAll('.col-en .s')]
                        .map(s => s.innerText),
                      text: document.querySelector('main').innerText,
                    })"""
                )
                out[name]["headings"] = page.evaluate(
                    HEADING_BREAKS, "main h1, main h2, main h3, main h4"
                )
                page.screenshot(path=str(SCREENSHOTS / f"partial-{name}.png"), full_page=True)
        out[f"errors-{device}"] = {"console": errors}
        context.close()
    return out


@pytest.mark.parametrize("device", SIZES)
def test_english_is_printed_once_in_the_bilingual_view(measured, device: str) -> None:
    for slug in ("partial-news", "untranslated-news"):
        bilingual = measured[f"bilingual-{slug}-{device}"]
        for sentence in bilingual["enSentences"]:
            if len(sentence) > 20:
                assert sentence not in bilingual["zhText"], (slug, sentence)
    english = measured[f"bilingual-untranslated-news-{device}"]
    chinese = measured[f"zh-untranslated-news-{device}"]
    assert english["gaps"] and {state for state, _ in english["gaps"]} == {"untranslated"}
    # The issue measured 16,051 px against 7,823 (2.05×) for an untranslated article.
    assert english["height"] < 1.3 * chinese["height"], (english["height"], chinese["height"])


@pytest.mark.parametrize("device", SIZES)
def test_one_notice_with_a_legend_and_marks_naming_each_run(measured, site, device: str) -> None:
    runs = _expected_runs(site["project"], site["doc"], "partial-news")
    assert set(runs) == {"machine", "outdated", "untranslated"}
    zh = measured[f"zh-partial-news-{device}"]
    assert zh["notices"] == 1 and len(zh["legend"]) == 3
    counted = {state: sum(1 for s, _ in zh["marks"] if s == state) for state in runs}
    assert counted == runs
    labels = {"machine": "机器翻译", "outdated": "译文待更新", "untranslated": "尚未翻译"}
    for state, spoken in zh["marks"]:
        assert labels[state] in spoken, (state, spoken)  # what a screen reader reads
    bilingual = measured[f"bilingual-partial-news-{device}"]
    assert bilingual["notices"] == 1
    gaps = [state for state, _ in bilingual["gaps"]]
    assert gaps.count("untranslated") == runs["untranslated"]
    marks = [state for state, _ in bilingual["marks"]]
    assert marks.count("machine") == runs["machine"]
    # an outdated sentence shows its English (never the stale Chinese): a gap, like a new one
    assert gaps.count("outdated") == runs["outdated"]
    assert "untranslated" not in marks  # the gap cell says it already


def test_the_notice_counts_as_status_does(measured, site) -> None:  # type: ignore[no-untyped-def]
    """One definition: distinct sentences, as in the catalog (the photo credit repeats)."""
    [row] = [r for r in site["project"].status()["articles"] if r["slug"] == "partial-news"]
    stats = row["languages"][ZH]
    notice = measured["zh-partial-news-phone"]["text"].replace("\u00a0", " ")
    assert f"本文共 {stats['segments']} 句" in notice
    assert row["segments"] == stats["segments"]  # the status table's column says the same
    assert f"其中 {stats['approved']} 句已经译者审校" in notice
    machine_line = next(
        line for line in measured["zh-partial-news-phone"]["legend"] if "机器" in line
    )
    assert machine_line.replace("\u00a0", " ").endswith(f"{stats['machine']} 句")
    assert measured["en-partial-news-phone"]["text"].count("(Photo: Reuters)") == 2
    assert "( Photo" not in measured["en-partial-news-phone"]["text"]


@pytest.mark.parametrize("device", SIZES)
def test_no_heading_breaks_inside_a_chinese_word(measured, device: str) -> None:
    wrapped = 0
    for name, page in measured.items():
        if not name.endswith(device) or "headings" not in page:
            continue
        for heading in page["headings"]:
            assert heading["bad"] == [], (name, heading["bad"])
            wrapped += heading["lines"] > 1 and any(
                "\u4e00" <= c <= "\u9fff" for c in heading["text"]
            )
    assert wrapped >= 2  # the check saw Chinese headings that do wrap


def test_chinese_index_and_bylines(measured, site) -> None:  # type: ignore[no-untyped-def]
    zh_index = measured["zh-index-desktop"]["text"]
    assert "机器翻译，待审校" in zh_index  # the partly translated article, listed and marked
    assert "另有 1 篇" in zh_index  # the untranslated one is withheld, and the reader told where
    bilingual_index = measured["bilingual-index-desktop"]["text"]
    title = site["doc"]["sentences_en"][0]
    assert bilingual_index.count(title) == 1
    assert "本报记者" in measured["zh-partial-news-desktop"]["text"]
    assert "Staff reporter" in measured["en-partial-news-desktop"]["text"]


@pytest.mark.parametrize("device", SIZES)
def test_no_sideways_scroll_and_no_console_errors(measured, device: str) -> None:
    for name, page in measured.items():
        if name.endswith(device) and "overflow" in page:
            assert page["overflow"] <= 0, name
    assert measured[f"errors-{device}"]["console"] == []  # favicon found: no 404 on load


@pytest.mark.parametrize(
    ("device", "scheme"), [("desktop", "light"), ("phone", "light"), ("phone", "dark")]
)
def test_axe_finds_no_violations(browser, site, device: str, scheme: str) -> None:  # type: ignore[no-untyped-def]
    axe = _axe_script()
    width, height = SIZES[device]
    context = browser.new_context(
        viewport={"width": width, "height": height}, bypass_csp=True, color_scheme=scheme
    )
    page = context.new_page()
    found: dict[str, list[str]] = {}
    paths = [f"{v}/{s}" for v in VIEWS for s in ("partial-news/", "untranslated-news/", "")]
    paths += ["bilingual/library-open-data/", "zh/library-open-data/", "no/such/page"]
    for path in paths:
        page.goto(site["url"] + path)
        page.add_script_tag(path=str(axe))
        violations = page.evaluate(
            "async () => (await axe.run(document)).violations.map(v => v.id + ' (' + v.impact "
            "+ '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))"
        )
        if violations:
            found[path] = violations
    context.close()
    assert found == {}


def test_missing_pages_get_the_bilingual_404_page(browser, site) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    response = page.goto(site["url"] + "zh/no-such-article/")
    assert response is not None and response.status == 404
    text = page.inner_text("main")
    assert "Page not found" in text and "找不到页面" in text
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "partial-404.png"), full_page=True)
    page.click("a[data-view=bilingual] >> nth=-1")
    page.wait_for_url("**/bilingual/")
    context.close()
