"""The migrations build exactly the schema the models describe (what `flask db migrate` would find is nothing)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from naborad.extensions import db


def test_the_migrations_match_the_models(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert not differences, differences
