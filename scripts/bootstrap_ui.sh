#!/usr/bin/env bash
# Sets up what the browser tests need (tests/ui): Debian's Chromium and the pinned npm packages.
# Safe to run again: npm ci runs only when tests/ui/package-lock.json changed, and Chromium is
# installed only when /usr/bin/chromium is missing (with apt-get, as root or through sudo without a
# password; otherwise it says how).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ui="$root/tests/ui"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "bootstrap_ui: the browser tests need Node.js 20 or newer with npm (Debian: apt-get install nodejs npm)" >&2
  exit 1
fi

if [ ! -x /usr/bin/chromium ]; then
  as_root=""
  if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root="sudo -n"
  fi
  if { [ "$(id -u)" = "0" ] || [ -n "$as_root" ]; } && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap_ui: installing Debian's chromium for the browser tests" >&2
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "bootstrap_ui: the browser tests need Debian's chromium: sudo apt-get install chromium" >&2
    exit 1
  fi
fi

stamp="$ui/node_modules/.package-lock-stamp"
if [ ! -f "$stamp" ] || ! cmp -s "$ui/package-lock.json" "$stamp"; then
  echo "bootstrap_ui: npm ci in tests/ui (pinned in package-lock.json)" >&2
  (cd "$ui" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$ui/package-lock.json" "$stamp"
fi
