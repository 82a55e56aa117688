"""Attacks on the meeting room as an outsider would try them: crafted Yjs updates, part
keys that are not quite a part's, and the room's other surfaces. Each test here failed
before its fix."""

import base64
import json

import pytest
import sqlalchemy as sa
from pycrdt import Doc, XmlElement, XmlText
from world import csrf_token, signed_in

from groupes.extensions import db
from groupes.minutes.models import MinutesSection, PartUpdate
from groupes.minutes.prose import fragment_of, to_markdown

JSON = {"Accept": "application/json"}


def opened(client, meeting) -> dict[str, Doc]:
    result = json.loads(client.get(f"/reunions/{meeting.id}/compte-rendu/direct/parties", headers=JSON).data)
    docs = {}
    for key, state in result["parts"].items():
        docs[key] = Doc()
        docs[key].apply_update(base64.b64decode(state))
    return docs


def send(client, meeting, key, update: bytes):
    return client.post(
        f"/reunions/{meeting.id}/compte-rendu/direct",
        json={"key": key, "update": base64.b64encode(update).decode()},
        headers={**JSON, "X-CSRFToken": csrf_token(client)},
    )


def crafted(doc: Doc, build) -> bytes:
    """An update that replaces the part's content by what ``build`` appends to the fragment."""
    before = doc.get_state()
    fragment = fragment_of(doc)
    with doc.transaction():
        del fragment.children[0 : len(fragment.children)]
        build(fragment)
    return doc.get_update(before)


def paragraph(parent, text: str, marks=None) -> XmlElement:
    element = parent.children.append(XmlElement("paragraph"))
    element.children.append(XmlText()).insert(0, text, marks)
    return element


def notes(meeting) -> str:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(MinutesSection.body).where(MinutesSection.agenda_item_id == meeting.agenda_items[0].id)
    )


# ---- Markdown derived from a crafted document --------------------------------------------


def test_code_across_blank_lines_cannot_write_markdown_of_its_own():
    """A code mark on text holding blank lines used to close its code span in the middle:
    the rest came out as headings, links and images in the stored Markdown."""
    doc = Doc()
    paragraph(fragment_of(doc), "x\n\n# Titre\n\n![i](https://evil.example/p.png)\n\n", {"code": {}})
    markdown = to_markdown(fragment_of(doc))
    assert "\n" not in markdown
    assert markdown.startswith("`") and markdown.endswith("`")


@pytest.mark.parametrize("ending", ["\r", "\r\n", "\n"])
def test_a_carriage_return_in_the_text_starts_no_heading_nor_list(ending):
    """Line starts were escaped after « \\n » only: Markdown also ends a line at « \\r »,
    so that a crafted text made headings and lists of its own."""
    from groupes.site.text import render_markdown

    doc = Doc()
    paragraph(fragment_of(doc), ending.join(["a", "# Titre", "", "1. liste", "- puce", "> cité"]))
    html = str(render_markdown(to_markdown(fragment_of(doc))))
    assert html.count("<p>") == 2  # the blank line ends a paragraph, and nothing else
    for tag in ("<h", "<ol", "<ul", "<blockquote"):
        assert tag not in html


@pytest.mark.parametrize("value", ["inf", "-inf", "1e999", "1" + "0" * 30])
def test_a_list_start_or_heading_level_out_of_range_is_no_server_error(value):
    doc = Doc()
    fragment = fragment_of(doc)
    listing = fragment.children.append(XmlElement("orderedList"))
    listing.attributes["start"] = value
    paragraph(listing.children.append(XmlElement("listItem")), "un")
    heading = fragment.children.append(XmlElement("heading"))
    heading.attributes["level"] = value
    heading.children.append(XmlText()).insert(0, "Titre")
    markdown = to_markdown(fragment)
    assert "un" in markdown and "Titre" in markdown
    # CommonMark reads at most nine digits as a list's start: the list stays a list.
    assert len(markdown.split(".")[0]) <= 9


def deep(fragment, depth: int, tag="blockquote") -> None:
    node = fragment
    for _ in range(depth):
        node = node.children.append(XmlElement(tag))
        if tag == "bulletList":
            node = node.children.append(XmlElement("listItem"))
    paragraph(node, "tout au fond")


@pytest.mark.parametrize("tag", ["blockquote", "bulletList"])
def test_a_deeply_nested_update_is_refused_in_french_not_a_server_error(app, world, tag):
    client = signed_in(app, "secretary")
    key = f"p{world.draft.agenda_items[0].id}"
    docs = opened(client, world.draft)
    response = send(client, world.draft, key, crafted(docs[key], lambda f: deep(f, 2000, tag)))
    assert response.status_code == 422
    assert "imbriqu" in json.loads(response.data)["message"]
    assert notes(world.draft) == "Notes du point brouillon."


def test_reasonable_nesting_is_still_written(app, world):
    client = signed_in(app, "secretary")
    key = f"p{world.draft.agenda_items[0].id}"
    docs = opened(client, world.draft)
    response = send(client, world.draft, key, crafted(docs[key], lambda f: deep(f, 4, "bulletList")))
    assert response.status_code == 200 and "tout au fond" in notes(world.draft)


# ---- Part keys ----------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["p0{id}", "p{arabic}", "p{id} ", "p+{id}"])
def test_a_part_key_spelt_another_way_is_refused(app, world, spelling):
    """« p012 » or « p١٢ » named the same part as « p12 » but kept its updates apart: the
    derived Markdown then came from a document the room's editors never see."""
    client = signed_in(app, "secretary")
    item_id = world.draft.agenda_items[0].id
    key = f"p{item_id}"
    arabic = "".join(chr(0x0660 + int(d)) for d in str(item_id))
    docs = opened(client, world.draft)
    update = crafted(docs[key], lambda f: paragraph(f, "Texte caché aux éditeurs"))
    response = send(client, world.draft, spelling.format(id=item_id, arabic=arabic), update)
    assert response.status_code == 422
    assert notes(world.draft) == "Notes du point brouillon."
    keys = db.session.scalars(sa.select(PartUpdate.part_key).where(PartUpdate.meeting_id == world.draft.id)).all()
    assert set(keys) <= {f"p{i.id}" for i in world.draft.agenda_items} | {
        f"s{s.id}" for s in world.draft.minutes.free_sections
    }


def test_a_free_section_of_another_meeting_or_a_points_notes_as_a_section_are_refused(app, world):
    client = signed_in(app, "secretary")
    key = f"p{world.draft.agenda_items[0].id}"
    docs = opened(client, world.draft)
    update = crafted(docs[key], lambda f: paragraph(f, "ailleurs"))
    elsewhere = world.in_review.minutes.free_sections[0]
    notes_section = next(s for s in world.draft.minutes.sections if s.agenda_item_id is not None)
    for other in (f"s{elsewhere.id}", f"s{notes_section.id}"):
        assert send(client, world.draft, other, update).status_code == 422
    db.session.expire_all()
    assert elsewhere.body == "Texte du compte-rendu en relecture." and notes(world.draft) == "Notes du point brouillon."


# ---- Numbers typed with digits that are not ASCII -----------------------------------------


@pytest.mark.parametrize("value", ["²", "١٢", "①"])
def test_a_filter_with_a_digit_python_cannot_read_is_ignored_not_a_server_error(app, world, value):
    """« ² » passes str.isdigit() but int() refuses it: the registers' filters answered 500."""
    client = signed_in(app, "member")
    for url in ("/decisions", "/actions", "/decisions.csv"):
        response = client.get(url, query_string={"groupe": value, "page": value})
        assert response.status_code == 200, url
    admin = signed_in(app, "admin")
    assert admin.get("/admin/journal", query_string={"page": value}).status_code == 200


# ---- The live meeting and the room's other surfaces --------------------------------------


@pytest.fixture
def closed_draft(app, world):
    """The draft with a huis clos point (and its sub-point) the meeting is at, followed by the members."""
    from datetime import UTC, datetime, timedelta

    from world import close

    close(world.draft, 8, with_document=False)
    point = next(i for i in world.draft.agenda_items if i.title == "HUISCLOS-8-point")
    world.draft.live_item_id = point.id
    world.draft.live_item_since = datetime.now(UTC)
    world.draft.followers_until = datetime.now(UTC) + timedelta(hours=1)
    db.session.commit()
    return world.draft


def test_the_follow_and_projection_views_never_show_a_huis_clos_point_the_meeting_is_at(app, world, closed_draft):
    base = f"/reunions/{closed_draft.id}"
    member, facilitator = signed_in(app, "member"), signed_in(app, "facilitator")
    for client, url in (
        (member, f"{base}/compte-rendu/suivre"),
        (facilitator, f"{base}/compte-rendu/suivre"),
        (facilitator, f"{base}/salle/projection"),
    ):
        for headers in ({}, {"X-Fragment": "1"}):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, url
            assert "HUISCLOS" not in response.get_data(as_text=True), (url, headers)


@pytest.mark.parametrize("role", ["anonymous", "observer", "outsider", "member"])
def test_the_sync_channel_and_room_state_are_the_editors_alone(app, world, closed_draft, role):
    client = signed_in(app, role)
    base = f"/reunions/{closed_draft.id}"
    for url in (
        f"{base}/compte-rendu/direct/parties",
        f"{base}/compte-rendu/direct?attente=0",
        f"{base}/salle/en-direct",
    ):
        response = client.get(url, headers=JSON)
        assert response.status_code in (401, 404), url
        assert "HUISCLOS" not in response.get_data(as_text=True)


def test_following_ends_with_the_invitation_and_never_reaches_observers(app, world, closed_draft):
    url = f"/reunions/{closed_draft.id}/compte-rendu/suivre"
    assert signed_in(app, "observer").get(url).status_code == 404
    closed_draft.followers_until = None
    db.session.commit()
    assert signed_in(app, "member").get(url).status_code == 404


def test_an_update_without_its_csrf_token_is_refused(app, world):
    client = signed_in(app, "secretary")
    key = f"p{world.draft.agenda_items[0].id}"
    docs = opened(client, world.draft)
    update = crafted(docs[key], lambda f: paragraph(f, "forgé"))
    response = client.post(
        f"/reunions/{world.draft.id}/compte-rendu/direct",
        json={"key": key, "update": base64.b64encode(update).decode()},
        headers=JSON,
    )
    assert response.status_code == 400
    assert notes(world.draft) == "Notes du point brouillon."


# ---- Validation through the summary -------------------------------------------------------


def test_a_summary_is_stale_once_another_comment_is_open_even_at_the_same_count(app, world):
    """The stamp counted the comments dealt with: one dealt with and another reopened since the
    summary left it unchanged, and the facilitator validated past a comment they never saw."""
    import re

    from world import post_form

    from groupes.minutes.models import Comment
    from groupes.minutes.review import set_resolved

    minutes = world.in_review.minutes
    facilitator_user = world.users["facilitator"]
    second = Comment(
        minutes=minutes, section=minutes.sections[0], revision=0, body="Autre remarque.", author=world.users["member"]
    )
    db.session.add(second)
    db.session.flush()
    set_resolved(second, facilitator_user, True)
    db.session.commit()
    client = signed_in(app, "facilitator")
    url = f"/reunions/{world.in_review.id}/compte-rendu/valider"
    page = client.get(url).get_data(as_text=True)
    assert "Une remarque." in page and "Autre remarque." not in page
    stamp = re.search(r'name="stamp" type="hidden" value="([^"]*)"', page).group(1)
    set_resolved(db.session.get(Comment, world.comment.id), facilitator_user, True)
    set_resolved(db.session.get(Comment, second.id), facilitator_user, False)
    db.session.commit()
    response = post_form(client, url, {"stamp": stamp, "reason": ""})
    assert response.status_code == 409
    assert "Autre remarque." in response.get_data(as_text=True)
    db.session.expire_all()
    assert not world.in_review.minutes.is_validated


# ---- A programme's logo ---------------------------------------------------------------------


def bomb_png() -> bytes:
    """A PNG of a few kilobytes that decodes to 144 million pixels (half a gigabyte in RGBA,
    which WeasyPrint would build for every document of the programme)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, format="PNG", optimize=True)
    return out.getvalue()


@pytest.mark.parametrize(
    "content, message",
    [
        (bomb_png, "pixels"),
        (lambda: b"\x89PNG\r\n\x1a\n" + b"<html><script>alert(1)</script>" * 10, "illisible"),
        (lambda: b"\xff\xd8\xff\xe0" + b"\0" * 64, "illisible"),
    ],
)
def test_a_logo_must_be_an_image_of_sensible_dimensions_that_decodes(app, world, content, message):
    import html
    import io

    from groupes.programmes.models import Programme

    client = signed_in(app, "organiser")
    url = f"/programmes/{world.programme.id}/modifier"
    data = content()
    assert len(data) < 1024 * 1024
    response = client.post(
        url,
        data={
            "title": world.programme.title,
            "logo": (io.BytesIO(data), "logo.jpg" if data.startswith(b"\xff\xd8") else "logo.png"),
            "csrf_token": csrf_token(client, url),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert message in html.unescape(response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Programme, world.programme.id).logo is None


# ---- The size of a part's shared document ---------------------------------------------------


def test_a_part_cannot_grow_without_bound_through_what_the_markdown_drops(app, world):
    """Elements the Markdown drops (unknown ones, huge attributes) kept the derived text under
    its limit while the stored document grew by 2 MB an update, replayed by every request."""
    from groupes.minutes import cowriting

    client = signed_in(app, "secretary")
    key = f"p{world.draft.agenda_items[0].id}"
    docs = opened(client, world.draft)
    doc = docs[key]
    answers = []
    for number in range(3):
        before = doc.get_state()
        element = fragment_of(doc).children.append(XmlElement("hidden"))
        element.attributes["data"] = f"{number}" + "x" * 1_400_000
        answers.append(send(client, world.draft, key, doc.get_update(before)))
    assert [a.status_code for a in answers] == [200, 200, 422]
    assert "trop volumineu" in json.loads(answers[-1].data)["message"]
    stored = db.session.scalars(sa.select(PartUpdate.data).where(PartUpdate.part_key == key)).all()
    assert sum(len(data) for data in stored) <= cowriting.MAX_DOCUMENT_BYTES + 2 * 1024 * 1024


# ---- Long-polls held open -------------------------------------------------------------------


def test_one_account_cannot_hold_every_thread_with_long_polls(app, world, monkeypatch):
    """Every long-poll held a thread for its 20 seconds, even one its browser had given up
    on: an editor (or a script with their session) could hold all the threads of a worker."""
    import threading
    import time

    from groupes.minutes import cowriting

    monkeypatch.setattr(cowriting, "MAX_WAITS_PER_USER", 2)
    secretary, facilitator = signed_in(app, "secretary"), signed_in(app, "facilitator")
    url = f"/reunions/{world.draft.id}/compte-rendu/direct?depuis=999999999&attente=3"
    held = [threading.Thread(target=secretary.get, args=(url,)) for _ in range(2)]
    for thread in held:
        thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    refused = secretary.get(url)
    assert refused.status_code == 429 and time.monotonic() - started < 1
    assert refused.headers["Retry-After"] == "3" and "un instant" in json.loads(refused.data)["message"]
    # Another editor still waits; and so does the first once their long-polls have answered.
    other = facilitator.get(url.replace("attente=3", "attente=0.2"))
    assert other.status_code == 200
    for thread in held:
        thread.join(5)
    assert secretary.get(url.replace("attente=3", "attente=0.2")).status_code == 200


# ---- An action's follow-up ------------------------------------------------------------------


def test_the_owner_of_a_huis_clos_action_who_may_not_read_it_cannot_follow_it_up(app, world):
    """The dashboard withholds a huis clos action from an owner outside those who read huis
    clos (an observer): its follow-up form answered them with its title, and saved."""
    from world import close, post_form

    from groupes.outcomes.models import Action, ActionStatus

    close(world.validated, 1, with_document=False)
    action = db.session.scalar(sa.select(Action).where(Action.title == "HUISCLOS-1-action"))
    action.owner_person_id = world.users["observer"].person_id
    db.session.commit()
    observer = signed_in(app, "observer")
    url = f"/actions/{action.id}/suivi"
    for headers in ({}, {"HX-Request": "true"}):
        response = observer.post(
            url, data={"status": "done", "note": "", "csrf_token": csrf_token(observer)}, headers=headers
        )
        assert response.status_code in (401, 404)
        assert "HUISCLOS" not in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Action, action.id).status != ActionStatus.DONE
    # A member reads huis clos: owning it, they follow it up.
    action.owner_person_id = world.users["member"].person_id
    db.session.commit()
    assert post_form(signed_in(app, "member"), url, {"status": "done"}).status_code == 302


# ---- The room and the caches ------------------------------------------------------------------


def test_typing_and_waiting_in_the_room_leave_the_sites_caches_alone(app, world):
    """Every long-poll (who is in the room) and every update renewed the site's stamp: while
    a room was open, no page and no PDF of the whole site was ever served from its cache."""
    from groupes.site.stamps import current_stamps

    client = signed_in(app, "secretary")
    key = f"p{world.draft.agenda_items[0].id}"
    docs = opened(client, world.draft)
    site, meeting = current_stamps(), current_stamps(f"meeting:{world.draft.id}")
    assert client.get(f"/reunions/{world.draft.id}/compte-rendu/direct?attente=0&partie={key}").status_code == 200
    assert (
        send(client, world.draft, key, crafted(docs[key], lambda f: paragraph(f, "Tapé en séance"))).status_code == 200
    )
    db.session.rollback()
    assert current_stamps() == site
    assert current_stamps(f"meeting:{world.draft.id}") != meeting  # the text's own pages do change


# ---- Comments on huis clos outcomes, once the minutes are validated ---------------------------


def test_a_comment_on_a_huis_clos_outcome_never_reaches_those_who_may_not_read_it(app, world):
    from world import close, post_form, validate_minutes

    from groupes.outcomes.models import Action, Decision
    from groupes.search.index import rebuild

    meeting = world.in_review
    close(meeting, 5, with_document=False)
    decision = db.session.scalar(sa.select(Decision).where(Decision.text == "HUISCLOS-5-decision"))
    action = db.session.scalar(sa.select(Action).where(Action.title == "HUISCLOS-5-action"))
    member = signed_in(app, "member")
    url = f"/reunions/{meeting.id}/compte-rendu/commentaires"
    for key, body in ((f"d{decision.id}", "HUISCLOS-5-outcomecomment"), (f"a{action.id}", "HUISCLOS-5-actioncomment")):
        assert post_form(member, url, {"outcome": key, "body": body}).status_code in (302, 303)
    facilitator = signed_in(app, "facilitator")
    assert validate_minutes(facilitator, meeting.id, "Relu en séance").status_code == 302
    rebuild()
    db.session.commit()
    for role in ("anonymous", "observer", "outsider"):
        client = signed_in(app, role)
        for page in (
            f"/reunions/{meeting.id}/compte-rendu/relecture",
            f"/reunions/{meeting.id}",
            f"/reunions/{meeting.id}/compte-rendu",
            "/recherche?q=outcomecomment",
            "/recherche?q=HUISCLOS",
        ):
            assert "HUISCLOS-5-" not in client.get(page).get_data(as_text=True), (role, page)
    # Those who read huis clos do see it: the check above looks where it would be.
    assert "HUISCLOS-5-outcomecomment" in member.get(f"/reunions/{meeting.id}/compte-rendu/relecture").get_data(
        as_text=True
    )


# ---- The agenda's drag and drop ---------------------------------------------------------------


def test_a_point_is_never_placed_in_another_meeting_nor_under_itself(app, world):
    from world import post_form

    from groupes.meetings.models import AgendaItem

    client = signed_in(app, "facilitator")
    first, other = world.draft.agenda_items
    foreign = world.validated.agenda_items[0]
    base = f"/reunions/{world.draft.id}/ordre-du-jour"
    assert post_form(client, f"{base}/{other.id}/placer", {"parent": first.id, "index": 0}).status_code in (200, 302)
    db.session.expire_all()
    assert db.session.get(AgendaItem, other.id).parent_id == first.id
    attempts = [
        (first.id, {"parent": foreign.id, "index": 0}),  # under a point of another meeting
        (first.id, {"parent": first.id, "index": 0}),  # under itself
        (first.id, {"parent": other.id, "index": 0}),  # under its own sub-point
        (foreign.id, {"parent": "", "index": 0}),  # another meeting's point, through this one
    ]
    for item_id, data in attempts:
        response = post_form(client, f"{base}/{item_id}/placer", data)
        assert response.status_code < 500, data
    db.session.expire_all()
    assert db.session.get(AgendaItem, first.id).parent_id is None
    assert db.session.get(AgendaItem, other.id).parent_id == first.id
    assert db.session.get(AgendaItem, foreign.id).meeting_id == world.validated.id


# ---- Every page with hostile query parameters -------------------------------------------------

HOSTILE = {
    "page": "²",
    "groupe": "99999999999999999999999",
    "programme": "-1",
    "personne": "①",
    "organisation": "\x00",
    "q": "\"*'() OR NEAR(",
    "depuis": "-99999999999999999999",
    "attente": "nan",
    "partie": "p" + "9" * 40,
    "archive": "1",
    "calendrier": "1",
    "du": "9999-99-99",
    "au": "0000-01-01",
    "statut": "<script>",
    "retour": "javascript:alert(1)",
    "next": "//evil.example",
}


@pytest.mark.parametrize("role", ["anonymous", "member", "admin"])
def test_no_get_route_fails_on_hostile_query_parameters(app, world, role):
    from urllib.parse import urlsplit

    from permission_table import ROWS

    client = signed_in(app, role)
    failures = []
    for _endpoint, method, url, _data, _expected in ROWS:
        if method != "GET":
            continue
        address = url(world)
        if address.endswith(".pdf") or "/direct" in address:
            continue  # rendered PDFs are slow; the room's channel has its own tests
        response = client.get(address.split("?")[0], query_string=HOSTILE)
        if response.status_code >= 500:
            failures.append((address, response.status_code))
        location = urlsplit(response.headers.get("Location", ""))
        assert location.netloc in ("", "localhost") and location.scheme in ("", "http"), address
    assert failures == []


HOSTILE_FORM = {
    "index": "99999999999999999999999",
    "parent": "²",
    "item": "-5",
    "key": "p٣",
    "outcome": "d" + "9" * 30,
    "section_id": "①",
    "parent_id": "²",
    "base_version": "1e999",
    "revision": "nan",
    "outcomes_version": "²",
    "duration": "99999999999999999999",
    "position": "-1",
    "status": "\x00",
    "stamp": "x" * 5000,
    "open": "1",
    "confirmed": "1",
    "next": "//evil.example",
}


@pytest.mark.parametrize("role", ["facilitator", "admin"])
def test_no_post_route_fails_on_hostile_form_fields(app, world, role):
    from urllib.parse import urlsplit

    from permission_table import ROWS

    client = signed_in(app, role)
    failures = []
    for _endpoint, method, url, data, _expected in ROWS:
        if method != "POST":
            continue
        address = url(world)
        fields = data(world) if callable(data) else dict(data or {})
        if any(hasattr(value, "read") or isinstance(value, tuple) for value in fields.values()):
            continue  # uploads have their own tests
        merged = {**fields, **{k: v for k, v in HOSTILE_FORM.items() if k in fields or k in ("next",)}}
        for form in (merged, {**HOSTILE_FORM, **{k: v for k, v in fields.items() if k in ("title", "body")}}):
            response = client.post(address, data={**form, "csrf_token": csrf_token(client)})
            if response.status_code >= 500:
                failures.append((address, sorted(form)))
            location = urlsplit(response.headers.get("Location", ""))
            assert location.netloc in ("", "localhost"), address
    assert failures == []
