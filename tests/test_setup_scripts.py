"""Set-up scripts: Python 3.10 discovery fails with a message that says what to install."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from guidebot.config import PROJECT_ROOT

FIND = PROJECT_ROOT / "scripts" / "find-python310.sh"


def test_finds_a_python_310_here():
    result = subprocess.run([str(FIND)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    version = subprocess.run([result.stdout.strip(), "--version"], capture_output=True, text=True).stdout
    assert version.startswith("Python 3.10")


def test_bad_python310_variable_is_named():
    result = subprocess.run([str(FIND)], capture_output=True, text=True, env={**os.environ, "PYTHON310": "/no/such/python"})
    assert result.returncode == 1 and "PYTHON310=/no/such/python is not a working Python 3.10" in result.stderr


def test_none_found_says_what_to_install(tmp_path):
    if any(Path(p).exists() for p in ("/usr/bin/python3.10", "/usr/local/bin/python3.10")):
        pytest.skip("a system Python 3.10 exists on this machine")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(["/bin/bash", str(FIND)], capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert "Python 3.10 not found" in result.stderr and "pyenv install 3.10.13" in result.stderr
