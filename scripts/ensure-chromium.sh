#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through Playwright (Playwright's own browser download does
# not work here). Install it when missing; print where it is.
set -euo pipefail
CHROMIUM=${GUIDEBOT_CHROMIUM:-/usr/bin/chromium}
have_cjk_font() { command -v fc-list >/dev/null && [ -n "$(fc-list :lang=zh 2>/dev/null | head -1)" ]; }
if [ -x "$CHROMIUM" ] && have_cjk_font; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "error: $CHROMIUM is missing; install Debian's chromium package (sudo apt-get install chromium)" >&2
  exit 1
fi
# A Chinese font too, so the screenshots the tests take show text rather than boxes.
echo "Installing Debian's chromium and a Chinese font for the browser tests..."
export DEBIAN_FRONTEND=noninteractive
packages="chromium fonts-wqy-microhei"
apt-get install -y -q $packages >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q $packages >/dev/null; }
[ -x "$CHROMIUM" ] || { echo "error: chromium installed but $CHROMIUM is not there" >&2; exit 1; }
echo "chromium: $("$CHROMIUM" --version 2>/dev/null || echo installed)"
