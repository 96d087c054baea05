#!/usr/bin/env bash
# Installs Debian's cross compiler (and static C library) for one launcher architecture, plus qemu-user-static
# for the smoke test, when they are missing. Needs root or sudo and the Debian mirror (as CI has).
#   bash scripts/cross-toolchain.sh arm64|x64
set -euo pipefail
case "${1:-}" in
  arm64) triplet=aarch64-linux-gnu; pkgs="gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu" ;;
  x64) triplet=x86_64-linux-gnu; pkgs="gcc-x86-64-linux-gnu libc6-dev-amd64-cross binutils-x86-64-linux-gnu" ;;
  *) echo "usage: $0 arm64|x64" >&2; exit 2 ;;
esac
command -v qemu-aarch64-static >/dev/null 2>&1 || pkgs="$pkgs qemu-user-static"
command -v "$triplet-gcc" >/dev/null 2>&1 && [ "${pkgs#*qemu}" = "$pkgs" ] && exit 0
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
echo "cross-toolchain: apt-get install $pkgs"
$sudo apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
command -v "$triplet-gcc" >/dev/null
