"""The directory (annuaire): organisations' contact details, the public pages of
organisations and what each viewer sees there, and merging duplicates."""

import re
from html import unescape

import pytest
import sqlalchemy as sa
from world import future_meeting, post_form, read_page, signed_in

from groupes.extensions import db
from groupes.groups.merging import MergeRefused, foreign_keys, merge, plan_merge, unhandled
from groupes.groups.models import Membership, Organisation, Person, Role
from groupes.meetings.models import Attendance, AttendanceStatus
from groupes.programmes.models import ProgrammeOrganiser

# Scripts come from /static only (the site's bundle): none is written in a page.
INLINE_SCRIPT = re.compile(r'<script(?![^>]*\ssrc="/static/)')


def caf():
    return db.session.scalar(sa.select(Organisation).where(Organisation.name == "CAF du Cher"))


# -- contact details ----------------------------------------------------------


def test_contact_details_are_saved(app, world):
    client = signed_in(app, "organiser")
    response = post_form(
        client,
        f"/structures/{caf().id}",
        {
            "name": "CAF du Cher",
            "email": "Accueil@CAF-Cher.example",
            "phone": "02 48 55 69 00",
            "website": "www.caf.fr/allocataires",
            "address": "14 rue Louis Mallet\n18000 Bourges",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    saved = caf()
    assert (saved.email, saved.phone, saved.website) == (
        "accueil@caf-cher.example",
        "02 48 55 69 00",
        "https://www.caf.fr/allocataires",
    )
    assert saved.address == "14 rue Louis Mallet\n18000 Bourges"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("email", "pas une adresse", "Adresse e-mail invalide."),
        ("website", "pas un site", "Adresse de site invalide : par exemple https://www.caf.fr."),
        ("website", "javascript:alert(1)", "Adresse de site invalide : par exemple https://www.caf.fr."),
        ("website", "ftp://fichiers.caf.fr", "Adresse de site invalide : par exemple https://www.caf.fr."),
        ("phone", "appelez-moi", "Numéro invalide : chiffres, espaces, points, tirets, parenthèses et « + »."),
    ],
)
def test_bad_contact_details_reshow_the_form_with_the_text_kept(app, world, field, value, message):
    client = signed_in(app, "organiser")
    response = post_form(client, f"/structures/{caf().id}", {"name": "CAF du Cher", field: value})
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert message in html and f'value="{value}"' in html
    db.session.expire_all()
    assert getattr(caf(), field) == ""


# -- merging ------------------------------------------------------------------


def links_to(model, ident: int) -> dict[str, int]:
    """Rows of every table that point at this record, by foreign key."""
    counts = {}
    for fk in foreign_keys(model):
        column = fk.parent
        counts[f"{column.table.name}.{column.name}"] = db.session.scalar(
            sa.select(sa.func.count()).select_from(column.table).where(column == ident)
        )
    return counts


def test_every_foreign_key_to_organisations_and_people_is_handled(app):
    assert unhandled(Organisation) == [] and unhandled(Person) == []
    assert {f"{fk.parent.table.name}.{fk.parent.name}" for fk in foreign_keys(Person)} >= {
        "memberships.person_id",
        "attendances.person_id",
        "users.person_id",
    }


def test_a_new_table_pointing_at_people_is_noticed(app):
    """A table added later without a rule for merging makes the test above fail."""
    table = sa.Table(
        "badges",
        db.metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("holder_id", sa.ForeignKey("persons.id")),
        sa.Column("event", sa.Integer),
        sa.UniqueConstraint("holder_id", "event"),
    )
    try:
        assert unhandled(Person) == ["badges.holder_id"]
        with pytest.raises(RuntimeError):
            plan_merge(Person, 1, 2)
    finally:
        db.metadata.remove(table)


def test_merging_organisations_keeps_every_link(app, world):
    survivor = caf()
    survivor.phone = "02 48 55 69 00"
    duplicate = Organisation(
        name="Caisse d’allocations familiales du Cher",
        acronym="CAF 18",
        kind="organisme de sécurité sociale",
        phone="01 00 00 00 00",
        website="https://www.caf.fr",
    )
    guest = Person(name="Invitée de la Caisse", organisation=duplicate)
    world.programme.organisations = [survivor, duplicate]
    world.other_programme.organisations = [duplicate]
    world.public_validated.actions[0].owner_organisation = duplicate
    db.session.add(guest)
    db.session.commit()
    ids = survivor.id, duplicate.id
    before = links_to(Organisation, duplicate.id)
    assert all(before.values()), before  # the world exercises every link

    plan = plan_merge(Organisation, duplicate.id, str(survivor.id))
    assert {m.label: (m.rows, m.shared) for m in plan.moves} == {
        "personnes de la structure": (1, 0),
        "démarches dont elle est partenaire": (2, 1),
        "actions dont elle est responsable": (1, 0),
    }
    assert plan.filled == ["type", "site internet"]
    merge(plan)
    db.session.commit()

    assert db.session.get(Organisation, ids[1]) is None
    assert set(links_to(Organisation, ids[1]).values()) == {0}
    kept = db.session.get(Organisation, ids[0])
    assert (kept.acronym, kept.kind, kept.phone, kept.website) == (
        "CAF",
        "organisme de sécurité sociale",
        "02 48 55 69 00",
        "https://www.caf.fr",
    )
    assert db.session.get(Person, guest.id).organisation_id == ids[0]
    assert [o.id for o in world.programme.organisations] == [ids[0]]
    assert [o.id for o in world.other_programme.organisations] == [ids[0]]
    assert world.public_validated.actions[0].owner_organisation_id == ids[0]


def attendance(meeting, person):
    return db.session.scalar(
        sa.select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.person_id == person.id)
    )


def test_merging_people_keeps_every_link_and_the_stronger_of_two(app, world):
    member = world.membership.person
    duplicate = Person(name="M. Membre", function="Assistante sociale")
    # Both in the private group: the duplicate's role is the stronger one.
    db.session.add(Membership(group=world.private, person=duplicate, role=Role.FACILITATOR))
    db.session.add(Membership(group=world.public, person=duplicate, role=Role.OBSERVER))
    # Both at the same meetings: the more informative attendance stays, whoever's it is.
    attendance(world.public_draft, member).status = AttendanceStatus.INVITED
    db.session.add(Attendance(meeting=world.public_draft, person=duplicate, status="present", signed=True))
    db.session.add(Attendance(meeting=world.validated, person=duplicate, status="excused"))
    later = future_meeting(world.private)
    db.session.add(Attendance(meeting=later, person=duplicate, status="invited"))
    world.public_validated.actions[0].owner_person = duplicate
    db.session.add(ProgrammeOrganiser(programme=world.other_programme, person=duplicate))
    db.session.add(ProgrammeOrganiser(programme=world.programme, person=duplicate))
    db.session.add(ProgrammeOrganiser(programme=world.programme, person=member))
    db.session.commit()
    ids = member.id, duplicate.id

    plan = plan_merge(Person, duplicate.id, member.id)
    assert {m.label: (m.rows, m.shared) for m in plan.moves} == {
        "participations à des groupes de travail": (2, 1),
        "présences aux réunions": (3, 2),
        "démarches qu’elle organise": (2, 1),
        "actions dont elle est responsable": (1, 0),
    }
    assert plan.filled == ["fonction"]
    merge(plan)
    db.session.commit()

    assert db.session.get(Person, ids[1]) is None
    assert set(links_to(Person, ids[1]).values()) == {0}
    kept = db.session.get(Person, ids[0])
    assert kept.function == "Assistante sociale" and kept.email == "member@test.example"
    roles = {m.group_id: m.role for m in kept.memberships}
    assert roles == {world.private.id: Role.FACILITATOR, world.public.id: Role.OBSERVER}
    assert (attendance(world.public_draft, kept).status, attendance(world.public_draft, kept).signed) == (
        AttendanceStatus.PRESENT,
        True,
    )
    assert attendance(world.validated, kept).status == AttendanceStatus.PRESENT
    assert attendance(later, kept).status == AttendanceStatus.INVITED
    assert world.public_validated.actions[0].owner_person_id == ids[0]
    organised = db.session.scalars(
        sa.select(ProgrammeOrganiser.programme_id).where(ProgrammeOrganiser.person_id == ids[0])
    )
    assert sorted(organised) == sorted([world.programme.id, world.other_programme.id])
    assert kept.user.id == world.users["member"].id


def test_an_account_moves_to_a_survivor_without_one(app, world):
    """The duplicate's address and account go to the survivor: the same login still works."""
    observer = world.users["observer"].person
    survivor = Person(name="Observateur Test (doublon sans compte)")
    db.session.add(survivor)
    db.session.commit()
    plan = plan_merge(Person, observer.id, survivor.id)
    assert {m.label: m.rows for m in plan.moves}["compte de connexion"] == 1
    assert plan.filled == ["adresse e-mail", "structure"]
    merge(plan)
    db.session.commit()
    kept = db.session.get(Person, survivor.id)
    assert kept.email == "observer@test.example" and kept.user.id == world.users["observer"].id
    assert kept.memberships[0].group_id == world.private.id
    client = signed_in(app, "observer")
    assert "Groupe réservé" in read_page(client, f"/groupes/{world.private.id}")


def test_two_accounts_are_not_merged(app, world):
    member, secretary = world.users["member"].person, world.users["secretary"].person
    with pytest.raises(MergeRefused, match="chacune un compte de connexion"):
        plan_merge(Person, secretary.id, member.id)


@pytest.mark.parametrize("target", ["", "abc", "-3", "999999", "99999999999", "self"])
def test_merging_into_itself_or_into_nothing_is_refused(app, world, target):
    ident = caf().id
    with pytest.raises(MergeRefused):
        plan_merge(Organisation, ident, str(ident) if target == "self" else target)


# -- the public directory -----------------------------------------------------


@pytest.fixture
def elsewhere_organisation(world):
    """An organisation whose only person is in the other programme's members-only group."""
    uriopss = Organisation(name="URIOPSS Centre", acronym="URIOPSS", kind="union d’associations", territory="Centre")
    paul = Person(name="Paul Ailleurs", function="Délégué", organisation=uriopss)
    db.session.add(Membership(group=world.elsewhere, person=paul, role=Role.MEMBER))
    hidden = future_meeting(world.elsewhere)
    db.session.add(Attendance(meeting=hidden, person=paul, status="present"))
    db.session.commit()
    return uriopss


def test_filters_by_territory_kind_and_name(app, world, elsewhere_organisation):
    client = app.test_client()
    caf().territory, caf().kind = "Cher", "organisme de sécurité sociale"
    db.session.commit()
    assert "URIOPSS Centre" not in read_page(client, "/annuaire?territoire=Cher")
    html = read_page(client, "/annuaire?type=union+d’associations")
    assert "URIOPSS Centre" in html and "CAF du Cher" not in html
    html = read_page(client, "/annuaire?q=uriop")
    assert "URIOPSS Centre" in html and "CAF du Cher" not in html
    assert "Aucune structure ne répond à ces critères." in read_page(client, "/annuaire?q=100%")


def test_unknown_filters_fall_back_to_everything_with_a_message(app, world, elsewhere_organisation):
    html = read_page(app.test_client(), "/annuaire?territoire=Atlantide&type=%3Cb%3Ebizarre")
    assert "Territoire « Atlantide » inconnu : tous les territoires sont montrés." in html
    assert "Type « <b>bizarre » inconnu : tous les types de structure sont montrés." in html
    assert "URIOPSS Centre" in html and "CAF du Cher" in html
    assert "<b>bizarre" not in html.replace("« <b>bizarre »", "")  # escaped, shown only in the message


def test_anonymous_visitors_see_organisations_and_public_groups_but_nobody(app, world, elsewhere_organisation):
    client = app.test_client()
    listing = read_page(client, "/annuaire")
    assert f'href="/groupes/{world.public.id}"' in listing
    assert (
        f'href="/groupes/{world.private.id}"' not in listing and f'href="/groupes/{world.elsewhere.id}"' not in listing
    )
    html = read_page(client, f"/annuaire/structures/{caf().id}")
    assert "Groupe public" in html and "Groupe réservé" not in html
    assert "Test" not in html.split("<main", 1)[1]  # no person's name
    assert "Connectez-vous" in html
    # Attendance shows only where the visitor may read it: the public group's validated minutes.
    assert "mardi 4 mars 2014" in html and "mardi 11 mars 2014" not in html and "lundi 3 mars 2014" not in html
    html = read_page(client, f"/annuaire/structures/{elsewhere_organisation.id}")
    assert "URIOPSS Centre" in html and "Groupe d’ailleurs" not in html and "Paul Ailleurs" not in html
    assert "Aucun groupe de travail visible." in html and "Aucune réunion visible." in html


def test_a_member_sees_their_groups_people_and_nothing_of_other_private_groups(app, world, elsewhere_organisation):
    client = signed_in(app, "member")
    html = read_page(client, f"/annuaire/structures/{caf().id}")
    assert "Groupe réservé" in html and "Groupe public" in html
    assert "Member Test" in html and "Facilitator Test (animation)" in html and "Outsider Test" in html
    assert "member@test.example" not in html  # addresses are for those who keep the directory
    assert "lundi 3 mars 2014" in html  # the private group's meeting the member attended
    listing = read_page(client, "/annuaire")
    assert f'href="/groupes/{world.elsewhere.id}"' not in listing
    html = read_page(client, f"/annuaire/structures/{elsewhere_organisation.id}")
    assert "Groupe d’ailleurs" not in html and "Paul Ailleurs" not in html and "Délégué" not in html
    assert "Aucune personne visible." in html


def test_an_outsider_sees_only_the_people_of_groups_they_may_see(app, world):
    html = read_page(signed_in(app, "outsider"), f"/annuaire/structures/{caf().id}")
    assert "Outsider Test" in html and "Groupe public" in html
    assert "Groupe réservé" not in html and "Secretary Test" not in html
    # The member attended the public group's meeting: named there, as on the meeting's page.
    assert "Member Test (présent·e)" in html


def test_organisers_see_the_people_of_their_programmes_and_their_addresses(app, world, elsewhere_organisation):
    client = signed_in(app, "organiser")
    html = read_page(client, f"/annuaire/structures/{caf().id}")
    assert "member@test.example" in html and "Modifier la structure" in html
    # The other programme's people and organisations are not theirs to keep.
    html = read_page(client, f"/annuaire/structures/{elsewhere_organisation.id}")
    assert "Paul Ailleurs" not in html and "Groupe d’ailleurs" not in html and "Modifier la structure" not in html


def test_contact_and_missions_are_shown_and_missions_sanitised(app, world):
    organisation = caf()
    organisation.missions = "**Accès aux droits** <script>alert('x')</script>"
    organisation.website, organisation.phone = "https://www.caf.fr", "02 48 55 69 00"
    organisation.address = "14 rue Louis Mallet\n18000 Bourges"
    db.session.commit()
    response = app.test_client().get(f"/annuaire/structures/{organisation.id}")
    html = response.get_data(as_text=True)
    assert "<strong>Accès aux droits</strong>" in html and "<script>alert" not in html
    assert '<a href="https://www.caf.fr" rel="noopener noreferrer">' in html and 'href="tel:0248556900"' in html
    assert "14 rue Louis Mallet<br>18000 Bourges" in html


def test_a_missing_organisation_is_not_found(app, world):
    assert app.test_client().get("/annuaire/structures/999999").status_code == 404


# -- the merge pages ----------------------------------------------------------


def test_the_merge_is_shown_before_it_is_done(app, world):
    duplicate = Organisation(name="CAF 18", website="https://www.caf.fr")
    db.session.add(Person(name="Agent de la CAF 18", organisation=duplicate))
    db.session.commit()
    ident, survivor = duplicate.id, caf().id
    client = signed_in(app, "organiser")
    html = read_page(client, f"/structures/{ident}/fusionner?dans={survivor}")
    assert "Personnes de la structure" in html and "site internet" in html
    assert db.session.get(Organisation, ident) is not None  # looking changes nothing
    response = post_form(client, f"/structures/{ident}/fusionner", {"dans": str(survivor)})
    assert response.status_code == 302 and response.headers["Location"] == f"/annuaire/structures/{survivor}"
    html = read_page(client, response.headers["Location"])
    assert "« CAF 18 » a été fusionnée dans « CAF du Cher »" in html and "Agent de la CAF 18" in html
    db.session.expire_all()
    assert db.session.get(Organisation, ident) is None and caf().website == "https://www.caf.fr"


@pytest.mark.parametrize(
    "target, message",
    [
        ("self", "Une structure ne peut pas être fusionnée avec elle-même."),
        ("999999", "Cette structure n’existe pas (ou plus) : rien n’a été fusionné."),
        ("n’importe quoi", "Choisissez la structure à garder."),
    ],
)
def test_a_bad_merge_is_refused_and_changes_nothing(app, world, count, target, message):
    duplicate = Organisation(name="CAF 18")
    db.session.add(duplicate)
    db.session.commit()
    ident = duplicate.id
    target = str(ident) if target == "self" else target
    client = signed_in(app, "organiser")
    assert message in read_page(client, f"/structures/{ident}/fusionner?dans={target}")
    response = post_form(client, f"/structures/{ident}/fusionner", {"dans": target})
    assert response.status_code == 200 and message in unescape(response.get_data(as_text=True))
    assert count(Organisation) == 2


def test_two_accounts_are_refused_with_what_to_do(app, world, count):
    member, secretary = world.users["member"].person, world.users["secretary"].person
    client = signed_in(app, "admin")
    response = post_form(client, f"/personnes/{secretary.id}/fusionner", {"dans": str(member.id)})
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and "désactivez dans « Comptes » le compte qui ne sert plus" in html
    assert "Fusionner et supprimer" not in html
    db.session.expire_all()
    assert db.session.get(Person, secretary.id) is not None


def test_merging_people_through_the_page(app, world):
    duplicate = Person(name="M. Membre", function="Conseillère")
    db.session.add(Membership(group=world.public, person=duplicate, role=Role.OBSERVER))
    db.session.commit()
    member = world.membership.person
    client = signed_in(app, "admin")
    html = read_page(client, f"/personnes/{duplicate.id}/fusionner?dans={member.id}")
    assert "Participations à des groupes de travail" in html and "fonction" in html
    response = post_form(client, f"/personnes/{duplicate.id}/fusionner", {"dans": str(member.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert {m.group_id for m in db.session.get(Person, member.id).memberships} == {world.private.id, world.public.id}


def test_merging_needs_the_forms_token(app, world, count):
    duplicate = Organisation(name="CAF 18")
    db.session.add(duplicate)
    db.session.commit()
    client = signed_in(app, "admin")
    assert client.post(f"/structures/{duplicate.id}/fusionner", data={"dans": str(caf().id)}).status_code == 400
    assert count(Organisation) == 2


def test_directory_pages_have_no_inline_script_or_style(app, world):
    client = signed_in(app, "admin")
    for url in ["/annuaire", f"/annuaire/structures/{caf().id}", f"/personnes/{world.membership.person_id}/fusionner"]:
        html = read_page(client, url)
        assert not INLINE_SCRIPT.search(html) and "style=" not in html and html.count("<h1") == 1


def test_the_directory_filter_sent_by_htmx_answers_the_results_alone(app, world):
    client = signed_in(app, "admin")
    response = client.get("/annuaire?q=CAF", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and "<form" not in html
    assert html.lstrip().startswith('<div id="resultats"') and "CAF du Cher" in html
    assert re.search(r'<p id="resultats-annonce" data-hx-swap-oob="innerHTML">\d+ structures?\.</p>', html)
    page = client.get("/annuaire?q=CAF").get_data(as_text=True)
    assert "<html" in page and 'data-hx-get="/annuaire"' in page and "Nouvelle structure" in page
