"""The facilitator's view of the live meeting: the point it is at, the presentation view to
project, the members' follow view, and the piece of room the editors' pages refresh.

The pages refresh themselves with a conditional GET every second or two (``X-Fragment: 1``,
answered 304 when nothing changed): the point, its outcomes and any huis clos mark set since
reach every open page without a reload. The ETag is the meeting's ``room_stamp``, read
before anything is rendered: an unchanged page costs a few short queries, no template.
"""

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for

from groupes.auth.permissions import Permission, require
from groupes.dbtypes import utcnow
from groupes.extensions import db
from groupes.meetings.loading import load_meeting
from groupes.minutes.live import (
    close_to_followers,
    live_audience,
    live_point,
    open_to_followers,
    room_stamp,
    set_live_point,
    stamped_meeting,
)
from groupes.minutes.writing import MinutesError
from groupes.privacy.reading import reader_view
from groupes.site.forms import ConfirmForm
from groupes.site.http import wants_fragment

blueprint = Blueprint("live", __name__)


def conditional(stamp: str, render):
    """A piece of page with its stamp as ETag: 304, rendering nothing, when the page holds it
    already. (The forms' CSRF tokens in a fresh piece differ, but the page keeps those it
    holds, valid as long as the page's own.)"""
    response = make_response("", 304) if request.if_none_match.contains(stamp) else make_response(render())
    response.set_etag(stamp)
    response.headers["Cache-Control"] = "no-cache, private"
    response.vary.add("X-Fragment")
    return response


def live_page(meeting_id: int, permission: Permission, template: str, fragment: str, **context):
    """A live page, or (for its script) only the part that changes, with its ETag: the meeting
    is loaded in full only for what is rendered."""
    meeting = stamped_meeting(meeting_id)
    require(permission, meeting)

    def render(name: str) -> str:
        meeting = load_meeting(meeting_id)
        view = reader_view(meeting, live_audience(meeting), document=True)
        context.update(
            meeting=meeting, group=meeting.group, view=view, point=live_point(meeting), invited=meeting.is_followed
        )
        return render_template(name, **context)

    if wants_fragment():
        return conditional(room_stamp(meeting, text=True), lambda: render(fragment))
    return render(template)


def render_room(meeting) -> str:
    return render_template(
        "minutes/_room_live.html", meeting=meeting, point=live_point(meeting), editable=not meeting.minutes.is_frozen
    )


@blueprint.route("/reunions/<int:meeting_id>/salle/en-direct")
def room_state(meeting_id: int):
    """What the room refreshes: the point the meeting is at and the outcomes, as editors see them."""
    meeting = stamped_meeting(meeting_id)
    require(Permission.EDIT, meeting)
    return conditional(room_stamp(meeting), lambda: render_room(load_meeting(meeting_id)))


@blueprint.route("/reunions/<int:meeting_id>/salle/projection")
def projection(meeting_id: int):
    """The presentation view, to project: the point the meeting is at, its decisions and actions."""
    return live_page(meeting_id, Permission.EDIT, "minutes/projection.html", "minutes/_projection_live.html")


@blueprint.route("/reunions/<int:meeting_id>/compte-rendu/suivre")
def follow(meeting_id: int):
    """The minutes as they are written, read-only, for the members the facilitator invited."""
    return live_page(meeting_id, Permission.FOLLOW_LIVE, "minutes/follow.html", "minutes/_follow_live.html")


def lead(meeting_id: int, step, success: str):
    meeting = load_meeting(meeting_id)
    require(Permission.LEAD_MEETING, meeting)
    if ConfirmForm().validate_on_submit():
        try:
            step(meeting)
        except MinutesError as error:
            db.session.rollback()
            if wants_fragment():
                return render_template("minutes/_refusal.html", message=str(error)), 422
            flash(str(error), "error")
        else:
            db.session.commit()
            if wants_fragment():
                return render_room(meeting)
            flash(success, "success")
    return redirect(url_for("minutes.room", meeting_id=meeting.id, _anchor="en-seance"))


@blueprint.route("/reunions/<int:meeting_id>/salle/point", methods=["POST"])
def set_point(meeting_id: int):
    """The facilitator moves the meeting to a point (« On en est à … »): every page shows it."""
    item_id = request.form.get("item", type=int)
    return lead(meeting_id, lambda m: set_live_point(m, item_id, utcnow()), "Point en cours changé.")


@blueprint.route("/reunions/<int:meeting_id>/salle/suivi", methods=["POST"])
def followers(meeting_id: int):
    """Invite the group's members to follow the minutes live, or end it."""
    opening = request.form.get("open") == "1"

    def step(meeting):
        if opening:
            open_to_followers(meeting, utcnow())
        else:
            close_to_followers(meeting)

    message = (
        "Les membres du groupe peuvent suivre le compte-rendu en direct jusqu’à la fin de la réunion."
        if opening
        else "Le suivi en direct est fermé."
    )
    return lead(meeting_id, step, message)
