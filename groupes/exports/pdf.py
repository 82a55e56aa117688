"""PDF documents with WeasyPrint, from the same kind of HTML as the pages.

WeasyPrint may read the files under static/ (stylesheet, fonts, images) and
nothing else: no web address, no file elsewhere on the disk. A resource it
may not read is left out and never stops the rendering.
"""

import hashlib
import mimetypes
import os
import re
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from flask import current_app
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from groupes.site.formatting import keep_together
from groupes.site.text import french_spaces


class StaticFilesOnly(URLFetcher):
    def __init__(self, root: Path):
        super().__init__(allowed_protocols={"file", "data"})
        self.root = root.resolve()

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file:"):
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
        raise ValueError(f"ressource refusée pour les PDF : {url}")


TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>")
VERBATIM = {"code", "pre", "script", "style"}


def french_spacing(html: str) -> str:
    """French typography in the text of a document (``french_spaces``, the same as rendered
    Markdown): no line starts with a colon or a closing guillemet; dates, ordinals and times
    are kept on one line (``keep_together``). Tags, attributes and code are left alone."""
    parts, last, verbatim, in_title = [], 0, 0, False
    for tag in TAG.finditer(html):
        parts.append(_typeset(html[last : tag.start()], verbatim, in_title))
        parts.append(tag.group(0))
        closing, name = tag.group(1), tag.group(2).lower()
        if name in VERBATIM:
            verbatim = max(0, verbatim - 1) if closing else verbatim + 1
        elif name == "title":  # the PDF's title, read as metadata: spaces only
            in_title = not closing
        last = tag.end()
    parts.append(_typeset(html[last:], verbatim, in_title))
    return "".join(parts)


def _typeset(text: str, verbatim: int, in_title: bool) -> str:
    if verbatim or not text:
        return text
    return french_spaces(text if in_title else keep_together(text))


# WeasyPrint breaks a line after its first word, although the rest fits, when the text that
# nearly fills it is followed by white space at the end of its block (before ``</li>``,
# ``</td>``, a nested list) or by white space and an inline element (`` <span>``). Such white
# space is never drawn: it goes (at the end of a block, before a block) or moves into the
# element (`` <span>`` becomes ``<span> ``).
SPACE_ENDING_A_BLOCK = re.compile(
    r"\s+(?=</(?:li|td|th|p|h[1-6]|dd|dt|caption|blockquote)>|<(?:ul|ol|table|p|div|blockquote|pre)[\s>])"
)
SPACE_BEFORE_INLINE = re.compile(r"(?<=[^\s>])\s+<(span|a|strong|em|b|i|small|abbr|time|code|sup)\b([^>]*)>")


def tighten_breaks(html: str) -> str:
    """The white space of a document's HTML moved where WeasyPrint breaks lines right."""
    html = SPACE_ENDING_A_BLOCK.sub("", html)
    return SPACE_BEFORE_INLINE.sub(r"<\1\2> ", html)


TEXT_BETWEEN_TAGS = re.compile(r">([^<]+)<")
WEB_ADDRESS = re.compile(r"(?<![\w\"'=/])(?:https?://|www\.)[^\s<>\"]+")


def whole_addresses(html: str) -> str:
    """Web addresses in a document's text are never hyphenated (a hyphen would read as part of
    the address): each goes into a ``<span class="address">`` that print.css leaves whole."""
    return TEXT_BETWEEN_TAGS.sub(lambda m: ">" + WEB_ADDRESS.sub(_address, m.group(1)) + "<", html)


def _address(match: re.Match) -> str:
    return f'<span class="address">{match.group(0)}</span>'


@cache
def _build_stamp(*folders: str) -> str:
    """What documents are made with (templates, static files, code), by name, size and time of
    each file: a new version of the application makes new documents."""
    files = sorted(
        (str(path), stat.st_size, stat.st_mtime_ns)
        for folder in folders
        for path in Path(folder).rglob("*")
        if path.is_file() and path.suffix != ".pyc" and (stat := path.stat())
    )
    return hashlib.sha256(repr(files).encode()).hexdigest()


def document_key(name: str, stamps: str | None, *details) -> str | None:
    """The key of a document, known before it is rendered: its name and details (identifiers,
    options, what the reader's rights make of it), the content stamps of what it shows
    (``groupes.site.stamps.current_stamps``), the address of the site and the version of the
    application. None, when the stamps are not known yet: the document is rendered and not kept."""
    if stamps is None:
        return None
    app = current_app
    build = _build_stamp(str(Path(app.root_path)), str(Path(app.template_folder).resolve()), app.static_folder)
    return "\n".join(str(part) for part in (name, stamps, *details, app.config.get("BASE_URL"), build))


_fonts = threading.local()


def document_fonts() -> FontConfiguration:
    """The fonts of the documents this thread renders, loaded once: each document would
    otherwise decode the four WOFF2 faces of print.css again (a tenth of a second of CPU, as
    much as the rest of a compte-rendu). The same fonts come out: a face is kept under its
    ``@font-face`` rule, and print.css is read with each document as before. One per thread,
    since WeasyPrint does not share one between documents rendered at the same time."""
    fonts = getattr(_fonts, "configuration", None)
    if fonts is None:
        fonts = _fonts.configuration = FontConfiguration()
    return fonts


def render_pdf(key: str | None, make_html: Callable[[], str], *, archive: bool = False) -> bytes:
    """A tagged PDF (PDF/UA-1) by default; for archives, PDF/A-3a: the highest conformance
    WeasyPrint makes that stays tagged (level A is PDF/A’s accessible level: a tagged structure
    and Unicode text are part of it; the level B and U variants do not ask for tags, and
    PDF/A-4 has no accessible level), with PDF/A-3’s room for embedded files.

    PDFs are kept on disk under their ``key`` (``document_key``): a document whose content
    has not changed (validated minutes, above all) is served again without rendering its
    HTML nor running WeasyPrint, and any change of what it shows makes a new key.
    """
    variant = "pdf/a-3a" if archive else "pdf/ua-1"
    cache_dir = Path(current_app.config.get("PDF_CACHE_DIR") or Path(current_app.instance_path) / "pdf-cache")
    digest = hashlib.sha256(f"{variant}\n{key}".encode()).hexdigest()
    cached = cache_dir / f"{digest}.pdf" if key else None
    if cached is not None and cached.exists():
        return cached.read_bytes()
    # The documents' font has no narrow no-break space (U+202F): a no-break space takes its
    # place, rather than a second font for one blank glyph.
    html = whole_addresses(tighten_breaks(french_spacing(make_html()))).replace("\u202f", "\u00a0")
    static = Path(current_app.static_folder)
    document = HTML(string=html, base_url=static.resolve().as_uri() + "/", url_fetcher=StaticFilesOnly(static))
    content = document.write_pdf(pdf_variant=variant, pdf_tags=True, font_config=document_fonts())
    if cached is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = cache_dir / f".{cached.stem}.{os.getpid()}.partial"
        partial.write_bytes(content)
        os.replace(partial, cached)
    return content
