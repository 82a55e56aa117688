"""Planning meetings: numbering, series, moves, cancellations, standing agenda items, invitations."""

from datetime import UTC, date, datetime, time
from html import unescape

import pytest
import sqlalchemy as sa
from world import post_form, read_page, signed_in

from groupes.extensions import db
from groupes.meetings.models import AgendaItemKind, Meeting, MeetingSeries, MeetingStatus
from groupes.meetings.numbering import meeting_numbers
from groupes.meetings.planning import (
    MAX_SERIES,
    PlanningError,
    Rhythm,
    Slot,
    cancel_meeting,
    plan_meeting,
    plan_series,
    previous_meeting,
    restore_meeting,
    update_meeting,
)


def local(meeting):
    from groupes.site.timezone import PARIS

    return meeting.starts_at.astimezone(PARIS)


def test_a_new_meeting_has_the_standing_items_and_invites_the_members(world):
    meeting = plan_meeting(world.private, Slot(date(2014, 6, 12), time(10), time(12, 30), "Bilan", "Salle 3"))
    assert [(i.title, i.kind) for i in meeting.agenda_items] == [
        ("Validation du compte-rendu de la réunion précédente", AgendaItemKind.PREVIOUS_MINUTES),
        ("Suivi des actions", AgendaItemKind.ACTIONS_REVIEW),
    ]
    invited = sorted(a.person.name for a in meeting.attendances)
    assert invited == ["Facilitator Test", "Member Test", "Secretary Test"]  # observers are not invited
    assert local(meeting).hour == 10 and meeting.starts_at.tzinfo is not None
    assert previous_meeting(meeting) == world.draft


def test_meetings_are_numbered_by_date_and_the_numbers_follow_moves_and_cancellations(world):
    group = world.private
    first, second, third = world.validated, world.in_review, world.draft
    assert meeting_numbers(group.meetings) == {first.id: 1, second.id: 2, third.id: 3}
    update_meeting(second, Slot(date(2014, 3, 20), time(14), time(17)))
    db.session.expire_all()
    assert meeting_numbers(group.meetings) == {first.id: 1, third.id: 2, second.id: 3}
    cancel_meeting(third)
    db.session.expire_all()
    assert meeting_numbers(group.meetings) == {first.id: 1, second.id: 2}


def test_a_monthly_series_on_the_second_thursday(world):
    meetings = plan_series(
        world.private,
        Slot(date(2014, 9, 1), time(9, 30), time(12, 30), "", "CLICOSS"),
        Rhythm("monthly", nth=2, weekday=3, until=date(2014, 12, 31)),
    )
    assert [local(m).date().isoformat() for m in meetings] == ["2014-09-11", "2014-10-09", "2014-11-13", "2014-12-11"]
    # Summer and winter time: always 9 h 30 in Paris.
    assert {local(m).time() for m in meetings} == {time(9, 30)}
    assert meetings[0].series.description == "le 2e jeudi de chaque mois, 09:30–12:30"


def test_a_series_every_two_weeks_for_n_meetings(world):
    meetings = plan_series(world.public, Slot(date(2014, 9, 1), time(14), None), Rhythm("weekly", interval=2, count=3))
    assert [local(m).date().isoformat() for m in meetings] == ["2014-09-01", "2014-09-15", "2014-09-29"]


def test_the_last_friday_of_each_month(world):
    meetings = plan_series(
        world.public, Slot(date(2014, 9, 1), time(14), None), Rhythm("monthly", nth=-1, weekday=4, count=2)
    )
    assert [local(m).date().isoformat() for m in meetings] == ["2014-09-26", "2014-10-31"]


@pytest.mark.parametrize(
    "rhythm, field, message",
    [
        (Rhythm("weekly"), "until", "Indiquez une date de fin ou un nombre de réunions."),
        (Rhythm("weekly", until=date(2030, 1, 1)), "until", f"Une série compte au plus {MAX_SERIES} réunions"),
        (Rhythm("monthly", nth=4, weekday=0, until=date(2014, 9, 2)), "day", "Aucune réunion ne tombe entre ces dates"),
    ],
)
def test_a_series_that_cannot_be_is_refused_whole(world, count, rhythm, field, message):
    before = count(Meeting)
    with pytest.raises(PlanningError) as error:
        plan_series(world.private, Slot(date(2014, 9, 1), time(10), None), rhythm)
    assert error.value.field == field and message in str(error.value)
    assert count(Meeting) == before and count(MeetingSeries) == 0


def test_a_series_colliding_with_a_meeting_writes_nothing(world, count):
    plan_meeting(world.private, Slot(date(2014, 10, 9), time(9, 30), None))
    before = count(Meeting)
    with pytest.raises(PlanningError, match="Le groupe a déjà une réunion le 09/10/2014 à 09:30"):
        plan_series(
            world.private, Slot(date(2014, 9, 1), time(9, 30), None), Rhythm("monthly", nth=2, weekday=3, count=3)
        )
    assert count(Meeting) == before


def test_a_double_submit_does_not_create_two_meetings(world, count):
    slot = Slot(date(2014, 6, 12), time(10), None)
    plan_meeting(world.private, slot)
    before = count(Meeting)
    with pytest.raises(PlanningError):
        plan_meeting(world.private, slot)
    assert count(Meeting) == before


@pytest.mark.parametrize(
    "slot, field, message",
    [
        (Slot(date(2014, 6, 12), time(12), time(10)), "end", "La fin doit venir après le début."),
        (Slot(date(2014, 6, 12), time(12), time(12)), "end", "La fin doit venir après le début."),
        (Slot(date(2014, 3, 30), time(2, 30), None), "start", "Cette heure n’existe pas ce jour-là à Paris"),
    ],
)
def test_impossible_times_are_refused(world, slot, field, message):
    with pytest.raises(PlanningError) as error:
        plan_meeting(world.private, slot)
    assert error.value.field == field and message in str(error.value)


def series_of_four(world):
    return plan_series(
        world.public, Slot(date(2014, 9, 1), time(9, 30), time(12)), Rhythm("monthly", nth=2, weekday=3, count=4)
    )


def test_editing_the_rest_of_a_series(world):
    meetings = series_of_four(world)
    update_meeting(
        meetings[1], Slot(date(2014, 10, 10), time(14), time(17), "Après-midi", "Salle B"), scope="following"
    )
    db.session.expire_all()
    days_and_hours = [(local(m).date().isoformat(), local(m).hour, m.place) for m in meetings]
    assert days_and_hours == [
        ("2014-09-11", 9, ""),
        ("2014-10-10", 14, "Salle B"),  # this one moved to the new date
        ("2014-11-13", 14, "Salle B"),  # the following keep their dates, take the new hours and place
        ("2014-12-11", 14, "Salle B"),
    ]


def test_editing_one_meeting_of_a_series_leaves_the_others(world):
    meetings = series_of_four(world)
    update_meeting(meetings[1], Slot(date(2014, 10, 9), time(14), None, "", "Ailleurs"), scope="this")
    db.session.expire_all()
    assert [m.place for m in meetings] == ["", "Ailleurs", "", ""]


def test_cancelling_the_rest_of_a_series_and_restoring_one(world):
    meetings = series_of_four(world)
    assert len(cancel_meeting(meetings[2], scope="following").changed) == 2
    db.session.expire_all()
    assert [m.status for m in meetings] == [MeetingStatus.PLANNED] * 2 + [MeetingStatus.CANCELLED] * 2
    restore_meeting(meetings[3])
    assert meetings[3].status == MeetingStatus.PLANNED


def test_a_cancelled_meeting_cannot_come_back_onto_a_taken_slot(world):
    meeting = plan_meeting(world.private, Slot(date(2014, 6, 12), time(10), None))
    cancel_meeting(meeting)
    plan_meeting(world.private, Slot(date(2014, 6, 12), time(10), None))
    with pytest.raises(PlanningError, match="déjà une réunion"):
        restore_meeting(meeting)


def test_previous_meeting_skips_cancelled_ones(world):
    cancel_meeting(world.in_review)
    db.session.expire_all()
    assert previous_meeting(db.session.get(Meeting, world.draft.id)).id == world.validated.id
    assert previous_meeting(db.session.get(Meeting, world.validated.id)) is None


def test_the_meeting_page_links_the_previous_minutes_and_lists_open_actions(app, world):
    from world import sign_in

    meeting = plan_meeting(world.private, Slot(date(2014, 6, 12), time(10), None))
    db.session.commit()
    client = app.test_client()
    sign_in(client, "member")
    html = client.get(f"/reunions/{meeting.id}").get_data(as_text=True)
    assert f'<a href="/reunions/{world.draft.id}">Validation du compte-rendu de la réunion précédente</a>' in html
    assert "Action validé — Member Test, pour le 1er mai 2014" in html
    assert "Action brouillon" not in html  # a draft's actions stay with the editors
    sign_in(client := app.test_client(), "secretary")
    assert "Action brouillon" in client.get(f"/reunions/{meeting.id}").get_data(as_text=True)


def test_a_video_link_in_the_place_becomes_a_link(app, world):
    from world import sign_in

    meeting = plan_meeting(
        world.private, Slot(date(2014, 6, 12), time(10), None, "", "Visio : https://visio.example/salle?id=4 <b>")
    )
    db.session.commit()
    client = app.test_client()
    sign_in(client, "member")
    html = client.get(f"/reunions/{meeting.id}").get_data(as_text=True)
    assert (
        'Visio : <a href="https://visio.example/salle?id=4" rel="noopener noreferrer">https://visio.example/salle?id=4</a> &lt;b&gt;'
        in html
    )


def test_planning_stays_in_utc(world):
    meeting = plan_meeting(world.private, Slot(date(2014, 7, 1), time(10), None))
    raw = db.session.execute(sa.text("SELECT starts_at FROM meetings WHERE id = :id"), {"id": meeting.id}).scalar()
    assert str(raw).startswith("2014-07-01 08:00")
    assert meeting.starts_at == datetime(2014, 7, 1, 8, tzinfo=UTC)


@pytest.mark.parametrize(
    "slot, rhythm, field, year",
    [
        (Slot(date(201, 1, 1), time(10), None), None, "day", 201),
        (Slot(date(9999, 12, 31), time(10), None), None, "day", 9999),
        (Slot(date(1, 1, 1), time(0), None), Rhythm("weekly", count=3), "day", 1),
        # A series that starts in the window but runs out of it.
        (Slot(date(2100, 11, 4), time(10), None), Rhythm("monthly", nth=1, weekday=3, count=3), "until", 2101),
    ],
)
def test_dates_outside_1900_to_2100_are_refused_whatever_plans_them(world, count, slot, rhythm, field, year):
    before = count(Meeting)
    with pytest.raises(PlanningError) as error:
        plan_series(world.private, slot, rhythm) if rhythm else plan_meeting(world.private, slot)
    assert error.value.field == field
    assert str(error.value) == f"Date refusée : l’année doit être comprise entre 1900 et 2100 (année {year})."
    assert count(Meeting) == before


def test_a_meeting_years_away_is_kept_with_a_warning(app, world, count):
    facilitator = signed_in(app, "facilitator")
    url = f"/groupes/{world.private.id}/reunions/nouvelle"
    today = date.today()
    far = date(today.year + 6, today.month, 12)
    created = post_form(facilitator, url, {"day": far.isoformat(), "start": "10:00"})
    page = read_page(facilitator, created.location)
    assert "Réunion créée" in page and "Attention : cette réunion est à plus de 5 ans d’aujourd’hui" in page
    near = date(today.year + 1, today.month, 13)
    created = post_form(facilitator, url, {"day": near.isoformat(), "start": "10:00"})
    assert "Attention" not in read_page(facilitator, created.location)


def test_the_meeting_forms_refuse_absurd_dates_and_keep_the_text(app, world, count):
    facilitator = signed_in(app, "facilitator")
    before = count(Meeting)
    for url, fields in [
        (f"/groupes/{world.private.id}/reunions/nouvelle", {"day": "0201-01-01", "start": "10:00"}),
        (f"/reunions/{world.draft.id}/modifier", {"day": "9999-12-31", "start": "10:00", "title": "Gardé"}),
        (
            f"/groupes/{world.private.id}/reunions/serie",
            {
                "day": "2014-09-04",
                "start": "10:00",
                "rhythm": "monthly",
                "nth": "1",
                "weekday": "3",
                "until": "3014-01-01",
            },
        ),
    ]:
        response = post_form(facilitator, url, fields)
        html = unescape(response.get_data(as_text=True))
        assert response.status_code == 200 and "l’année doit être comprise entre 1900 et 2100" in html, url
        assert all(f'value="{value}"' in html for value in fields.values() if value[0] not in "0123"), url
    assert count(Meeting) == before
    db.session.expire_all()
    assert world.draft.starts_at.year == 2014
