"""Shared fixtures: temporary databases on SQLite and PostgreSQL, and catalogue helpers.

PostgreSQL: GUIDEBOT_TEST_POSTGRES_URL names a server (.ci/run starts one); otherwise a
throwaway cluster is started with scripts/pg-throwaway.sh. Where neither is possible the
PostgreSQL variants are skipped, unless GUIDEBOT_REQUIRE_POSTGRES=1 (CI), where they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from guidebot import migrate
from guidebot.config import PROJECT_ROOT
from guidebot.db import make_engine, session_factory
from tests.helpers import MINI_DEPARTMENTS, MINI_REGIONS, default_items

CATALOGUE_DIR = PROJECT_ROOT / "guides" / "catalogue"
SHARED_DIR = Path(os.environ.get("GUIDEBOT_SHARED_DIR", PROJECT_ROOT.parent / "shared"))
GDZWFW_EXPORT = SHARED_DIR / "datasets" / "gdzwfw-items" / "items.jsonl"


def _require(what: str):
    if os.environ.get("GUIDEBOT_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL is required here but {what}")
    pytest.skip(f"PostgreSQL not available: {what}")


@pytest.fixture(scope="session")
def postgres_server_url():
    """URL of an admin connection to a PostgreSQL server for the whole session."""
    url = os.environ.get("GUIDEBOT_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    directory = tempfile.mkdtemp(prefix="guidebot-pg-")
    try:
        started = subprocess.run([str(PROJECT_ROOT / "scripts" / "pg-throwaway.sh"), "start", directory],
                                 capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(directory, ignore_errors=True)
        _require(f"could not start a throwaway cluster: {exc}")
    if started.returncode != 0:
        shutil.rmtree(directory, ignore_errors=True)
        _require(f"could not start a throwaway cluster: {started.stderr.strip()}")
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([str(PROJECT_ROOT / "scripts" / "pg-throwaway.sh"), "stop", directory], timeout=60)


@pytest.fixture
def postgres_url(postgres_server_url):
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """An empty database on each supported backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'guidebot.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'guidebot.db'}"


def migrated_engine(url: str):
    engine = make_engine(url)
    migrate.upgrade(engine)
    return engine


@pytest.fixture
def engine(database_url):
    """A migrated engine on each backend."""
    engine = migrated_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url):
    engine = migrated_engine(sqlite_url)
    yield engine
    engine.dispose()


@pytest.fixture
def Session(engine):
    return session_factory(engine)


# --------------------------------------------------------------------------- catalogue fixtures

@pytest.fixture
def make_catalogue(tmp_path):
    """Write a small catalogue directory; returns a function(items={relpath: yaml}) -> Path."""

    def make(items: dict[str, str] | None = None, *, key="test-cat", sample=True, regions=MINI_REGIONS,
             departments=MINI_DEPARTMENTS, name="cat") -> Path:
        root = tmp_path / name
        (root / "items").mkdir(parents=True)
        (root / "departments").mkdir()
        (root / "catalogue.yaml").write_text(f"key: {key}\ntitle: 测试目录\nsample: {str(sample).lower()}\n", "utf-8")
        (root / "regions.yaml").write_text(regions, "utf-8")
        (root / "departments" / "all.yaml").write_text(departments, "utf-8")
        for rel, content in (default_items() if items is None else items).items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, "utf-8")
        return root

    return make


# --------------------------------------------------------------------------- the running assistant

STACK_KEY = "rest-test-secret"


@dataclass
class LiveStack:
    rasa_url: str
    portal_url: str
    database_url: str
    examples: list


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory):
    """Rasa, the action server and the portal over one database of their own (the default catalogue
    and demo applications), shared by the REST and browser tests: Rasa's cold start is paid once.
    Office hours are closed, so a hand-off takes a message."""
    from approvals import demo
    from guidebot.db import unit_of_work
    from guidebot.stack import MODEL, free_port, portal_server, rasa_stack
    from guides.catalogue import load_directory
    from guides.store import import_bundle

    assert MODEL.exists(), "run `make model` first"
    path = tmp_path_factory.mktemp("stackdb") / "guidebot.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with unit_of_work(engine) as session:
        import_bundle(session, load_directory(CATALOGUE_DIR))
    with unit_of_work(engine) as session:
        demo.load(session, 300, STACK_KEY)
        examples = demo.examples(session, 300, STACK_KEY)
    engine.dispose()
    rasa_port, portal_port = free_port(), free_port()
    env = {"DATABASE_URL": f"sqlite:///{path}", "GUIDEBOT_SECRET_KEY": STACK_KEY, "GUIDEBOT_OFFICE_HOURS": "never",
           "GUIDEBOT_PORTAL_URL": f"http://127.0.0.1:{portal_port}", "GUIDEBOT_RASA_URL": f"http://127.0.0.1:{rasa_port}"}
    logs = tmp_path_factory.mktemp("stack")
    with rasa_stack(env=env, rasa_port=rasa_port, log_dir=logs) as rasa_url, \
            portal_server(env=env, port=portal_port, log_dir=logs) as portal_url:
        yield LiveStack(rasa_url, portal_url, f"sqlite:///{path}", examples)
