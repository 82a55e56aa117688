"""Adding and removing a meeting's documents, with the rules they follow."""

import hashlib

import sqlalchemy as sa
from flask import current_app

from groupes.attachments import storage
from groupes.attachments.checks import AttachmentRefused, CheckedFile, check_file
from groupes.attachments.models import Attachment
from groupes.extensions import db
from groupes.meetings.models import Meeting
from groupes.site.formatting import file_size


def ensure_open(meeting: Meeting) -> None:
    """Documents are part of the record: validated minutes freeze them, as they freeze the agenda."""
    if meeting.is_frozen:
        raise AttachmentRefused(
            "Le compte-rendu de cette réunion est validé : ses documents sont figés "
            "(rouvrez-le pour en ajouter ou en retirer)."
        )


def add_attachment(meeting: Meeting, *, filename: str, content: bytes, agenda_item_id: int | None, user) -> Attachment:
    """Check the file, store it, and commit its row; the file is removed again if the commit fails."""
    ensure_open(meeting)
    config = current_app.config
    checked = check_file(filename, content, max_size=config["ATTACHMENT_MAX_SIZE"])
    total = sum(a.size for a in meeting.attachments) + len(content)
    if total > config["ATTACHMENTS_MAX_PER_MEETING"]:
        raise AttachmentRefused(
            f"Les documents de cette réunion dépasseraient {file_size(config['ATTACHMENTS_MAX_PER_MEETING'])} "
            f"au total : retirez-en avant d'ajouter « {checked.filename} »."
        )
    item = None
    if agenda_item_id is not None:
        item = next((i for i in meeting.agenda_items if i.id == agenda_item_id), None)
        if item is None:
            raise AttachmentRefused("Ce point ne fait pas partie de l'ordre du jour de cette réunion.")
    attachment = stored_attachment(meeting, checked, content, item, user)
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        storage.remove(attachment.stored_name)
        raise
    return attachment


def stored_attachment(meeting: Meeting, checked: CheckedFile, content: bytes, item, user) -> Attachment:
    """The file written under its random name, and its row added to the session (not committed)."""
    attachment = Attachment(
        meeting=meeting,
        agenda_item=item,
        filename=checked.filename,
        kind=checked.kind,
        mimetype=checked.mimetype,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        stored_name=storage.write(content),
        uploaded_by=user,
    )
    db.session.add(attachment)
    return attachment


def delete_attachment(attachment: Attachment) -> None:
    """Remove the row; its file goes once the deletion is committed (storage.py)."""
    ensure_open(attachment.meeting)
    db.session.delete(attachment)
    db.session.commit()


def remove_orphan_files() -> list[str]:
    """Files left by rows the database deleted on its own (a group deleted with its meetings)."""
    return storage.remove_orphans(set(db.session.scalars(sa.select(Attachment.stored_name))))
