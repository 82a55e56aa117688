"""/recherche: full-text search over what the reader may read."""

from flask import Blueprint, render_template, request, url_for

from groupes.extensions import costly_for_anonymous
from groupes.search.query import MAX_QUERY, parse, search

blueprint = Blueprint("search", __name__)

ANCHORS = {
    "minutes": "compte-rendu",
    "agenda": "odj",
    "decision": "releve",
    "action": "actions",
    "finding": "compte-rendu",
}


def hit_url(hit) -> str:
    if hit.kind == "comment":
        return url_for("review.show", meeting_id=hit.meeting.id, _anchor=f"commentaire-{hit.ref_id}")
    return url_for("meetings.show", meeting_id=hit.meeting.id, _anchor=ANCHORS.get(hit.kind))


@blueprint.route("/recherche")
@costly_for_anonymous
def results():
    query = request.args.get("q", "")
    notice = ""
    if len(query) > MAX_QUERY:
        notice = f"Recherche raccourcie à ses {MAX_QUERY} premiers caractères."
    results = search(query)
    if query.strip() and not parse(query):
        notice = "Tapez au moins un mot (lettres ou chiffres)."
    return render_template(
        "search/results.html",
        query=query[:MAX_QUERY],
        results=results,
        hits=results.hits,
        notice=notice,
        hit_url=hit_url,
    )
