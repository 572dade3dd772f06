"""Hostile article and catalog text in a real headless Chromium: nothing executes.

The article is ``tests/data/bad-inputs/sources/hostile.html`` (scripts, event handlers,
``javascript:`` links, ``<base>``, SVG script, template syntax, bidi controls); its Chinese
catalog is then filled with hostile translations (tags, attribute break-outs, placeholder
abuse, ``{{ }}`` / ``{% %}``, bidi controls). Every page of the site is opened, every
sentence hovered and focused, every link of the article clicked with navigation blocked;
a trap records any script run, dialog or request that leaves the loopback server.
"""

from __future__ import annotations

from collections.abc import Iterator

import lxml.html
import pytest

from i18npub.project import Project
from tests.support.loopback import served_site
from tests.support.paths import REPO
from tests.support.sitekit import edit_catalog, set_msgstr

pytestmark = pytest.mark.browser
HOSTILE = REPO / "tests" / "data" / "bad-inputs" / "sources" / "hostile.html"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
TRANSLATIONS = {  # msgid fragment -> hostile approved msgstr
    "Harbour council backs": "港口<script>window.__pwned='title'</script>委员会{{ 7*7 }}",
    "approved the ferry plan": "<img src=x onerror=\"window.__pwned='img'\">委员会批准了计划。",
    "The vote was": '"><svg onload="window.__pwned=\'svg\'">投票结果为12比3。',
    "Visitors can read": (
        "访客可阅读<1 onclick=\"window.__pwned='ph'\">摘要</1><a href='javascript:"
        "window.__pwned=1'>全文</a>。"
    ),
    "Critics said": (
        "批评者说<1>450万美元的预算</1>太高。</1><script>window.__pwned='close'</script>"
    ),
    "A template test": "模板：{{ 7*7 }} {% for x in range(3) %}{{ x }}{% endfor %} ${7*7}",
    "Bidi trick": "\u202e\u2066文件名\u2069\u202c为invoice\u202etxt.exe，票价12美元。",
    "The council will meet": "javascript:alert(1) 委员会将于四月再次开会。\u200f",
}
TRAP = """
window.__ran = [];
Object.defineProperty(window, '__pwned', {
  configurable: false,
  set(value) { window.__ran.push(String(value)); },
  get() { return undefined; },
});
for (const name of ['alert', 'confirm', 'prompt']) {
  window[name] = (...args) => window.__ran.push(name + ':' + args.join(' '));
}
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    project = Project.init(tmp_path_factory.mktemp("hostile") / "proj", title="Hostile")
    [result] = project.ingest([HOSTILE])
    assert result.action == "created", result.message
    for fragment, text in TRANSLATIONS.items():
        assert edit_catalog(project, result.slug, set_msgstr(text), fragment) == 1, fragment
    project.build()
    with served_site(project.path("site")) as url:
        yield url, result.slug


def _pages(slug: str) -> list[str]:
    views = ("en", "zh", "bilingual")
    return ["", *(f"{view}/" for view in views), *(f"{view}/{slug}/" for view in views)]


@pytest.mark.parametrize("view", ["en", "zh", "bilingual"])
def test_hostile_text_never_executes(browser, site: tuple[str, str], view: str) -> None:  # type: ignore[no-untyped-def]
    base, slug = site
    context = browser.new_context(locale="zh-CN")
    context.add_init_script(TRAP)
    outside: list[str] = []

    def route(route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        if url.startswith(base):
            route.continue_()
        else:
            outside.append(f"{route.request.resource_type} {url}")
            route.abort()

    context.route("**/*", route)
    dialogs: list[str] = []
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in [f"{view}/", f"{view}/{slug}/"]:
        page.goto(base + path)
        page.wait_for_load_state("load")
        _exercise(page)
        checks = page.evaluate(
            """() => ({
              ran: window.__ran,
              scripts: [...document.scripts].map(s => s.src || 'inline:' + s.text.slice(0, 40)),
              handlers: [...document.querySelectorAll('*')].flatMap(e =>
                [...e.attributes].filter(a => a.name.startsWith('on')).map(a => a.name)),
              jsLinks: [...document.querySelectorAll('[href],[src],[action],[data]')].filter(e =>
                /^\\s*javascript:/i.test(e.getAttribute('href') || e.getAttribute('src') || '')
              ).length,
              embeds: document.querySelectorAll('iframe,object,embed,form,svg script,base').length,
              text: document.body.innerText,
              title: document.title,
            })"""
        )
        assert page.url.startswith(base), page.url  # no meta refresh, no navigation away
        assert checks["ran"] == [] and dialogs == [], (path, checks["ran"], dialogs)
        assert all("static/site.js" in s for s in checks["scripts"]), checks["scripts"]
        assert checks["handlers"] == [] and checks["jsLinks"] == 0 and checks["embeds"] == 0
        assert not set(BIDI) & set(checks["text"] + checks["title"]), "bidi control shown"
        if path.endswith(f"{slug}/"):
            assert "{{ 7*7 }}" in checks["text"] and "49" not in checks["text"]
            if view != "en":
                assert "<script>window.__pwned" in checks["text"]  # shown, as text
    assert not [request for request in outside if not request.startswith("image ")], outside
    context.close()


def _exercise(page) -> None:  # type: ignore[no-untyped-def]
    """Hover and focus every sentence, press the arrow keys, click every article link
    (text that only screen readers get, ``.vh``, cannot be pointed at)."""
    for element in page.query_selector_all("main [tabindex], main span, main a")[:80]:
        if element.is_visible() and not element.evaluate("e => !!e.closest('.vh')"):
            element.hover()
            element.focus()
            page.keyboard.press("ArrowRight")
    for link in page.query_selector_all("main a"):
        href = link.get_attribute("href") or ""
        if link.is_visible() and not href.startswith(("http", "/", ".")):
            link.click(no_wait_after=True)


def test_site_files_hold_no_live_markup_from_the_catalog(site: tuple[str, str]) -> None:
    """The same, statically: no tag or handler from a msgstr survives into any page."""
    base, slug = site
    from urllib.request import urlopen

    for path in _pages(slug):
        with urlopen(base + path) as response:
            html = response.read().decode("utf-8")
        tree = lxml.html.fromstring(html)
        scripts = [e.get("src", "inline") for e in tree.iter("script")]
        assert all("static/site.js" in src for src in scripts), (path, scripts)
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue  # comments
            assert not [name for name in element.attrib if name.lower().startswith("on")], path
            for name in ("href", "src", "action", "formaction", "data"):
                assert not element.get(name, "").strip().lower().startswith("javascript:")
            assert element.tag not in ("iframe", "object", "embed", "form", "base"), path
            assert element.get("http-equiv", "").lower() != "refresh", path
        assert not set(BIDI) & set(html), path
