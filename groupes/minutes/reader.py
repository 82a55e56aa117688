"""What the current reader had read of the minutes before this page, and the links that follow
from it: the compte-rendu page and the review page both show them."""

from flask import after_this_request, url_for
from flask_login import current_user

from groupes.minutes.review import last_read, mark_read


def read_now(minutes) -> int:
    """The revision the current reader had read before this page (0: none); showing
    the page counts as reading it, recorded once the page is made (a commit in the
    middle would expire everything loaded for it)."""
    if not current_user.is_authenticated:
        return 0
    reader = current_user._get_current_object()
    before = last_read(minutes, reader)
    if before < minutes.revision:

        @after_this_request
        def record(response):
            if response.status_code == 200:
                mark_read(minutes, reader)
            return response

    return before


def reading_links(meeting) -> tuple[list[tuple[str, str]], tuple[str, str, str] | None]:
    """Links of the compte-rendu page, and a notice (text, link label, address) when it
    changed since the reader last read it."""
    links = [("Relecture et historique", url_for("review.show", meeting_id=meeting.id))]
    before = read_now(meeting.minutes)
    if 0 < before < meeting.minutes.revision:
        return links, (
            "Le texte a changé depuis votre dernière lecture :",
            "voir ce qui a changé",
            changes_url(meeting, before),
        )
    return links, None


def changes_url(meeting, since: int, until: int | None = None) -> str:
    return url_for("review.changes", meeting_id=meeting.id, de=since, a=until or meeting.minutes.revision)
