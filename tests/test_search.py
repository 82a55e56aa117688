"""Full-text search: accent- and case-blind, phrases and prefixes, kept up to date,
and never showing — not even in a snippet or a count — what the reader may not read."""

from html import unescape

import pytest
import sqlalchemy as sa
from world import csrf_token, signed_in

from groupes.extensions import db
from groupes.minutes.parts import PartKey
from groupes.minutes.writing import save_part
from groupes.outcomes.models import Decision
from groupes.search import index
from groupes.search.index import TABLE, rebuild
from groupes.search.query import fts5_query, parse, tsquery


def results(client, q: str) -> str:
    response = client.get("/recherche", query_string={"q": q})
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def searched_texts(world):
    """Texts to search for in the conftest's ``world`` (every test of this file reads them)."""
    w = world
    w.validated.minutes.sections[0].body = "Le groupe constate l'**évolution** des publics accueillis à Bourges."
    w.draft.minutes.sections[0].body = "Projet confidentiel : évolution du financement du SIAO."
    w.public_validated.minutes.sections[0].body = "Accompagnement des familles monoparentales."
    db.session.commit()


pytestmark = pytest.mark.usefixtures("searched_texts")


def test_accents_and_case_do_not_matter_and_matches_are_marked(app, world):
    html = results(signed_in(app, "member"), "EVOLUTION")
    assert "1 résultat" in html
    assert "<mark>évolution</mark>" in html and "**" not in html.split('id="q-aide"')[1]
    assert f'href="/reunions/{world.validated.id}#compte-rendu"' in html


def test_phrases_and_prefixes(app, world):
    client = signed_in(app, "organiser")
    assert "1 résultat" in results(client, '"publics accueillis"')
    assert "Aucun résultat" in results(client, '"accueillis publics"')
    assert "1 résultat" in results(client, "monoparent*")
    assert "Aucun résultat" in results(client, "monoparent")


def test_a_member_never_sees_another_groups_or_a_drafts_text_not_even_counted(app, world):
    member = results(signed_in(app, "member"), "évolution")
    assert "1 résultat" in member and "confidentiel" not in member and "financement" not in member
    outsider = results(signed_in(app, "outsider"), "évolution")
    assert "Aucun résultat" in outsider
    anonymous = results(app.test_client(), "familles")
    assert "1 résultat" in anonymous  # the public group's validated minutes
    secretary = results(signed_in(app, "secretary"), "évolution")
    assert "2 résultats" in secretary and "<mark>évolution</mark> du financement" in secretary


def test_the_index_follows_every_change(app, world):
    client = signed_in(app, "organiser")
    assert "Aucun résultat" in results(client, "hébergement")
    decision = Decision(number=2, text="Saisir le 115 sur l'hébergement d'urgence.")
    world.validated.decisions.append(decision)
    db.session.commit()
    html = results(client, "hebergement")
    assert "1 résultat" in html and "Décision" in html
    decision.text = "Saisir le SIAO."
    db.session.commit()
    assert "Aucun résultat" in results(client, "hebergement")
    db.session.delete(world.public_validated)
    db.session.commit()
    assert "Aucun résultat" in results(client, "familles")


def index_rows(meeting_id: int) -> dict[tuple[str, int], int]:
    """The meeting's rows of the index: (kind, ref_id) → the row's own number."""
    number = "rowid" if db.engine.dialect.name == "sqlite" else "id"
    query = sa.text(f"SELECT kind, ref_id, {number} FROM {TABLE} WHERE meeting_id = :m")
    return {(kind, ref_id): n for kind, ref_id, n in db.session.execute(query, {"m": meeting_id})}


def save_text(world, section, body: str) -> None:
    save_part(
        section.minutes,
        key=str(PartKey.of(section)),
        base_version=section.version,
        body=body,
        user=world.users["secretary"],
    )


def test_an_autosave_rewrites_the_row_of_its_part_alone(app, world):
    draft = world.draft
    draft.decisions.append(Decision(number=99, text="Écrire au conseil départemental."))
    db.session.commit()
    section = draft.minutes.sections[0]
    before = index_rows(draft.id)
    for n in range(3):  # on SQLite, each new row goes after the meeting's last
        save_text(world, section, f"Nouvelle rédaction {n} : la domiciliation des personnes sans abri.")
    after = index_rows(draft.id)
    assert after.keys() == before.keys() and len(after) >= 3
    assert {k: n for k, n in after.items() if k != ("minutes", section.id)} == {
        k: n for k, n in before.items() if k != ("minutes", section.id)
    }
    assert after[("minutes", section.id)] != before[("minutes", section.id)]
    client = signed_in(app, "organiser")
    assert "Aucun résultat" in results(client, "financement")
    assert "1 résultat" in results(client, "domiciliation")
    save_text(world, section, "   ")
    assert ("minutes", section.id) not in index_rows(draft.id)
    assert "Aucun résultat" in results(client, "domiciliation")
    # The whole meeting reindexed after parts saved alone: one row for each text, as before.
    draft.decisions[-1].text = "Écrire au préfet."
    save_text(world, section, "La domiciliation encore.")
    assert index_rows(draft.id).keys() == before.keys()
    assert "1 résultat" in results(client, "domiciliation") and "1 résultat" in results(client, "préfet")


def test_on_sqlite_a_meeting_whose_range_of_rows_is_used_up_is_renumbered(app, world, monkeypatch):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("rowid ranges are SQLite's FTS5 table's")
    monkeypatch.setattr(index, "ROWS_PER_MEETING", 16)
    rebuild()
    draft = world.draft
    first, second = draft.minutes.sections[:2]
    for n in range(20):  # two parts saved in turn: each new row goes after the other's
        save_text(world, first, f"Rédaction {n} : la domiciliation.")
        save_text(world, second, f"Suite {n} : l'hébergement.")
    rows = db.session.execute(sa.text(f"SELECT rowid, meeting_id FROM {TABLE}")).all()
    assert all(meeting * 16 <= n < (meeting + 1) * 16 for n, meeting in rows), rows
    assert len(index_rows(draft.id)) == len([n for n, meeting in rows if meeting == draft.id])
    client = signed_in(app, "organiser")
    assert "Rédaction 19" in results(client, "domiciliation") and "Suite 19" in results(client, "hébergement")


@pytest.mark.parametrize("marked", ["section", "point"])
def test_an_autosave_of_a_huis_clos_part_stays_out_of_the_index(app, world, marked):
    draft = world.draft
    section = next(s for s in draft.minutes.sections if s.agenda_item_id) if marked == "point" else None
    if section is None:
        section = draft.minutes.sections[0]
        section.confidential = True
    else:
        section.agenda_item.confidential = True
    db.session.commit()
    save_text(world, section, "Situation individuelle de la famille Martin.")
    assert ("minutes", section.id) not in index_rows(draft.id)
    assert "Aucun résultat" in results(signed_in(app, "organiser"), "Martin")


def test_text_saved_and_marked_huis_clos_at_once_stays_out_of_the_index(app, world):
    section = world.draft.minutes.sections[0]
    section.body, section.confidential = "Situation de la famille Martin.", True
    db.session.commit()
    assert "Aucun résultat" in results(signed_in(app, "organiser"), "Martin")


def test_comments_written_through_the_pages_are_found(app, world):
    member = signed_in(app, "member")
    member.post(
        f"/reunions/{world.in_review.id}/compte-rendu/commentaires",
        data={"body": "Préciser la coordination départementale.", "csrf_token": csrf_token(member)},
    )
    html = results(member, "coordination")
    assert "Commentaire de relecture" in html and "#commentaire-" in html
    assert "Aucun résultat" in results(signed_in(app, "observer"), "coordination")


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "*",
        "AND OR NOT",
        "NEAR(a b)",
        "a:*",
        "(évolution",
        "évolution)",
        "-évolution",
        "^x",
        "'",
        "x" * 5000,
        " ",
    ],
)
def test_any_query_answers_without_error(app, world, query):
    assert results(signed_in(app, "organiser"), query)


def test_queries_keep_only_words(app):
    terms = parse('"aide sociale" accomp* NEAR(x) l\'évolution')
    assert fts5_query(terms) == '"aide sociale" "accomp"* "NEAR x" "l évolution"'
    assert tsquery(terms) == "(aide <-> sociale) & accomp:* & (NEAR <-> x) & (l <-> évolution)"


def test_the_reindex_command_rebuilds_the_index(app, runner, world):
    db.session.execute(sa.text(f"DELETE FROM {TABLE}"))
    db.session.commit()
    assert "Aucun résultat" in results(signed_in(app, "organiser"), "familles")
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0 and "Index de recherche reconstruit" in result.output
    assert "1 résultat" in results(signed_in(app, "organiser"), "familles")
    assert rebuild() > 0


def test_beyond_the_ranked_many_the_latest_written_come_first_and_are_not_counted(app, world, monkeypatch):
    """Ranking and counting every match of a common word costs too much: past RANKED_AT_MOST
    the count stops and the latest rows come first, still only what the reader may read."""
    monkeypatch.setattr("groupes.search.query.RANKED_AT_MOST", 1)
    monkeypatch.setattr("groupes.search.query.LIMIT", 1)
    world.public_validated.minutes.sections[0].body = "Évolution des familles monoparentales."
    db.session.commit()
    secretary = results(signed_in(app, "secretary"), "évolution")
    assert "Plus de 1 résultats, les 1 derniers enregistrés ci-dessous\u00a0: précisez la recherche" in secretary
    latest = max(world.validated.id, world.public_validated.id, world.draft.id)
    assert f'href="/reunions/{latest}#compte-rendu"' in secretary
    # What the reader may not read does not count: someone outside the groups reads the public one alone.
    outsider = results(signed_in(app, "outsider"), "évolution")
    assert "1 résultat." in outsider and "Plus de" not in outsider
