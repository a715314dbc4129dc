#!/usr/bin/env bash
# Create/refresh .venv-rasa (the Rasa 3.6 server only, Python 3.10) from requirements/rasa.lock.
set -euo pipefail
cd "$(dirname "$0")/.."
py310=$(scripts/find-python310.sh)
if [ ! -x .venv-rasa/bin/python ] || ! .venv-rasa/bin/python -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)'; then
  rm -rf .venv-rasa
  "$py310" -m venv .venv-rasa
fi
quiet() { grep -v -e 'is ignored: it is neither a file nor a directory' -e '^$' || true; }
.venv-rasa/bin/python -m pip install -q --disable-pip-version-check --upgrade 'pip>=23' 2>&1 | quiet
# The lock is a complete freeze: install exactly it, without re-resolving.
.venv-rasa/bin/python -m pip install -q --disable-pip-version-check --no-deps -r requirements/rasa.lock 2>&1 | quiet
# Our Rasa components (rasa_ext) and the modules they share with the actions import from the
# project root, whichever command loads them (train, run, test, evaluation). The path is added
# after pip's check, which would otherwise judge the project's own metadata for .venv.
pth=$(.venv-rasa/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/guidebot-project.pth
rm -f "$pth"
.venv-rasa/bin/python -m pip check >/dev/null || { .venv-rasa/bin/python -m pip check >&2; exit 1; }
pwd > "$pth"
echo ".venv-rasa ready: $(.venv-rasa/bin/python --version), rasa $(.venv-rasa/bin/python -c 'import importlib.metadata as m; print(m.version("rasa"))')"
