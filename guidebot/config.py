"""The one place that reads the environment.

Nothing happens at import: call :func:`load_settings` where a setting is needed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from guidebot.errors import ConfigurationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "var"
DEFAULT_CATALOGUE_DIR = PROJECT_ROOT / "guides" / "catalogue"
# Keys the hashes of identity and phone numbers. Fine for the demo data; set GUIDEBOT_SECRET_KEY
# in any deployment holding real applications.
DEV_SECRET_KEY = "guidebot-development-key-not-for-real-data"


@dataclass(frozen=True)
class Settings:
    """Runtime settings, read from environment variables."""

    database_url: str
    data_dir: Path
    catalogue_dir: Path
    portal_url: str = "http://localhost:5000"
    secret_key: str = DEV_SECRET_KEY
    warning_days: int = 2  # 电子监察: 预警 when this many working days or fewer are left
    sql_echo: bool = False
    rasa_url: str = "http://localhost:5005"  # where browsers reach Rasa's socket.io channel
    # 转人工 office hours on working days (holidays and 调休 from the work calendar), local time;
    # "always" or "never" for demos and tests.
    office_hours: str = "09:00-12:00,13:30-17:30"
    timezone: str = "Asia/Shanghai"


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    value = (env.get(name) or "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, got {value!r}") from None
    if number < 0:
        raise ConfigurationError(f"{name} must not be negative, got {number}")
    return number


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build :class:`Settings` from ``env`` (default: ``os.environ``).

    ``DATABASE_URL`` selects the database; without it an embedded SQLite file
    ``$GUIDEBOT_DATA_DIR/guidebot.db`` (default ``var/`` in the project) is used.
    """
    env = os.environ if env is None else env
    data_dir = Path(env.get("GUIDEBOT_DATA_DIR") or DEFAULT_DATA_DIR)
    url = (env.get("DATABASE_URL") or "").strip()
    if not url:
        url = f"sqlite:///{data_dir / 'guidebot.db'}"
    elif url.startswith("postgres://"):
        # Heroku-style URLs; SQLAlchemy wants the dialect+driver form.
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return Settings(
        database_url=url,
        data_dir=data_dir,
        catalogue_dir=Path(env.get("GUIDEBOT_CATALOGUE_DIR") or DEFAULT_CATALOGUE_DIR),
        portal_url=(env.get("GUIDEBOT_PORTAL_URL") or "http://localhost:5000").rstrip("/"),
        secret_key=env.get("GUIDEBOT_SECRET_KEY") or DEV_SECRET_KEY,
        warning_days=_int(env, "GUIDEBOT_WARNING_DAYS", 2),
        sql_echo=_truthy(env.get("GUIDEBOT_SQL_ECHO")),
        rasa_url=(env.get("GUIDEBOT_RASA_URL") or "http://localhost:5005").rstrip("/"),
        office_hours=(env.get("GUIDEBOT_OFFICE_HOURS") or "09:00-12:00,13:30-17:30").strip(),
        timezone=(env.get("GUIDEBOT_TIMEZONE") or "Asia/Shanghai").strip(),
    )
