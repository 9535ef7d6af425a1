#!/usr/bin/env bash
# Installs what the tests need that Go does not bring: the Nu HTML Checker
# (vnu-jar) and axe-core from npm into tools/node_modules, and Chromium and
# faketime (for make test-calendar, which moves Chromium's clock) from
# Debian's packages. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1; }

# --- deploy tests (policysite deploy): OpenSSH's sshd and sftp-server ---
# The SFTP tests start Debian's sshd on a loopback port. The S3 tests need
# nothing here: their server (gofakes3) is a Go module go test fetches.
if [ ! -x /usr/sbin/sshd ] || [ ! -x /usr/lib/openssh/sftp-server ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "deps: installing openssh-server from Debian's packages (for the deploy tests)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >/dev/null
  else
    echo "deps: sshd is missing; the deploy tests need it. Install it with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y openssh-server" >&2
    exit 1
  fi
fi
# --- end of deploy tests ---

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
# apt_install PACKAGE COMMAND: installs PACKAGE from Debian's packages when
# COMMAND is missing (as root), or says how to.
apt_install() {
  need "$2" && return 0
  if [ "$(id -u)" = 0 ]; then
    echo "deps: installing $1 from Debian's packages"
    [ -n "${apt_updated:-}" ] || { apt-get update -qq; apt_updated=1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
  else
    echo "deps: $1 is missing; the tests need it. Install it with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y $1" >&2
    exit 1
  fi
}
chromium_bin >/dev/null || apt_install chromium chromium
apt_install faketime faketime

# --- print tests: poppler's pdftotext reads the PDFs Chromium prints ---
apt_install poppler-utils pdftotext
# --- end of print tests ---
echo "deps: ok ($(chromium_bin), java, vnu-jar, axe-core, faketime, pdftotext)"
