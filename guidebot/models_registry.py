"""Imports every model module so the shared metadata is complete (for Alembic and tests)."""

from guidebot.db import Base
import guides.models  # noqa: F401  (registers the tables)

metadata = Base.metadata
