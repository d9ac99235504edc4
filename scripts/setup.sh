#!/usr/bin/env bash
# One-time (idempotent) setup on a fresh machine: pnpm, the workspace's packages, and a WebGPU
# adapter (Mesa lavapipe when the machine has no GPU; see scripts/setup-gpu.sh), and Debian's
# Chromium for the browser test of apps/web (scripts/setup-browser.sh), and Debian's redis-server for
# the job-queue tests (scripts/setup-redis.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PNPM_VERSION=12.21.0
if ! command -v pnpm >/dev/null 2>&1; then
  echo "setup: installing pnpm $PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi
pnpm install --frozen-lockfile --reporter=silent
bash scripts/setup-gpu.sh
bash scripts/setup-browser.sh
bash scripts/setup-redis.sh
