"""The schema is built by the migrations, which match the models and go both ways."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from groupes.extensions import db
from groupes.search.index import is_search_table


def outside_search_index(name, type_, parent_names):
    return not (type_ == "table" and is_search_table(name))


@pytest.fixture(autouse=True)
def new_connections_after_migrating():
    """Close the pooled connections once a test has changed the schema.

    A SQLite connection keeps its copy of the schema until a statement makes it
    check for changes; PRAGMA index_list, index_info and foreign_key_list do not
    when the table is missing from that copy. A pooled connection which last saw
    the database downgraded to empty then reports no unique constraint after the
    upgrade (more idle connections, as the browser tests' live server leaves,
    make the pool hand it out).
    """
    yield
    db.session.remove()
    db.engine.dispose()


def table_names() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def test_the_migrations_build_exactly_the_schema_of_the_models():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": outside_search_index}
        )
        assert compare_metadata(context, db.metadata) == []


def test_downgrade_to_empty_and_upgrade_again():
    model_tables = {t.name for t in db.metadata.sorted_tables}
    assert model_tables <= table_names()
    db.session.remove()
    downgrade(revision="base")
    assert table_names() & model_tables == set()
    upgrade()
    assert model_tables <= table_names()


def test_constraints_have_stable_names():
    inspector = sa.inspect(db.engine)
    unique = {c["name"] for c in inspector.get_unique_constraints("working_groups")}
    assert "uq_working_groups_programme_id_number" in unique
    foreign = {c["name"] for c in inspector.get_foreign_keys("meetings")}
    assert foreign == {"fk_meetings_group_id_working_groups", "fk_meetings_series_id_meeting_series"}
    checks = {c["name"] for c in inspector.get_check_constraints("meetings")}
    assert {"ck_meetings_ends_after_start", "ck_meetings_status"} <= checks


ROWS_AT_0001 = [
    "INSERT INTO programmes (id, title, header, description, created_at) VALUES (1, 'P', '', '', '2014-01-01 00:00:00')",
    "INSERT INTO organisations (id, name, acronym, kind, territory, missions) VALUES (1, 'CAF du Cher', '', '', '', '')",
    "INSERT INTO persons (id, name, function, organisation_id) VALUES (1, 'Karim Benali', '', 1)",
    "INSERT INTO working_groups (id, programme_id, number, title, theme, territory, facilitation, visibility) VALUES (1, 1, 1, 'G', '', '', '', 'members')",
    "INSERT INTO memberships (id, group_id, person_id, role) VALUES (1, 1, 1, 'member')",
    "INSERT INTO meetings (id, group_id, starts_at, title, place, status) VALUES (1, 1, '2014-03-27 13:00:00', '', '', 'held')",
    "INSERT INTO agenda_items (id, meeting_id, parent_id, position, title) VALUES (1, 1, NULL, 0, 'Point')",
    "INSERT INTO agenda_items (id, meeting_id, parent_id, position, title) VALUES (2, 1, 1, 1, 'Sous-point')",
    "INSERT INTO attendances (id, meeting_id, person_id, status, signed) VALUES (1, 1, 1, 'present', false)",
    "INSERT INTO minutes (id, meeting_id, status, revision) VALUES (1, 1, 'validated', 1)",
    "INSERT INTO minutes_sections (id, minutes_id, agenda_item_id, position, heading, body, version) VALUES (1, 1, 1, 0, '', 'Notes', 1)",
    "INSERT INTO decisions (id, meeting_id, number, text) VALUES (1, 1, 1, 'Décision')",
]


def test_upgrading_keeps_every_row():
    """On SQLite, altering a table copies it: the copy must not cascade deletes into its children."""
    db.session.remove()
    downgrade(revision="base")
    upgrade(revision="0001")
    with db.engine.begin() as connection:
        for statement in ROWS_AT_0001:
            connection.execute(sa.text(statement))
    upgrade()
    tables = [
        "programmes",
        "persons",
        "memberships",
        "meetings",
        "agenda_items",
        "attendances",
        "minutes",
        "minutes_sections",
        "decisions",
    ]
    with db.engine.connect() as connection:
        counts = {t: connection.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in tables}
        kinds = connection.execute(sa.text("SELECT DISTINCT kind FROM agenda_items")).scalars().all()
        frozen = connection.execute(sa.text("SELECT frozen_number FROM meetings")).scalar()
        version = connection.execute(sa.text("SELECT version FROM decisions")).scalar()
    assert counts == {**dict.fromkeys(tables, 1), "agenda_items": 2}
    assert kinds == ["topic"]
    # Validated minutes keep the number their meeting had when the upgrade came.
    assert frozen == 1 and version == 1
    if db.engine.dialect.name == "postgresql":  # rows were given explicit ids
        with db.engine.begin() as connection:
            for table in tables:
                connection.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 100)"))


def test_quoted_passages_take_the_typographic_apostrophe_of_the_rendered_text(world):
    """Minutes now render « l’ordre » with a typographic apostrophe: a passage quoted before with
    a straight one is rewritten by the migration, so that it is found in the text again."""
    from groupes.minutes.models import Comment
    from groupes.minutes.review import quote_still_there

    section = world.in_review.minutes.sections[0]
    section.body = "Adopter l'ordre du jour de la séance."
    comment = Comment(minutes=world.in_review.minutes, section=section, revision=1, quote="l'ordre du jour", body="Ok")
    db.session.add(comment)
    db.session.commit()
    assert not quote_still_there(comment, section)
    comment_id = comment.id
    db.session.remove()
    downgrade(revision="0019")
    upgrade()
    comment = db.session.get(Comment, comment_id)
    assert comment.quote == "l\u2019ordre du jour"
    assert quote_still_there(comment, comment.section)
