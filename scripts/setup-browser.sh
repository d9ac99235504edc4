#!/usr/bin/env bash
# Make sure this machine has Debian's Chromium for the browser test (apps/web): puppeteer-core
# drives /usr/bin/chromium (its own downloadable browsers are not used). Installs only when missing.
# Idempotent: safe to run on every setup.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "setup-browser: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) is installed; nothing to install."
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-browser: no /usr/bin/chromium and no apt-get: install Chromium (>= 121, WebGPU) at /usr/bin/chromium by hand." >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "setup-browser: installing chromium needs root (apt-get); rerun as root or install Debian's chromium yourself." >&2
    exit 1
  fi
else SUDO=""; fi
echo "setup-browser: installing Debian's chromium"
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
echo "setup-browser: installed $(/usr/bin/chromium --version)"
