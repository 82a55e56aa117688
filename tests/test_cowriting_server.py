"""Co-writing: the shared documents of the parts, the Markdown the server derives from them,
and the routes the room's editors use."""

import base64
import json
import re

import pytest
import sqlalchemy as sa
from pycrdt import Doc, XmlElement, XmlText
from world import csrf_token, signed_in

from groupes.extensions import db
from groupes.groups.models import Membership
from groupes.minutes import cowriting
from groupes.minutes.models import MinutesSection, PartUpdate
from groupes.minutes.prose import document_from_markdown, fragment_of, to_markdown
from groupes.minutes.writing import MAX_PART_LENGTH

JSON = {"Accept": "application/json"}


# ---- The converter, both ways ------------------------------------------------------------

ROUND_TRIPS = [
    "# Titre\n\n## Sous-titre\n\n### Petit titre",
    "Un **gras**, un *italique*, ***les deux*** et `du code`.",
    "Un [lien](https://example.org/page) et un [courriel](mailto:a@example.org).",
    "- un\n- deux\n  - deux bis",
    "3. trois\n4. quatre",
    "> Une citation\n>\n> sur deux paragraphes",
    "Une ligne\\\net la suivante",
    "a \\< b \\& c\\_d \\*pas en italique\\*",
    "\\# pas un titre\n\n\\- pas une liste\n\n1\\. pas une liste non plus",
    "**gras *et italique* puis gras** fin",
]


@pytest.mark.parametrize("markdown", ROUND_TRIPS)
def test_markdown_becomes_the_editors_nodes_and_comes_back_the_same(markdown):
    doc = document_from_markdown(markdown)
    assert to_markdown(fragment_of(doc)) == markdown


def test_the_nodes_are_those_the_editor_makes():
    doc = document_from_markdown("## Point\n\n- **un** [lien](https://x.example)\n\n> cité")
    assert str(fragment_of(doc)) == (
        '<heading level="2">Point</heading>'
        '<bulletList><listItem><paragraph><bold>un</bold> <link href="https://x.example">lien</link>'
        "</paragraph></listItem></bulletList><blockquote><paragraph>cité</paragraph></blockquote>"
    )


def test_markdown_the_editor_has_no_node_for_keeps_its_text():
    doc = document_from_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n```\n\n---\n\n#### Titre 4")
    assert to_markdown(fragment_of(doc)) == "a\n\nb\n\n1\n\n2\n\n`code`\n\n### Titre 4"


def test_the_same_markdown_gives_the_same_document():
    assert document_from_markdown("Texte *a*").get_update() == document_from_markdown("Texte *a*").get_update()


def typed(elements) -> Doc:
    """A document as a (possibly malicious) client would make it."""
    doc = Doc()
    fragment = fragment_of(doc)
    for tag, attributes, text, marks in elements:
        element = fragment.children.append(XmlElement(tag))
        for name, value in attributes.items():
            element.attributes[name] = value
        element.children.append(XmlText()).insert(0, text, marks)
    return doc


def test_unknown_nodes_marks_and_unsafe_links_are_dropped_from_the_markdown():
    doc = typed(
        [
            ("paragraph", {}, "<script>alert(1)</script>", None),
            ("iframe", {"src": "https://evil.example"}, "caché", None),
            ("paragraph", {}, "clic", {"link": {"href": "javascript:alert(1)"}}),
            ("paragraph", {}, "souligné", {"underline": {}, "bold": {}}),
            ("heading", {"level": 9}, "Titre", None),
        ]
    )
    assert to_markdown(fragment_of(doc)) == ("\\<script\\>alert(1)\\</script\\>\n\nclic\n\n**souligné**\n\n### Titre")


# ---- The routes --------------------------------------------------------------------------


def writer(app, role="secretary"):
    return signed_in(app, role)


def key_of(meeting):
    return f"p{meeting.agenda_items[0].id}"


def opened(client, meeting) -> tuple[int, dict[str, Doc]]:
    response = client.get(f"/reunions/{meeting.id}/compte-rendu/direct/parties", headers=JSON)
    assert response.status_code == 200
    result = json.loads(response.get_data(as_text=True))
    docs = {}
    for key, state in result["parts"].items():
        docs[key] = Doc()
        docs[key].apply_update(base64.b64decode(state))
    return result["cursor"], docs


def send(client, meeting, key, update: bytes, token=None):
    return client.post(
        f"/reunions/{meeting.id}/compte-rendu/direct",
        json={"key": key, "update": base64.b64encode(update).decode()},
        headers={**JSON, "X-CSRFToken": token or csrf_token(client)},
    )


def edit(doc: Doc, change) -> bytes:
    before = doc.get_state()
    change(fragment_of(doc))
    return doc.get_update(before)


def append_text(text):
    def change(fragment):
        paragraph = fragment.children[0]
        piece = paragraph.children[0] if len(paragraph.children) else paragraph.children.append(XmlText())
        piece.insert(len(piece), text)

    return change


def notes(meeting) -> str:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(MinutesSection.body).where(MinutesSection.agenda_item_id == meeting.agenda_items[0].id)
    )


def test_a_part_written_before_opens_as_its_markdown(app, world):
    _cursor, docs = opened(writer(app), world.draft)
    assert to_markdown(fragment_of(docs[key_of(world.draft)])) == "Notes du point brouillon."


def test_two_editors_typing_at_once_converge_and_the_server_stores_the_markdown(app, world):
    secretary, facilitator = writer(app, "secretary"), writer(app, "facilitator")
    cursor, mine = opened(secretary, world.draft)
    _, theirs = opened(facilitator, world.draft)
    key = key_of(world.draft)
    first = edit(mine[key], append_text(" Ajout de la secrétaire."))
    second = edit(theirs[key], append_text(" Ajout de l’animateur."))
    assert send(secretary, world.draft, key, first).status_code == 200
    assert send(facilitator, world.draft, key, second).status_code == 200
    stored = notes(world.draft)
    assert "Ajout de la secrétaire." in stored and "Ajout de l’animateur." in stored
    # Each editor follows the other's change from its cursor.
    response = secretary.get(f"/reunions/{world.draft.id}/compte-rendu/direct?depuis={cursor}&attente=0&partie={key}")
    result = json.loads(response.get_data(as_text=True))
    for change in result["changes"]:
        mine[change["key"]].apply_update(base64.b64decode(change["update"]))
    assert to_markdown(fragment_of(mine[key])) == stored
    assert result["cursor"] > cursor and {"name": "Secretary Test", "key": key, "me": True} in result["present"]


def test_a_revision_per_author_for_a_few_minutes_of_co_writing(app, world):
    secretary, facilitator = writer(app, "secretary"), writer(app, "facilitator")
    _, mine = opened(secretary, world.draft)
    _, theirs = opened(facilitator, world.draft)
    key = key_of(world.draft)
    before = world.draft.minutes.revision
    for word in ("un", "deux", "trois"):
        assert send(secretary, world.draft, key, edit(mine[key], append_text(f" s-{word}"))).status_code == 200
        assert send(facilitator, world.draft, key, edit(theirs[key], append_text(f" f-{word}"))).status_code == 200
    db.session.expire_all()
    assert world.draft.minutes.revision - before <= 6
    authors = db.session.scalars(
        sa.text("SELECT author_id FROM minutes_revisions WHERE minutes_id = :m AND number > :n"),
        {"m": world.draft.minutes.id, "n": before},
    ).all()
    assert sorted(authors) == sorted([world.users["secretary"].id, world.users["facilitator"].id])


def test_an_update_beyond_the_part_limit_is_refused_with_the_limit(app, world):
    client = writer(app)
    _, docs = opened(client, world.draft)
    key = key_of(world.draft)
    response = send(client, world.draft, key, edit(docs[key], append_text("x" * (MAX_PART_LENGTH + 1))))
    result = json.loads(response.get_data(as_text=True))
    assert response.status_code == 422 and "100\u202f000 au plus" in result["message"]
    assert notes(world.draft) == "Notes du point brouillon."


def test_garbage_and_another_meetings_part_are_refused(app, world):
    client = writer(app)
    _, docs = opened(client, world.draft)
    garbage = send(client, world.draft, key_of(world.draft), b"\x07\xff\xff\xff garbage")
    assert garbage.status_code == 422 and "illisible" in json.loads(garbage.get_data(as_text=True))["message"]
    other = send(client, world.draft, key_of(world.validated), edit(docs[key_of(world.draft)], append_text("x")))
    assert other.status_code == 422 and "ordre du jour" in json.loads(other.get_data(as_text=True))["message"]
    stored = db.session.scalar(
        sa.select(sa.func.count()).select_from(PartUpdate).where(PartUpdate.author_id.is_not(None))
    )
    assert stored == 0
    assert notes(world.draft) == "Notes du point brouillon."


def test_validated_minutes_refuse_updates_in_french(app, world):
    client = writer(app, "facilitator")
    _, docs = opened(client, world.validated)
    key = key_of(world.validated)
    response = send(client, world.validated, key, edit(docs[key], append_text(" tard")))
    assert response.status_code == 422
    assert "Le compte-rendu est validé" in json.loads(response.get_data(as_text=True))["message"]


def test_a_writer_who_lost_the_right_is_refused(app, world):
    client = writer(app)
    _, docs = opened(client, world.draft)
    token = csrf_token(client)
    membership = db.session.scalar(
        sa.select(Membership).where(Membership.person_id == world.users["secretary"].person_id)
    )
    membership.role = "member"
    db.session.commit()
    key = key_of(world.draft)
    response = send(client, world.draft, key, edit(docs[key], append_text(" encore")), token)
    assert response.status_code == 404
    assert notes(world.draft) == "Notes du point brouillon."


def test_a_save_without_javascript_reaches_the_open_editors(app, world):
    client = writer(app)
    cursor, docs = opened(client, world.draft)
    key = key_of(world.draft)
    response = client.post(
        f"/reunions/{world.draft.id}/compte-rendu/parties",
        data={"key": key, "base_version": "1", "body": "Texte **du formulaire**", "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302
    result = json.loads(
        client.get(f"/reunions/{world.draft.id}/compte-rendu/direct?depuis={cursor}&attente=0").get_data(as_text=True)
    )
    for change in result["changes"]:
        docs[change["key"]].apply_update(base64.b64decode(change["update"]))
    assert to_markdown(fragment_of(docs[key])) == "Texte **du formulaire**"


def test_a_part_compacts_its_updates_and_its_readers_miss_nothing(app, world, monkeypatch):
    monkeypatch.setattr(cowriting, "COMPACT_AFTER", 3)
    client = writer(app)
    _, docs = opened(client, world.draft)
    key = key_of(world.draft)
    cursors = []
    for word in ("a", "b", "c", "d", "e"):
        response = send(client, world.draft, key, edit(docs[key], append_text(word)))
        cursors.append(json.loads(response.get_data(as_text=True))["id"])
        if len(cursors) > 1:
            # An editor who had read up to the previous update gets this one.
            later = client.get(f"/reunions/{world.draft.id}/compte-rendu/direct?depuis={cursors[-2]}&attente=0")
            assert key in [c["key"] for c in json.loads(later.get_data(as_text=True))["changes"]]
    assert cursors == sorted(cursors) and len(set(cursors)) == len(cursors)
    rows = db.session.scalars(sa.select(PartUpdate.data).where(PartUpdate.part_key == key)).all()
    assert len(rows) <= 3
    _, fresh = opened(client, world.draft)
    assert to_markdown(fragment_of(fresh[key])) == "Notes du point brouillon.abcde" == notes(world.draft)


def test_a_waiting_editor_is_woken_by_the_others_update(app, world):
    """The long-poll answers as soon as an update is stored (LISTEN/NOTIFY on PostgreSQL,
    a short poll of the table on SQLite), not at the end of its wait."""
    import threading
    import time

    secretary, facilitator = writer(app, "secretary"), writer(app, "facilitator")
    cursor, docs = opened(secretary, world.draft)
    key = key_of(world.draft)
    url = f"/reunions/{world.draft.id}/compte-rendu/direct?depuis={cursor}&attente=10"
    answer = {}

    def wait():
        started = time.monotonic()
        answer["result"] = json.loads(facilitator.get(url).get_data(as_text=True))
        answer["seconds"] = time.monotonic() - started

    waiting = threading.Thread(target=wait)
    waiting.start()
    time.sleep(0.5)
    assert send(secretary, world.draft, key, edit(docs[key], append_text(" vite"))).status_code == 200
    waiting.join(12)
    assert answer["seconds"] < 3 and [c["key"] for c in answer["result"]["changes"]] == [key]


def test_a_sections_title_is_saved_alone_from_the_room(app, world):
    client = writer(app)
    section = world.draft.minutes.free_sections[0]
    body, version = section.body, section.version
    response = client.post(
        f"/reunions/{world.draft.id}/compte-rendu/parties",
        data={
            "key": f"s{section.id}",
            "heading": "Nouveau titre",
            "heading_only": "1",
            "base_version": "0",
            "body": "",
            "csrf_token": csrf_token(client),
        },
        headers=JSON,
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert (section.heading, section.body, section.version) == ("Nouveau titre", body, version + 1)
    notes_key = key_of(world.draft)
    refused = client.post(
        f"/reunions/{world.draft.id}/compte-rendu/parties",
        data={
            "key": notes_key,
            "heading": "x",
            "heading_only": "1",
            "base_version": "0",
            "body": "",
            "csrf_token": csrf_token(client),
        },
        headers=JSON,
    )
    assert refused.status_code == 422 and "section libre" in json.loads(refused.get_data(as_text=True))["message"]


def test_the_versions_page_says_who_wrote_which_part(app, world):
    facilitator, organiser = writer(app, "facilitator"), writer(app, "organiser")
    _, theirs = opened(facilitator, world.draft)
    _, others = opened(organiser, world.draft)
    notes_key, section_key = key_of(world.draft), f"s{world.draft.minutes.free_sections[0].id}"
    secretary = writer(app, "secretary")  # the first version: every part is new in it
    _, first = opened(secretary, world.draft)
    assert send(secretary, world.draft, notes_key, edit(first[notes_key], append_text(" 0."))).status_code == 200
    for doc in (theirs, others):
        doc[notes_key].apply_update(first[notes_key].get_update())
    assert send(facilitator, world.draft, notes_key, edit(theirs[notes_key], append_text(" A."))).status_code == 200
    assert send(organiser, world.draft, section_key, edit(others[section_key], append_text(" B."))).status_code == 200
    html = facilitator.get(f"/reunions/{world.draft.id}/compte-rendu/versions").get_data(as_text=True)
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        author = re.search(r"<td>(\w+ Test)</td>", row)
        if author:
            rows.setdefault(author.group(1), row)  # each author's latest revision: the table starts with the newest
    assert "<li>Ordre du jour de brouillon</li>" in rows["Facilitator Test"]
    assert "Section brouillon" not in rows["Facilitator Test"]
    assert "<li>Section brouillon</li>" in rows["Organiser Test"]
    assert "Ordre du jour de brouillon" not in rows["Organiser Test"]


def test_a_malicious_update_stores_no_html_and_no_unknown_node(app, world):
    client = writer(app)
    _, docs = opened(client, world.draft)
    key = key_of(world.draft)

    def inject(fragment):
        frame = fragment.children.append(XmlElement("iframe"))
        frame.attributes["src"] = "https://evil.example"
        frame.children.append(XmlText()).insert(0, "caché")
        paragraph = fragment.children.append(XmlElement("paragraph"))
        paragraph.children.append(XmlText()).insert(
            0, "<img src=x onerror=alert(1)>", {"link": {"href": "javascript:x"}}
        )

    assert send(client, world.draft, key, edit(docs[key], inject)).status_code == 200
    stored = notes(world.draft)
    assert stored == "Notes du point brouillon.\n\n\\<img src=x onerror=alert(1)\\>"
    page = client.get(f"/reunions/{world.draft.id}/compte-rendu").get_data(as_text=True)
    assert "caché" not in page and "<img src=x" not in page and "javascript:" not in page
