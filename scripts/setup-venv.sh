#!/usr/bin/env bash
# Create/refresh .venv (our code, Python >= 3.11) from requirements/app.lock.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
  echo "error: $PYTHON is not Python >= 3.11 (found: $("$PYTHON" --version 2>&1)). Set PYTHON=/path/to/python3.11+." >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
quiet() { grep -v -e 'is ignored: it is neither a file nor a directory' -e '^$' || true; }
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements/app.lock 2>&1 | quiet
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e . 2>&1 | quiet
.venv/bin/python -m pip check >/dev/null || { .venv/bin/python -m pip check >&2; exit 1; }
echo ".venv ready: $(.venv/bin/python --version), guidebot $(.venv/bin/guidebot --version | awk '{print $NF}')"
