"""Migrations build exactly the models' schema, on both backends, and run idempotently."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from guidebot import migrate
from guidebot.db import make_engine
from guidebot.errors import ConfigurationError
from guidebot.models_registry import metadata


def test_migrations_match_models_and_are_reversible(database_url):
    engine = make_engine(database_url)
    with pytest.raises(ConfigurationError, match="has no schema: run `guidebot db upgrade`"):
        migrate.require_current(engine)
    migrate.upgrade(engine)
    migrate.upgrade(engine)  # idempotent
    assert migrate.current_revision(engine) == migrate.head_revision()
    migrate.require_current(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), metadata)
    assert diff == []
    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert "service_items" in inspect(engine).get_table_names()
    engine.dispose()


def test_unreachable_database_is_a_clear_error(tmp_path):
    engine = make_engine("postgresql+psycopg://nobody@/nodb?host=/nonexistent-socket-dir")
    with pytest.raises(ConfigurationError, match="cannot reach the database"):
        migrate.upgrade(engine)


def test_bad_url_is_a_clear_error():
    with pytest.raises(ConfigurationError, match="not a valid database URL"):
        make_engine("not a url at all")
