#!/usr/bin/env bash
# The main job on the bundled samples: install, build, mark every image in samples/ into
# out/samples/, then detect the marks and print the results.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
if ! command -v nvcc > /dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then export CUDACXX=/usr/local/cuda/bin/nvcc; fi
cmake --preset release > /dev/null
cmake --build --preset release --target tidemark
tm=build/release/cli/tidemark
mkdir -p out/samples
$tm embed samples/*.jpg samples/*.png -o out/samples/ --payload 00000000c0ffee01 --force
$tm detect out/samples/*
