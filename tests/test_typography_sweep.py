"""Every page type, as the role that uses it, the error pages and the mails: French typography
in the visible text (tests/typography.py says what is checked)."""

import sqlalchemy as sa
from permission_table import OK, ROWS, synthesis_entries
from typography import page_faults, typography_faults
from world import attach, build_world, csrf_token, queue_every_kind_of_mail, sign_in

from groupes.extensions import db, limiter
from groupes.mail.models import OutgoingMail

# Who uses each page, first found among those who may open it.
USERS = ["facilitator", "member", "secretary", "organiser", "admin", "observer", "outsider", "anonymous"]


def test_every_page_keeps_french_typography(app):
    limiter.reset()
    world = build_world()
    synthesis_entries(world)
    attach(world.validated, "note.pdf")
    db.session.commit()
    clients, faults, seen = {}, {}, 0
    for _endpoint, method, url, _, expected in ROWS:
        if method != "GET":
            continue
        role = next((role for role in USERS if expected[role] == OK), None)
        if role is None:
            continue
        if role not in clients:
            clients[role] = app.test_client()
            sign_in(clients[role], role)
        address = url(world)
        response = clients[role].get(address)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        seen += 1
        found = page_faults(response.get_data(as_text=True))
        if found:
            faults[f"{address} ({role})"] = found
    assert seen > 40
    assert faults == {}, "\n".join(f"{page}:\n  " + "\n  ".join(found) for page, found in faults.items())


def test_error_pages_keep_french_typography(app, world):
    faults = {}
    for role in ("anonymous", "member"):
        client = app.test_client()
        sign_in(client, role)
        form = "/mot-de-passe-oublie" if role == "anonymous" else "/compte"
        for response in (client.get("/nulle-part"), client.post(form, data={"name": "x"})):  # no CSRF token
            assert response.status_code in (400, 404), response.status_code
            faults.update({f"{role} {response.status_code}": page_faults(response.get_data(as_text=True))})
    assert all(not found for found in faults.values()), faults


def test_every_mail_keeps_french_typography(app, world):
    queue_every_kind_of_mail(world)
    mails = db.session.scalars(sa.select(OutgoingMail)).all()
    assert len(mails) >= 12
    faults = {}
    for mail in mails:
        found = typography_faults(mail.subject) + typography_faults(mail.text_body) + page_faults(mail.html_body)
        if found:
            faults[mail.subject] = found
    assert faults == {}, "\n".join(f"{subject}:\n  " + "\n  ".join(found) for subject, found in faults.items())


def test_form_errors_and_messages_keep_french_typography(app):
    """Every form sent empty, then with the permission table's data: its errors, or the page it leads
    to with its message."""
    limiter.reset()
    world = build_world()
    synthesis_entries(world)
    db.session.commit()
    client = app.test_client()
    sign_in(client, "admin")
    posts = [
        (url(world), data(world) if callable(data) else (data or {}))
        for endpoint, method, url, data, _ in ROWS
        if method == "POST" and endpoint != "auth.logout"
    ]  # addresses first: the posts below remove some of what they name
    faults, seen = {}, 0
    for address, data in posts:
        for sent in ({}, data):
            response = client.post(address, data={**sent, "csrf_token": csrf_token(client)}, follow_redirects=True)
            if response.mimetype != "text/html":
                continue
            seen += 1
            found = page_faults(response.get_data(as_text=True))
            if found:
                faults[f"{address} {sorted(sent)}"] = found
    assert seen > 60
    assert faults == {}, "\n".join(f"{page}:\n  " + "\n  ".join(found) for page, found in faults.items())
