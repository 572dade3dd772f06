"""The built site: structure, languages, alignment, policy, escaping, safety, incremental builds."""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path
from xml.etree import ElementTree

import pytest

from i18npub.project import Project
from i18npub.site import MANIFEST_NAME, BuildError, build_site, wait_for_discards
from tests.support.sitekit import (
    SLUGS,
    edit_catalog,
    machine,
    page,
    sample_project,
    set_msgstr,
    text_of,
    untranslate,
)

VIEWS = ("en", "zh", "bilingual")
CJK = r"\u3400-\u9fff\u3000-\u303f\uff00-\uffef“”"
ATOM = "{http://www.w3.org/2005/Atom}"


def CLASS(name: str) -> str:
    """An XPath test for one class name."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Path]:
    """The sample project, built once for the read-only tests."""
    project = sample_project(tmp_path_factory.mktemp("sample") / "proj")
    project.build()
    return project, project.path("site")


@pytest.fixture
def proj(tmp_path: Path) -> Project:
    return sample_project(tmp_path / "proj")


def _build(project: Project) -> Path:
    build_site(project.layout, project.config.publish)
    return project.path("site")


# Structure ---------------------------------------------------------------------------------


def test_every_article_has_three_views_plus_indexes_root_feeds_and_sitemap(built) -> None:
    _, site = built
    for view in VIEWS:
        assert (site / view / "index.html").is_file()
        for slug in SLUGS:
            assert (site / view / slug / "index.html").is_file()
    for name in ("index.html", "en/feed.xml", "zh/feed.xml", "sitemap.xml", "static/site.css"):
        assert (site / name).is_file(), name


@pytest.mark.parametrize(("view", "html_lang"), [("en", "en"), ("zh", "zh-Hans")])
def test_html_and_every_block_carry_the_right_lang(built, view: str, html_lang: str) -> None:
    _, site = built
    root = page(site, f"{view}/harbour-solar-ferry/index.html")
    assert root.get("lang") == html_lang
    blocks = root.xpath("//article//*[self::p or self::h1 or self::h2 or self::li]")
    assert len(blocks) > 10
    for block in blocks:
        assert block.get("lang") == html_lang or block.xpath("ancestor::*[@lang][1]/@lang") == [
            html_lang
        ]


def test_bilingual_view_pairs_every_sentence_with_its_translation(built) -> None:
    project, site = built
    article = project.load_article("harbour-solar-ferry")
    root = page(site, "bilingual/harbour-solar-ferry/index.html")
    english = root.xpath("//*[@data-pair and substring(@id, string-length(@id) - 2) = '-en']")
    chinese = root.xpath("//*[@data-pair and substring(@id, string-length(@id) - 2) = '-zh']")
    assert len(english) == len(chinese) == len(article.segments())
    for en, zh in zip(english, chinese, strict=True):
        assert en.get("data-pair") == zh.get("data-pair")
        assert en.xpath("ancestor::*[@lang][1]/@lang") == ["en"]
        assert zh.xpath("ancestor::*[@lang][1]/@lang") == ["zh-Hans"]
    assert text_of(root.get_element_by_id("b4s1-zh")) == "票价更低"


def test_headings_and_captions_are_aligned_too(built) -> None:
    _, site = built
    root = page(site, "bilingual/harbour-solar-ferry/index.html")
    heading = root.xpath("//h2[@id='b4']")[0]
    assert [text_of(c) for c in heading.xpath("./span")] == ["A cheaper crossing", "票价更低"]
    caption = root.xpath("//*[@id='b2']")[0]
    assert "caption" in caption.get("class")
    assert [text_of(c) for c in caption.xpath("./p")] == [
        "(Photo: Harbour Authority)",  # the scraped space inside the bracket is dropped
        "（图片：港务局）",
    ]


def test_code_blocks_appear_once_untranslated(built) -> None:
    _, site = built
    root = page(site, "bilingual/library-open-data/index.html")
    [code] = root.xpath("//pre")
    assert text_of(code).startswith("curl -O https://data.example.org/")
    assert code.get("translate") == "no"


def test_chinese_sentences_join_without_spaces_english_with_one(built) -> None:
    _, site = built
    zh = page(site, "zh/harbour-solar-ferry/index.html").get_element_by_id("b5")
    assert re.search(rf"[{CJK}]\s+[{CJK}]", text_of(zh)) is None
    assert "。港务局总工程师" in text_of(zh)
    en = page(site, "en/harbour-solar-ferry/index.html").get_element_by_id("b5")
    assert "old boats. Dr. Amina" in text_of(en)
    raw = (site / "zh/harbour-solar-ferry/index.html").read_text(encoding="utf-8")
    paragraph = re.search(r'<p id="b5"[^>]*>(.*?)</p>', raw, re.S)
    assert paragraph and "\n" not in paragraph.group(1)


def test_indexes_are_newest_first_with_localized_dates(built) -> None:
    _, site = built
    en = page(site, "en/index.html")
    assert [a.get("href") for a in en.xpath("//ol//h2/a")] == [
        "../en/tea-exports/",
        "../en/library-open-data/",
        "../en/harbour-solar-ferry/",
    ]
    assert en.xpath("//ol//time")[0].text == "September 9, 2026"
    assert page(site, "zh/index.html").xpath("//ol//time")[0].text == "2026年9月9日"


def test_switcher_links_the_same_article_in_every_view(built) -> None:
    _, site = built
    root = page(site, "zh/tea-exports/index.html")
    links = root.xpath("//nav[@class='switcher']//a")
    assert [(a.get("href"), a.get("lang")) for a in links] == [
        ("../../en/tea-exports/", "en"),
        ("../../zh/tea-exports/", "zh-Hans"),
        ("../../bilingual/tea-exports/", "zh-Hans"),
    ]
    assert [a.get("aria-current") for a in links] == [None, "page", None]


def test_canonical_hreflang_sitemap_and_feeds(built) -> None:
    _, site = built
    head = page(site, "en/tea-exports/index.html")
    assert head.xpath("//link[@rel='canonical']/@href") == [
        "https://news.example.org/en/tea-exports/"
    ]
    assert head.xpath("//link[@rel='alternate'][@hreflang]/@hreflang") == [
        "en",
        "zh-Hans",
        "x-default",
    ]
    sitemap = ElementTree.parse(site / "sitemap.xml").getroot()
    locs = [u.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc") for u in sitemap]
    assert "https://news.example.org/zh/tea-exports/" in locs
    feed = ElementTree.parse(site / "zh/feed.xml").getroot()
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-Hans"
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert titles[0] == "山区茶农开拓海外新买家"


def test_no_external_resources_and_a_strict_content_security_policy(built) -> None:
    _, site = built
    for path in site.rglob("*.html"):
        root = lxml_root = page(site, path.relative_to(site).as_posix())
        sources = lxml_root.xpath("//script/@src | //link[@rel='stylesheet']/@href | //img/@src")
        assert all(not re.match(r"^(https?:)?//", src) for src in sources), (path, sources)
        assert not root.xpath("//script[not(@src)] | //*[@style]")
        assert "script-src 'self'" in root.xpath("//meta[@http-equiv]/@content")[0]


def test_landmarks_skip_link_and_ui_strings_from_the_chinese_catalog(built) -> None:
    _, site = built
    zh = page(site, "zh/harbour-solar-ferry/index.html")
    assert zh.xpath("//a[@class='skip-link']")[0].text == "跳到正文"
    assert zh.xpath("//main[@id='main']") and zh.xpath("//header") and zh.xpath("//footer")
    assert zh.xpath("//nav/@aria-label") == ["语言"]
    en = page(site, "en/harbour-solar-ferry/index.html")
    assert en.xpath("//a[@class='skip-link']")[0].text == "Skip to content"


# Policy and provenance -----------------------------------------------------------------------


def test_machine_text_is_marked_under_mark_machine(proj: Project) -> None:
    edit_catalog(proj, "tea-exports", machine(), "Prices remain uneven")
    root = page(_build(proj), "zh/tea-exports/index.html")
    [span] = root.xpath(f"//span[{CLASS('mt')}]")
    assert text_of(span) == "价格依然起伏不定。"
    [mark] = root.xpath("//article//p//small[contains(@class, 'mark-machine')]")
    assert mark.getprevious() is span  # the mark follows the sentence it names
    assert text_of(mark.xpath("./span[@class='vh']")[0]) == "机器翻译，待审校"
    assert mark.get("title") == "机器翻译，待审校"
    notice = text_of(root.xpath("//aside[@class='notice']")[0]).replace("\u00a0", " ")
    assert "机器翻译，待审校：1 句" in notice
    assert not root.xpath("//article//span[contains(@class, 'badge')]")


def test_approved_only_withholds_machine_text_and_shows_english(tmp_path: Path) -> None:
    proj = sample_project(tmp_path / "p")
    config = proj.root / "i18npub.toml"
    config.write_text(
        config.read_text().replace('policy = "mark-machine"', 'policy = "approved-only"')
    )
    proj = Project.open(proj.root)
    edit_catalog(proj, "tea-exports", machine(), "Prices remain uneven")
    site = _build(proj)
    html = (site / "zh/tea-exports/index.html").read_text(encoding="utf-8")
    assert "价格依然起伏不定" not in html
    [span] = page(site, "zh/tea-exports/index.html").xpath(f"//span[{CLASS('fallback')}]")
    assert text_of(span) == "Prices remain uneven." and "fallback" in span.get("class")


def test_untranslated_sentences_fall_back_to_marked_english(proj: Project) -> None:
    edit_catalog(proj, "tea-exports", untranslate, "Prices remain uneven")
    root = page(_build(proj), "zh/tea-exports/index.html")
    [span] = root.xpath(f"//span[{CLASS('fallback')}]")
    assert span.get("lang") == "en" and text_of(span) == "Prices remain uneven."
    [mark] = root.xpath("//article//p//small[contains(@class, 'mark-untranslated')]")
    assert mark.get("lang") == "zh-Hans" and text_of(mark).startswith("未译")


def test_pseudo_localization_is_marked_as_such(proj: Project) -> None:
    edit_catalog(proj, "tea-exports", machine("pseudo", "[Þŕîçéš ŕéɱåîñ]"), "Prices remain")
    root = page(_build(proj), "zh/tea-exports/index.html")
    [span] = root.xpath(f"//span[{CLASS('pseudo')}]")
    assert text_of(span) == "[Þŕîçéš ŕéɱåîñ]"
    [mark] = root.xpath("//article//p//small[contains(@class, 'mark-pseudo')]")
    assert mark.get("title") == "伪本地化测试文本"


def test_low_approved_share_keeps_article_out_of_chinese_feed_and_sitemap(
    proj: Project,
) -> None:
    edit_catalog(proj, "tea-exports", machine())
    site = _build(proj)
    # Under mark-machine the Chinese index still lists it, marked as machine translation...
    [entry] = [
        e
        for e in page(site, "zh/index.html").xpath("//li[@class='entry']")
        if e.xpath(".//a[contains(@href, 'tea-exports')]")
    ]
    assert entry.xpath(".//span[contains(@class, 'badge-machine')]")
    # ...but feeds, the sitemap and hreflang (search engines) wait for the approved share.
    assert "tea-exports" not in (site / "zh/feed.xml").read_text()
    assert "zh/tea-exports/" not in (site / "sitemap.xml").read_text()
    zh_page = page(site, "zh/tea-exports/index.html")
    assert zh_page.xpath("//meta[@name='robots']/@content") == ["noindex"]
    en_page = page(site, "en/tea-exports/index.html")
    assert "zh-Hans" not in en_page.xpath("//link[@hreflang]/@hreflang")


def test_articles_without_enough_chinese_are_withheld_and_the_build_says_why(
    proj: Project,
) -> None:
    edit_catalog(proj, "tea-exports", untranslate)
    report = build_site(proj.layout, proj.config.publish)
    site = proj.path("site")
    zh_index = page(site, "zh/index.html")
    assert not zh_index.xpath("//a[contains(@href, 'tea-exports')]")
    assert "tea-exports" in (site / "en/index.html").read_text()
    [elsewhere] = zh_index.xpath("//p[@class='elsewhere']")
    assert "另有 1 篇" in text_of(elsewhere)
    assert elsewhere.xpath(".//a/@href") == ["../bilingual/", "../en/"]
    [line] = [w for w in report.warnings if "withheld from the Chinese index" in w]
    assert line.startswith("1 of 3 articles") and "tea-exports" in line and "50%" in line


def test_a_new_projects_chinese_index_lists_its_machine_translations(tmp_path: Path) -> None:
    """Before any review, under the default policy: the articles are there, marked."""
    proj = sample_project(tmp_path / "p")
    for slug in SLUGS:
        edit_catalog(proj, slug, machine())
    report = build_site(proj.layout, proj.config.publish)
    entries = page(proj.path("site"), "zh/index.html").xpath("//li[@class='entry']")
    assert len(entries) == len(SLUGS)
    assert all(e.xpath(".//span[contains(@class, 'badge-machine')]") for e in entries)
    assert not [w for w in report.warnings if "withheld" in w]


# Escaping ------------------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>价格仍不稳定。",
    '<img src=x onerror="alert(1)">价格仍不稳定。',
    '"><svg onload=alert(1)>价格仍不稳定。',
    "{{ 7*7 }}价格{% raw %}仍{% endraw %}不稳定。",
    "价格\u202e仍不\u2066稳定\u200f。",
    '<1 href="javascript:alert(1)">价格</1>仍不稳定。',
]


@pytest.mark.parametrize("msgstr", HOSTILE)
def test_hostile_translations_are_shown_as_text(proj: Project, msgstr: str) -> None:
    edit_catalog(proj, "tea-exports", set_msgstr(msgstr), "Prices remain uneven")
    site = _build(proj)
    for view in ("zh", "bilingual"):
        html = (site / view / "tea-exports" / "index.html").read_text(encoding="utf-8")
        root = page(site, f"{view}/tea-exports/index.html")
        assert len(root.xpath("//script")) == 1  # site.js only
        assert not root.xpath("//svg | //img | //*[@onerror] | //*[@onload]")
        assert "javascript:" not in "".join(root.xpath("//a/@href"))
        assert not re.search("[\u202a-\u202e\u2066-\u2069\u200e\u200f]", html)
        assert "49" not in re.sub(r"\?v=[0-9a-f]+", "", html)  # asset hashes aside
    zh = page(site, "zh/tea-exports/index.html")
    [text] = [text_of(p) for p in zh.xpath("//article//p") if "不稳定" in text_of(p)]
    if "{{" in msgstr:
        assert "{{ 7*7 }}" in text and "{% raw %}" in text


def test_placeholders_take_markup_only_from_the_article(proj: Project) -> None:
    hostile = '旅客可在<1>港务局网站</1><1 onclick="x">查询</1><2/><b>。</b>'
    edit_catalog(proj, "harbour-solar-ferry", set_msgstr(hostile), "Visitors can check")
    root = page(_build(proj), "zh/harbour-solar-ferry/index.html")
    paragraph = root.get_element_by_id("b6")
    assert [a.get("href") for a in paragraph.xpath(".//a")] == [
        "https://harbour.example.org/timetable"
    ]
    assert not paragraph.xpath(".//*[@onclick] | .//b")
    assert '<1 onclick="x">查询<2/><b>。</b>' in text_of(paragraph)


def test_unsafe_article_links_are_dropped(proj: Project) -> None:
    path = proj.article_path("harbour-solar-ferry")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["blocks"][6]["segments"][0]["markup"][0]["href"] = " jav\tascript:alert(1)"
    path.write_text(json.dumps(data), encoding="utf-8")
    site = _build(proj)
    for view in VIEWS:
        root = page(site, f"{view}/harbour-solar-ferry/index.html")
        assert not any("script" in href for href in root.xpath("//a/@href"))


def test_ui_catalog_text_is_escaped_too(proj: Project) -> None:
    override = proj.path("templates") / "locales/zh_CN/LC_MESSAGES/site.po"
    override.parent.mkdir(parents=True)
    override.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Skip to content"\nmsgstr "<script>alert(1)</script>"\n',
        encoding="utf-8",
    )
    root = page(_build(proj), "zh/tea-exports/index.html")
    assert root.xpath("//a[@class='skip-link']")[0].text == "<script>alert(1)</script>"
    assert len(root.xpath("//script")) == 1


# Output safety -------------------------------------------------------------------------------


def test_slugs_cannot_escape_the_output_folder(proj: Project, tmp_path: Path) -> None:
    articles = proj.path("articles")
    data = json.loads((articles / "tea-exports.json").read_text(encoding="utf-8"))
    (articles / "evil.json").write_text(json.dumps({**data, "slug": "../../../evil"}))
    (articles / "..%2fescape.json").write_text(json.dumps({**data, "slug": "..%2fescape"}))
    report = build_site(proj.layout, proj.config.publish)
    assert not list(tmp_path.rglob("evil*")) or all(
        p.name == "evil.json" for p in tmp_path.rglob("evil*")
    )
    assert any("evil.json" in w and "slug" in w for w in report.warnings)
    assert any("escape" in w for w in report.warnings)
    assert not (proj.path("site") / "en" / "evil").exists()


@pytest.mark.parametrize("where", [".", "content", "locales", "articles/sub", ".."])
def test_refuses_to_build_over_project_folders(proj: Project, where: str) -> None:
    proj.path("content").mkdir(exist_ok=True)
    with pytest.raises(BuildError):
        build_site(proj.layout, proj.config.publish, proj.root / where)


def test_refuses_to_replace_a_folder_it_did_not_build(proj: Project, tmp_path: Path) -> None:
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "holiday.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(BuildError, match="not a site built by i18npub"):
        build_site(proj.layout, proj.config.publish, foreign)
    assert (foreign / "holiday.jpg").exists()


# Incremental and atomic builds ---------------------------------------------------------------


def test_a_rebuild_without_changes_writes_nothing(proj: Project) -> None:
    first = build_site(proj.layout, proj.config.publish)
    site = proj.path("site")
    before = {p: p.stat().st_ino for p in site.rglob("*") if p.is_file()}
    second = build_site(proj.layout, proj.config.publish)
    assert (first.rendered, first.changed) == (first.pages, True)
    assert (second.rendered, second.reused, second.changed) == (0, first.pages, False)
    assert {p: p.stat().st_ino for p in site.rglob("*") if p.is_file()} == before


def test_a_changed_catalog_rerenders_only_what_depends_on_it(proj: Project) -> None:
    build_site(proj.layout, proj.config.publish)
    edit_catalog(proj, "library-open-data", set_msgstr("每行有五个字段。"), "Each row has")
    report = build_site(proj.layout, proj.config.publish)
    assert report.changed and report.rendered == 2  # zh + bilingual of that article
    html = (proj.path("site") / "zh/library-open-data/index.html").read_text(encoding="utf-8")
    assert "每行有五个字段。" in html


def test_a_changed_title_rerenders_indexes_feeds_and_sitemap(proj: Project) -> None:
    build_site(proj.layout, proj.config.publish)
    edit_catalog(proj, "tea-exports", set_msgstr("茶农找到新买家"), "Mountain Tea Growers")
    report = build_site(proj.layout, proj.config.publish)
    # zh + bilingual article, zh + bilingual index, zh feed; English pages and sitemap unchanged
    assert report.rendered == 5
    assert "茶农找到新买家" in text_of(page(proj.path("site"), "zh/index.html"))


def test_a_removed_article_disappears_from_the_site(proj: Project) -> None:
    build_site(proj.layout, proj.config.publish)
    proj.article_path("tea-exports").unlink()
    build_site(proj.layout, proj.config.publish)
    site = proj.path("site")
    assert not (site / "en/tea-exports").exists()
    assert "tea-exports" not in (site / "en/index.html").read_text(encoding="utf-8")


def test_readers_never_see_a_missing_or_half_built_site(proj: Project) -> None:
    build_site(proj.layout, proj.config.publish)
    site = proj.path("site")
    seen: list[str] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                html = (site / "zh/index.html").read_text(encoding="utf-8")
                (site / "zh/library-open-data/index.html").stat()
            except FileNotFoundError as error:
                seen.append(str(error))
                continue
            if not html.rstrip().endswith("</html>"):
                seen.append("partial page")

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for number in range(6):
            text = f"十年借阅数据第{number}版"
            edit_catalog(proj, "library-open-data", set_msgstr(text), "City Library Publishes")
            build_site(proj.layout, proj.config.publish)
    finally:
        stop.set()
        reader.join()
    assert seen == []
    wait_for_discards()  # replaced sites not kept as the spare are deleted in the background
    assert [p.name for p in site.parent.iterdir() if p.name.startswith(".site")] == [".site.spare"]


def test_a_failed_build_leaves_the_old_site_in_place(proj: Project) -> None:
    build_site(proj.layout, proj.config.publish)
    site = proj.path("site")
    before = (site / "en/index.html").read_bytes()
    edit_catalog(proj, "tea-exports", set_msgstr("新标题"), "Mountain Tea Growers")
    broken = proj.path("templates") / "index.html"
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text("{% extends 'base.html' %}{% block main %}{{ no_such.thing }}{% endblock %}")
    with pytest.raises(Exception, match="no_such"):
        build_site(proj.layout, proj.config.publish)
    assert (site / "en/index.html").read_bytes() == before
    assert [p.name for p in site.parent.iterdir() if p.name.startswith(".site")] == []


def test_building_elsewhere_reuses_the_current_site_pages(proj: Project, tmp_path: Path) -> None:
    build_site(proj.layout, proj.config.publish)
    report = build_site(proj.layout, proj.config.publish, tmp_path / "staging")
    assert report.rendered == 0 and report.reused == report.pages
    assert (tmp_path / "staging" / MANIFEST_NAME).is_file()
    original = proj.path("site") / "en/index.html"
    assert os.path.samefile(original, tmp_path / "staging/en/index.html")


def test_cli_build_reports_and_the_cli_imports_jinja_lazily(proj: Project) -> None:
    import subprocess
    import sys

    from typer.testing import CliRunner

    from i18npub.cli import app

    result = CliRunner().invoke(app, ["--project", str(proj.root), "build"])
    assert result.exit_code == 0, result.output
    assert "built" in result.output and "rendered" in result.output
    again = CliRunner().invoke(app, ["--project", str(proj.root), "build", "--json"])
    assert json.loads(again.output)["rendered"] == 0
    code = "import sys, i18npub.cli; sys.exit('jinja2' in sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_nested_list_items_nest_in_every_view(proj: Project) -> None:
    from i18npub.article import Block, Segment

    article = proj.load_article("harbour-solar-ferry")
    article.blocks.append(Block("paragraph", [Segment("Before the list.")]))
    first = len(article.blocks)
    items = [("One.", 1), ("One point one.", 2), ("One point two.", 2), ("Two.", 1)]
    article.blocks += [Block("list_item", [Segment(text)], level=level) for text, level in items]
    article.blocks.append(Block("paragraph", [Segment("After the list.")]))
    proj.save_article(article)
    site = _build(proj)
    one, one_one, one_two, two, after = (f"b{first + n}" for n in range(5))
    for view in ("en", "bilingual"):
        root = page(site, f"{view}/harbour-solar-ferry/index.html")
        outer = root.get_element_by_id(one).getparent()
        assert outer.tag == "ul" and [li.get("id") for li in outer.xpath("./li")] == [one, two]
        nested = root.get_element_by_id(one).xpath("./ul/li/@id")
        assert nested == [one_one, one_two]
        assert not root.get_element_by_id(after).xpath("ancestor::ul")
