#!/usr/bin/env bash
# Installs the Debian 12 packages tidemark builds and tests with (as root, or through sudo).
set -euo pipefail
packages=(build-essential cmake pkg-config python3 python3-dev python3-venv zlib1g-dev libpng-dev libjpeg62-turbo-dev libwebp-dev
          libcli11-dev nlohmann-json3-dev libexiv2-dev libssl-dev libfreetype-dev fonts-noto-cjk libgtest-dev libbenchmark-dev
          libimage-exiftool-perl libavformat-dev libavcodec-dev libavutil-dev libswscale-dev ffmpeg clang libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
