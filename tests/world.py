"""A small world with one person of each role, for the tests of pages and permissions."""

import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html import unescape

import flask
import sqlalchemy as sa
from flask_wtf.csrf import generate_csrf
from samples import pdf
from werkzeug.security import generate_password_hash

from groupes.attachments.attaching import stored_attachment
from groupes.attachments.checks import check_file
from groupes.auth.models import User
from groupes.extensions import db
from groupes.groups.models import Membership, Organisation, Person, Role, Visibility, WorkingGroup
from groupes.meetings.models import AgendaItem, Attendance, AttendanceStatus, Meeting, MeetingStatus
from groupes.minutes.models import Comment, Minutes, MinutesSection, MinutesStatus
from groupes.outcomes.models import Action, Decision, Finding, FindingKind
from groupes.programmes.models import Milestone, Programme, ProgrammeOrganiser
from groupes.search.index import rebuild

PASSWORD = "mot de passe de test"
# Hashed once, with few iterations: the tests sign in hundreds of times.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
ROLES = ["anonymous", "observer", "outsider", "member", "secretary", "facilitator", "organiser", "admin"]


@dataclass
class World:
    programme: Programme
    other_programme: Programme
    private: WorkingGroup  # members only: the roles below are about this group
    public: WorkingGroup
    elsewhere: WorkingGroup  # a members-only group of the other programme
    validated: Meeting
    in_review: Meeting
    draft: Meeting
    public_validated: Meeting
    public_draft: Meeting
    milestone: Milestone
    comment: Comment  # the member's, on the minutes in review
    membership: Membership  # the member's
    second_organiser: ProgrammeOrganiser
    users: dict[str, User]


def meeting(group, day, status, *, text, decision, action_owner=None, title=""):
    m = Meeting(
        group=group,
        starts_at=datetime(2014, 3, day, 13, 0, tzinfo=UTC),
        ends_at=datetime(2014, 3, day, 16, 0, tzinfo=UTC),
        title=title,
        place="Salle du conseil",
        status=MeetingStatus.HELD,
    )
    m.minutes = Minutes(status=status)
    item = AgendaItem(meeting=m, title=f"Ordre du jour de {text}", duration_min=45, position=0)
    m.agenda_items = [item]
    m.minutes.sections = [
        MinutesSection(heading=f"Section {text}", body=f"Texte du compte-rendu {text}.", position=0),
        MinutesSection(agenda_item=item, body=f"Notes du point {text}.", position=1),
    ]
    m.decisions = [Decision(number=1, text=f"Décision {text}")]
    m.actions = [Action(title=f"Action {text}", owner_person=action_owner, due=date(2014, 5, 1))]
    m.findings = [Finding(kind=FindingKind.PISTE, text=f"Piste {text}")]
    return m


def build_world() -> World:
    caf = Organisation(name="CAF du Cher", acronym="CAF")
    people = {
        role: Person(name=f"{role.capitalize()} Test", email=f"{role}@test.example", organisation=caf)
        for role in ROLES[1:]
    }
    users = {}
    for role, person in people.items():
        users[role] = User(person=person, is_admin=role == "admin")
        users[role].password_hash = PASSWORD_HASH
    programme = Programme(title="Assises de test", header="Ministère\nDirection")
    other_programme = Programme(title="Autre démarche")
    private = WorkingGroup(programme=programme, number=1, title="Groupe réservé", visibility=Visibility.MEMBERS)
    public = WorkingGroup(programme=programme, number=2, title="Groupe public", visibility=Visibility.PUBLIC)
    elsewhere = WorkingGroup(programme=other_programme, number=1, title="Groupe d’ailleurs")
    memberships = {
        role: Membership(group=private, person=people[role], role=Role(role))
        for role in ("observer", "member", "secretary", "facilitator")
    }
    outsider = Membership(group=public, person=people["outsider"], role=Role.MEMBER)
    organiser = ProgrammeOrganiser(programme=programme, person=people["organiser"])
    second = ProgrammeOrganiser(programme=programme, person=Person(name="Seconde Organisatrice"))
    milestone = Milestone(programme=programme, title="Comité de pilotage", date=date(2014, 4, 29), place="Orléans")
    member = people["member"]
    meetings = dict(
        validated=meeting(private, 3, MinutesStatus.VALIDATED, text="validé", decision=True, action_owner=member),
        in_review=meeting(private, 10, MinutesStatus.REVIEW, text="en relecture", decision=True, action_owner=member),
        draft=meeting(private, 17, MinutesStatus.DRAFT, text="brouillon", decision=True, action_owner=member),
        public_validated=meeting(public, 4, MinutesStatus.VALIDATED, text="public validé", decision=True),
        public_draft=meeting(public, 11, MinutesStatus.DRAFT, text="public brouillon", decision=True),
    )
    for m in meetings.values():
        m.attendances = [Attendance(person=member, status=AttendanceStatus.PRESENT)]
    # A point without notes, which may be moved or deleted.
    meetings["draft"].agenda_items.append(AgendaItem(title="Divers", duration_min=5, position=1))
    db.session.add_all(
        [
            programme,
            other_programme,
            elsewhere,
            *users.values(),
            *memberships.values(),
            outsider,
            organiser,
            second,
            milestone,
        ]
    )
    db.session.add_all(meetings.values())
    db.session.flush()
    review = meetings["in_review"].minutes
    comment = Comment(
        minutes=review, section=review.sections[0], revision=0, body="Une remarque.", author=users["member"]
    )
    db.session.add(comment)
    db.session.commit()
    return World(
        programme,
        other_programme,
        private,
        public,
        elsewhere,
        milestone=milestone,
        comment=comment,
        membership=memberships["member"],
        second_organiser=second,
        users=users,
        **meetings,
    )


def future_meeting(group, days=7) -> Meeting:
    m = Meeting(group=group, starts_at=datetime.now(UTC) + timedelta(days=days), title="À venir")
    m.minutes = Minutes()
    db.session.add(m)
    db.session.commit()
    return m


TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(client, page: str | None = None) -> str:
    """A CSRF token for the client's next post.

    With ``page``: the token on that page (the page the form is on, which must have one). Without:
    a token bound to the client's session, as any page of the site would give it, made without
    fetching a page."""
    if page is not None:
        html = client.get(page).get_data(as_text=True)
        match = TOKEN.search(html)
        assert match, f"no CSRF token on {page}"
        return match.group(1) or match.group(2)
    app = client.application
    # A request of its own (and its own ``g``, where Flask-WTF keeps the token it made) on a copy of
    # the client's session; the raw token Flask-WTF stores there goes back into the client's cookie.
    with client.session_transaction() as session, app.app_context(), app.test_request_context():
        flask.session.update(session)
        token = generate_csrf()
        session.update(flask.session)
    return token


def sign_in(client, role: str) -> None:
    if role == "anonymous":
        return
    token = csrf_token(client)
    response = client.post(
        "/connexion", data={"email": f"{role}@test.example", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def signed_in(app, role: str):
    """A client of the application, signed in as that role."""
    client = app.test_client()
    sign_in(client, role)
    return client


def post_form(client, url: str, data=None):
    """Post a form as the site's own pages do (with a CSRF token)."""
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client)})


def validate_minutes(client, meeting_id: int, reason: str = ""):
    """Validate minutes as the facilitator does: through the summary, confirming the state it shows."""
    url = f"/reunions/{meeting_id}/compte-rendu/valider"
    summary = client.get(url)
    assert summary.status_code == 200, summary.status_code
    stamp = re.search(r'name="stamp" type="hidden" value="([^"]*)"', summary.get_data(as_text=True)).group(1)
    return post_form(client, url, {"stamp": stamp, "reason": reason})


def read_page(client, url: str) -> str:
    """A page that must answer 200, as text (entities decoded)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return unescape(response.get_data(as_text=True))


def attach(meeting: Meeting, filename: str = "note.pdf", content: bytes | None = None, agenda_item=None, user=None):
    """A document of ``meeting``, stored as an upload stores it (a small real PDF by default)."""
    content = pdf() if content is None else content
    checked = check_file(filename, content, max_size=len(content))
    attachment = stored_attachment(meeting, checked, content, agenda_item, user)
    db.session.commit()
    return attachment


@contextmanager
def counting(app):
    """The SQL statements the block runs."""
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def another_app(app, **settings):
    """The test application with these settings changed (its database unless they name another)."""
    from groupes import create_app

    other = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "INSTANCE_PATH": app.instance_path,
            **settings,
        }
    )
    other.test_client_class = app.test_client_class
    return other


# -- a world whose huis clos passages and drafts carry markers (the sweeps) ----------------------


def close(meeting, n: int, *, with_document: bool = True) -> None:
    """A huis clos point with a sub-point, notes, a decision, an action, a finding and a document
    under it, a huis clos section with a comment, and a decision marked huis clos on its own."""
    point = AgendaItem(title=f"HUISCLOS-{n}-point", presenter=f"HUISCLOS-{n}-presenter", confidential=True)
    point.position = 10
    sub = AgendaItem(title=f"HUISCLOS-{n}-subpoint", parent=point, position=11)
    meeting.agenda_items += [point, sub]
    section = MinutesSection(heading=f"HUISCLOS-{n}-heading", body=f"HUISCLOS-{n}-section", confidential=True)
    section.position = 12
    meeting.minutes.sections += [
        MinutesSection(agenda_item=point, body=f"HUISCLOS-{n}-notes", position=10),
        MinutesSection(agenda_item=sub, body=f"HUISCLOS-{n}-subnotes", position=11),
        section,
    ]
    meeting.decisions += [
        Decision(number=2, text=f"HUISCLOS-{n}-decision", agenda_item=point),
        Decision(number=3, text=f"HUISCLOS-{n}-markeddecision", confidential=True),
    ]
    meeting.actions += [Action(title=f"HUISCLOS-{n}-action", confidential=True)]
    meeting.findings += [Finding(kind=FindingKind.CONSTAT, text=f"HUISCLOS-{n}-finding", agenda_item=sub)]
    db.session.flush()
    db.session.add(Comment(minutes=meeting.minutes, section=section, revision=0, body=f"HUISCLOS-{n}-comment"))
    db.session.commit()
    if with_document:
        attach(meeting, f"HUISCLOS-{n}-document.pdf", agenda_item=point)


def draft(meeting, n: int) -> None:
    meeting.minutes.sections.append(MinutesSection(heading="Brouillon", body=f"BROUILLON-{n}-section", position=20))
    meeting.decisions.append(Decision(number=9, text=f"BROUILLON-{n}-decision"))
    meeting.actions.append(Action(title=f"BROUILLON-{n}-action"))
    db.session.commit()


def marked_world():
    """The world, with the huis clos passages and the drafts the sweeps look for, numbered as
    tests/test_content_sweep.py says, and a public group of the other programme with two meetings."""
    world = build_world()
    other_public = WorkingGroup(
        programme=world.other_programme, number=2, title="Groupe public d’ailleurs", visibility=Visibility.PUBLIC
    )
    db.session.add(other_public)
    elsewhere_validated = meeting(other_public, 5, MinutesStatus.VALIDATED, text="ailleurs", decision=True)
    elsewhere_draft = meeting(other_public, 12, MinutesStatus.DRAFT, text="ailleurs brouillon", decision=True)
    db.session.add_all([elsewhere_validated, elsewhere_draft])
    db.session.commit()
    close(world.validated, 1)
    close(world.public_validated, 2)
    close(elsewhere_validated, 3)
    for n, marked in ((4, world.draft), (5, world.in_review), (6, world.public_draft), (7, elsewhere_draft)):
        draft(marked, n)
    # Huis clos passages in meetings not yet validated are both: their readers are the fewer.
    close(world.draft, 8, with_document=False)
    rebuild()
    return world, elsewhere_validated, elsewhere_draft


def queue_every_kind_of_mail(world: World) -> None:
    """One message of every kind the site sends, about the world's meetings, queued and committed."""
    from groupes.mail import notifications

    world.validated.convened_at = world.validated.starts_at
    by, member = world.users["facilitator"], world.users["member"]
    notifications.invitation(member, world.private, "https://groupes.test/invitation/x", by)
    notifications.added_to_group(member, world.private, by)
    notifications.password_reset(member, "https://groupes.test/mot-de-passe/x")
    notifications.email_change(member, "nouvelle@test.example", "https://groupes.test/compte/adresse/x")
    notifications.convocation(world.validated)
    notifications.convocation(world.validated, update=True)
    notifications.meeting_changed([world.validated])
    notifications.meeting_tomorrow(world.validated)
    notifications.review_requested(world.in_review, by)
    notifications.minutes_validated(world.validated, by)
    notifications.action_assigned(world.validated.actions[0], by)
    notifications.action_due(world.validated.actions[0])
    notifications.meeting_cancelled([world.validated])
    db.session.commit()
