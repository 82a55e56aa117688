"""Markdown written by people, rendered to HTML that is safe to show.

markdown-it-py (CommonMark) renders with raw HTML disabled, so pasted HTML
shows as text; nh3 (ammonia) then keeps only an allow-list of tags,
attributes and link schemes. Headings are moved down so that a "# Titre" in
the minutes never competes with the page's own <h1>.
"""

import html

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def render_markdown(text: str | None, heading_offset: int = 2) -> Markup:
    tokens = _markdown.parse(text or "")
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + heading_offset)}"
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
