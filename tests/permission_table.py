"""The permission table: every route of the application, with the answer each role of the world
(tests/world.py) should get. tests/test_permissions.py checks it against the URL map and the
application; the sweeps reuse its rows."""

import io

import samples
import sqlalchemy as sa
from world import PASSWORD, ROLES, attach

from groupes.extensions import db
from groupes.groups.models import Organisation
from groupes.minutes.review import summary_stamp
from groupes.outcomes.models import FindingKind
from groupes.programmes.models import SynthesisEntry

OK, LOGIN, DONE, NF = "200", "login", "302", "404"


def expect(default, **by_role):
    return {role: by_role.get(role, default) for role in ROLES}


EVERYONE = expect(OK)
SIGNED_IN = expect(OK, anonymous=LOGIN)
ADMIN_ONLY = expect(NF, anonymous=LOGIN, admin=OK)
# Pages of the private group: its members and the programme's organisers see it.
PRIVATE_GROUP = expect(OK, anonymous=LOGIN, outsider=NF)
# Managing the programme (or its groups): organisers and admins; for the others who
# may read the programme, its edit pages and forms do not exist (404).
MANAGE_PROGRAMME = expect(NF, anonymous=LOGIN, organiser=OK, admin=OK)
MANAGE_PRIVATE_GROUP = expect(NF, anonymous=LOGIN, organiser=OK, admin=OK)
DIRECTORY = expect(NF, anonymous=LOGIN, organiser=OK, admin=OK)
# Changing the private group's meetings: its facilitators and secretaries, organisers, admins.
EDIT_PRIVATE = expect(NF, anonymous=LOGIN, secretary=OK, facilitator=OK, organiser=OK, admin=OK)
INVITE_PRIVATE = expect(NF, anonymous=LOGIN, facilitator=OK, organiser=OK, admin=OK)
# Minutes in review: the group's members (observers wait for the validated text), organisers, admins.
REVIEW_PRIVATE = expect(OK, anonymous=LOGIN, outsider=NF, observer=NF)
VALIDATE_PRIVATE = expect(NF, anonymous=LOGIN, facilitator=OK, organiser=OK, admin=OK)
FOLLOW_MEMBERS_ACTION = expect(
    NF, anonymous=LOGIN, member=DONE, secretary=DONE, facilitator=DONE, organiser=DONE, admin=DONE
)
# A public group's draft: its editors only (the programme's organisers, admins).
PUBLIC_DRAFT = expect(NF, anonymous=LOGIN, organiser=OK, admin=OK)
SLOT = {"day": "2014-06-12", "start": "10:00", "end": "12:30", "title": "Sous-titre", "place": "Salle"}
SERIES = {**SLOT, "rhythm": "monthly", "nth": "2", "weekday": "3", "count": "3", "interval": "1"}


def synthesis_entries(world) -> list[SynthesisEntry]:
    """Two entries of the programme's synthesis, the first standing for a finding of the validated minutes."""
    made = [
        SynthesisEntry(
            programme=world.programme,
            kind=FindingKind.PISTE,
            text="Piste",
            position=1,
            sources=world.validated.findings,
        ),
        SynthesisEntry(programme=world.programme, kind=FindingKind.PISTE, text="Autre piste", position=2),
    ]
    db.session.add_all(made)
    db.session.commit()
    return made


def done(table):
    """A POST that succeeds answers with a redirect."""
    return {role: DONE if outcome == OK else outcome for role, outcome in table.items()}


ROWS = [
    # endpoint, method, url(world), form data (or a function of the world), expected answer per role
    ("site.dashboard", "GET", lambda w: "/", None, EVERYONE),
    ("site.health", "GET", lambda w: "/sante", None, EVERYONE),
    ("auth.login", "GET", lambda w: "/connexion", None, expect(DONE, anonymous=OK)),
    (
        "auth.login",
        "POST",
        lambda w: "/connexion",
        {"email": "x@test.example", "password": "faux"},
        expect(DONE, anonymous=OK),
    ),
    ("auth.logout", "GET", lambda w: "/deconnexion", None, EVERYONE),
    ("auth.logout", "POST", lambda w: "/deconnexion", {}, expect(DONE)),
    ("auth.account", "GET", lambda w: "/compte", None, SIGNED_IN),
    ("auth.account", "POST", lambda w: "/compte", {"current_password": "faux"}, SIGNED_IN),
    (
        "auth.profile",
        "POST",
        lambda w: "/compte/profil",
        {"name": "Nom Changé", "organisation": "ARS"},
        done(SIGNED_IN),
    ),
    ("auth.notifications", "POST", lambda w: "/compte/notifications", {"notify_reviews": "y"}, done(SIGNED_IN)),
    ("auth.calendar_feed", "POST", lambda w: "/compte/agenda", {"action": "renew"}, done(SIGNED_IN)),
    (
        "auth.email_change",
        "POST",
        lambda w: "/compte/adresse",
        {"new_email": "nouvelle-adresse@test.example", "email_password": PASSWORD},
        done(SIGNED_IN),
    ),
    ("auth.confirm_email", "GET", lambda w: "/compte/adresse/faux-jeton", None, expect(NF)),
    ("auth.confirm_email", "POST", lambda w: "/compte/adresse/faux-jeton", {}, expect(NF)),
    ("auth.accept_invitation", "GET", lambda w: "/invitation/faux-jeton", None, expect(NF)),
    ("auth.accept_invitation", "POST", lambda w: "/invitation/faux-jeton", {"password": "x" * 12}, expect(NF)),
    ("auth.reset_password", "GET", lambda w: "/mot-de-passe/faux-jeton", None, expect(NF)),
    ("auth.reset_password", "POST", lambda w: "/mot-de-passe/faux-jeton", {"password": "x" * 12}, expect(NF)),
    ("auth.forgotten_password", "GET", lambda w: "/mot-de-passe-oublie", None, EVERYONE),
    (
        "auth.forgotten_password",
        "POST",
        lambda w: "/mot-de-passe-oublie",
        {"email": "member@test.example"},
        expect(DONE),
    ),
    ("mail.queue", "GET", lambda w: "/admin/courriels", None, ADMIN_ONLY),
    # Registers: everyone, each seeing what they may read (tests/test_registers.py checks the rows).
    ("registers.decisions", "GET", lambda w: "/decisions", None, EVERYONE),
    ("search.results", "GET", lambda w: "/recherche?q=Texte", None, EVERYONE),
    ("registers.decisions_file", "GET", lambda w: "/decisions.csv", None, EVERYONE),
    ("registers.actions", "GET", lambda w: "/actions?en_retard=1", None, EVERYONE),
    ("registers.actions_file", "GET", lambda w: "/actions.xlsx", None, EVERYONE),
    ("registers.attendance", "GET", lambda w: f"/groupes/{w.private.id}/assiduite", None, PRIVATE_GROUP),
    ("registers.attendance_file", "GET", lambda w: f"/groupes/{w.private.id}/assiduite.csv", None, PRIVATE_GROUP),
    ("mail.retry", "POST", lambda w: "/admin/courriels/envoyer", {}, done(ADMIN_ONLY)),
    ("auth.accounts_list", "GET", lambda w: "/admin/comptes", None, ADMIN_ONLY),
    ("auth.account_create", "GET", lambda w: "/admin/comptes/nouveau", None, ADMIN_ONLY),
    ("auth.account_create", "POST", lambda w: "/admin/comptes/nouveau", {}, ADMIN_ONLY),
    ("auth.account_edit", "GET", lambda w: f"/admin/comptes/{w.users['member'].id}", None, ADMIN_ONLY),
    (
        "auth.account_edit",
        "POST",
        lambda w: f"/admin/comptes/{w.users['member'].id}",
        {"active": "y"},
        done(ADMIN_ONLY),
    ),
    ("programmes.show", "GET", lambda w: f"/programmes/{w.programme.id}", None, EVERYONE),
    (
        "programmes.show",
        "GET",
        lambda w: f"/programmes/{w.other_programme.id}",
        None,
        expect(NF, anonymous=LOGIN, admin=OK),
    ),
    ("programmes.show", "GET", lambda w: "/programmes/999999", None, expect(NF, anonymous=LOGIN)),
    ("programmes.create", "GET", lambda w: "/programmes/nouvelle", None, ADMIN_ONLY),
    ("programmes.create", "POST", lambda w: "/programmes/nouvelle", {"title": "Nouvelle"}, done(ADMIN_ONLY)),
    ("programmes.edit", "GET", lambda w: f"/programmes/{w.programme.id}/modifier", None, MANAGE_PROGRAMME),
    (
        "programmes.edit",
        "POST",
        lambda w: f"/programmes/{w.programme.id}/modifier",
        {"title": "Renommée"},
        done(MANAGE_PROGRAMME),
    ),
    (
        "programmes.edit",
        "GET",
        lambda w: f"/programmes/{w.other_programme.id}/modifier",
        None,
        expect(NF, anonymous=LOGIN, admin=OK),
    ),
    ("programmes.milestone", "GET", lambda w: f"/programmes/{w.programme.id}/jalons/nouveau", None, MANAGE_PROGRAMME),
    (
        "programmes.milestone",
        "POST",
        lambda w: f"/programmes/{w.programme.id}/jalons/nouveau",
        {"title": "COPIL", "date": "2014-05-12"},
        done(MANAGE_PROGRAMME),
    ),
    (
        "programmes.milestone",
        "GET",
        lambda w: f"/programmes/{w.programme.id}/jalons/{w.milestone.id}",
        None,
        MANAGE_PROGRAMME,
    ),
    (
        "programmes.milestone",
        "POST",
        lambda w: f"/programmes/{w.programme.id}/jalons/{w.milestone.id}",
        {"title": "COPIL", "date": "2014-05-12"},
        done(MANAGE_PROGRAMME),
    ),
    (
        "programmes.milestone",
        "GET",
        lambda w: f"/programmes/{w.other_programme.id}/jalons/{w.milestone.id}",
        None,
        expect(NF, anonymous=LOGIN),
    ),
    (
        "programmes.milestone_delete",
        "POST",
        lambda w: f"/programmes/{w.programme.id}/jalons/{w.milestone.id}/supprimer",
        {},
        done(MANAGE_PROGRAMME),
    ),
    ("programmes.organisers", "GET", lambda w: f"/programmes/{w.programme.id}/organisateurs", None, MANAGE_PROGRAMME),
    (
        "programmes.organisers",
        "POST",
        lambda w: f"/programmes/{w.programme.id}/organisateurs",
        lambda w: {"person": str(w.users["member"].person_id)},
        done(MANAGE_PROGRAMME),
    ),
    (
        "programmes.organiser_remove",
        "POST",
        lambda w: f"/programmes/{w.programme.id}/organisateurs/{w.second_organiser.id}/retirer",
        {},
        done(MANAGE_PROGRAMME),
    ),
    ("synthesis.workspace_page", "GET", lambda w: f"/programmes/{w.programme.id}/synthese", None, MANAGE_PROGRAMME),
    (
        "synthesis.workspace_page",
        "GET",
        lambda w: f"/programmes/{w.other_programme.id}/synthese",
        None,
        expect(NF, anonymous=LOGIN, admin=OK),
    ),
    (
        "synthesis.take_up_findings",
        "POST",
        lambda w: f"/programmes/{w.programme.id}/synthese/reprendre",
        lambda w: {"finding": str(w.validated.findings[0].id), "how": "each"},
        done(MANAGE_PROGRAMME),
    ),
    (
        "synthesis.take_up_all",
        "POST",
        lambda w: f"/programmes/{w.programme.id}/synthese/reprendre-tout",
        {},
        done(MANAGE_PROGRAMME),
    ),
    (
        "synthesis.merge",
        "POST",
        lambda w: f"/programmes/{w.programme.id}/synthese/fusionner",
        lambda w: {"entry": [str(e.id) for e in synthesis_entries(w)]},
        done(MANAGE_PROGRAMME),
    ),
    (
        "synthesis.create_entry",
        "POST",
        lambda w: f"/programmes/{w.programme.id}/synthese/elements/nouveau",
        {"kind": "constat", "text": "Un constat"},
        done(MANAGE_PROGRAMME),
    ),
    (
        "synthesis.edit_entry",
        "GET",
        lambda w: f"/programmes/{w.programme.id}/synthese/elements/{synthesis_entries(w)[0].id}",
        None,
        MANAGE_PROGRAMME,
    ),
    (
        "synthesis.edit_entry",
        "POST",
        lambda w: f"/programmes/{w.programme.id}/synthese/elements/{synthesis_entries(w)[0].id}",
        {"kind": "piste", "text": "Reformulée", "base_version": "1"},
        done(MANAGE_PROGRAMME),
    ),
    (
        "synthesis.publish",
        "POST",
        lambda w: f"/programmes/{w.programme.id}/synthese/elements/{synthesis_entries(w)[0].id}/publier",
        {"published": "1"},
        done(MANAGE_PROGRAMME),
    ),
    (
        "synthesis.move",
        "POST",
        lambda w: f"/programmes/{w.programme.id}/synthese/elements/{synthesis_entries(w)[1].id}/deplacer",
        {"direction": "up"},
        done(MANAGE_PROGRAMME),
    ),
    (
        "synthesis.detach",
        "POST",
        lambda w: (
            f"/programmes/{w.programme.id}/synthese/elements/{synthesis_entries(w)[0].id}"
            f"/sources/{w.validated.findings[0].id}/retirer"
        ),
        {},
        done(MANAGE_PROGRAMME),
    ),
    (
        "synthesis.delete",
        "POST",
        lambda w: f"/programmes/{w.programme.id}/synthese/elements/{synthesis_entries(w)[0].id}/supprimer",
        {},
        done(MANAGE_PROGRAMME),
    ),
    (
        "synthesis.delete",
        "POST",
        lambda w: f"/programmes/{w.other_programme.id}/synthese/elements/{synthesis_entries(w)[0].id}/supprimer",
        {},
        expect(NF, anonymous=LOGIN),
    ),
    (
        "privacy.mark_confidential",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/huis-clos",
        lambda w: {"part": f"p{w.draft.agenda_items[0].id}", "confidential": "1"},
        done(VALIDATE_PRIVATE),
    ),
    (
        "privacy.mark_confidential",
        "POST",
        lambda w: f"/reunions/{w.public_validated.id}/huis-clos",
        lambda w: {"part": "p999999", "confidential": "1"},
        expect(NF, anonymous=LOGIN),
    ),
    ("privacy.privacy_page", "GET", lambda w: "/confidentialite", None, EVERYONE),
    ("privacy.access_log", "GET", lambda w: f"/programmes/{w.programme.id}/journal", None, MANAGE_PROGRAMME),
    (
        "privacy.access_log",
        "GET",
        lambda w: f"/programmes/{w.other_programme.id}/journal",
        None,
        expect(NF, anonymous=LOGIN, admin=OK),
    ),
    ("privacy.access_log", "GET", lambda w: "/admin/journal", None, ADMIN_ONLY),
    ("privacy.access_log_file", "GET", lambda w: f"/programmes/{w.programme.id}/journal.csv", None, MANAGE_PROGRAMME),
    ("privacy.access_log_file", "GET", lambda w: "/admin/journal.xlsx", None, ADMIN_ONLY),
    (
        "privacy.person_data",
        "GET",
        lambda w: f"/admin/personnes/{w.users['member'].person_id}/donnees",
        None,
        ADMIN_ONLY,
    ),
    (
        "privacy.person_data_file",
        "GET",
        lambda w: f"/admin/personnes/{w.users['member'].person_id}/donnees.json",
        None,
        ADMIN_ONLY,
    ),
    (
        "privacy.erase",
        "POST",
        lambda w: f"/admin/personnes/{w.users['member'].person_id}/effacer",
        {"confirm": "y"},
        done(ADMIN_ONLY),
    ),
    (
        "privacy.erase",
        "POST",
        lambda w: f"/admin/personnes/{w.users['facilitator'].person_id}/effacer",
        {"confirm": "y"},
        expect(NF, anonymous=LOGIN, admin="422"),
    ),
    ("groups.show", "GET", lambda w: f"/groupes/{w.private.id}", None, PRIVATE_GROUP),
    ("groups.show", "GET", lambda w: f"/groupes/{w.public.id}", None, EVERYONE),
    ("groups.show", "GET", lambda w: f"/groupes/{w.elsewhere.id}", None, expect(NF, anonymous=LOGIN, admin=OK)),
    ("groups.create", "GET", lambda w: f"/programmes/{w.programme.id}/groupes/nouveau", None, MANAGE_PROGRAMME),
    (
        "groups.create",
        "POST",
        lambda w: f"/programmes/{w.programme.id}/groupes/nouveau",
        {"number": "7", "title": "Nouveau", "visibility": "members"},
        done(MANAGE_PROGRAMME),
    ),
    ("groups.edit", "GET", lambda w: f"/groupes/{w.private.id}/modifier", None, MANAGE_PRIVATE_GROUP),
    (
        "groups.edit",
        "POST",
        lambda w: f"/groupes/{w.private.id}/modifier",
        {"number": "1", "title": "Renommé", "visibility": "members"},
        done(MANAGE_PRIVATE_GROUP),
    ),
    ("groups.members", "GET", lambda w: f"/groupes/{w.private.id}/membres", None, MANAGE_PRIVATE_GROUP),
    (
        "groups.members",
        "POST",
        lambda w: f"/groupes/{w.private.id}/membres",
        lambda w: {"person": str(w.users["outsider"].person_id), "role": "member"},
        done(MANAGE_PRIVATE_GROUP),
    ),
    (
        "groups.member_role",
        "POST",
        lambda w: f"/groupes/{w.private.id}/membres/{w.membership.id}/role",
        lambda w: {f"m{w.membership.id}-role": "secretary"},
        done(MANAGE_PRIVATE_GROUP),
    ),
    (
        "groups.member_remove",
        "POST",
        lambda w: f"/groupes/{w.private.id}/membres/{w.membership.id}/retirer",
        {},
        done(MANAGE_PRIVATE_GROUP),
    ),
    # Tampered ids: another group's member through this group's address.
    (
        "groups.member_remove",
        "POST",
        lambda w: f"/groupes/{w.public.id}/membres/{w.membership.id}/retirer",
        {},
        expect(NF, anonymous=LOGIN),
    ),
    ("meetings.show", "GET", lambda w: f"/reunions/{w.draft.id}", None, PRIVATE_GROUP),
    ("meetings.show", "GET", lambda w: f"/reunions/{w.public_draft.id}", None, EVERYONE),
    ("meetings.create", "GET", lambda w: f"/groupes/{w.private.id}/reunions/nouvelle", None, EDIT_PRIVATE),
    ("meetings.create", "POST", lambda w: f"/groupes/{w.private.id}/reunions/nouvelle", SLOT, done(EDIT_PRIVATE)),
    (
        "meetings.create",
        "GET",
        lambda w: f"/groupes/{w.elsewhere.id}/reunions/nouvelle",
        None,
        expect(NF, anonymous=LOGIN, admin=OK),
    ),
    ("meetings.create_series", "GET", lambda w: f"/groupes/{w.private.id}/reunions/serie", None, EDIT_PRIVATE),
    ("meetings.create_series", "POST", lambda w: f"/groupes/{w.private.id}/reunions/serie", SERIES, done(EDIT_PRIVATE)),
    ("meetings.edit", "GET", lambda w: f"/reunions/{w.validated.id}/modifier", None, EDIT_PRIVATE),
    ("meetings.edit", "POST", lambda w: f"/reunions/{w.draft.id}/modifier", SLOT, done(EDIT_PRIVATE)),
    (
        "meetings.edit",
        "GET",
        lambda w: f"/reunions/{w.public_draft.id}/modifier",
        None,
        expect(NF, anonymous=LOGIN, organiser=OK, admin=OK),
    ),
    ("meetings.cancel", "POST", lambda w: f"/reunions/{w.draft.id}/annuler", {"confirmed": "1"}, done(EDIT_PRIVATE)),
    # Not confirmed yet: the meetings it would cancel are named.
    ("meetings.cancel", "POST", lambda w: f"/reunions/{w.draft.id}/annuler", {}, EDIT_PRIVATE),
    ("meetings.restore", "POST", lambda w: f"/reunions/{w.validated.id}/retablir", {}, done(EDIT_PRIVATE)),
    ("agenda.edit", "GET", lambda w: f"/reunions/{w.draft.id}/ordre-du-jour", None, EDIT_PRIVATE),
    (
        "agenda.edit",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/ordre-du-jour",
        {"title": "Nouveau point", "duration": "20", "parent": "0"},
        done(EDIT_PRIVATE),
    ),
    (
        "agenda.item",
        "GET",
        lambda w: f"/reunions/{w.draft.id}/ordre-du-jour/{w.draft.agenda_items[0].id}",
        None,
        EDIT_PRIVATE,
    ),
    (
        "agenda.item",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/ordre-du-jour/{w.draft.agenda_items[0].id}",
        {"title": "Renommé", "parent": "0"},
        done(EDIT_PRIVATE),
    ),
    # Tampered ids: an item of another meeting through this meeting's address.
    (
        "agenda.item",
        "GET",
        lambda w: f"/reunions/{w.draft.id}/ordre-du-jour/{w.validated.agenda_items[0].id}",
        None,
        expect(NF, anonymous=LOGIN),
    ),
    (
        "agenda.move",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/ordre-du-jour/{w.draft.agenda_items[0].id}/deplacer",
        {"direction": "down"},
        done(EDIT_PRIVATE),
    ),
    (
        "agenda.delete",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/ordre-du-jour/{w.draft.agenda_items[1].id}/supprimer",
        {"confirmed": "1"},
        done(EDIT_PRIVATE),
    ),
    # Not confirmed yet: the editor asks « Oui, supprimer ».
    (
        "agenda.delete",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/ordre-du-jour/{w.draft.agenda_items[1].id}/supprimer",
        {},
        EDIT_PRIVATE,
    ),
    (
        "agenda.place",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/ordre-du-jour/{w.draft.agenda_items[1].id}/placer",
        {"parent": "", "index": "0"},
        done(EDIT_PRIVATE),
    ),
    (
        "agenda.copy_previous",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/ordre-du-jour/reprendre",
        {},
        done(EDIT_PRIVATE),
    ),
    ("attendance.sheet", "GET", lambda w: f"/reunions/{w.draft.id}/presences", None, EDIT_PRIVATE),
    (
        "attendance.sheet",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/presences",
        {"name": "Invitée Externe", "organisation": "ARS Centre"},
        done(EDIT_PRIVATE),
    ),
    (
        "attendance.mark",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/presences/{w.draft.attendances[0].id}",
        lambda w: {f"a{w.draft.attendances[0].id}-status": "excused"},
        done(EDIT_PRIVATE),
    ),
    (
        "attendance.mark",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/presences/{w.validated.attendances[0].id}",
        lambda w: {f"a{w.validated.attendances[0].id}-status": "excused"},
        expect(NF, anonymous=LOGIN),
    ),
    (
        "attendance.invite",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/presences/inviter-les-membres",
        {},
        done(EDIT_PRIVATE),
    ),
    (
        "attendance.drop",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/presences/{w.draft.attendances[0].id}/retirer",
        {},
        done(EDIT_PRIVATE),
    ),
    ("minutes.room", "GET", lambda w: f"/reunions/{w.draft.id}/compte-rendu/rediger", None, EDIT_PRIVATE),
    ("minutes.token", "GET", lambda w: f"/reunions/{w.draft.id}/compte-rendu/jeton", None, EDIT_PRIVATE),
    (
        "minutes.save",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/compte-rendu/parties",
        lambda w: {"key": f"p{w.draft.agenda_items[0].id}", "base_version": "1", "body": "Notes"},
        done(EDIT_PRIVATE),
    ),
    (
        "cowriting.parts",
        "GET",
        lambda w: f"/reunions/{w.draft.id}/compte-rendu/direct/parties",
        None,
        EDIT_PRIVATE,
    ),
    (
        "cowriting.follow",
        "GET",
        lambda w: f"/reunions/{w.draft.id}/compte-rendu/direct?attente=0&partie=p{w.draft.agenda_items[0].id}",
        None,
        EDIT_PRIVATE,
    ),
    (
        "cowriting.send",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/compte-rendu/direct",
        lambda w: {"key": f"p{w.draft.agenda_items[0].id}", "update": "AAA="},
        expect(NF, anonymous=LOGIN, secretary="422", facilitator="422", organiser="422", admin="422"),
    ),
    ("minutes.submit", "POST", lambda w: f"/reunions/{w.draft.id}/compte-rendu/soumettre", {}, done(EDIT_PRIVATE)),
    # The summary shown before validating, then the confirmation made from it.
    (
        "minutes.validate_minutes",
        "GET",
        lambda w: f"/reunions/{w.in_review.id}/compte-rendu/valider",
        None,
        VALIDATE_PRIVATE,
    ),
    (
        "minutes.validate_minutes",
        "POST",
        lambda w: f"/reunions/{w.in_review.id}/compte-rendu/valider",
        {},
        VALIDATE_PRIVATE,
    ),
    (
        "minutes.validate_minutes",
        "POST",
        lambda w: f"/reunions/{w.in_review.id}/compte-rendu/valider",
        lambda w: {"stamp": summary_stamp(w.in_review.minutes)},
        done(VALIDATE_PRIVATE),
    ),
    (
        "minutes.reopen_minutes",
        "POST",
        lambda w: f"/reunions/{w.validated.id}/compte-rendu/rouvrir",
        {"reason": "Une erreur"},
        done(VALIDATE_PRIVATE),
    ),
    (
        "minutes.decision",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/decisions",
        {"decision-text": "Élargir le groupe"},
        done(EDIT_PRIVATE),
    ),
    (
        "minutes.action",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/actions",
        {"action-title": "Écrire aux employeurs"},
        done(EDIT_PRIVATE),
    ),
    (
        "minutes.finding",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/elements",
        {"finding-kind": "piste", "finding-text": "Une piste"},
        done(EDIT_PRIVATE),
    ),
    (
        "minutes.decision_edit",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/decisions/{w.draft.decisions[0].id}",
        {"text": "Décision reformulée", "base_version": "1"},
        done(EDIT_PRIVATE),
    ),
    (
        "minutes.decision_delete",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/decisions/{w.draft.decisions[0].id}/supprimer",
        {"base_version": "1"},
        done(EDIT_PRIVATE),
    ),
    (
        "minutes.action_edit",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/actions/{w.draft.actions[0].id}",
        {"title": "Action corrigée", "owner": "CAF du Cher", "due": "2014-06-01", "base_version": "1"},
        done(EDIT_PRIVATE),
    ),
    (
        "minutes.action_delete",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/actions/{w.draft.actions[0].id}/supprimer",
        {"base_version": "1"},
        done(EDIT_PRIVATE),
    ),
    (
        "minutes.finding_delete",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/elements/{w.draft.findings[0].id}/supprimer",
        {"base_version": "1"},
        done(EDIT_PRIVATE),
    ),
    (
        "minutes.section_add",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/compte-rendu/sections",
        {"section-heading": "Nouvelle section"},
        done(EDIT_PRIVATE),
    ),
    (
        "minutes.section_delete",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/compte-rendu/sections/{w.draft.minutes.free_sections[0].id}/supprimer",
        {},
        done(EDIT_PRIVATE),
    ),
    (
        "minutes.follow",
        "POST",
        lambda w: f"/actions/{w.validated.actions[0].id}/suivi",
        {"status": "in_progress", "note": "Courrier parti"},
        FOLLOW_MEMBERS_ACTION,
    ),
    # A draft's action is not followed from outside the editors, even by its owner.
    (
        "minutes.follow",
        "POST",
        lambda w: f"/actions/{w.draft.actions[0].id}/suivi",
        {"status": "done"},
        expect(NF, anonymous=LOGIN, secretary=DONE, facilitator=DONE, organiser=DONE, admin=DONE),
    ),
    # The live meeting (groupes/minutes/live_views.py): editors refresh the room and project it;
    # the facilitator sets the point and invites members (the follow view when invited: test_live_meeting.py).
    ("live.room_state", "GET", lambda w: f"/reunions/{w.draft.id}/salle/en-direct", None, EDIT_PRIVATE),
    ("live.projection", "GET", lambda w: f"/reunions/{w.draft.id}/salle/projection", None, EDIT_PRIVATE),
    ("live.follow", "GET", lambda w: f"/reunions/{w.draft.id}/compte-rendu/suivre", None, EDIT_PRIVATE),
    (
        "live.set_point",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/salle/point",
        lambda w: {"item": str(w.draft.agenda_items[0].id)},
        done(VALIDATE_PRIVATE),
    ),
    (
        "live.followers",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/salle/suivi",
        {"open": "1"},
        done(VALIDATE_PRIVATE),
    ),
    ("groups.invite", "GET", lambda w: f"/groupes/{w.private.id}/inviter", None, INVITE_PRIVATE),
    (
        "groups.invite",
        "POST",
        lambda w: f"/groupes/{w.private.id}/inviter",
        {"email": "nouvelle@test.example", "name": "Nouvelle Personne", "role": "member"},
        done(INVITE_PRIVATE),
    ),
    ("meetings.convene", "POST", lambda w: f"/reunions/{w.draft.id}/convocation/envoyer", {}, done(EDIT_PRIVATE)),
    ("review.show", "GET", lambda w: f"/reunions/{w.in_review.id}/compte-rendu/relecture", None, REVIEW_PRIVATE),
    ("review.show", "GET", lambda w: f"/reunions/{w.draft.id}/compte-rendu/relecture", None, EDIT_PRIVATE),
    ("review.show", "GET", lambda w: f"/reunions/{w.public_validated.id}/compte-rendu/relecture", None, EVERYONE),
    (
        "review.comment",
        "POST",
        lambda w: f"/reunions/{w.in_review.id}/compte-rendu/commentaires",
        {"body": "Je propose une autre formulation."},
        done(REVIEW_PRIVATE),
    ),
    (
        "review.comment",
        "POST",
        lambda w: f"/reunions/{w.in_review.id}/compte-rendu/commentaires",
        lambda w: {"outcome": f"d{w.in_review.decisions[0].id}", "body": "Cette décision est mal formulée."},
        done(REVIEW_PRIVATE),
    ),
    # Validated minutes take no more comments, from anyone.
    (
        "review.comment",
        "POST",
        lambda w: f"/reunions/{w.validated.id}/compte-rendu/commentaires",
        {"body": "Trop tard."},
        expect(NF, anonymous=LOGIN),
    ),
    (
        "review.resolve",
        "POST",
        lambda w: f"/reunions/{w.in_review.id}/compte-rendu/commentaires/{w.comment.id}/etat",
        {"action": "resolve"},
        done(REVIEW_PRIVATE),
    ),
    # A comment named through another meeting's address is not found.
    (
        "review.resolve",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/compte-rendu/commentaires/{w.comment.id}/etat",
        {"action": "resolve"},
        expect(NF, anonymous=LOGIN),
    ),
    (
        "review.approve_minutes",
        "POST",
        lambda w: f"/reunions/{w.in_review.id}/compte-rendu/approuver",
        {},
        expect(NF, anonymous=LOGIN, member=DONE, secretary=DONE, facilitator=DONE),
    ),
    ("review.revisions", "GET", lambda w: f"/reunions/{w.validated.id}/compte-rendu/versions", None, PRIVATE_GROUP),
    ("review.revisions", "GET", lambda w: f"/reunions/{w.draft.id}/compte-rendu/versions", None, EDIT_PRIVATE),
    ("review.changes", "GET", lambda w: f"/reunions/{w.in_review.id}/compte-rendu/modifications", None, REVIEW_PRIVATE),
    ("documents.meeting_ics", "GET", lambda w: f"/reunions/{w.draft.id}.ics", None, PRIVATE_GROUP),
    ("documents.meeting_ics", "GET", lambda w: f"/reunions/{w.public_draft.id}.ics", None, EVERYONE),
    ("documents.personal_feed", "GET", lambda w: f"/calendrier/{'x' * 43}.ics", None, expect(NF)),
    ("documents.minutes_page", "GET", lambda w: f"/reunions/{w.validated.id}/compte-rendu", None, PRIVATE_GROUP),
    ("documents.minutes_page", "GET", lambda w: f"/reunions/{w.draft.id}/compte-rendu", None, EDIT_PRIVATE),
    ("documents.convocation_pdf", "GET", lambda w: f"/reunions/{w.draft.id}/convocation.pdf", None, PRIVATE_GROUP),
    ("documents.convocation_pdf", "GET", lambda w: f"/reunions/{w.public_draft.id}/convocation.pdf", None, EVERYONE),
    ("documents.sign_in_sheet_pdf", "GET", lambda w: f"/reunions/{w.draft.id}/emargement.pdf", None, EDIT_PRIVATE),
    ("documents.synthesis", "GET", lambda w: f"/programmes/{w.programme.id}/synthese.pdf", None, EVERYONE),
    (
        "documents.synthesis",
        "GET",
        lambda w: f"/programmes/{w.other_programme.id}/synthese.pdf",
        None,
        expect(NF, anonymous=LOGIN, admin=OK),
    ),
    ("documents.group_pdf", "GET", lambda w: f"/groupes/{w.private.id}/dossier.pdf", None, PRIVATE_GROUP),
    ("documents.group_pdf", "GET", lambda w: f"/groupes/{w.public.id}/dossier.pdf", None, EVERYONE),
    ("documents.annex_pdf", "GET", lambda w: f"/programmes/{w.programme.id}/annexe.pdf", None, EVERYONE),
    (
        "documents.annex_pdf",
        "GET",
        lambda w: f"/programmes/{w.other_programme.id}/annexe.pdf",
        None,
        expect(NF, anonymous=LOGIN, admin=OK),
    ),
    ("documents.minutes_pdf", "GET", lambda w: f"/reunions/{w.validated.id}/compte-rendu.pdf", None, PRIVATE_GROUP),
    (
        "documents.minutes_pdf",
        "GET",
        lambda w: f"/reunions/{w.in_review.id}/compte-rendu.pdf",
        None,
        expect(OK, anonymous=LOGIN, outsider=NF, observer=NF),
    ),
    ("documents.minutes_pdf", "GET", lambda w: f"/reunions/{w.draft.id}/compte-rendu.pdf", None, EDIT_PRIVATE),
    ("documents.minutes_pdf", "GET", lambda w: f"/reunions/{w.public_validated.id}/compte-rendu.pdf", None, EVERYONE),
    # Documents: uploaded and removed by the editors; downloaded by who may read the minutes.
    ("attachments.upload", "GET", lambda w: f"/reunions/{w.draft.id}/documents", None, EDIT_PRIVATE),
    (
        "attachments.upload",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/documents",
        lambda w: {"file": (io.BytesIO(samples.pdf()), "support.pdf"), "agenda_item": ""},
        done(EDIT_PRIVATE),
    ),
    (
        "attachments.upload",
        "POST",
        lambda w: f"/reunions/{w.public_draft.id}/documents",
        lambda w: {"file": (io.BytesIO(samples.png()), "plan.png"), "agenda_item": ""},
        done(PUBLIC_DRAFT),
    ),
    (
        "attachments.delete",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/documents/{attach(w.draft).id}/supprimer",
        {},
        done(EDIT_PRIVATE),
    ),
    # Tampered ids: another meeting's document through this meeting's address.
    (
        "attachments.delete",
        "POST",
        lambda w: f"/reunions/{w.draft.id}/documents/{attach(w.validated).id}/supprimer",
        {},
        expect(NF, anonymous=LOGIN),
    ),
    (
        "attachments.download",
        "GET",
        lambda w: f"/reunions/{w.validated.id}/documents/{attach(w.validated).id}/note.pdf",
        None,
        PRIVATE_GROUP,
    ),
    (
        "attachments.download",
        "GET",
        lambda w: f"/reunions/{w.in_review.id}/documents/{attach(w.in_review).id}/note.pdf",
        None,
        REVIEW_PRIVATE,
    ),
    (
        "attachments.download",
        "GET",
        lambda w: f"/reunions/{w.draft.id}/documents/{attach(w.draft).id}/note.pdf",
        None,
        EDIT_PRIVATE,
    ),
    (
        "attachments.download",
        "GET",
        lambda w: f"/reunions/{w.public_validated.id}/documents/{attach(w.public_validated).id}/note.pdf",
        None,
        EVERYONE,
    ),
    (
        "attachments.download",
        "GET",
        lambda w: f"/reunions/{w.public_draft.id}/documents/{attach(w.public_draft).id}/note.pdf",
        None,
        PUBLIC_DRAFT,
    ),
    (
        "attachments.download",
        "GET",
        lambda w: f"/reunions/{w.public_validated.id}/documents/{attach(w.validated).id}/note.pdf",
        None,
        expect(NF, anonymous=LOGIN),
    ),
    ("records.organisations", "GET", lambda w: "/structures", None, DIRECTORY),
    ("records.organisation", "GET", lambda w: "/structures/nouvelle", None, DIRECTORY),
    ("records.organisation", "POST", lambda w: "/structures/nouvelle", {"name": "ARS Centre"}, done(DIRECTORY)),
    ("records.people", "GET", lambda w: "/personnes", None, DIRECTORY),
    ("records.person", "GET", lambda w: "/personnes/nouvelle", None, DIRECTORY),
    (
        "records.person",
        "POST",
        lambda w: "/personnes/nouvelle",
        {"name": "Nouvelle Personne", "organisation": "0"},
        done(DIRECTORY),
    ),
    (
        "records.merge_organisation",
        "GET",
        lambda w: f"/structures/{duplicate_organisation(w)}/fusionner",
        None,
        DIRECTORY,
    ),
    (
        "records.merge_organisation",
        "POST",
        lambda w: f"/structures/{duplicate_organisation(w)}/fusionner",
        lambda w: {"dans": str(w.users["member"].person.organisation_id)},
        done(DIRECTORY),
    ),
    (
        "records.merge_person",
        "GET",
        lambda w: f"/personnes/{w.second_organiser.person_id}/fusionner",
        None,
        DIRECTORY,
    ),
    (
        "records.merge_person",
        "POST",
        lambda w: f"/personnes/{w.second_organiser.person_id}/fusionner",
        lambda w: {"dans": str(w.users["member"].person_id)},
        done(DIRECTORY),
    ),
    ("directory.organisations", "GET", lambda w: "/annuaire?territoire=Cher&type=inconnu", None, EVERYONE),
    (
        "directory.organisation",
        "GET",
        lambda w: f"/annuaire/structures/{w.users['member'].person.organisation_id}",
        None,
        EVERYONE,
    ),
    ("directory.organisation", "GET", lambda w: "/annuaire/structures/999999", None, expect(NF)),
]


def duplicate_organisation(world) -> int:
    """An organisation to merge into the world's CAF, made on first use."""
    duplicate = db.session.scalar(sa.select(Organisation).where(Organisation.name == "CAF 18"))
    if duplicate is None:
        duplicate = Organisation(name="CAF 18")
        db.session.add(duplicate)
        db.session.commit()
    return duplicate.id
