"""Every model of every domain, imported once so that mappers and migrations see them all."""

from groupes.attachments.models import Attachment
from groupes.auth.models import Invitation, User
from groupes.groups.models import Membership, Organisation, Person, Role, Visibility, WorkingGroup
from groupes.mail.models import OutgoingMail
from groupes.meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
)
from groupes.minutes.models import Comment, Minutes, MinutesReader, MinutesRevision, MinutesSection, MinutesStatus
from groupes.outcomes.models import Action, ActionStatus, Decision, Finding, FindingKind
from groupes.privacy.models import AccessLogEntry, AnonymousReading
from groupes.programmes.models import Milestone, Programme, ProgrammeOrganiser, SynthesisEntry
from groupes.site.rate_limits import RateLimitCounter
from groupes.site.stamps import ContentStamp

__all__ = [
    "AccessLogEntry",
    "AnonymousReading",
    "Action",
    "ActionStatus",
    "AgendaItem",
    "Attachment",
    "Attendance",
    "AttendanceStatus",
    "Comment",
    "ContentStamp",
    "Decision",
    "Finding",
    "FindingKind",
    "Invitation",
    "Meeting",
    "MeetingStatus",
    "Membership",
    "Milestone",
    "Minutes",
    "MinutesReader",
    "MinutesRevision",
    "MinutesSection",
    "MinutesStatus",
    "Organisation",
    "OutgoingMail",
    "Person",
    "Programme",
    "ProgrammeOrganiser",
    "RateLimitCounter",
    "Role",
    "SynthesisEntry",
    "User",
    "Visibility",
    "WorkingGroup",
]
