"""/annuaire: the directory of organisations, open to everyone (see lookup.py for what each viewer sees)."""

from flask import Blueprint, abort, render_template, request

from groupes.extensions import db
from groupes.groups import lookup
from groupes.groups.models import Organisation

blueprint = Blueprint("lookup", __name__)


@blueprint.route("/annuaire")
def organisations():
    choices = lookup.filter_choices()
    filters = lookup.read_filters(request.args, choices)
    return render_template(
        "directory/index.html",
        organisations=lookup.organisations(filters),
        groups=lookup.visible_groups_by_organisation(),
        filters=filters,
        choices=choices,
    )


@blueprint.route("/annuaire/structures/<int:organisation_id>")
def organisation(organisation_id: int):
    # Organisations are public: a missing one is a plain 404 for everyone.
    item = db.session.get(Organisation, organisation_id) or abort(404)
    return render_template("directory/organisation.html", profile=lookup.profile(item))
