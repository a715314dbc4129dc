"""Schema migrations (Alembic), run programmatically against the configured engine."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from guidebot.errors import ConfigurationError


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("guidebot") / "migrations"))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def _run(engine: Engine, fn, *args) -> None:
    config = alembic_config(engine)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            fn(config, *args)
    except OperationalError as exc:
        raise ConfigurationError(f"cannot reach the database {engine.url.render_as_string()}: {exc.orig}") from exc


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (default: the newest)."""
    _run(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    _run(engine, command.downgrade, revision)


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except OperationalError as exc:
        raise ConfigurationError(f"cannot reach the database {engine.url.render_as_string()}: {exc.orig}") from exc


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def require_current(engine: Engine) -> None:
    """Fail with a clear message when the schema is missing or behind."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        state = "has no schema" if current is None else f"is at revision {current}, the code needs {head}"
        raise ConfigurationError(f"the database {state}: run `guidebot db upgrade`")
