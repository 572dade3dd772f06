"""What the HTML reader knows about pages: tag roles, class and id names of page chrome,
boilerplate phrases, and the thresholds of its text statistics.

No entry names a site: these are the generic vocabulary of web page templates.
"""

from __future__ import annotations

import re

# ---------------------------------------------------------------- tags

# Removed from the tree before walking (their text is never page text).
STRIP_TAGS = ("script", "style", "noscript", "template", "svg", "math", "object", "embed")
# Not walked at all.
SKIP_TAGS = frozenset(
    {
        *STRIP_TAGS,
        *("iframe", "frame", "frameset", "canvas", "video", "audio", "source", "track"),
        *("map", "area", "button", "input", "select", "textarea", "option", "optgroup"),
        *("datalist", "head", "title", "meta", "link", "base", "dialog", "nav"),
    }
)
# Walked as part of the running text; everything else starts a new block.
INLINE_TAGS = frozenset(
    {
        *("a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "dfn"),
        *("em", "font", "i", "img", "ins", "kbd", "label", "mark", "nobr", "q", "rp", "rt"),
        *("ruby", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time"),
        *("tt", "u", "var", "wbr", "del"),
    }
)
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
MARKUP_KINDS = {"strong": "strong", "b": "strong", "em": "emphasis", "i": "emphasis"}
CODE_TAGS = frozenset({"code", "kbd", "samp", "tt"})
LIST_TAGS = frozenset({"ul", "ol", "menu", "dir"})
CAPTION_INLINE = frozenset({"span", "small", "cite", "font", "em", "i"})
TAG_HINTS = {  # tag → (junk level, content bonus)
    "aside": (2, 0.0),
    "footer": (2, 0.0),
    "header": (1, 0.0),
    "article": (0, 0.1),
    "main": (0, 0.1),
}
JUNK_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "menu"}
)
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})

# ---------------------------------------------------------------- class and id names

# Substrings of class/id names of page chrome: such an element is boilerplate (level 2).
STRONG_JUNK_RE = re.compile(
    "comment|disqus|cookie|consent|gdpr|newsletter|subscri|signup|outbrain|taboola|"
    "breadcrumb|share|sharing|social|related|recommend|sidebar|advert|sponsor|promo|paywall|"
    "popup|modal|trending|popular|pullquote"
)
# Whole class/id tokens that make an element suspect (level 1): not prose by itself.
WEAK_JUNK = frozenset(
    {
        *("ad", "ads", "adslot", "adunit", "banner", "nav", "navbar", "navigation", "menu"),
        *("footer", "header", "masthead", "widget", "widgets", "tags", "tag", "topics"),
        *("byline", "author", "authors", "bio", "dateline", "meta", "timestamp", "date"),
        *("toolbar", "pagination", "pager", "more", "next", "prev", "previous", "skip"),
        *("hidden", "hide", "offscreen", "print"),
    }
)
BODY_HINT_RE = re.compile(
    r"(?:article|story|entry|post|blog|news)[-_]?(?:body|content|text)|articlebody|storytext|"
    r"body[-_]?(?:text|copy)|main[-_]?content"
)
CAPTION_RE = re.compile(r"(?<!no-)(?<!no)caption|credit")
TOKEN_SPLIT_RE = re.compile(r"[^a-z0-9]+")
# A blog post's wrapper (WordPress' post_class, hAtom) lists the post's categories and tags
# as classes (``tag-social-media``, ``category-sponsored-content``): editors' words, not
# the element's role, so they are not read as chrome names there.
POST_WRAPPER_RE = re.compile(r"(?:^|\s)(?:hentry|type-post|status-publish)(?:\s|$)")
TAXONOMY_CLASS_RE = re.compile(r"(?:^|\s)(?:category|tag)-\S+")
HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)

# ---------------------------------------------------------------- text patterns

BOILERPLATE_RE = re.compile(
    r"^(?:advertisements?|ad|sponsored(?: content)?|story continues below(?: advertisement)?|"
    r"continue reading(?: below| the main story)?|read more|read next|see also|"
    r"related(?: articles| stories| content| coverage)?|more on this(?: story)?|"
    r"share this(?: article| story)?|share|tweet|email|print|click here|"
    r"(?:sign up|subscribe)(?: for| to)?[\w ]{0,40}|loading\W*|image|photo|video|"
    r"watch|listen|skip (?:to|ad)[\w ]{0,20}|supported by|scroll to continue[\w ]*)\W*$",
    re.I,
)
CTA_RE = re.compile(  # calls to action, in blocks of fewer than 2 * GOOD_WORDS words
    r"\b(?:subscribe (?:now|today|here|to (?:our|my))|sign up (?:now|today|here|for (?:our|my))|"
    r"(?:our|free|daily|weekly|email) newsletter|click here|download (?:our|the) app|"
    r"like us on|follow [\w@ ]{1,30} on (?:twitter|facebook|instagram|linkedin|youtube|tiktok)|"
    r"share (?:this (?:article|story|post|page)|it with (?:a friend|your friends)))\b",
    re.I,
)
CTA_START_RE = re.compile(  # imperative calls to action opening a short block
    r"(?:Subscribe|SUBSCRIBE|Sign up|Sign in|Log in|Register|Follow us|Chat with us|Join us|"
    r"Join the conversation|Download (?:our|the)|Get (?:our|the latest))\b"
)
BYLINE_START_RE = re.compile(
    r"(?:By|BY|Written by|Posted by|Story by|Words by)\s+(?:[A-Z][\w.'’-]*\s*){1,4}"
    r"(?:$|[,|·•–—(-]|(?:and|&|on|in|for|at|updated|published)\b)"
)
DATELINE_RE = re.compile(
    r"(?:by|written by|posted by|story by|published|updated|posted|last modified)\b", re.I
)
BYLINE_PREFIX_RE = re.compile(r"^\s*(?:by|written by|posted by|author:?)\s+", re.I)
SENTENCE_ENDS = (".", "!", "?", '"', "”", "’", ":", ".)")
LANG_CLASS_RE = re.compile(r"(?:language|lang|highlight-source|brush:)[-_ ]?([\w+#-]+)", re.I)
SCHEME_RE = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
HTML_TAG_RE = re.compile(
    rb"<(?:!doctype|html|head|body|p|div|span|a|br|h[1-6]|article|section|main|meta|title|"
    rb"table|ul|ol|li|img|b|i|em|strong|blockquote|pre|figure)[\s/>]",
    re.I,
)
CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\ufffd]")
INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
TIDY_OPEN_RE = re.compile(r"(<\d+>)\s+")
TIDY_CLOSE_RE = re.compile(r"\s+(</\d+>)")
WORD_RE = re.compile(r"\w+")
# A reader's post: a short header naming when it was posted, and a footer of action links.
POST_TIME_RE = re.compile(
    r"\b\d+\s*(?:s|sec|secs|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|"
    r"mo|months?|y|yrs?|years?)\s+ago\b|\byesterday\b|\bjust now\b|"
    r"\b\d{1,2}:\d{2}\s*(?:am|pm)?\b|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b",
    re.I,
)
POST_ACTIONS = frozenset(
    {
        "reply",
        "replies",
        "like",
        "likes",
        "report",
        "flag",
        "share",
        "upvote",
        "downvote",
        "respond",
        "quote",
        "permalink",
        "link",
        "vote",
        "recommend",
        "collapse",
    }
)

# ---------------------------------------------------------------- thresholds

GOOD_WORDS = 10  # a block of this many non-link words ...
GOOD_LINK_DENSITY = 0.35  # ... and at most this share of link words is prose
BAD_LINK_DENSITY = 0.5  # a block with more link words than this is a link list
LINKED_PROSE_WORDS = 30  # a sentence-closed paragraph this long is prose up to BAD_LINK_DENSITY
CAPTION_WORDS = 80  # a block named like a caption but longer than this is not one
WRAPPER_SHARE = 0.6  # a chrome-named element holding this share of the prose is a wrapper
SKIP_SHARE = 0.4  # chrome-named elements with less of the page's text and <p> are not walked
TAIL_SHARE = 0.25  # what follows the article's last <hr> is a footer below this share
TITLE_GAP = 8  # a container starting at most this many blocks after the headline ...
TITLE_BONUS = 0.3  # ... earns this bonus
TEASER_WEIGHT = 0.25  # the weight of prose right after a link-only block
SMALL_GAP = 40  # links and fragments between two prose blocks costing at most this ...
INSIDE_COST = 0.25  # ... cost this share of it
RETRY_WORDS = 30  # an article shorter than this is looked for again, names not trusted
LD_BODY_WORDS = 80  # a JSON-LD articleBody this long ...
LD_RECALL = 0.5  # ... of which the extracted article holds less than this share replaces it
THREAD_POSTS = 3  # this many sibling posts in a row are a readers' thread, not the article
POST_META_WORDS = 10  # a post's header line is at most this long
