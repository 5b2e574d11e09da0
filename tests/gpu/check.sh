#!/usr/bin/env bash
# The prepared GPU check: on a bare GPU machine (nvcc, CMake; no apt, no image libraries) build
# core + kernels, run the CPU and GPU tests and the GPU benchmarks, write a short report.
# GoogleTest comes as source in .deps/googletest (copied there from /usr/src/googletest).
# Usage: tests/gpu/check.sh [REPORT_DIR]   (about 3-5 minutes on 16 cores)
set -u
out=${1:-build/gpu-report}
mkdir -p "$out"
gtest_src=${TIDEMARK_GTEST_SOURCE:-$PWD/.deps/googletest}
{
  echo "== machine"; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo "no nvidia-smi"; nvcc --version | tail -1
  echo "== configure + build"
  cmake -S . -B build/gpu -DCMAKE_BUILD_TYPE=Release -DTIDEMARK_IO=OFF -DTIDEMARK_CLI=OFF \
        -DTIDEMARK_GTEST_SOURCE="$gtest_src" -DCMAKE_CUDA_ARCHITECTURES=90 ${CHECK_CMAKE_ARGS:-} \
        > "$out/configure.log" 2>&1 || { echo "configure FAILED"; tail -30 "$out/configure.log"; exit 1; }
  cmake --build build/gpu -j"$(nproc)" > "$out/build.log" 2>&1 || { echo "build FAILED"; grep -m20 error "$out/build.log"; exit 1; }
  echo "build ok"
  echo "== tests (gpu and cpu labels)"
  ctest --test-dir build/gpu -L "gpu|cpu" -j8 --output-on-failure 2>&1 | tail -25
  echo "== gpu parity test, verbose"
  build/gpu/tests/test_cuda 2>&1 | grep -E "^\[( +OK|  FAILED|  SKIPPED| +RUN)" | head -20
  echo "== benchmarks"
  build/gpu/bench/bench_gpu "$out/bench_gpu.json"
} 2>&1 | tee "$out/report.txt"
