"""The agenda editor: two levels, reordering, the running schedule, copying the previous agenda."""

from datetime import date, time

import pytest
import sqlalchemy as sa
from world import csrf_token, sign_in

from groupes.extensions import db
from groupes.meetings.agenda import AgendaError, add_item, copy_previous_agenda, delete_item, move_item, update_item
from groupes.meetings.models import AgendaItem, Meeting
from groupes.meetings.planning import Slot, plan_meeting
from groupes.meetings.schedule import agenda_schedule, planned_minutes
from groupes.site.timezone import PARIS


@pytest.fixture
def meeting(world):
    meeting = plan_meeting(world.private, Slot(date(2014, 6, 12), time(10), time(12)))
    db.session.commit()  # domain functions flush; their caller commits
    return meeting


def outline(meeting: Meeting) -> list[str]:
    """The agenda as it reads: sub-items indented."""
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    lines = []

    def walk(entries, depth):
        for entry in entries:
            lines.append("  " * depth + entry.item.title)
            walk(entry.children, depth + 1)

    walk(agenda_schedule(meeting), 0)
    return lines


def add(meeting, title, duration=None, parent=None):
    item = add_item(meeting, title=title, duration=duration, presenter="", parent_id=parent.id if parent else None)
    db.session.commit()  # as its caller would
    return item


def test_items_nest_on_two_levels_and_the_schedule_runs_from_the_start(meeting):
    point = add(meeting, "Tour de table", 30)
    add(meeting, "Institutions", 20, parent=point)
    add(meeting, "Associations", 15, parent=point)
    add(meeting, "Calendrier", 10)
    assert outline(meeting) == [
        "Validation du compte-rendu de la réunion précédente",
        "Suivi des actions",
        "Tour de table",
        "  Institutions",
        "  Associations",
        "Calendrier",
    ]
    schedule = agenda_schedule(db.session.get(Meeting, meeting.id))
    clock = [(e.item.title, e.starts_at.astimezone(PARIS).strftime("%H:%M")) for e in schedule]
    assert clock == [
        ("Validation du compte-rendu de la réunion précédente", "10:00"),
        ("Suivi des actions", "10:10"),
        ("Tour de table", "10:25"),
        ("Calendrier", "10:55"),
    ]
    children = [(c.item.title, c.starts_at.astimezone(PARIS).strftime("%H:%M")) for c in schedule[2].children]
    assert children == [("Institutions", "10:25"), ("Associations", "10:45")]
    assert planned_minutes(schedule) == 10 + 15 + 30 + 10


def test_a_third_level_is_refused(meeting):
    point = add(meeting, "Point")
    child = add(meeting, "Sous-point", parent=point)
    with pytest.raises(AgendaError, match="2 niveaux au plus"):
        add(meeting, "Sous-sous-point", parent=child)
    with pytest.raises(AgendaError, match="2 niveaux au plus"):
        move_item(child, "indent")
    with pytest.raises(AgendaError, match="a lui-même des sous-points"):
        update_item(point, title="Point", duration=None, presenter="", parent_id=meeting.agenda_items[0].id)


def test_an_item_of_another_meeting_cannot_be_a_parent(world, meeting):
    with pytest.raises(AgendaError, match="n’appartient pas à cet ordre du jour"):
        add_item(meeting, title="Intrus", duration=None, presenter="", parent_id=world.draft.agenda_items[0].id)


def test_reordering_up_down_indent_outdent(meeting):
    a, b, c = add(meeting, "A"), add(meeting, "B"), add(meeting, "C")
    move_item(c, "up")
    assert outline(meeting)[2:] == ["A", "C", "B"]
    move_item(db.session.get(AgendaItem, c.id), "indent")
    assert outline(meeting)[2:] == ["A", "  C", "B"]
    move_item(db.session.get(AgendaItem, b.id), "indent")
    assert outline(meeting)[2:] == ["A", "  C", "  B"]
    move_item(db.session.get(AgendaItem, c.id), "down")
    assert outline(meeting)[2:] == ["A", "  B", "  C"]
    move_item(db.session.get(AgendaItem, b.id), "outdent")
    assert outline(meeting)[2:] == ["A", "  C", "B"]
    assert a.id


@pytest.mark.parametrize(
    "setup, direction, message",
    [
        (lambda m: m.agenda_items[0], "up", "déjà le premier de son niveau"),
        (lambda m: add(m, "Dernier"), "down", "déjà le dernier de son niveau"),
        (lambda m: m.agenda_items[0], "indent", "Le premier point ne peut pas passer sous un point précédent."),
        (lambda m: m.agenda_items[0], "outdent", "déjà au premier niveau"),
        (lambda m: m.agenda_items[0], "sideways", "Déplacement inconnu."),
    ],
)
def test_impossible_moves_change_nothing(meeting, setup, direction, message):
    item = setup(meeting)
    before = outline(meeting)
    with pytest.raises(AgendaError, match=message):
        move_item(db.session.get(AgendaItem, item.id), direction)
    db.session.rollback()
    assert outline(meeting) == before


def test_deleting_a_point_takes_its_sub_points_but_never_notes(world, meeting):
    point = add(meeting, "Point")
    add(meeting, "Sous-point", parent=point)
    delete_item(db.session.get(AgendaItem, point.id))
    db.session.commit()
    assert outline(meeting) == outline(meeting)[:2]
    with pytest.raises(AgendaError, match="a des notes au compte-rendu"):
        delete_item(world.draft.agenda_items[0])
    db.session.rollback()
    assert db.session.get(AgendaItem, world.draft.agenda_items[0].id) is not None


def test_copying_the_previous_agenda(world, meeting):
    copied = copy_previous_agenda(db.session.get(Meeting, meeting.id))
    assert copied == 2
    assert outline(meeting)[-2:] == ["Ordre du jour de brouillon", "Divers"]


def test_a_first_meeting_has_nothing_to_copy(world):
    first = plan_meeting(world.elsewhere, Slot(date(2014, 6, 12), time(10), None))
    with pytest.raises(AgendaError, match="pas de réunion précédente"):
        copy_previous_agenda(first)


def test_the_agenda_and_attendance_of_validated_minutes_are_frozen(world):
    from groupes.meetings.attendance import AttendanceError, add_guest, record

    validated = world.validated
    for change in (
        lambda: add_item(validated, title="Ajout tardif", duration=None, presenter="", parent_id=None),
        lambda: update_item(
            validated.agenda_items[0], title="Titre réécrit", duration=None, presenter="", parent_id=None
        ),
        lambda: move_item(validated.agenda_items[0], "down"),
        lambda: delete_item(validated.agenda_items[0]),
    ):
        with pytest.raises(AgendaError, match="son ordre du jour est figé"):
            change()
        db.session.rollback()
    with pytest.raises(AttendanceError, match="la liste de présence est figée"):
        record(validated.attendances[0], status="absent")
    db.session.rollback()
    with pytest.raises(AttendanceError, match="la liste de présence est figée"):
        add_guest(validated, name="Tardive", organisation="", email=None)
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Meeting, validated.id).agenda_items[0].title == "Ordre du jour de validé"


def editor(app, role="secretary"):
    client = app.test_client()
    sign_in(client, role)
    return client


def test_the_editor_warns_when_the_agenda_overruns(app, meeting):
    add(meeting, "Long débat", 120)
    html = editor(app).get(f"/reunions/{meeting.id}/ordre-du-jour").get_data(as_text=True)
    assert (
        "Durée prévue : 2\u00a0h\u00a025 pour une réunion de 2\u00a0h : <strong>l’ordre du jour dépasse de 25\u00a0min</strong>"
        in html
    )


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"title": "", "duration": "30", "presenter": "Quelqu’un de gardé"}, "Ce champ est obligatoire."),
        ({"title": "Point gardé", "duration": "une heure"}, "N’est pas un entier valide."),
        ({"title": "Point gardé", "duration": "-5"}, "Une durée de 0 à 1440 minutes."),
        ({"title": "Point gardé", "parent": "999999"}, "N’est pas un choix valide."),
    ],
)
def test_a_bad_item_form_is_shown_again_and_changes_nothing(app, meeting, count, fields, message):
    client = editor(app)
    before = count(AgendaItem)
    url = f"/reunions/{meeting.id}/ordre-du-jour"
    response = client.post(url, data={"parent": "0", **fields, "csrf_token": csrf_token(client, url)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    kept = fields.get("presenter") or fields["title"]
    assert kept.replace("'", "&#39;") in html
    assert count(AgendaItem) == before


def test_a_third_level_through_the_form_is_refused_with_a_message(app, meeting, count):
    point = add(meeting, "Point")
    child = add(meeting, "Sous-point", parent=point)
    client = editor(app)
    url = f"/reunions/{meeting.id}/ordre-du-jour/{child.id}"
    before = count(AgendaItem)
    response = client.post(
        url, data={"title": "Sous-point", "parent": str(child.id), "csrf_token": csrf_token(client, url)}
    )
    assert response.status_code == 200 and "N’est pas un choix valide." in response.get_data(as_text=True)
    assert count(AgendaItem) == before
    assert db.session.scalar(sa.select(AgendaItem.parent_id).where(AgendaItem.id == child.id)) == point.id


def test_moves_from_the_editor_buttons(app, meeting):
    add(meeting, "A")
    b = add(meeting, "B")
    client = editor(app)
    token = csrf_token(client, f"/reunions/{meeting.id}/ordre-du-jour")
    client.post(
        f"/reunions/{meeting.id}/ordre-du-jour/{b.id}/deplacer", data={"direction": "indent", "csrf_token": token}
    )
    assert outline(meeting)[2:] == ["A", "  B"]
    first = meeting.agenda_items[0]
    response = client.post(
        f"/reunions/{meeting.id}/ordre-du-jour/{first.id}/deplacer",
        data={"direction": "indent", "csrf_token": token},
        follow_redirects=True,
    )
    assert "Le premier point ne peut pas passer sous un point précédent." in response.get_data(as_text=True)
    assert outline(meeting)[2:] == ["A", "  B"]
