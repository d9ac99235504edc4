#!/usr/bin/env bash
# Make sure this machine has Debian's redis-server for the job-queue tests (apps/cli/src/queue):
# the tests start and stop their own instance on a free loopback port and need no service.
# Installs only when missing. Idempotent: safe to run on every setup.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
  echo "setup-redis: $(redis-server --version | cut -d' ' -f1-3) is installed; nothing to install."
  exit 0
fi
. "$(dirname "${BASH_SOURCE[0]}")/apt-root.sh" setup-redis "Redis (>= 6.2, redis-server on PATH)"
echo "setup-redis: installing Debian's redis-server"
$SUDO apt-get update -qq
# No service is wanted: the tests run their own server.
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server
echo "setup-redis: installed $(redis-server --version | cut -d' ' -f1-3)"
