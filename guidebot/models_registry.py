"""Imports every model module so the shared metadata is complete (for Alembic and tests)."""

from guidebot.db import Base
import approvals.models  # noqa: F401  (registers the tables)
import feedback.models  # noqa: F401
import guides.models  # noqa: F401

metadata = Base.metadata
