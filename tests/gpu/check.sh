#!/usr/bin/env bash
# The prepared GPU check: on a bare GPU machine (nvcc, CMake; no apt, no image libraries) build
# core + kernels, run the CPU and GPU tests and the GPU benchmarks, write a short report.
# GoogleTest comes as source in .deps/googletest (copied there from /usr/src/googletest).
# Then builds the Python package against the machine's torch and runs its GPU tests and benchmark.
# Usage: tests/gpu/check.sh [REPORT_DIR]   (about 3-5 minutes on 16 cores)
set -u
out=${1:-build/gpu-report}
mkdir -p "$out"
gtest_src=${TIDEMARK_GTEST_SOURCE:-$PWD/.deps/googletest}
# The corpus does not travel with the working tree: a few of its photos may come in .deps/corpus.
if [ -z "${TIDEMARK_CORPUS:-}" ] && [ ! -d ../shared/corpus ] && [ -d .deps/corpus ]; then
  export TIDEMARK_CORPUS=$PWD/.deps/corpus
fi
{
  echo "== machine"; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo "no nvidia-smi"; nvcc --version | tail -1
  echo "== configure + build"
  cmake -S . -B build/gpu -DCMAKE_BUILD_TYPE=Release -DTIDEMARK_IO=OFF -DTIDEMARK_CLI=OFF \
        -DTIDEMARK_GTEST_SOURCE="$gtest_src" -DCMAKE_CUDA_ARCHITECTURES=90 ${CHECK_CMAKE_ARGS:-} \
        > "$out/configure.log" 2>&1 || { echo "configure FAILED"; tail -30 "$out/configure.log"; exit 1; }
  cmake --build build/gpu -j"$(nproc)" > "$out/build.log" 2>&1 || { echo "build FAILED"; grep -m20 error "$out/build.log"; exit 1; }
  echo "build ok"
  echo "== tests (gpu and cpu labels)"
  timeout 240 ctest --test-dir build/gpu -L "gpu|cpu" -j"$(nproc)" --output-on-failure > "$out/ctest.log" 2>&1
  echo "ctest exit $?"; grep -E "tests passed|tests failed|\*\*\*Failed|Timeout|Skipped" "$out/ctest.log" | head -20
  echo "== gpu tests"
  grep -E "Cuda[A-Za-z]+\.[A-Za-z]+ .*(Passed|Failed|Skipped|Timeout)" "$out/ctest.log" | sed 's/^ *[0-9]*\/[0-9]* Test *#[0-9]*: //'
  echo "== benchmarks"
  timeout 180 build/gpu/bench/bench_gpu "$out/bench_gpu.json"
  echo "== python package (torch tensors on the GPU)"
  # The machine's python3 may itself be a virtual environment: install into a folder of our own
  # rather than into a nested venv, which would not see its torch.
  if python3 -c "import nanobind, scikit_build_core" 2>/dev/null; then
    site=build/gpu-site
    timeout 300 python3 -m pip install -q --no-build-isolation --no-deps --target "$site" ./python-bindings \
        > "$out/python-build.log" 2>&1 && echo "python build ok" || { echo "python build FAILED"; tail -20 "$out/python-build.log"; }
    export PYTHONPATH=$PWD/$site
    if python3 -c "import pytest" 2>/dev/null; then
      timeout 120 python3 -m pytest -q -rs -p no:cacheprovider python-bindings/tests/test_gpu.py 2>&1 | tail -15
    else
      echo "pytest not installed: python GPU tests not run"
    fi
    timeout 120 python3 bench/python_gpu.py 2>&1 | tail -5
    echo "== batch of 1080p JPEGs: decode, mark on the GPU, encode (OpenCV codecs)"
    if python3 -c "import cv2" 2>/dev/null; then
      timeout 180 python3 bench/gpu_batch_e2e.py --images 512 --batch 32 --json "$out/gpu_batch_e2e.json" 2>&1 | tail -7
    else
      echo "OpenCV for Python missing: batch pipeline not measured"
    fi
  else
    echo "nanobind or scikit-build-core missing: python package not built"
  fi
  echo "== video engines (NVENC / NVDEC through the machine's ffmpeg, where it has one)"
  # The video layer is not built here (no FFmpeg headers); this says whether hardware encoding
  # could take the encoder's place on this GPU (Hopper parts have NVDEC but no NVENC).
  if command -v ffmpeg > /dev/null; then
    timeout 60 ffmpeg -nostdin -hide_banner -v error -f lavfi -i testsrc2=size=1920x1080:rate=30 -t 4 -c:v h264_nvenc \
        -f null - > "$out/nvenc.log" 2>&1 && echo "h264_nvenc: encodes" || { echo "h264_nvenc: cannot encode"; head -3 "$out/nvenc.log"; }
  else
    echo "no ffmpeg on this machine"
  fi
  nvidia-smi -q -d ENCODER_STATS 2> /dev/null | grep -iE "session|fps" | head -3
  # NVDEC against the software decoder on 300 1080p H.264 frames (what --hwdecode can gain).
  if command -v ffmpeg > /dev/null &&
     timeout 60 ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=size=1920x1080:rate=30 -t 10 -c:v libx264 -preset ultrafast \
        -pix_fmt yuv420p "$out/clip1080.mp4" 2> /dev/null; then
    for how in "software" "cuda"; do
      args=(); [ "$how" = cuda ] && args=(-hwaccel cuda)
      rtime=$(timeout 60 ffmpeg -nostdin -hide_banner -benchmark "${args[@]}" -i "$out/clip1080.mp4" -f null - 2>&1 |
              sed -n 's/.*rtime=\([0-9.]*\)s.*/\1/p')
      [ -n "$rtime" ] && echo "decode 1080p H.264 ($how): $(python3 -c "print(round(300 / $rtime))") fps" || echo "decode ($how): failed"
    done
  fi
  # The video layer itself, where this machine has FFmpeg's and the image libraries' headers.
  if pkg-config --exists libavformat libavcodec libswscale libpng libjpeg libwebp 2> /dev/null; then
    cmake -S . -B build/gpu-video -DCMAKE_BUILD_TYPE=Release -DTIDEMARK_GTEST_SOURCE="$gtest_src" \
          -DCMAKE_CUDA_ARCHITECTURES=90 > "$out/video-configure.log" 2>&1 &&
      cmake --build build/gpu-video --target test_video_io -j"$(nproc)" > "$out/video-build.log" 2>&1 &&
      timeout 120 build/gpu-video/tests/test_video_io --gtest_filter='HardwareDecoding.*' 2>&1 | grep -E "^\[ *(OK|FAILED|SKIPPED) *\]|Failure" ||
      echo "video layer: configure or build failed (see video-*.log)"
  else
    echo "no FFmpeg or image library headers: the video layer (--hwdecode) is not built here"
  fi
  echo "== memcheck of the detection kernels (where compute-sanitizer can run)"
  if command -v compute-sanitizer > /dev/null; then
    timeout 120 compute-sanitizer --tool memcheck --error-exitcode 9 build/gpu/tests/test_cuda \
        --gtest_filter='CudaDetect.StagesMatch*:CudaDetect.DeviceResident*:CudaDetect.TemplateSearch*:CudaParity.PinnedAndPageable*' > "$out/memcheck.log" 2>&1
    echo "memcheck exit $?"; grep -E "ERROR SUMMARY|Invalid|PASSED|FAILED" "$out/memcheck.log" | head -8
  else
    echo "compute-sanitizer not found"
  fi
} 2>&1 | tee "$out/report.txt"
