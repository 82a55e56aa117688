"""One family of refusals: each keeps its name, says which field is at fault, and shows on its form."""

from groupes.auth.accounts import AccountError
from groupes.errors import DomainError
from groupes.meetings.agenda import AgendaError
from groupes.meetings.planning import PlanningError
from groupes.site.forms import ConfirmForm, line, show_domain_error


def test_a_refusal_names_its_field_or_none():
    error = AgendaError("title", "Titre manquant.")
    assert isinstance(error, PlanningError) and isinstance(error, DomainError) and isinstance(error, ValueError)
    assert (error.field, str(error)) == ("title", "Titre manquant.")
    error = AccountError("Adresse déjà prise.")
    assert (error.field, str(error)) == (None, "Adresse déjà prise.")


def test_a_refusal_shows_next_to_its_field_or_a_fallback(app):
    class Form(ConfirmForm):
        email = line("Adresse", 254)
        name = line("Nom", 100)

    with app.test_request_context():
        form = Form(meta={"csrf": False})
        form.validate()
        show_domain_error(form, PlanningError("name", "Nom refusé."))
        show_domain_error(form, AccountError("Adresse refusée."), "email")
        show_domain_error(form, PlanningError("nowhere", "Ailleurs."))
        assert form.name.errors == ["Nom refusé."]
        assert form.email.errors == ["Adresse refusée.", "Ailleurs."]
