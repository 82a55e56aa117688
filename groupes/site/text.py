"""Markdown written by people, rendered to HTML that is safe to show.

markdown-it-py (CommonMark) renders with raw HTML disabled, so pasted HTML
shows as text; nh3 (ammonia) then keeps only an allow-list of tags,
attributes and link schemes. Headings are moved down so that a "# Titre" in
the minutes never competes with the page's own <h1>.

French typography, in pages and documents alike (``french_spaces``): the space
typed before « : » and inside guillemets becomes a no-break space (U+00A0), the
one before « ; ! ? » a narrow no-break space (U+202F), so that no line starts
with a colon or a closing guillemet. Markdown's straight quotes become
guillemets with no-break spaces inside (« texte ») and its straight apostrophes
typographic ones (l’équipe). Only existing spaces change (« Quoi? » stays as
typed: a URL or a time like 14:30 must not gain one); code and web addresses
are left as written.

Rendering costs about a second for a part of 100,000 characters full of
brackets (markdown-it tries every "[" as the start of a link), so each text is
rendered once per process: the HTML is kept by the digest of the text, within
a bound on the characters kept.
"""

import hashlib
import html
import re
import threading
from collections import OrderedDict

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

FRENCH_QUOTES = ["«\u00a0", "\u00a0»", "“", "”"]
_markdown = MarkdownIt(
    "commonmark", {"html": False, "linkify": False, "typographer": True, "quotes": FRENCH_QUOTES}
).enable(["table", "strikethrough", "smartquotes"])

FRENCH_SPACES = [
    (re.compile(r"[ \t]+([;!?])"), "\u202f\\1"),
    (re.compile(r"[ \t]+:"), "\u00a0:"),
    (re.compile(r"«[ \t\u00a0\u202f]*"), "«\u00a0"),
    (re.compile(r"[ \t\u00a0\u202f]*»"), "\u00a0»"),
]


def french_spaces(text: str) -> str:
    """Plain text (no tags) with the French no-break spaces: before « : » and inside « »
    U+00A0, before « ; ! ? » U+202F, in place of the spaces typed there."""
    for pattern, replacement in FRENCH_SPACES:
        text = pattern.sub(replacement, text)
    return text


def _typeset(tokens) -> None:
    """French spaces in the text of the inline tokens; never in code (its own tokens) nor in
    an autolink, whose text is its address."""
    for token in tokens:
        in_autolink = False
        for child in token.children or ():
            if child.type == "link_open" and child.markup == "autolink":
                in_autolink = True
            elif child.type == "link_close":
                in_autolink = False
            elif child.type == "text" and not in_autolink:
                child.content = french_spaces(child.content)


ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


KEPT_CHARACTERS = 8_000_000


class RenderedTexts:
    """The HTML of the texts rendered last, by digest of the text, least recently used dropped first."""

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self.entries: OrderedDict[bytes, Markup] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: bytes) -> Markup | None:
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: bytes, rendered: Markup) -> None:
        with self.lock:
            if key in self.entries or len(rendered) > self.limit:
                return
            self.entries[key] = rendered
            self.size += len(rendered)
            while self.size > self.limit:
                _, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped)


rendered_texts = RenderedTexts(KEPT_CHARACTERS)


def render_markdown(text: str | None, heading_offset: int = 2) -> Markup:
    key = hashlib.blake2b(f"{heading_offset}\n{text or ''}".encode(), digest_size=20).digest()
    rendered = rendered_texts.get(key)
    if rendered is None:
        rendered = _render(text or "", heading_offset)
        rendered_texts.put(key, rendered)
    return rendered


def _render(text: str, heading_offset: int) -> Markup:
    tokens = _markdown.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + heading_offset)}"
    _typeset(tokens)
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    return Markup(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer nofollow",
        )
    )


def plain_words(text: str | None) -> str:
    """The words a reader sees of some Markdown, spaces collapsed: what a selection copies."""
    return " ".join(html.unescape(nh3.clean(str(render_markdown(text)), tags=set())).split())
