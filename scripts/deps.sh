#!/usr/bin/env bash
# Installs what the tests need that Go does not bring: the Nu HTML Checker
# (vnu-jar) and axe-core from npm into tools/node_modules, and from Debian's
# packages Chromium (browser tests), faketime (make test-calendar, which
# moves Chromium's clock), OpenSSH's sshd (policysite deploy over SFTP) and
# Apache (the .htaccess a build writes) and poppler-utils (pdftotext reads
# the PDFs the print tests make). The S3 tests' server is a Go
# module that go test fetches. Safe to run again: it installs only what is
# missing.
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

# apt_install PACKAGE FILE: installs PACKAGE from Debian's packages when FILE
# (a command on PATH, or an absolute path) is missing, as root; otherwise
# says how to. apt-get update runs once, before the first install.
apt_install() {
  if [[ "$2" == /* ]]; then [ -x "$2" ] && return 0; else need "$2" && return 0; fi
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
apt_install openssh-server /usr/sbin/sshd
apt_install openssh-sftp-server /usr/lib/openssh/sftp-server
apt_install apache2 /usr/sbin/apache2
apt_install poppler-utils pdftotext
echo "deps: ok ($(chromium_bin), java, vnu-jar, axe-core, faketime, sshd, apache2, pdftotext)"
