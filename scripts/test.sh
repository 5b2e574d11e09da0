#!/usr/bin/env bash
# The whole test suite: install, build (CUDA kernels too when nvcc is present), run every test,
# build the Python package and run its tests, then a short fuzz run of every parser.
# GPU tests skip, saying so, when no CUDA device is present.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# The CUDA toolkit's usual home, when nvcc is not on PATH: the kernels are then compiled too.
if ! command -v nvcc > /dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then export CUDACXX=/usr/local/cuda/bin/nvcc; fi
cmake --preset release > /dev/null
cmake --build --preset release
ctest --preset release
bash scripts/test-python.sh
# A short fuzz run of every libFuzzer target (clang, ASan + UBSan); long runs: docs/SECURITY.md.
cmake --preset fuzz > /dev/null
cmake --build --preset fuzz
TIDEMARK_FUZZ_SECONDS=${TIDEMARK_FUZZ_SECONDS:-20}
bash fuzz/run.sh build/fuzz "$TIDEMARK_FUZZ_SECONDS"
