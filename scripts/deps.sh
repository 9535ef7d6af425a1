#!/usr/bin/env bash
# Installs what the tests need that Go does not bring: the Nu HTML Checker
# (vnu-jar) and axe-core from npm into tools/node_modules, and Chromium from
# Debian's packages. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1; }

if [ ! -f tools/node_modules/vnu-jar/build/dist/vnu.jar ] || [ ! -f tools/node_modules/axe-core/axe.min.js ]; then
  need npm || { echo "deps: npm is missing; install Node.js and npm" >&2; exit 1; }
  echo "deps: installing vnu-jar and axe-core into tools/node_modules"
  npm ci --prefix tools --no-audit --no-fund --loglevel=error
fi
need java || { echo "deps: java is missing (the HTML checker needs it): apt-get install -y default-jre-headless" >&2; exit 1; }

chromium_bin() {
  for b in chromium chromium-browser google-chrome; do
    if need "$b"; then command -v "$b"; return 0; fi
  done
  return 1
}
if ! chromium_bin >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "deps: installing chromium from Debian's packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "deps: Chromium is missing; the browser tests need it. Install it with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y chromium" >&2
    exit 1
  fi
fi
echo "deps: ok ($(chromium_bin), java, vnu-jar, axe-core)"

# --- Apache (generator's .htaccess test serves a built site with a real
# Apache; the init worktree's block) ---
if ! command -v apache2 >/dev/null 2>&1 && [ ! -x /usr/sbin/apache2 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "deps: installing apache2 from Debian's packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq apache2 >/dev/null
  else
    echo "deps: Apache is missing; the .htaccess test needs it. Install it with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y apache2" >&2
    exit 1
  fi
fi
