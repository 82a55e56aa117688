"""The height of the meeting page at 390 and 1280 px, as a facilitator, on the demonstration.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/page_heights.py [--screenshots DIR]

Makes a throwaway SQLite database with the demonstration programme, serves it on loopback,
signs in as the demonstration facilitator in Debian's chromium (Playwright) and prints the
full height of the page of the meeting with the most content (the longest page the
facilitator can open), and of the dashboard, the group and the programme pages and the
actions register. With
--screenshots, full-page screenshots of the four pages at both widths land in DIR.
Never run as a test.
"""

import argparse
import logging
import shutil
import tempfile
import threading
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from groupes import create_app
from groupes.demo import DEMO_PASSWORD, load_demo
from groupes.extensions import db
from groupes.meetings.models import Meeting

FACILITATOR = "animateur@demo.example"
WIDTHS = (390, 1280)


def demo_app(folder: str):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/heights.sqlite3",
            "SECRET_KEY": "heights",
            "RATELIMIT_ENABLED": False,
            "INSTANCE_PATH": folder,
        }
    )
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
    return app


def fullest_meeting(app, client) -> Meeting:
    """The meeting whose page, as the facilitator sees it, is the longest HTML."""
    with app.app_context():
        meetings = db.session.scalars(sa.select(Meeting)).all()
        sizes = {}
        for meeting in meetings:
            response = client.get(f"/reunions/{meeting.id}")
            if response.status_code == 200:
                sizes[meeting.id] = len(response.data)
        meeting_id = max(sizes, key=sizes.get)
        meeting = db.session.get(Meeting, meeting_id)
        return meeting.id, meeting.group_id, meeting.group.programme_id


def sign_in_client(client) -> None:
    page = client.get("/connexion").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    client.post("/connexion", data={"email": FACILITATOR, "password": DEMO_PASSWORD, "csrf_token": token})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--screenshots", type=Path)
    shots = parser.parse_args().screenshots
    folder = tempfile.mkdtemp()
    app = demo_app(folder)
    client = app.test_client()
    sign_in_client(client)
    meeting_id, group_id, programme_id = fullest_meeting(app, client)
    pages = {
        "reunion": f"/reunions/{meeting_id}",
        "tableau-de-bord": "/",
        "groupe": f"/groupes/{group_id}",
        "demarche": f"/programmes/{programme_id}",
        "registre-actions": "/actions",
    }
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 844}, locale="fr-FR")
            page = context.new_page()
            page.goto(f"{base}/connexion")
            page.get_by_label("Adresse e-mail").fill(FACILITATOR)
            page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            page.wait_for_load_state()
            for name, path in pages.items():
                page.goto(base + path)
                page.evaluate("document.fonts.ready")
                height = page.evaluate("document.documentElement.scrollHeight")
                print(f"{name:16} {path:20} {width:5} px wide: {height:6} px tall")
                if shots:
                    page.screenshot(path=shots / f"{name}-{width}.png", full_page=True)
            context.close()
        browser.close()
    server.shutdown()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
