#!/usr/bin/env bash
# Re-resolve requirements/*.in into exact lock files, each in a fresh throwaway venv.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
quiet() { grep -v -e 'is ignored: it is neither a file nor a directory' || true; }
"${PYTHON:-python3}" -m venv "$tmp/app"
"$tmp/app/bin/pip" install -q -U pip setuptools 2>&1 | quiet
"$tmp/app/bin/pip" install -q -r requirements/app.in 2>&1 | quiet
{ echo "# Generated from requirements/app.in by 'make lock' (pip freeze of a fresh .venv, Python 3.11)."
  "$tmp/app/bin/pip" freeze --all | grep -v '^pip=='; } > requirements/app.lock
"$(scripts/find-python310.sh)" -m venv "$tmp/rasa"
"$tmp/rasa/bin/pip" install -q -U pip setuptools wheel 2>&1 | quiet
"$tmp/rasa/bin/pip" install -q -r requirements/rasa.in 2>&1 | quiet
{ echo "# Generated from requirements/rasa.in by 'make lock' (pip freeze of a fresh .venv-rasa, Python 3.10)."
  "$tmp/rasa/bin/pip" freeze --all | grep -v "^pip=="; } > requirements/rasa.lock
echo "locked: $(grep -c == requirements/app.lock) app packages, $(grep -c == requirements/rasa.lock) rasa packages"
