"""/annuaire: the directory of organisations, open to everyone (see directory.py for what each viewer sees)."""

from flask import Blueprint, abort, render_template, request

from groupes.extensions import db
from groupes.groups import directory
from groupes.groups.models import Organisation
from groupes.site.http import is_htmx

blueprint = Blueprint("directory", __name__)


@blueprint.route("/annuaire")
def organisations():
    choices = directory.filter_choices()
    filters = directory.read_filters(request.args, choices)
    return render_template(
        "directory/_results.html" if is_htmx() else "directory/index.html",
        fragment=is_htmx(),
        organisations=directory.organisations(filters),
        groups=directory.visible_groups_by_organisation(),
        filters=filters,
        choices=choices,
    )


@blueprint.route("/annuaire/structures/<int:organisation_id>")
def organisation(organisation_id: int):
    # Organisations are public: a missing one is a plain 404 for everyone.
    item = db.session.get(Organisation, organisation_id) or abort(404)
    return render_template("directory/organisation.html", profile=directory.profile(item))
