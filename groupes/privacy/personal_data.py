"""A person's data: everything the site holds about them (the RGPD right of access), and erasure.

Erasure keeps the minutes others rely on whole: the person's row stays under a
neutral name, so that attendance lists and actions still add up; their
account, memberships, e-mail address, function, mail and readings go; their
review comments stay, unsigned; the access log no longer names them. Free
text written by others (the minutes themselves) is not rewritten: the
person's page lists the meetings whose texts name them (``name_mentions``),
huis clos passages included, and an administrator edits those texts like any
other.
"""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from groupes.attachments.models import Attachment
from groupes.auth.models import Invitation, User
from groupes.dbtypes import utcnow
from groupes.errors import DomainError
from groupes.extensions import db
from groupes.groups.models import Membership, Person, Role, WorkingGroup
from groupes.mail.models import OutgoingMail
from groupes.meetings.models import AgendaItem, Attendance, Meeting
from groupes.minutes.models import Comment, Minutes, MinutesReader, MinutesSection
from groupes.outcomes.models import Action, ActionUpdate, Decision, Finding
from groupes.privacy.access_log import ERASED, record
from groupes.privacy.models import AccessKind, AccessLogEntry
from groupes.privacy.retention import clear_cached_documents
from groupes.privacy.rights_log import person_label
from groupes.programmes.models import ProgrammeOrganiser
from groupes.site.timezone import PARIS

FORMAT = "groupes/donnees-personnelles/1"


class ErasureRefused(DomainError):
    """Erasing this person now would break something; the message says what to do first."""


def _when(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(PARIS).isoformat(timespec="minutes")
    return value.isoformat()


def _meeting(meeting: Meeting) -> str:
    day = meeting.starts_at.astimezone(PARIS).strftime("%d/%m/%Y")
    return f"{meeting.group.programme.title} – groupe {meeting.group.number}, réunion du {day}"


# The texts of a meeting that may name someone, each with how to reach its meeting.
NAMING_TEXTS = {
    "compte-rendu": (MinutesSection, (MinutesSection.heading, MinutesSection.body), Minutes.meeting_id),
    "ordre du jour": (AgendaItem, (AgendaItem.title, AgendaItem.presenter), AgendaItem.meeting_id),
    "décisions": (Decision, (Decision.text,), Decision.meeting_id),
    "actions": (Action, (Action.title,), Action.meeting_id),
    "éléments de synthèse": (Finding, (Finding.text,), Finding.meeting_id),
    "commentaires de relecture": (Comment, (Comment.quote, Comment.body), Minutes.meeting_id),
}


def name_mentions(person: Person) -> list[tuple[Meeting, list[str]]]:
    """The meetings whose texts name this person (as written, or in other case), huis clos
    passages included, and which texts: erasure does not rewrite them. In two queries."""
    if person.erased_at is not None or not person.name.strip():
        return []
    name = person.name.strip()
    found = []
    for kind, (model, columns, meeting_id) in NAMING_TEXTS.items():
        query = sa.select(meeting_id.label("meeting_id"), sa.literal(kind).label("kind")).select_from(model)
        if meeting_id.class_ is Minutes:
            query = query.join(Minutes, model.minutes_id == Minutes.id)
        found.append(
            query.where(
                sa.or_(
                    *(column.contains(name, autoescape=True) for column in columns),
                    *(sa.func.lower(column).contains(name.lower(), autoescape=True) for column in columns),
                )
            )
        )
    kinds: dict[int, set[str]] = {}
    for meeting, kind in db.session.execute(sa.union(*found)):
        kinds.setdefault(meeting, set()).add(kind)
    meetings = db.session.scalars(
        sa.select(Meeting)
        .where(Meeting.id.in_(kinds))
        .options(joinedload(Meeting.group).joinedload(WorkingGroup.programme))
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return [(meeting, [kind for kind in NAMING_TEXTS if kind in kinds[meeting.id]]) for meeting in meetings]


def person_data(person: Person, mentions: list[tuple[Meeting, list[str]]] | None = None) -> dict[str, Any]:
    """Everything about ``person``, as plain data with French keys (it is for them to read);
    ``mentions``: their ``name_mentions`` if already read."""
    user = person.user
    user_id = user.id if user else None
    data: dict[str, Any] = {
        "format": FORMAT,
        "exporte_le": _when(utcnow()),
        "personne": {
            "nom": person.name,
            "adresse_e_mail": person.email,
            "fonction": person.function,
            "structure": person.organisation.name if person.organisation else None,
            "anonymisee_le": _when(person.erased_at),
        },
        "compte": None,
        "groupes": [
            {
                "demarche": m.group.programme.title,
                "groupe": m.group.number,
                "titre": m.group.title,
                "role": m.role.label,
            }
            for m in person.memberships
        ],
        "organisation_de_demarches": list(
            db.session.scalars(sa.select(ProgrammeOrganiser).where(ProgrammeOrganiser.person_id == person.id)).all()
        ),
        "presences": [
            {
                "reunion": _meeting(a.meeting),
                "statut": a.status.label,
                "represente_par": a.represented_by,
                "arrivee": _when(a.arrived_at),
                "depart": _when(a.left_at),
                "emarge": a.signed,
            }
            for a in db.session.scalars(sa.select(Attendance).where(Attendance.person_id == person.id))
        ],
        "actions_confiees": [
            {"reunion": _meeting(a.meeting), "intitule": a.title, "echeance": _when(a.due), "etat": a.status.label}
            for a in db.session.scalars(sa.select(Action).where(Action.owner_person_id == person.id))
        ],
    }
    data["organisation_de_demarches"] = [o.programme.title for o in data["organisation_de_demarches"]]
    if user is not None:
        data["compte"] = {
            "cree_le": _when(user.created_at),
            "derniere_connexion": _when(user.last_login_at),
            "administration": user.is_admin,
            "actif": user.active,
            "courriels_souhaites": {
                "convocations": user.notify_convocations,
                "relectures": user.notify_reviews,
                "comptes_rendus_valides": user.notify_validated,
                "actions": user.notify_actions,
                "rappels": user.notify_reminders,
            },
            "agenda_personnel": user.calendar_token is not None,
        }
        data.update(_account_activity(user_id))
    data["textes_qui_la_nomment"] = [
        {"reunion": _meeting(meeting), "textes": kinds}
        for meeting, kinds in (name_mentions(person) if mentions is None else mentions)
    ]
    data["courriels"] = (
        [
            {"le": _when(m.created_at), "objet": m.subject, "envoye_le": _when(m.sent_at)}
            for m in db.session.scalars(
                sa.select(OutgoingMail).where(OutgoingMail.recipient == person.email).order_by(OutgoingMail.id)
            )
        ]
        if person.email
        else []
    )
    return data


def _account_activity(user_id: int) -> dict[str, list]:
    """What the person did with their account."""
    comments = db.session.scalars(sa.select(Comment).where(Comment.author_id == user_id).order_by(Comment.id)).all()
    minutes_meeting = {
        m.id: m.meeting
        for m in db.session.scalars(sa.select(Minutes).where(Minutes.id.in_({c.minutes_id for c in comments})))
    }
    readings = db.session.scalars(sa.select(MinutesReader).where(MinutesReader.user_id == user_id)).all()
    return {
        "commentaires_de_relecture": [
            {
                "reunion": _meeting(minutes_meeting[c.minutes_id]),
                "le": _when(c.created_at),
                "citation": c.quote,
                "texte": c.body,
            }
            for c in comments
        ],
        "lectures": [
            {
                "reunion": _meeting(r.minutes.meeting),
                "version_lue": r.read_revision,
                "lue_le": _when(r.read_at),
                "approuvee_le": _when(r.approved_at),
            }
            for r in readings
        ],
        "suivis_d_actions": [
            {"action": u.action.title, "le": _when(u.created_at), "etat": u.status.label, "note": u.note}
            for u in db.session.scalars(sa.select(ActionUpdate).where(ActionUpdate.author_id == user_id))
        ],
        "documents_deposes": [
            {"reunion": _meeting(a.meeting), "nom": a.filename, "le": _when(a.created_at)}
            for a in db.session.scalars(sa.select(Attachment).where(Attachment.uploaded_by_id == user_id))
        ],
        "invitations": [
            {
                "groupe": i.group.title if i.group else None,
                "le": _when(i.created_at),
                "acceptee_le": _when(i.accepted_at),
            }
            for i in db.session.scalars(sa.select(Invitation).where(Invitation.user_id == user_id))
        ],
        "journal_des_acces": [
            {"le": _when(e.at), "type": e.kind.label, "quoi": e.target, "detail": e.detail}
            for e in db.session.scalars(
                sa.select(AccessLogEntry).where(AccessLogEntry.user_id == user_id).order_by(AccessLogEntry.at)
            )
        ],
    }


def sole_facilitations(person: Person) -> list[WorkingGroup]:
    """The groups this person is the only one to facilitate."""
    groups = []
    for membership in person.memberships:
        if membership.role == Role.FACILITATOR:
            others = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Membership)
                .where(
                    Membership.group_id == membership.group_id,
                    Membership.role == Role.FACILITATOR,
                    Membership.person_id != person.id,
                )
            )
            if not others:
                groups.append(membership.group)
    return groups


def erase_person(person: Person, by: User) -> None:
    """Erase the person as the module says; refused (nothing changed) with the way forward."""
    if person.erased_at is not None:
        raise ErasureRefused("Les données de cette personne ont déjà été effacées.")
    if person.user is not None and person.user.id == by.id:
        raise ErasureRefused(
            "Vous ne pouvez pas effacer vos propres données : demandez-le à une autre personne de l’administration."
        )
    alone = sole_facilitations(person)
    if alone:
        names = ", ".join(f"groupe {g.number} « {g.title} »" for g in alone)
        raise ErasureRefused(
            f"{person.name} est seul·e à animer : {names}. Nommez d’abord une autre personne à l’animation "
            "(page « Membres » du groupe), puis recommencez l’effacement."
        )
    old_name, email, number = person.name, person.email, person.id
    user = person.user
    # The name goes first, so that the log of the rights removed below does not repeat it.
    person.name, person.email, person.function, person.erased_at = ERASED, None, "", utcnow()
    for membership in list(person.memberships):
        db.session.delete(membership)
    for organiser in db.session.scalars(sa.select(ProgrammeOrganiser).where(ProgrammeOrganiser.person_id == number)):
        db.session.delete(organiser)
    if email:
        db.session.execute(sa.delete(OutgoingMail).where(OutgoingMail.recipient == email))
    if user is not None:
        db.session.execute(
            sa.update(AccessLogEntry).where(AccessLogEntry.user_id == user.id).values(actor=ERASED, user_id=None)
        )
        db.session.delete(user)
    mention, neutral = person_label(old_name, number), person_label(ERASED, number)
    for column in (AccessLogEntry.target, AccessLogEntry.detail):
        db.session.execute(
            sa.update(AccessLogEntry)
            .where(column.contains(mention, autoescape=True))
            .values({column.key: sa.func.replace(column, mention, neutral)})
        )
    record(AccessKind.RIGHTS, f"Personne n° {number}", programme_id=None, detail="données personnelles effacées")
    db.session.commit()
    clear_cached_documents()
