"""Sentences to safe HTML: placeholders, links, controls, Chinese spacing."""

from __future__ import annotations

import pytest

from i18npub.article import Inline
from i18npub.markup import clean_text, join_sentences, plain_text, safe_url, segment_html

LINK = Inline("link", (("href", "https://example.org/a?b=1&c=2"),))
STRONG = Inline("strong")
CODE = Inline("code", (("text", "<br>"),))
IMAGE = Inline("image", (("src", "https://example.org/x.png"), ("alt", 'a "b"')))


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.org/", True),
        ("http://example.org/", True),
        ("mailto:desk@example.org", True),
        ("/relative/path", True),
        ("../up", True),
        ("#fragment", True),
        ("//example.org/protocol-relative", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("java\nscript:alert(1)", False),
        ("\x01javascript:alert(1)", False),
        ("data:text/html;base64,PHNjcmlwdD4=", False),
        ("vbscript:msgbox", False),
        ("file:///etc/passwd", False),
        ("", False),
    ],
)
def test_only_web_mail_and_relative_links_are_kept(url: str, safe: bool) -> None:
    assert (safe_url(url) is not None) is safe


@pytest.mark.parametrize(
    ("text", "markup", "html"),
    [
        ("See <1>this</1>.", (LINK,), 'See <a href="https://example.org/a?b=1&amp;c=2">this</a>.'),
        ("A <1>bold</1> move", (STRONG,), "A <strong>bold</strong> move"),
        ("Run <1/> now", (CODE,), 'Run <code translate="no">&lt;br&gt;</code> now'),
        (
            "<1/>",
            (IMAGE,),
            '<img src="https://example.org/x.png" alt="a &#34;b&#34;" '
            'loading="lazy" referrerpolicy="no-referrer">',
        ),
        ("unclosed <1>bold", (STRONG,), "unclosed <strong>bold</strong>"),
        ("stray </1> close", (STRONG,), "stray  close"),
        ("no markup <1>here</1>", (), "no markup &lt;1&gt;here&lt;/1&gt;"),
        ("wrong form <1/>", (STRONG,), "wrong form "),
        (
            "<1>a <2>b</1> c</2>",
            (STRONG, LINK),
            '<strong>a <a href="https://example.org/a?b=1&amp;c=2">b</a></strong> c',
        ),
        ("<b onclick=x>&amp;</b>", (), "&lt;b onclick=x&gt;&amp;amp;&lt;/b&gt;"),
    ],
)
def test_placeholders_become_markup_from_the_article_only(
    text: str, markup: tuple[Inline, ...], html: str
) -> None:
    assert str(segment_html(text, markup)) == html


def test_link_with_unsafe_href_keeps_its_text_only() -> None:
    evil = Inline("link", (("href", "javascript:alert(1)"),))
    assert str(segment_html("Click <1>here</1>.", (evil,))) == "Click here."


def test_bidi_and_control_characters_are_removed() -> None:
    assert clean_text("a\u202eb\u2066c\u2069d\u200fe\x07f\ufeff") == "abcdef"


def test_chinese_text_loses_whitespace_between_ideographs_only() -> None:
    assert clean_text("今天 天气\n很好， 使用 Madrid 体系", chinese=True) == (
        "今天天气很好，使用 Madrid 体系"
    )
    assert clean_text("中 <1>文</1> 字", chinese=True) == "中<1>文</1>字"


def test_plain_text_drops_tags_and_keeps_code_text() -> None:
    assert plain_text("Run <1/> on <2>site</2>.", (CODE, LINK)) == "Run <br> on site."


def test_sentences_join_with_spaces_except_between_chinese() -> None:
    pieces = [("一。", True), ("二。", True), ("Three.", False), ("Four.", False), ("五。", True)]
    assert str(join_sentences(pieces)) == "一。二。 Three. Four. 五。"
