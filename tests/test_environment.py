"""The two environments hold what DEVELOPERS.md promises (run after `make setup`)."""

from __future__ import annotations

import json
import subprocess
import sys

from guidebot.config import PROJECT_ROOT

RASA_PYTHON = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"


def test_app_environment():
    assert sys.version_info >= (3, 11)
    import sqlalchemy

    assert sqlalchemy.__version__.startswith("2.")


def test_rasa_environment_is_isolated_and_pinned():
    assert RASA_PYTHON.exists(), "run `make setup` to create .venv-rasa"
    probe = (
        "import sys, json, importlib.metadata as m;"
        "print(json.dumps({'python': list(sys.version_info[:2]), "
        "**{n: m.version(n) for n in ('rasa', 'jieba', 'python-socketio', 'python-engineio', 'SQLAlchemy')}}))"
    )
    out = subprocess.run([str(RASA_PYTHON), "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    versions = json.loads(out.stdout)
    assert versions["python"] == [3, 10]
    assert versions["rasa"] == "3.6.21" and versions["jieba"] == "0.42.1"
    socketio = tuple(map(int, versions["python-socketio"].split(".")[:2]))
    engineio = tuple(map(int, versions["python-engineio"].split(".")[:2]))
    assert (5, 8) <= socketio < (5, 10) and (4, 7) <= engineio < (4, 13)
    assert versions["SQLAlchemy"].startswith("1.4")
