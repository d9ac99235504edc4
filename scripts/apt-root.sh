# Sourced by the setup scripts before an apt-get install:
#   . apt-root.sh <script name> <what to install by hand when apt-get cannot be used>
# Sets SUDO ("" as root, "sudo" otherwise), or explains what to install by hand and exits 1.
if ! command -v apt-get >/dev/null 2>&1; then
  echo "$1: no apt-get here: install $2 by hand." >&2
  exit 1
fi
if [ "$(id -u)" = 0 ]; then SUDO=""
elif command -v sudo >/dev/null 2>&1; then SUDO=sudo
else
  echo "$1: installing needs root (apt-get); rerun as root, or install $2 yourself." >&2
  exit 1
fi
