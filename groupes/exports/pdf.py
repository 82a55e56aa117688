"""PDF documents with WeasyPrint, from the same kind of HTML as the pages.

WeasyPrint may read the files under static/ (stylesheet, fonts, images) and
nothing else: no web address, no file elsewhere on the disk. A resource it
may not read is left out and never stops the rendering.
"""

import hashlib
import mimetypes
import os
import re
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from flask import current_app
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


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


TEXT_BETWEEN_TAGS = re.compile(r">([^<]+)<")
FRENCH_SPACES = [
    (re.compile(r" ([;!?])"), "\u202f\\1"),  # fine non-breaking space before ; ! ?
    (re.compile(r" :"), "\u00a0:"),  # non-breaking space before :
    (re.compile(r"« "), "«\u00a0"),
    (re.compile(r" »"), "\u00a0»"),
]


def french_spacing(html: str) -> str:
    """French typography in the text of a document: the spaces people type before
    « : ; ! ? » and inside guillemets become non-breaking, so that no line starts
    with a colon or a closing guillemet. Tags and attributes are left alone."""

    def fix(match: re.Match) -> str:
        text = match.group(1)
        for pattern, replacement in FRENCH_SPACES:
            text = pattern.sub(replacement, text)
        return f">{text}<"

    return TEXT_BETWEEN_TAGS.sub(fix, html)


def render_pdf(html: str, *, archive: bool = False) -> bytes:
    """A tagged PDF (PDF/UA-1) by default; PDF/A-3b, tagged too, for archives.

    PDFs are kept on disk by the digest of their HTML: a document whose
    content has not changed (validated minutes, above all) is served again
    without running WeasyPrint, and any change makes a new one.
    """
    html = french_spacing(html)
    variant = "pdf/a-3b" if archive else "pdf/ua-1"
    cache = Path(current_app.config.get("PDF_CACHE_DIR") or Path(current_app.instance_path) / "pdf-cache")
    key = hashlib.sha256(f"{variant}\n{html}".encode()).hexdigest()
    cached = cache / f"{key}.pdf"
    if cached.exists():
        return cached.read_bytes()
    static = Path(current_app.static_folder)
    document = HTML(string=html, base_url=static.resolve().as_uri() + "/", url_fetcher=StaticFilesOnly(static))
    content = document.write_pdf(pdf_variant=variant, pdf_tags=True)
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f".{key}.{os.getpid()}.partial"
    partial.write_bytes(content)
    os.replace(partial, cached)
    return content
