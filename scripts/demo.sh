#!/usr/bin/env bash
# The main job on the bundled samples: install, build, mark every image in samples/ into
# out/samples/ (invisible watermark + GB 45438 metadata label; the first also gets a visible
# label), then detect the marks and verify every signal, printing the results.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
if ! command -v nvcc > /dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then export CUDACXX=/usr/local/cuda/bin/nvcc; fi
cmake --preset release > /dev/null
cmake --build --preset release --target tidemark
tm=build/release/cli/tidemark
mkdir -p out/samples
$tm mark samples/*.jpg samples/*.png -o out/samples/ --producer DEMO-PROVIDER-01 --force
$tm mark samples/opencv_butterfly_493x356.jpg -o out/samples/visible_label.jpg --producer DEMO-PROVIDER-01 \
    --produce-id demo-visible-1 --visible --cn --force
echo
$tm detect out/samples/*
echo
$tm verify out/samples/*
