"""Writing the minutes: no lost edits, every revision kept, the workflow and its rules."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from world import read_page, signed_in

from groupes.dbtypes import utcnow
from groupes.extensions import db
from groupes.meetings.models import Meeting
from groupes.minutes.models import MinutesRevision, MinutesSection, MinutesStatus
from groupes.minutes.writing import (
    MAX_PART_LENGTH,
    Conflict,
    MinutesError,
    add_section,
    delete_section,
    reopen,
    save_part,
    submit_for_review,
    validate,
)
from groupes.outcomes.models import ActionStatus
from groupes.outcomes.recording import add_action, add_decision, add_finding, delete_decision, edit_decision, follow_up


@pytest.fixture
def draft(world):
    return world.draft


def user(world, role):
    return world.users[role]


def notes_key(meeting):
    return f"p{meeting.agenda_items[0].id}"


def test_each_save_makes_a_revision_with_its_author(world, draft):
    section = next(s for s in draft.minutes.sections if s.agenda_item_id)
    saved = save_part(
        draft.minutes,
        key=notes_key(draft),
        base_version=section.version,
        body="Premier jet",
        user=user(world, "secretary"),
    )
    assert saved.version == 2 and saved.section.updated_by.person.name == "Secretary Test"
    assert saved.revision == draft.minutes.revision and saved.key == notes_key(draft)
    save_part(draft.minutes, key=notes_key(draft), base_version=2, body="Texte relu", user=user(world, "facilitator"))
    revisions = db.session.scalars(
        sa.select(MinutesRevision)
        .where(MinutesRevision.minutes_id == draft.minutes.id)
        .order_by(MinutesRevision.number)
    ).all()
    assert [r.number for r in revisions] == [1, 2]
    assert [r.author.person.name for r in revisions] == ["Secretary Test", "Facilitator Test"]
    bodies = [next(p["body"] for p in r.content["sections"] if p["agenda_item_id"]) for r in revisions]
    assert bodies == ["Premier jet", "Texte relu"]


def test_a_save_based_on_a_stale_version_is_a_conflict_keeping_both_texts(world, draft):
    key = notes_key(draft)
    section = next(s for s in draft.minutes.sections if s.agenda_item_id)
    start = section.version
    save_part(
        draft.minutes, key=key, base_version=start, body="Le texte de la secrétaire", user=user(world, "secretary")
    )
    with pytest.raises(Conflict) as conflict:
        save_part(
            draft.minutes, key=key, base_version=start, body="Le texte de l’animateur", user=user(world, "facilitator")
        )
    assert conflict.value.mine == "Le texte de l’animateur"
    assert conflict.value.theirs == "Le texte de la secrétaire" and conflict.value.by == "Secretary Test"
    assert conflict.value.version == start + 1
    db.session.expire_all()
    assert db.session.get(MinutesSection, section.id).body == "Le texte de la secrétaire"
    merged = save_part(
        draft.minutes,
        key=key,
        base_version=conflict.value.version,
        body="Les deux textes fusionnés",
        user=user(world, "facilitator"),
    )
    assert merged.section.body == "Les deux textes fusionnés"


def test_saving_the_same_text_twice_is_harmless(world, draft):
    key = notes_key(draft)
    section = next(s for s in draft.minutes.sections if s.agenda_item_id)
    start = section.version
    save_part(draft.minutes, key=key, base_version=start, body="Même texte", user=user(world, "secretary"))
    again = save_part(draft.minutes, key=key, base_version=start, body="Même texte", user=user(world, "secretary"))
    assert again.version == start + 1


def test_notes_of_an_item_without_notes_start_at_version_zero(world):
    meeting = world.draft
    from groupes.meetings.agenda import add_item

    item = add_item(meeting, title="Nouveau point", duration=None, presenter="", parent_id=None)
    saved = save_part(meeting.minutes, key=f"p{item.id}", base_version=0, body="Notes", user=user(world, "secretary"))
    assert saved.version == 1 and saved.section.agenda_item_id == item.id
    with pytest.raises(Conflict):
        save_part(
            meeting.minutes, key=f"p{item.id}", base_version=0, body="Autres notes", user=user(world, "facilitator")
        )


@pytest.mark.parametrize("key", ["x1", "s", "s999999", "p999999"])
def test_unknown_parts_are_refused(world, draft, key):
    with pytest.raises(MinutesError):
        save_part(draft.minutes, key=key, base_version=1, body="?", user=user(world, "secretary"))


def test_a_part_of_another_meeting_is_refused(world, draft):
    other = next(s for s in world.validated.minutes.sections if s.agenda_item_id is None)
    with pytest.raises(MinutesError, match="Cette section n’existe plus"):
        save_part(
            draft.minutes,
            key=f"s{other.id}",
            base_version=other.version,
            body="Intrusion",
            user=user(world, "secretary"),
        )
    with pytest.raises(MinutesError, match="n’appartient pas à l’ordre du jour"):
        save_part(
            draft.minutes,
            key=f"p{world.validated.agenda_items[0].id}",
            base_version=1,
            body="x",
            user=user(world, "secretary"),
        )


def test_a_huge_paste_is_refused_whole(world, draft, count):
    key = notes_key(draft)
    before = count(MinutesRevision)
    with pytest.raises(MinutesError, match="pour 100\u202f000 au plus par partie"):
        save_part(
            draft.minutes, key=key, base_version=1, body="x" * (MAX_PART_LENGTH + 1), user=user(world, "secretary")
        )
    assert count(MinutesRevision) == before


def test_validated_minutes_are_frozen_until_reopened_with_a_reason(world, draft):
    minutes = draft.minutes
    submit_for_review(minutes, user(world, "secretary"))
    assert minutes.status == MinutesStatus.REVIEW
    validate(minutes, user(world, "facilitator"))
    assert minutes.validated_by.person.name == "Facilitator Test" and minutes.validated_at is not None
    frozen = db.session.scalar(
        sa.select(MinutesRevision).where(
            MinutesRevision.minutes_id == minutes.id, MinutesRevision.number == minutes.validated_revision
        )
    )
    assert frozen.status == MinutesStatus.VALIDATED and frozen.reason == "Validé"
    with pytest.raises(MinutesError, match="Le compte-rendu est validé"):
        save_part(minutes, key=notes_key(draft), base_version=1, body="Après coup", user=user(world, "secretary"))
    with pytest.raises(MinutesError, match="Le compte-rendu est validé"):
        add_decision(draft, text="Trop tard")
    with pytest.raises(MinutesError, match="Indiquez pourquoi"):
        reopen(minutes, user(world, "facilitator"), "  ")
    reopen(minutes, user(world, "facilitator"), "Une erreur de date")
    assert minutes.status == MinutesStatus.DRAFT
    last = db.session.scalar(
        sa.select(MinutesRevision)
        .where(MinutesRevision.minutes_id == minutes.id)
        .order_by(MinutesRevision.number.desc())
    )
    assert last.reason == "Rouvert : Une erreur de date" and last.number == minutes.revision


def test_workflow_steps_out_of_order_are_refused(world):
    with pytest.raises(MinutesError, match="Seul un brouillon"):
        submit_for_review(world.validated.minutes, user(world, "secretary"))
    with pytest.raises(MinutesError, match="déjà validé"):
        validate(world.validated.minutes, user(world, "facilitator"))
    with pytest.raises(MinutesError, match="Seul un compte-rendu validé"):
        reopen(world.draft.minutes, user(world, "facilitator"), "motif")


def test_free_sections_come_and_go_and_stay_in_the_history(world, draft):
    section = add_section(
        draft.minutes, heading="Les thématiques qui émergent", body="Trois thèmes.", user=user(world, "secretary")
    )
    delete_section(draft.minutes, section, user(world, "secretary"))
    revisions = db.session.scalars(
        sa.select(MinutesRevision)
        .where(MinutesRevision.minutes_id == draft.minutes.id)
        .order_by(MinutesRevision.number)
    ).all()
    assert any(p["heading"] == "Les thématiques qui émergent" for p in revisions[-2].content["sections"])
    assert not any(p["heading"] == "Les thématiques qui émergent" for p in revisions[-1].content["sections"])
    with pytest.raises(MinutesError, match="Donnez un titre ou un texte"):
        add_section(draft.minutes, heading=" ", body="", user=user(world, "secretary"))


def test_decisions_are_numbered_and_renumbered(world, draft):
    first = draft.decisions[0]
    second = add_decision(draft, text="Élargir le groupe", agenda_item_id=draft.agenda_items[0].id)
    third = add_decision(draft, text="Organiser une journée")
    assert [d.number for d in (first, second, third)] == [1, 2, 3]
    delete_decision(second, base_version=second.version)
    db.session.expire_all()
    meeting = db.session.get(Meeting, draft.id)
    assert [(d.number, d.text) for d in meeting.decisions] == [(1, "Décision brouillon"), (2, "Organiser une journée")]
    with pytest.raises(MinutesError, match="Une décision ne peut pas être vide."):
        add_decision(meeting, text="   ")
    with pytest.raises(MinutesError, match="Une décision ne peut pas être vide."):
        edit_decision(meeting.decisions[0], text="", base_version=1)


def test_actions_have_an_owner_a_due_date_and_a_history(world, draft):
    action = add_action(
        draft,
        title="Inviter les employeurs",
        owner="Member Test",
        due=date(2014, 5, 1),
        agenda_item_id=None,
        user=user(world, "secretary"),
    )
    assert action.owner_person.name == "Member Test" and action.owner_organisation is None
    by_organisation = add_action(
        draft,
        title="Réserver la salle",
        owner="Conseil départemental",
        due=None,
        agenda_item_id=None,
        user=user(world, "secretary"),
    )
    assert by_organisation.owner_organisation.name == "Conseil départemental"
    follow_up(action, status="in_progress", note="Courrier parti", user=user(world, "member"))
    follow_up(action, status="in_progress", note="Deux réponses", user=user(world, "member"))
    follow_up(action, status="done", note="", user=user(world, "secretary"))
    assert action.status == ActionStatus.DONE
    assert [(u.status.value, u.note) for u in action.updates] == [
        ("open", "Action décidée en réunion."),
        ("in_progress", "Courrier parti"),
        ("in_progress", "Deux réponses"),
        ("done", ""),
    ]
    with pytest.raises(MinutesError, match="Rien à enregistrer"):
        follow_up(action, status="done", note=" ", user=user(world, "secretary"))
    with pytest.raises(MinutesError, match="Le titre d’une action ne peut pas être vide."):
        add_action(draft, title="", owner="", due=None, agenda_item_id=None, user=user(world, "secretary"))


def test_findings_are_typed_and_attached_to_their_item(world, draft):
    finding = add_finding(draft, kind="besoin", text="Mieux se connaître", agenda_item_id=draft.agenda_items[0].id)
    assert finding.kind.plural_label == "Besoins repérés" and finding.agenda_item_id == draft.agenda_items[0].id
    with pytest.raises(ValueError):
        add_finding(draft, kind="idée", text="x")
    with pytest.raises(MinutesError, match="n’appartient pas"):
        add_finding(draft, kind="piste", text="x", agenda_item_id=world.validated.agenda_items[0].id)


def test_two_saves_racing_at_the_database_lose_nothing(world, draft):
    """Both read version N; one commits first; the other's write is refused by the
    database (UPDATE … WHERE version = N) and becomes a conflict offering both texts."""
    from sqlalchemy.orm import Session

    from groupes.minutes.models import Minutes

    key = notes_key(draft)
    section = next(s for s in draft.minutes.sections if s.agenda_item_id)
    start = section.version
    with Session(db.engine) as elsewhere:
        rival = elsewhere.get(MinutesSection, section.id)
        rival.body, rival.version = "Texte arrivé d’abord", rival.version + 1
        elsewhere.get(Minutes, draft.minutes.id).revision += 1
        elsewhere.commit()
    with pytest.raises(Conflict) as conflict:
        save_part(draft.minutes, key=key, base_version=start, body="Texte arrivé second", user=user(world, "secretary"))
    assert conflict.value.theirs == "Texte arrivé d’abord" and conflict.value.mine == "Texte arrivé second"
    db.session.expire_all()
    assert db.session.get(MinutesSection, section.id).body == "Texte arrivé d’abord"


def test_saving_a_different_part_at_the_same_moment_is_not_a_conflict(world, draft):
    from sqlalchemy.orm import Session

    from groupes.minutes.models import Minutes

    minutes = draft.minutes
    section = minutes.free_sections[0]
    item = draft.agenda_items[0]
    with Session(db.engine) as elsewhere:
        other = elsewhere.get(Minutes, minutes.id)
        notes = next(s for s in other.sections if s.agenda_item_id == item.id)
        notes.body, notes.version = "Notes de l’autre", notes.version + 1
        other.revision += 1
        elsewhere.commit()
    saved = save_part(
        minutes, key=f"s{section.id}", base_version=section.version, body="Mon texte", user=user(world, "secretary")
    )
    assert saved.section.body == "Mon texte"
    db.session.expire_all()
    assert db.session.get(MinutesSection, section.id).body == "Mon texte"
    assert (
        next(s for s in db.session.get(Minutes, minutes.id).sections if s.agenda_item_id == item.id).body
        == "Notes de l’autre"
    )


def test_two_first_saves_of_the_same_item_notes_are_a_conflict(world):
    from sqlalchemy.orm import Session

    from groupes.meetings.agenda import add_item
    from groupes.minutes.models import Minutes

    item = add_item(world.draft, title="Nouveau point", duration=10, presenter="", parent_id=None)
    db.session.commit()  # as its caller would
    minutes = world.draft.minutes
    _ = list(minutes.sections), list(minutes.meeting.agenda_items)
    with Session(db.engine) as elsewhere:
        other = elsewhere.get(Minutes, minutes.id)
        other.sections.append(MinutesSection(agenda_item_id=item.id, body="Texte de A", version=1, position=0))
        other.revision += 1
        elsewhere.commit()
    with pytest.raises(Conflict) as conflict:
        save_part(minutes, key=f"p{item.id}", base_version=0, body="Texte de B", user=user(world, "secretary"))
    assert conflict.value.theirs == "Texte de A" and conflict.value.mine == "Texte de B"


def revisions_of(minutes) -> list[MinutesRevision]:
    db.session.expire_all()
    return db.session.scalars(
        sa.select(MinutesRevision).where(MinutesRevision.minutes_id == minutes.id).order_by(MinutesRevision.number)
    ).all()


class Clock:
    """The time the minutes' writing sees, moved by the test."""

    def __init__(self, monkeypatch):
        self.start = self.now = utcnow()
        monkeypatch.setattr("groupes.minutes.writing.utcnow", lambda: self.now)

    def at(self, minutes: float) -> None:
        self.now = self.start + timedelta(minutes=minutes)


def history(minutes) -> list[tuple[int, str, list[str]]]:
    """Each revision's number, author and the text of each part."""
    return [
        (r.number, r.author.person.name.split()[0], [s["body"] for s in r.content["sections"]])
        for r in revisions_of(minutes)
    ]


def test_an_authors_successive_saves_make_one_revision_for_a_few_minutes(app, world, draft, monkeypatch):
    minutes, key, secretary = draft.minutes, notes_key(draft), user(world, "secretary")
    clock = Clock(monkeypatch)
    saved = save_part(minutes, key=key, base_version=1, body="Texte 0", user=secretary)
    for n in range(1, 5):  # autosaves, a minute apart
        clock.at(n)
        saved = save_part(minutes, key=key, base_version=saved.version, body=f"Texte {n}", user=secretary)
    [revision] = revisions_of(minutes)
    assert (revision.number, revision.content["sections"][1]["body"]) == (5, "Texte 4")
    assert (revision.started_at, revision.created_at) == (clock.start, clock.start + timedelta(minutes=4))
    assert saved.revision == minutes.revision == 5  # the counter that guards concurrent saves moves on
    listed = read_page(signed_in(app, "facilitator"), f"/reunions/{draft.id}/compte-rendu/versions")
    assert "enregistrements successifs depuis" in listed

    # Someone else saves this part: their own revision, and the secretary's next save starts a new one.
    clock.at(5)
    other = save_part(minutes, key=key, base_version=saved.version, body="Relu", user=user(world, "facilitator"))
    clock.at(6)
    saved = save_part(minutes, key=key, base_version=other.version, body="Texte 6", user=secretary)
    clock.at(15)
    saved = save_part(minutes, key=key, base_version=saved.version, body="Texte 15", user=secretary)
    # Ten minutes after a revision began, the next save starts another.
    clock.at(16.1)
    saved = save_part(minutes, key=key, base_version=saved.version, body="Texte 16", user=secretary)
    assert [(number, author, parts[1]) for number, author, parts in history(minutes)] == [
        (5, "Secretary", "Texte 4"),
        (6, "Facilitator", "Relu"),
        (8, "Secretary", "Texte 15"),
        (9, "Secretary", "Texte 16"),
    ]


def test_people_writing_different_parts_at_once_keep_one_revision_each(world, draft, monkeypatch):
    """Four writers saving in turn, each their own part: each one's latest revision moves on to
    the newest number with the whole text, so that the history holds one copy per writer."""
    minutes, clock = draft.minutes, Clock(monkeypatch)
    writers = [user(world, role) for role in ("secretary", "facilitator", "member", "organiser")]
    free = [s for s in minutes.sections if s.agenda_item_id is None]
    added = [add_section(minutes, heading=f"Partie {n}", body="", user=w) for n, w in enumerate(writers[2:])]
    keys = [notes_key(draft)] + [f"s{s.id}" for s in (*free, *added)]
    versions = dict.fromkeys(keys, 1)
    for second in range(45):
        clock.at(second / 60)
        for writer, key in zip(writers, keys, strict=True):
            saved = save_part(minutes, key=key, base_version=versions[key], body=f"{second}", user=writer)
            versions[key] = saved.version
    kept = history(minutes)
    assert [(number, author) for number, author, _ in kept] == [
        (minutes.revision - 3, "Secretary"),
        (minutes.revision - 2, "Facilitator"),
        (minutes.revision - 1, "Member"),
        (minutes.revision, "Organiser"),
    ]
    assert kept[-1][2] == ["44"] * 4  # the newest is the whole text as it stands


def test_submission_validation_and_reopening_always_make_their_own_revision(world, draft):
    minutes, key, facilitator = draft.minutes, notes_key(draft), user(world, "facilitator")
    version = next(s for s in minutes.sections if s.agenda_item_id).version
    saved = save_part(minutes, key=key, base_version=version, body="Brouillon", user=facilitator)
    submit_for_review(minutes, facilitator)
    # In review, members read and approve numbered revisions: every save makes its own.
    saved = save_part(minutes, key=key, base_version=saved.version, body="Corrigé", user=facilitator)
    saved = save_part(minutes, key=key, base_version=saved.version, body="Corrigé encore", user=facilitator)
    validate(minutes, facilitator)
    reopen(minutes, facilitator, "Une coquille")
    saved = save_part(minutes, key=key, base_version=saved.version, body="Sans coquille", user=facilitator)
    assert [(r.number, r.reason) for r in revisions_of(minutes)] == [
        (1, ""),
        (2, "Soumis à la relecture"),
        (3, ""),
        (4, ""),
        (5, "Validé"),
        (6, "Rouvert : Une coquille"),
        (7, ""),
    ]
