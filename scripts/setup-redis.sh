#!/usr/bin/env bash
# Make sure this machine has Debian's redis-server for the job-queue tests (apps/cli/src/queue):
# the tests start and stop their own instance on a loopback port; nothing here starts a service.
# Installs only when missing. Idempotent: safe to run on every setup.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
  echo "setup-redis: $(redis-server --version | cut -d' ' -f1-3) is installed; nothing to install."
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-redis: no redis-server and no apt-get: install Redis (>= 6.2) so that redis-server is on PATH." >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "setup-redis: installing redis-server needs root (apt-get); rerun as root or install Debian's redis-server yourself." >&2
    exit 1
  fi
else SUDO=""; fi
echo "setup-redis: installing Debian's redis-server"
$SUDO apt-get update -qq
# No service is wanted: the tests run their own server. policy-rc.d keeps the package from starting one.
$SUDO env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends redis-server
echo "setup-redis: installed $(redis-server --version | cut -d' ' -f1-3)"
