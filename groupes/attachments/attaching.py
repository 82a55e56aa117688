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
            "Le compte-rendu de cette réunion est validé : ses documents sont figés "
            "(rouvrez-le pour en ajouter ou en retirer)."
        )


def add_attachment(meeting: Meeting, *, filename: str, content: bytes, agenda_item_id: int | None, user) -> Attachment:
    """Check the file, store it, and flush its row; the file is removed again if the caller's commit
    fails, or never comes (storage.py)."""
    ensure_open(meeting)
    checked = check_file(filename, content, max_size=current_app.config["ATTACHMENT_MAX_SIZE"])
    item = None
    if agenda_item_id is not None:
        item = next((i for i in meeting.agenda_items if i.id == agenda_item_id), None)
        if item is None:
            raise AttachmentRefused("Ce point ne fait pas partie de l’ordre du jour de cette réunion.")
    attachment = None
    try:
        ensure_room(meeting, len(content), checked.filename)
        attachment = stored_attachment(meeting, checked, content, item, user)
        storage.remove_unless_committed(db.session(), attachment.stored_name)
        db.session.flush()
    except BaseException:
        db.session.rollback()
        if attachment is not None:
            storage.remove(attachment.stored_name)
        raise
    return attachment


def ensure_room(meeting: Meeting, size: int, filename: str) -> None:
    """The meeting's total, counted by the database once no other upload to it can commit before this
    transaction ends: two uploads at the same moment never both pass on a total that neither has
    added to yet."""
    lock_documents(meeting.id)
    stored = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Attachment.size), 0)).where(Attachment.meeting_id == meeting.id)
    )
    limit = current_app.config["ATTACHMENTS_MAX_PER_MEETING"]
    if stored + size > limit:
        raise AttachmentRefused(
            f"Les documents de cette réunion dépasseraient {file_size(limit)} au total : "
            f"retirez-en avant d’ajouter « {filename} »."
        )


def lock_documents(meeting_id: int) -> None:
    """Hold the meeting's row until the commit. PostgreSQL locks the row; SQLite has no row locks, and
    a write statement takes its lock on the whole database, so the row is written unchanged. Run on
    the connection, not as an ORM statement: nothing changes that a page shows (no stamp to renew)."""
    meetings = Meeting.__table__
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        connection.execute(sa.update(meetings).where(meetings.c.id == meeting_id).values(id=meetings.c.id))
    else:
        connection.execute(sa.select(meetings.c.id).where(meetings.c.id == meeting_id).with_for_update())


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
    db.session.flush()


def remove_orphan_files() -> list[str]:
    """Files left by rows the database deleted on its own (a group deleted with its meetings)."""
    return storage.remove_orphans(set(db.session.scalars(sa.select(Attachment.stored_name))))
