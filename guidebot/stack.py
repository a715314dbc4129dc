"""Start the Rasa server and the action server as child processes (for run, tests and evaluation).

Rasa lives in .venv-rasa; the action server runs our code from .venv. Both listen on loopback.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from guidebot.config import PROJECT_ROOT
from guidebot.errors import ConfigurationError

RASA = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
# Identity-check digits are masked before any conversation is stored (see rasa_ext/tracker_store.py).
TRACKER_STORE = "tracker_store:\n  type: rasa_ext.tracker_store.RedactingTrackerStore\n"
MODEL = PROJECT_ROOT / "models" / "guidebot.tar.gz"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ConfigurationError(f"{url} did not come up: the process exited; log:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise ConfigurationError(f"{url} did not answer within {timeout:.0f}s; log:\n{log.read_text()[-3000:]}")


def _stop(processes: list[subprocess.Popen]) -> None:
    """Ask every process to stop, then kill whichever has not within 20 s."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def rasa_stack(model: Path = MODEL, env: dict | None = None, rasa_port: int | None = None,
               action_port: int | None = None, log_dir: Path | None = None) -> Iterator[str]:
    """Run the action server and Rasa (REST + socket.io); yield Rasa's base URL; stop both after."""
    if not model.exists():
        raise ConfigurationError(f"no trained model at {model}: run `make model`")
    # .venv-rasa finds rasa_ext and guides through the .pth file scripts/setup-rasa-venv.sh writes.
    env = {**os.environ, **(env or {}), "RASA_TELEMETRY_ENABLED": "false"}
    rasa_port, action_port = rasa_port or free_port(), action_port or free_port()
    log_dir = Path(log_dir or tempfile.mkdtemp(prefix="guidebot-stack-"))
    endpoints = log_dir / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n{TRACKER_STORE}', "utf-8")
    action_log, rasa_log = log_dir / "actions.log", log_dir / "rasa.log"
    processes = []
    try:
        actions = subprocess.Popen(
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)],
            cwd=PROJECT_ROOT, env=env, stdout=action_log.open("w"), stderr=subprocess.STDOUT)
        processes.append(actions)
        rasa = subprocess.Popen(
            [str(RASA), "run", "--enable-api", "--model", str(model), "--port", str(rasa_port),
             "--endpoints", str(endpoints), "--credentials", str(PROJECT_ROOT / "bot" / "credentials.yml"),
             "--cors", "*", "--interface", "127.0.0.1"],
            cwd=PROJECT_ROOT, env=env, stdout=rasa_log.open("w"), stderr=subprocess.STDOUT)
        processes.append(rasa)
        _wait_for(f"http://127.0.0.1:{action_port}/health", actions, 60, action_log)
        _wait_for(f"http://127.0.0.1:{rasa_port}/status", rasa, 180, rasa_log)
        yield f"http://127.0.0.1:{rasa_port}"
    finally:
        _stop(processes)


@contextmanager
def portal_server(env: dict | None = None, port: int | None = None, log_dir: Path | None = None) -> Iterator[str]:
    """Run the portal (waitress) in a child process; yield its base URL; stop it after."""
    port = port or free_port()
    log_dir = Path(log_dir or tempfile.mkdtemp(prefix="guidebot-portal-"))
    log = log_dir / "portal.log"
    process = subprocess.Popen([sys.executable, "-m", "portal", "--port", str(port)], cwd=PROJECT_ROOT,
                               env={**os.environ, **(env or {})}, stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        _wait_for(f"http://127.0.0.1:{port}/api/hot-questions", process, 60, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop([process])


def say(base_url: str, sender: str, text: str, timeout: float = 30) -> list[dict]:
    """Send one message through the REST channel; return the bot's messages."""
    request = urllib.request.Request(
        f"{base_url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))
