"""A real browser (Debian's chromium, driven by Playwright) against the application
served on loopback from the test database. Screenshots go to test-artifacts/e2e/."""

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def closed_after_body(app):
    """Close each response as soon as its body is sent, as gunicorn does.

    Werkzeug's development server reads what is left on the socket before
    closing the response; when Chromium has already reset the connection
    (often after a redirect following a POST) the close is skipped, and with
    it the sending of the e-mails the request queued.
    """

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            yield from body
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, closed_after_body(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is missing: apt-get install chromium (the Makefile installs it as root)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, request):
    """Pages in fresh contexts (desktop by default); a screenshot of each is kept when the test fails."""
    contexts = []

    def open_page(width=1280, height=900):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
        contexts.append(context)
        return context.new_page()

    yield open_page
    failed = getattr(request.node, "failed_call", False)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for index, context in enumerate(contexts):
        for number, page in enumerate(context.pages):
            if failed:
                page.screenshot(path=ARTIFACTS / f"FAILED-{request.node.name}-{index}-{number}.png", full_page=True)
        context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        item.failed_call = True


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
