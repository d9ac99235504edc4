#!/usr/bin/env bash
# Make sure this machine has Debian's Chromium for the browser test (apps/web): puppeteer-core
# drives /usr/bin/chromium (its own downloadable browsers are not used). Installs only when missing.
# Idempotent: safe to run on every setup.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "setup-browser: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) is installed; nothing to install."
  exit 0
fi
. "$(dirname "${BASH_SOURCE[0]}")/apt-root.sh" setup-browser "Chromium (>= 121, WebGPU) at /usr/bin/chromium"
echo "setup-browser: installing Debian's chromium"
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
echo "setup-browser: installed $(/usr/bin/chromium --version)"
