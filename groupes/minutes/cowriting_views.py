"""The room's co-writing over plain HTTP (it passes the proxies that block WebSockets):
the parts' documents, the updates an editor sends, and the long-poll that brings the
others' updates and who is in the room."""

import base64
import binascii

from flask import Blueprint, jsonify, request
from flask_login import current_user

from groupes.extensions import db
from groupes.minutes import cowriting
from groupes.minutes.views import load_for_saving
from groupes.minutes.writing import MinutesError

blueprint = Blueprint("cowriting", __name__)

# An update is a few dozen bytes per keystroke; a paste of a whole part, a few hundred kilobytes.
MAX_UPDATE_BYTES = 2 * 1024 * 1024


def changes_json(changes: list[cowriting.Change]) -> list[dict]:
    return [{"id": c.id, "key": c.key, "update": base64.b64encode(c.data).decode()} for c in changes]


@blueprint.route("/reunions/<int:meeting_id>/compte-rendu/direct/parties")
def parts(meeting_id: int):
    """Every part's document, and the cursor from which to follow the changes."""
    meeting = load_for_saving(meeting_id)
    cursor, states = cowriting.open_parts(meeting)
    db.session.commit()
    return jsonify(
        cursor=cursor,
        editable=not meeting.minutes.is_frozen,
        parts={key: base64.b64encode(state).decode() for key, state in states.items()},
    )


@blueprint.route("/reunions/<int:meeting_id>/compte-rendu/direct", methods=["POST"])
def send(meeting_id: int):
    """An editor's update of one part: JSON ``{"key": "p12", "update": base64}``."""
    meeting = load_for_saving(meeting_id)
    payload = request.get_json(silent=True) or {}
    key, encoded = payload.get("key"), payload.get("update")
    if not isinstance(key, str) or not isinstance(encoded, str) or len(encoded) > MAX_UPDATE_BYTES * 4 // 3 + 4:
        return jsonify(error="refused", message="Modification illisible : elle n’a pas été enregistrée."), 422
    try:
        update = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return jsonify(error="refused", message="Modification illisible : elle n’a pas été enregistrée."), 422
    try:
        cursor = cowriting.apply_update(meeting, key, update, current_user._get_current_object())
    except MinutesError as error:
        db.session.rollback()
        return jsonify(error="refused", message=str(error)), 422
    return jsonify(ok=True, id=cursor)


@blueprint.route("/reunions/<int:meeting_id>/compte-rendu/direct")
def follow(meeting_id: int):
    """The updates after ``depuis``, waiting up to ``attente`` seconds (20 at most) for one;
    with who is in the room. ``partie`` says where the caller writes. Beyond a few waiting
    at once for one account, 429 at once (the script asks again after a pause)."""
    meeting = load_for_saving(meeting_id)
    cursor = request.args.get("depuis", 0, type=int)
    wait = max(0.0, min(request.args.get("attente", cowriting.POLL_SECONDS, type=float), cowriting.POLL_SECONDS))
    cowriting.mark_present(meeting, current_user._get_current_object(), request.args.get("partie", ""))
    db.session.commit()
    with cowriting.wait_slots.slot(current_user.id) as granted:
        if wait and not granted:
            response = jsonify(
                error="busy", message="Trop de suivis ouverts en même temps\u00a0: nouvel essai dans un instant."
            )
            response.headers["Retry-After"] = "3"
            return response, 429
        changes = cowriting.wait_for_changes(meeting.id, cursor, wait)
    return jsonify(
        cursor=max([cursor] + [c.id for c in changes]),
        changes=changes_json(changes),
        present=[
            {"name": name, "key": key, "me": user_id == current_user.id}
            for name, key, user_id in cowriting.present(meeting)
        ],
    )
