"""The schema is built by the migrations, which match the models and go both ways."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from groupes.extensions import db


def table_names() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def test_the_migrations_build_exactly_the_schema_of_the_models():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
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
