"""The rules of the domain hold in the database itself, not only in the code."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError

from groupes.extensions import db
from groupes.groups.models import Membership, Organisation, Person, WorkingGroup
from groupes.meetings.models import Attendance, AttendanceStatus, Meeting
from groupes.minutes.models import Minutes, MinutesRevision, MinutesSection
from groupes.outcomes.models import Action, Finding, FindingKind
from groupes.programmes.models import Programme, SynthesisEntry


@pytest.fixture
def group():
    programme = Programme(title="Démarche")
    group = WorkingGroup(programme=programme, number=1, title="Groupe 1")
    db.session.add(group)
    db.session.commit()
    return group


def meeting_in(group, **fields) -> Meeting:
    meeting = Meeting(group=group, starts_at=datetime(2014, 3, 27, 13, tzinfo=UTC), **fields)
    meeting.minutes = Minutes()
    db.session.add(meeting)
    return meeting


def refused_by_database(*objects) -> None:
    db.session.add_all(objects)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def raw_insert_refused(sql: str, **params) -> None:
    with pytest.raises(IntegrityError):
        with db.engine.begin() as connection:
            connection.execute(sa.text(sql), params)


def test_group_numbers_are_unique_within_a_programme(group):
    refused_by_database(WorkingGroup(programme=group.programme, number=1, title="Doublon"))
    other = Programme(title="Autre démarche")
    db.session.add(WorkingGroup(programme=other, number=1, title="Même numéro ailleurs"))
    db.session.commit()


def test_two_meetings_of_a_group_cannot_start_together_unless_one_is_cancelled(group):
    from groupes.meetings.models import MeetingStatus

    meeting_in(group)
    db.session.commit()
    refused_by_database(meeting_in(group))
    cancelled = meeting_in(group)
    cancelled.status = MeetingStatus.CANCELLED
    db.session.commit()


def test_a_meeting_cannot_end_before_it_starts(group):
    starts = datetime(2014, 3, 27, 13, tzinfo=UTC)
    refused_by_database(meeting_in(group, ends_at=starts - timedelta(minutes=1)))


@pytest.mark.parametrize(
    "table, column",
    [
        ("meetings", "status"),
        ("working_groups", "visibility"),
        ("memberships", "role"),
        ("attendances", "status"),
        ("minutes", "status"),
        ("actions", "status"),
        ("findings", "kind"),
    ],
)
def test_enumerations_are_checked_by_the_database(group, table, column):
    meeting = meeting_in(group, ends_at=None)
    person = Person(name="Karim Benali")
    db.session.add_all([meeting, person, Membership(group=group, person=person)])
    db.session.add(Attendance(meeting=meeting, person=person))
    db.session.add(Action(meeting=meeting, title="Action"))
    db.session.add(Finding(meeting=meeting, kind=FindingKind.PISTE, text="Piste"))
    db.session.commit()
    with pytest.raises(IntegrityError):
        with db.engine.begin() as connection:
            connection.execute(sa.text(f"UPDATE {table} SET {column} = 'inconnu'"))


def test_foreign_keys_are_enforced(group):
    raw_insert_refused(
        "INSERT INTO memberships (group_id, person_id, role) VALUES (:group, 999999, 'member')", group=group.id
    )


def test_only_a_represented_person_has_a_representative(group):
    meeting = meeting_in(group)
    person = Person(name="Ana Diaz")
    refused_by_database(
        meeting, Attendance(meeting=meeting, person=person, status=AttendanceStatus.PRESENT, represented_by="Quelqu'un")
    )


def test_an_action_has_one_owner_at_most(group):
    meeting = meeting_in(group)
    refused_by_database(
        meeting,
        Action(
            meeting=meeting, title="Réserver", owner_person=Person(name="A"), owner_organisation=Organisation(name="B")
        ),
    )


def test_emails_are_unique_whatever_their_case():
    db.session.add(Person(name="A", email="Ana@Exemple.example"))
    db.session.commit()
    assert db.session.scalar(sa.select(Person.email)) == "ana@exemple.example"
    refused_by_database(Person(name="B", email="ana@exemple.EXAMPLE"))


def test_moments_are_stored_in_utc_and_read_back_aware(group):
    paris_summer = timezone(timedelta(hours=2))
    meeting = meeting_in(group)
    meeting.starts_at = datetime(2014, 6, 2, 14, 0, tzinfo=paris_summer)
    db.session.add(meeting)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalar(sa.select(Meeting.starts_at))
    assert stored == datetime(2014, 6, 2, 12, 0, tzinfo=UTC) and stored.tzinfo is not None
    raw = db.session.execute(sa.text("SELECT starts_at FROM meetings")).scalar()
    assert str(raw).startswith("2014-06-02 12:00")


def test_a_naive_moment_is_refused(group):
    meeting = meeting_in(group)
    meeting.starts_at = datetime(2014, 6, 2, 14, 0)
    db.session.add(meeting)
    with pytest.raises(StatementError, match="naive datetime"):
        db.session.commit()
    db.session.rollback()


def test_every_save_of_the_minutes_is_kept_as_a_revision(group):
    meeting = meeting_in(group)
    db.session.add(meeting)
    section = MinutesSection(heading="L'évolution du champ", body="Premier jet")
    meeting.minutes.sections.append(section)
    db.session.flush()
    meeting.minutes.add_revision()
    section.body = "Texte relu"
    meeting.minutes.add_revision(reason="Relecture")
    db.session.commit()
    revisions = db.session.scalars(sa.select(MinutesRevision).order_by(MinutesRevision.number)).all()
    assert [r.number for r in revisions] == [1, 2]
    assert [r.content["sections"][0]["body"] for r in revisions] == ["Premier jet", "Texte relu"]
    assert meeting.minutes.revision == 2
    refused_by_database(MinutesRevision(minutes=meeting.minutes, number=2, status="draft", content={}))


def test_a_synthesis_entry_can_stand_for_findings_of_several_meetings(group):
    first, second = meeting_in(group), meeting_in(group)
    second.starts_at += timedelta(days=7)
    with db.session.no_autoflush:
        findings = [
            Finding(meeting=first, kind=FindingKind.BESOIN, text="Mieux se connaître entre institutions"),
            Finding(meeting=second, kind=FindingKind.BESOIN, text="Connaître les missions de chacun"),
        ]
        entry = SynthesisEntry(
            programme=group.programme, kind=FindingKind.BESOIN, text="Se connaître", sources=findings
        )
        db.session.add(entry)
    db.session.commit()
    db.session.expire_all()
    assert {f.meeting_id for f in db.session.get(SynthesisEntry, entry.id).sources} == {first.id, second.id}
    # The groups' own findings stay as recorded.
    assert [f.text for f in db.session.scalars(sa.select(Finding).order_by(Finding.id))][0].startswith("Mieux")


def test_milestones_take_a_date(group):
    from groupes.programmes.models import Milestone

    db.session.add(Milestone(programme=group.programme, title="Comité de pilotage", date=date(2014, 4, 29)))
    db.session.commit()
    assert group.programme.milestones[0].date.isoformat() == "2014-04-29"
