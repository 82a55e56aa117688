"""Where a document is downloaded: a path for pages, a full address for PDFs."""

from flask import url_for

from groupes.attachments.models import Attachment
from groupes.site.links import external_url


def _address(attachment: Attachment) -> dict:
    return {"meeting_id": attachment.meeting_id, "attachment_id": attachment.id, "filename": attachment.filename}


def download_path(attachment: Attachment) -> str:
    return url_for("attachments.download", **_address(attachment))


def download_url(attachment: Attachment) -> str:
    return external_url("attachments.download", **_address(attachment))
