from pathlib import Path

from guidebot.config import DEFAULT_DATA_DIR, load_settings


def test_default_is_embedded_sqlite():
    settings = load_settings({})
    assert settings.database_url == f"sqlite:///{DEFAULT_DATA_DIR / 'guidebot.db'}"


def test_database_url_and_data_dir_from_environment():
    assert load_settings({"GUIDEBOT_DATA_DIR": "/srv/gb"}).database_url == "sqlite:////srv/gb/guidebot.db"
    assert load_settings({"DATABASE_URL": "postgres://u:p@h/db"}).database_url == "postgresql+psycopg://u:p@h/db"
    assert load_settings({"DATABASE_URL": "postgresql://h/db"}).database_url == "postgresql+psycopg://h/db"
    assert load_settings({"DATABASE_URL": "sqlite:///x.db"}).database_url == "sqlite:///x.db"
    assert load_settings({"GUIDEBOT_CATALOGUE_DIR": "/c"}).catalogue_dir == Path("/c")


def test_warning_days_is_validated():
    import pytest

    from guidebot.errors import ConfigurationError

    assert load_settings({}).warning_days == 2 and load_settings({"GUIDEBOT_WARNING_DAYS": "3"}).warning_days == 3
    with pytest.raises(ConfigurationError, match="GUIDEBOT_WARNING_DAYS must be a whole number"):
        load_settings({"GUIDEBOT_WARNING_DAYS": "two"})
