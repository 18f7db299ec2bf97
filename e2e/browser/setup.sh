#!/usr/bin/env bash
# Installs what the browser test needs that npm does not: Debian's
# Chromium (the test drives /usr/bin/chromium, never a browser build of
# its own). Idempotent; needs root (CI and the dev machines are).
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Debian's chromium for the browser test"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi
/usr/bin/chromium --version 2>/dev/null | head -1
