"""Who may see, edit or manage what: the one place that answers.

Every view and every export asks ``may(action, obj)`` (or ``require``), with
the rules of DESIGN.md "Who sees and does what": one small rule per action (a
``Permission``) and kind of object. What a user is (admin,
organiser of which programmes, which role in which group) is loaded once per
request into a ``Viewer``, so that checking a whole page costs no query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any, NoReturn

import sqlalchemy as sa
from flask import abort, g, jsonify, make_response, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from groupes.attachments.models import Attachment
from groupes.auth.models import User
from groupes.extensions import db
from groupes.groups.models import Membership, Organisation, Person, Role, Visibility, WorkingGroup
from groupes.groups.reach import programmes_of_organisations, programmes_of_people
from groupes.meetings.models import Meeting
from groupes.minutes.models import Comment, Minutes, MinutesRevision, MinutesStatus
from groupes.outcomes.models import Action
from groupes.privacy.confidential import not_confidential
from groupes.programmes.models import Programme, ProgrammeOrganiser
from groupes.site.http import is_htmx, wants_json

EDITOR_ROLES = {Role.FACILITATOR, Role.SECRETARY}
# The minutes states each kind of reader may read.
DRAFT_AND_AFTER = frozenset(MinutesStatus)
REVIEW_AND_AFTER = frozenset({MinutesStatus.REVIEW, MinutesStatus.VALIDATED})
VALIDATED_ONLY = frozenset({MinutesStatus.VALIDATED})


@dataclass
class Viewer:
    """The person looking, with everything the rules need to know about them."""

    user_id: int | None = None
    person_id: int | None = None
    is_admin: bool = False
    organised: set[int] = field(default_factory=set)  # programme ids
    roles: dict[int, Role] = field(default_factory=dict)  # group id → role

    @property
    def signed_in(self) -> bool:
        return self.user_id is not None

    @classmethod
    def of(cls, user) -> Viewer:
        if user is None or not user.is_authenticated:
            return cls()
        return cls.from_rows(user, _account_rows(user.id))

    @classmethod
    def from_rows(cls, user, rows) -> Viewer:
        """From the rows of ``_account_rows``: one per (role in a group, programme organised)."""
        roles = {row.group_id: row.role for row in rows if row.group_id is not None}
        organised = {row.programme_id for row in rows if row.programme_id is not None}
        return cls(user.id, user.person_id, user.is_admin, organised, roles)

    # the rules

    def organises(self, programme_id: int) -> bool:
        return self.is_admin or programme_id in self.organised

    def role_in(self, group: WorkingGroup) -> Role | None:
        return self.roles.get(group.id)

    def sees_group(self, group: WorkingGroup) -> bool:
        return group.visibility == Visibility.PUBLIC or self.organises(group.programme_id) or group.id in self.roles

    def edits_group(self, group: WorkingGroup) -> bool:
        """Meetings, agenda, attendance, minutes, decisions, actions."""
        return self.organises(group.programme_id) or self.role_in(group) in EDITOR_ROLES

    def discloses(self, group: WorkingGroup) -> bool:
        """Huis clos passages: the group's editors and members, never observers or the public."""
        return self.edits_group(group) or self.role_in(group) == Role.MEMBER

    def minutes_states(self, group: WorkingGroup) -> frozenset[MinutesStatus]:
        """Which states of a meeting's minutes (and outcomes) this viewer may read."""
        if self.edits_group(group):
            return DRAFT_AND_AFTER
        if self.role_in(group) == Role.MEMBER:
            return REVIEW_AND_AFTER
        return VALIDATED_ONLY if self.sees_group(group) else frozenset()

    def sees_programme(self, programme: Programme, groups: list[WorkingGroup] | None = None) -> bool:
        if self.organises(programme.id):
            return True
        return any(self.sees_group(group) for group in (programme.groups if groups is None else groups))

    def audience(self, group: WorkingGroup | None = None, *, owns_action: bool = False) -> str:
        """Who gets the same cached page (``groupes/site/page_cache.py``) as this viewer: the one
        place that decides it, so that a rule that changes what a page shows is followed here.

        A page of ``group`` (a meeting's): the same rights in the group, and the same person when
        they may follow actions of their own on it (``owns_action``; editors follow them all).
        No group: a page of the viewer's own (the dashboard), kept for them alone."""
        if group is None:
            return f"{self.user_id}:{self.is_admin}"
        owner = self.person_id if owns_action and not self.edits_group(group) else None
        return str((self.organises(group.programme_id), self.role_in(group), self.signed_in, owner))


def viewer() -> Viewer:
    """The viewer of the current request, loaded once (with the account, by ``load_account``)."""
    if "viewer" not in g:
        user = current_user._get_current_object()  # signing in from the session sets g.viewer
        if "viewer" not in g:
            g.viewer = Viewer.of(user)
    return g.viewer


@cache
def _account_query() -> sa.Select:
    """Made once: every request runs it, and making it costs as much as a round trip."""
    return (
        sa.select(User, Membership.group_id, Membership.role, ProgrammeOrganiser.programme_id)
        .outerjoin(Membership, Membership.person_id == User.person_id)
        .outerjoin(ProgrammeOrganiser, ProgrammeOrganiser.person_id == User.person_id)
        .where(User.id == sa.bindparam("user_id"))
        .options(joinedload(User.person))
    )


def _account_rows(user_id: int) -> list[sa.Row]:
    """The account with its person, once per role in a group and programme organised, in one query."""
    return db.session.execute(_account_query(), {"user_id": user_id}).all()


def load_account(user_id: int, token: str) -> User | None:
    """The account of a session, with its person and its rights, in one query; None if it is
    gone, disabled, or its sessions ended since (``token``: signed out, new password, disabled).
    Its rights become the request's viewer: each request reads them anew, so a removed member
    loses access at once."""
    rows = _account_rows(user_id)
    user = rows[0][0] if rows else None
    if user is None or not user.is_active or user.session_key != token:
        return None
    g.viewer = Viewer.from_rows(user, rows)
    return user


def act_as(user) -> None:
    """Answer this request's permission questions for ``user`` (a secret link standing for them)."""
    g.viewer = Viewer.of(user)


class Permission(StrEnum):
    """What ``may`` is asked, each on the objects it names (one rule per pair, in ``RULES``).

    Templates name them by their values (``may('view', group)``), checked all the same."""

    VIEW = "view"  # programme, group, meeting
    READ_MINUTES = "read_minutes"  # meeting
    SEE_ATTENDANCE = "see_attendance"  # meeting
    EDIT = "edit"  # group or meeting: its content
    # programme: its groups, milestones, organisers; group: its own fields and members;
    # person, organisation: its form, its address in the directory (see ``managed``)
    MANAGE = "manage"
    INVITE = "invite"  # group: bring people in by e-mail
    GRANT_FACILITATOR = "grant_facilitator"  # group: make someone its facilitator (see ``grantable_roles``)
    REMOVE_ORGANISER = "remove_organiser"  # programme organiser: an organiser does not remove themselves
    VALIDATE_MINUTES = "validate_minutes"  # meeting
    COMMENT_MINUTES = "comment_minutes"  # meeting: its minutes under review
    APPROVE_MINUTES = "approve_minutes"  # meeting: its minutes under review
    RESOLVE_COMMENT = "resolve_comment"  # comment
    READ_REVISION = "read_revision"  # revision: by the state it was saved in
    READ_CONFIDENTIAL = "read_confidential"  # meeting: its huis clos passages, on pages; exports never carry them
    MARK_CONFIDENTIAL = "mark_confidential"  # meeting: mark or unmark a passage huis clos
    LEAD_MEETING = "lead_meeting"  # meeting: set the point it is at, invite members to follow it live
    FOLLOW_LIVE = "follow_live"  # meeting: read its minutes as they are written, without huis clos
    FOLLOW_ACTION = "follow_action"  # action: its editors and its owner
    CREATE_PROGRAMME = "create_programme"  # None
    MANAGE_DIRECTORY = "manage_directory"  # None: open the directory, add people and organisations
    MERGE = "merge"  # person, organisation: one side of a merge; ``may_merge`` checks the pair
    MANAGE_ACCOUNTS = "manage_accounts"  # None
    MANAGE_MAIL = "manage_mail"  # None
    DOWNLOAD = "download"  # attachment: a meeting's document
    READ_ACCESS_LOG = "read_access_log"  # programme: its organisers; None: the whole log, administrators
    MANAGE_PERSONAL_DATA = "manage_personal_data"  # None: a person's data, export and erasure, administrators


Rule = Callable[[Viewer, Any], bool]
RULES: dict[tuple[Permission, type], Rule] = {}
NOTHING = type(None)  # the object of the permissions that concern no object


def rule(action: Permission, *kinds: type) -> Callable[[Rule], Rule]:
    """Declare the rule that answers ``action`` on objects of ``kinds``."""

    def register(function: Rule) -> Rule:
        for kind in kinds:
            RULES[action, kind] = function
        return function

    return register


def may(action: Permission | str, obj=None) -> bool:
    """May the current user do ``action`` on ``obj``? An action with no rule for such an
    object is a mistake in the code, and raises ValueError."""
    try:
        check = _rule_for(Permission(action), type(obj))
    except (ValueError, KeyError):
        raise ValueError(f"unknown permission {action!r} on {type(obj).__name__}") from None
    return check(viewer(), obj)


@cache
def _rule_for(action: Permission, kind: type) -> Rule:
    for cls in kind.__mro__:
        if (action, cls) in RULES:
            return RULES[action, cls]
    raise KeyError((action, kind))


def grantable_roles(group: WorkingGroup) -> list[Role]:
    """The roles the current user may give in ``group`` (facilitators invite all but facilitators)."""
    return [role for role in Role if role != Role.FACILITATOR or may(Permission.GRANT_FACILITATOR, group)]


# The rules, with those of DESIGN.md "Who sees and does what".


@rule(Permission.VIEW, Programme)
def _view_programme(v: Viewer, programme: Programme) -> bool:
    return v.sees_programme(programme)


@rule(Permission.VIEW, WorkingGroup)
def _view_group(v: Viewer, group: WorkingGroup) -> bool:
    return v.sees_group(group)


@rule(Permission.VIEW, Meeting)
def _view_meeting(v: Viewer, meeting: Meeting) -> bool:
    return v.sees_group(meeting.group)


@rule(Permission.READ_MINUTES, Meeting)
def _read_minutes(v: Viewer, meeting: Meeting) -> bool:
    return meeting.minutes.status in v.minutes_states(meeting.group)


@rule(Permission.READ_CONFIDENTIAL, Meeting)
def _read_confidential(v: Viewer, meeting: Meeting) -> bool:
    return v.discloses(meeting.group)


@rule(Permission.MARK_CONFIDENTIAL, Meeting)
@rule(Permission.VALIDATE_MINUTES, Meeting)
@rule(Permission.LEAD_MEETING, Meeting)
def _lead_meeting(v: Viewer, meeting: Meeting) -> bool:
    """The group's organisers and facilitator."""
    return v.organises(meeting.group.programme_id) or v.role_in(meeting.group) == Role.FACILITATOR


@rule(Permission.FOLLOW_LIVE, Meeting)
def _follow_live(v: Viewer, meeting: Meeting) -> bool:
    """Its editors; the group's members while the facilitator invites them (until the meeting's end)."""
    return v.edits_group(meeting.group) or (meeting.is_followed and v.role_in(meeting.group) == Role.MEMBER)


@rule(Permission.DOWNLOAD, Attachment)
def _download(v: Viewer, attachment: Attachment) -> bool:
    """A meeting's documents are part of its record and may name people: they are
    downloaded by those who may read its minutes in their current state (so a
    draft's documents stay with the editors, and a public group's reach the
    public once validated). Adding and removing them is EDIT on the meeting.
    A document attached to a huis clos point stays with the group, as the point does."""
    meeting = attachment.meeting
    return _read_minutes(v, meeting) and (not attachment.is_confidential or v.discloses(meeting.group))


@rule(Permission.SEE_ATTENDANCE, Meeting)
def _see_attendance(v: Viewer, meeting: Meeting) -> bool:
    group = meeting.group
    return group.id in v.roles or v.organises(group.programme_id) or _read_minutes(v, meeting)


@rule(Permission.EDIT, WorkingGroup)
def _edit_group(v: Viewer, group: WorkingGroup) -> bool:
    return v.edits_group(group)


@rule(Permission.EDIT, Meeting)
def _edit_meeting(v: Viewer, meeting: Meeting) -> bool:
    return v.edits_group(meeting.group)


@rule(Permission.COMMENT_MINUTES, Meeting)
def _comment_minutes(v: Viewer, meeting: Meeting) -> bool:
    group = meeting.group
    writer = v.edits_group(group) or v.role_in(group) == Role.MEMBER
    return writer and not meeting.is_frozen and _read_minutes(v, meeting)


@rule(Permission.APPROVE_MINUTES, Meeting)
def _approve_minutes(v: Viewer, meeting: Meeting) -> bool:
    role = v.role_in(meeting.group)
    return role is not None and role != Role.OBSERVER and meeting.minutes.status == MinutesStatus.REVIEW


@rule(Permission.RESOLVE_COMMENT, Comment)
def _resolve_comment(v: Viewer, comment: Comment) -> bool:
    meeting = comment.minutes.meeting
    own = v.user_id is not None and comment.author_id == v.user_id
    return (own or v.edits_group(meeting.group)) and _comment_minutes(v, meeting)


@rule(Permission.READ_REVISION, MinutesRevision)
def _read_revision(v: Viewer, revision: MinutesRevision) -> bool:
    return revision.status in v.minutes_states(revision.minutes.meeting.group)


@rule(Permission.FOLLOW_ACTION, Action)
def _follow_action(v: Viewer, action: Action) -> bool:
    group = action.meeting.group
    owner = v.person_id is not None and action.owner_person_id == v.person_id
    # A huis clos action is followed by its owner only if they read huis clos (as the dashboard lists it).
    readable = not action.is_confidential or v.discloses(group)
    return v.edits_group(group) or (owner and readable and v.sees_group(group) and _read_minutes(v, action.meeting))


@rule(Permission.MANAGE, Programme)
@rule(Permission.READ_ACCESS_LOG, Programme)
def _organise_programme(v: Viewer, programme: Programme) -> bool:
    return v.organises(programme.id)


@rule(Permission.MANAGE, WorkingGroup)
@rule(Permission.GRANT_FACILITATOR, WorkingGroup)
def _manage_group(v: Viewer, group: WorkingGroup) -> bool:
    return v.organises(group.programme_id)


@rule(Permission.INVITE, WorkingGroup)
def _invite(v: Viewer, group: WorkingGroup) -> bool:
    return v.organises(group.programme_id) or v.role_in(group) == Role.FACILITATOR


@rule(Permission.REMOVE_ORGANISER, ProgrammeOrganiser)
def _remove_organiser(v: Viewer, organiser: ProgrammeOrganiser) -> bool:
    """The programme's organisers, but not of themselves (administrators may)."""
    return v.organises(organiser.programme_id) and (v.is_admin or organiser.person_id != v.person_id)


@rule(Permission.MANAGE_DIRECTORY, NOTHING)
def _manage_directory(v: Viewer, _) -> bool:
    return v.is_admin or bool(v.organised)


@rule(Permission.MANAGE, Person, Organisation)
def _manage_record(v: Viewer, record: Person | Organisation) -> bool:
    return bool(managed([record]))


@rule(Permission.MERGE, Person, Organisation)
def _merge_record(v: Viewer, record: Person | Organisation) -> bool:
    return bool(managed([record], merging=True))


@rule(Permission.CREATE_PROGRAMME, NOTHING)
@rule(Permission.MANAGE_ACCOUNTS, NOTHING)
@rule(Permission.MANAGE_MAIL, NOTHING)
@rule(Permission.READ_ACCESS_LOG, NOTHING)
@rule(Permission.MANAGE_PERSONAL_DATA, NOTHING)
def _administer(v: Viewer, _) -> bool:
    return v.is_admin


def managed(objects: list, *, merging: bool = False) -> list:
    """The people or organisations among ``objects`` (of one kind) the current user manages, in one query.

    Administrators manage everyone. An organiser manages the people who take part in one
    of their programmes (``groupes/groups/reach.py``) and those who take part in none and
    have no account (just added); an organisation when every programme it takes part in
    is theirs (one that takes part in none is every organiser's), so that no organiser
    rewrites what another programme relies on. ``merging``: a record is merged by an
    organiser only when everything it takes part in is in their programmes.
    """
    v = viewer()
    if v.is_admin or not objects:
        return list(objects)
    if not v.organised:
        return []
    if isinstance(objects[0], Person):
        links = programmes_of_people(p.id for p in objects)

        def allowed(person: Person) -> bool:
            mine = links.get(person.id, set())
            if not mine:
                return person.user is None
            return mine <= v.organised if merging else bool(mine & v.organised)

        return [person for person in objects if allowed(person)]
    links = programmes_of_organisations(o.id for o in objects)
    return [organisation for organisation in objects if links.get(organisation.id, set()) <= v.organised]


def may_merge(duplicate: Person | Organisation, survivor: Person | Organisation) -> str | None:
    """Why the current user may not merge ``duplicate`` into ``survivor`` (in French), or None.
    Beyond ``merge`` on both: a merge that would sign an account in with another address is an
    administrator's, as any change of an account's address is."""
    if len(managed([duplicate, survivor], merging=True)) < 2:
        return (
            "Vous ne pouvez fusionner que des fiches qui ne concernent que vos démarches : "
            "demandez à un administrateur."
        )
    v = viewer()
    if isinstance(duplicate, Person) and not v.is_admin:
        if duplicate.user is not None and survivor.email and survivor.email != duplicate.email:
            return (
                f"Le compte de connexion de « {duplicate.name} » changerait d’adresse : "
                "seul un administrateur peut faire cette fusion."
            )
    return None


def edits_email_in_directory(person: Person) -> bool:
    """May the address be changed on the person's form? Not that of an account, which signs in
    with it: only its owner changes it (from /compte, confirmed by a link sent to the new
    address), or an administrator here. Nor, for an organiser, that of a person who takes part
    in another programme too: an invitation to the new address would make the account of
    someone the other programme relies on (its groups included)."""
    if viewer().is_admin:
        return True
    return person.user is None and bool(managed([person], merging=True))


def refuse() -> NoReturn:
    """Anonymous visitors are sent to sign in; signed-in users get 404, so that
    private things (and missing ones) look the same and reveal nothing."""
    signed_in = viewer().signed_in
    if wants_json() or is_htmx():
        # Scripts (autosave, htmx) get an answer they can act on instead of a page.
        abort(make_response(jsonify(error="login" if not signed_in else "not_found"), 404 if signed_in else 401))
    if not signed_in:
        abort(redirect(url_for("auth.login", next=request.full_path.rstrip("?"))))
    abort(404)


def require(action: Permission, obj=None) -> None:
    """Stop the request unless the current user may do ``action`` on ``obj``.

    Edit pages and forms answer 404 too to those who may only read: an
    address of something one may not change is, for them, no page at all.
    """
    if not may(action, obj):
        refuse()


def load_or_refuse(query: sa.Select):
    """The one object a query finds, or the refusal a private object gets."""
    obj = db.session.scalar(query)
    if obj is None:
        refuse()
    return obj


def readable_minutes_clause() -> sa.ColumnElement[bool]:
    """In SQL, the meetings whose minutes (and outcomes) the current user may read:
    the same rule as ``may(Permission.READ_MINUTES, meeting)``, for lists filtered in the
    database. Expects the query to join Meeting and Minutes."""
    v = viewer()
    groups = db.session.execute(sa.select(WorkingGroup.id, WorkingGroup.programme_id, WorkingGroup.visibility)).all()
    by_states: dict[frozenset, list[int]] = {}
    for group in groups:
        states = v.minutes_states(group)
        if states:
            by_states.setdefault(states, []).append(group.id)
    if not by_states:
        return sa.false()
    return sa.or_(
        *(sa.and_(Meeting.group_id.in_(ids), Minutes.status.in_(list(states))) for states, ids in by_states.items())
    )


def disclosed_clause(model, *, document: bool = False) -> sa.ColumnElement[bool]:
    """In SQL, the decisions, actions or findings (``model``, joined to Meeting) the current user
    may see, huis clos ones included for the groups that disclose them to this user; none of
    them in a ``document`` (a download or an export)."""
    visible = not_confidential(model)
    if document:
        return visible
    # The groups that disclose them to this viewer (``Viewer.discloses``), without reading every group.
    v = viewer()
    if v.is_admin:
        return sa.true()
    clauses = [visible]
    member_of = [group_id for group_id, role in v.roles.items() if role in EDITOR_ROLES or role == Role.MEMBER]
    if member_of:
        clauses.append(Meeting.group_id.in_(member_of))
    if v.organised:
        organised = sa.select(WorkingGroup.id).where(WorkingGroup.programme_id.in_(v.organised))
        clauses.append(Meeting.group_id.in_(organised))
    return sa.or_(*clauses)


def visible_group_ids(programme_id: int) -> list[int]:
    """The groups of a programme the current user may see: the only ones whose
    people may be suggested or matched in their forms."""
    groups = db.session.scalars(sa.select(WorkingGroup).where(WorkingGroup.programme_id == programme_id)).all()
    return [group.id for group in groups if may(Permission.VIEW, group)]
