"""PDF documents with WeasyPrint, from the same kind of HTML as the pages.

WeasyPrint may read the files under static/ (stylesheet, fonts, images) and
nothing else: no web address, no file elsewhere on the disk. A resource it
may not read is left out and never stops the rendering.
"""

import mimetypes
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


def render_pdf(html: str, *, archive: bool = False) -> bytes:
    """A tagged PDF (PDF/UA-1) by default; PDF/A-3b, tagged too, for archives."""
    static = Path(current_app.static_folder)
    document = HTML(string=html, base_url=static.resolve().as_uri() + "/", url_fetcher=StaticFilesOnly(static))
    return document.write_pdf(pdf_variant="pdf/a-3b" if archive else "pdf/ua-1", pdf_tags=True)
