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
