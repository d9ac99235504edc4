#!/usr/bin/env bash
# Make sure this machine has a WebGPU adapter for Dawn (npm `webgpu`).
# A real GPU (or an already installed lavapipe) is left alone. Otherwise, on Debian bookworm,
# install Mesa's lavapipe 25.x from bookworm-backports: bookworm's own 22.3 is rejected by Dawn.
# Idempotent: safe to run on every setup.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/optimlab-xdg-$(id -u)}"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

probe() { node "$here/probe-adapter.mjs" >/dev/null 2>&1; }

if probe; then
  echo "setup-gpu: a WebGPU adapter is available; nothing to install."
  exit 0
fi

. "$here/apt-root.sh" setup-gpu "a Vulkan driver (Mesa lavapipe >= 24, mesa-vulkan-drivers 25.x on bookworm)"

codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
if ! dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -Eq '^(2[4-9]|[3-9][0-9])\.'; then
  if [ "$codename" = bookworm ]; then
    src=/etc/apt/sources.list.d/backports.sources
    if [ ! -f "$src" ]; then
      echo "setup-gpu: adding bookworm-backports ($src)"
      $SUDO tee "$src" >/dev/null <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    fi
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libvulkan1
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -t bookworm-backports mesa-vulkan-drivers
  else
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libvulkan1 mesa-vulkan-drivers
  fi
fi
echo "setup-gpu: installed $(dpkg-query -W -f='mesa-vulkan-drivers ${Version}' mesa-vulkan-drivers)"
if ! probe; then
  echo "setup-gpu: Mesa's Vulkan driver is installed but Dawn still finds no adapter:" >&2
  node "$here/probe-adapter.mjs" >&2 || true
  exit 1
fi
