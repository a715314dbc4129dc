#!/usr/bin/env bash
# Print the path of a working Python 3.10 interpreter (Rasa 3.6 needs 3.8-3.10), or explain what to install.
# Order: $PYTHON310, python3.10 on PATH, pyenv's 3.10.x (also via PYENV_VERSION), common system paths.
set -u

works() {  # works CMD... : true when CMD runs and is Python 3.10
  "$@" -c 'import sys, venv; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1
}
resolve() {  # print the real executable path of a working interpreter
  "$@" -c 'import sys; print(sys.executable)'
}

if [ -n "${PYTHON310:-}" ]; then
  if works "$PYTHON310"; then resolve "$PYTHON310"; exit 0; fi
  echo "error: PYTHON310=$PYTHON310 is not a working Python 3.10 interpreter" >&2
  exit 1
fi
if command -v python3.10 >/dev/null 2>&1 && works python3.10; then resolve python3.10; exit 0; fi
if command -v pyenv >/dev/null 2>&1; then
  for version in ${PYENV_VERSION:-} $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | sort -rV); do
    case "$version" in 3.10*) ;; *) continue ;; esac
    prefix=$(pyenv prefix "$version" 2>/dev/null) || continue
    if works "$prefix/bin/python3.10"; then echo "$prefix/bin/python3.10"; exit 0; fi
  done
  if PYENV_VERSION=3.10 works python3.10; then PYENV_VERSION=3.10 resolve python3.10; exit 0; fi
fi
for candidate in /usr/bin/python3.10 /usr/local/bin/python3.10 "$HOME"/.pyenv/versions/3.10*/bin/python3.10; do
  if [ -x "$candidate" ] && works "$candidate"; then echo "$candidate"; exit 0; fi
done
cat >&2 <<'MSG'
error: Python 3.10 not found. Rasa 3.6 (the .venv-rasa environment) supports only Python 3.8-3.10.
Install one of:
  pyenv install 3.10.13                       (then re-run make)
  apt-get install python3.10 python3.10-venv  (where your distribution has it)
or point PYTHON310 at an interpreter:  make PYTHON310=/path/to/python3.10 setup
MSG
exit 1
