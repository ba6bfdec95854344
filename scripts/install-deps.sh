#!/usr/bin/env bash
# Installs the Debian packages embody needs (see docs/design.md, "Dependencies").
# As root: installs what is missing. Otherwise: prints the exact apt-get line and fails.
# Usage: scripts/install-deps.sh [--with-slurm]
set -euo pipefail
pkgs=(cmake gcc make pkg-config libcmocka-dev libopenblas-dev libjansson-dev libgsl-dev
      librandom123-dev gnuplot-nox fonts-dejavu-core)
if [ "${1:-}" = "--with-slurm" ]; then pkgs+=(slurm-wlm munge); fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "embody: missing Debian packages: ${missing[*]}" >&2
  echo "embody: install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "embody: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
