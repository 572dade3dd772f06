"""The site in headless Chromium: switcher, remembered choice, negotiation, sentence pairs.

Screenshots of every view at desktop (1280 px) and phone (390 px) widths go to
``tests/screenshots/`` (gitignored; ``I18NPUB_SCREENSHOTS`` picks another folder).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.loopback import served_site
from tests.support.paths import SCREENSHOTS
from tests.support.sitekit import edit_catalog, machine, sample_project, untranslate

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample site, with some machine and untranslated sentences, served on loopback."""
    project = sample_project(tmp_path_factory.mktemp("browser") / "proj")
    edit_catalog(project, "tea-exports", machine(), "Prices remain uneven")
    edit_catalog(project, "tea-exports", machine(), "A kilogram of first-flush")
    edit_catalog(project, "tea-exports", untranslate, "The trade office plans")
    project.build()
    with served_site(project.path("site")) as url:
        yield url


@pytest.fixture
def context(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def test_switcher_changes_view_and_the_choice_is_remembered(context, site_url: str) -> None:
    page = context.new_page()
    page.goto(site_url + "en/tea-exports/")
    page.click("nav.switcher a[data-view=zh]")
    page.wait_for_url("**/zh/tea-exports/")
    assert page.get_attribute("html", "lang") == "zh-Hans"
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    assert cookies["i18npub_view"] == "zh"
    page.goto(site_url)  # the server honours the cookie over Accept-Language (en-US)
    assert page.url == site_url + "zh/"
    page.click("nav.switcher a[data-view=bilingual]")
    page.wait_for_url("**/bilingual/")
    page.goto(site_url + "index.html")  # static hosting: the root page's script honours it
    page.wait_for_url("**/bilingual/")


@pytest.mark.parametrize(
    ("locale", "view"), [("zh-CN", "zh"), ("zh-TW", "zh"), ("en-US", "en"), ("fr-FR", "en")]
)
def test_root_follows_the_browser_language(browser, site_url: str, locale: str, view: str) -> None:
    context = browser.new_context(locale=locale)
    try:
        page = context.new_page()
        page.goto(site_url)  # negotiated by the server from Accept-Language
        assert page.url == f"{site_url}{view}/"
        page.goto(site_url + "index.html")  # negotiated by the script from navigator.languages
        page.wait_for_url(f"**/{view}/")
    finally:
        context.close()


def test_hover_highlights_a_sentence_and_its_translation(context, site_url: str) -> None:
    page = context.new_page()
    page.goto(site_url + "bilingual/harbour-solar-ferry/")
    page.hover("#b5s2-en")
    assert _lit(page) == ["b5s2-en", "b5s2-zh"]
    page.hover("#b3s3-zh")
    assert _lit(page) == ["b3s3-en", "b3s3-zh"]


def test_keyboard_focus_moves_across_and_along_sentences(context, site_url: str) -> None:
    page = context.new_page()
    page.goto(site_url + "bilingual/harbour-solar-ferry/")
    assert page.get_attribute("#b0s1-en", "tabindex") == "0"  # one tab stop: the title
    assert page.get_attribute("#b1s1-en", "tabindex") == "-1"
    for _ in range(12):  # skip link, site title, switcher, source link… then the sentences
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "b0s1-en":
            break
    assert _lit(page) == ["b0s1-en", "b0s1-zh"]
    page.keyboard.press("ArrowDown")
    assert _lit(page) == ["b1s1-en", "b1s1-zh"]
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.id") == "b1s1-zh"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.id") == "b1s2-zh"
    assert _lit(page) == ["b1s2-en", "b1s2-zh"]
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_pages_work_without_javascript(browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(site_url + "index.html")
        assert page.url.endswith("/index.html")  # no script: the chooser stays
        page.click("a[data-view=bilingual] >> nth=-1")
        page.wait_for_url("**/bilingual/")
        page.click("ol.entries a >> nth=0")
        assert page.locator(".pair").count() > 5
        assert page.is_hidden("#kbd-help")
    finally:
        context.close()


def test_screenshots_of_every_view(browser, site_url: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = {
        "root": "index.html#choose",
        "en-index": "en/",
        "zh-index": "zh/",
        "bilingual-index": "bilingual/",
        "en-article": "en/harbour-solar-ferry/",
        "zh-article": "zh/harbour-solar-ferry/",
        "zh-article-machine": "zh/tea-exports/",
        "bilingual-article": "bilingual/tea-exports/",
        "bilingual-code": "bilingual/library-open-data/",
    }
    for device, width in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-US")
        page = context.new_page()
        for name, path in pages.items():
            page.goto(site_url + path)
            overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
            assert overflow <= 0, f"{name} scrolls sideways at {width} px"
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{device}.png"), full_page=True)
        context.close()
    assert len(list(SCREENSHOTS.glob("*.png"))) >= 2 * len(pages)


def _lit(page) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(page.eval_on_selector_all(".s.hl", "nodes => nodes.map(n => n.id)"))
