#!/usr/bin/env bash
# `make run`: the catalogue is loaded; serve what exists so far.
# The Rasa assistant (issue #4) and the portal with its widget (issue #6) will be started here.
set -euo pipefail
cd "$(dirname "$0")/.."
echo
echo "guidebot: catalogue loaded into ${DATABASE_URL:-var/guidebot.db}."
echo "The Rasa assistant and the portal are not built yet; meanwhile this is the catalogue search."
echo "输入您的问题（如：办教师资格证要带什么材料），Ctrl-D 退出。"
while IFS= read -r -p "问> " question; do
  .venv/bin/guidebot search --limit 3 -- "$question" || true
done
echo
