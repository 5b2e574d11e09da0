#!/usr/bin/env bash
# The whole test suite: install, build (CUDA kernels too when nvcc is present), run every test.
# GPU tests skip, saying so, when no CUDA device is present.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release > /dev/null
cmake --build --preset release
ctest --preset release
