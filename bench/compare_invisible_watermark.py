#!/usr/bin/env python3
"""Side-by-side speed: invisible-watermark's dwtDct (the mark Stable Diffusion ships) against
tidemark's CPU reference, both on one thread, on the same 1920x1080 image.

Needs: pip install --no-deps invisible-watermark PyWavelets opencv-python-headless numpy
Usage: compare_invisible_watermark.py BENCH_SPEED_BINARY IMAGE
Prints ms/MP for both and the ratio, as a table and one JSON line.
"""
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import types  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402

# imwatermark imports torch and onnxruntime at import time for its rivaGan method only; dwtDct
# does not use them, so empty stand-ins avoid a multi-gigabyte install.
for name in ("torch", "onnxruntime"):
    sys.modules.setdefault(name, types.ModuleType(name))
from imwatermark import WatermarkDecoder, WatermarkEncoder  # noqa: E402


def time_call(fn, repeat):
    fn()  # warm-up
    t0 = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - t0) / repeat


def main():
    bench_bin, image_path = sys.argv[1], sys.argv[2]
    cv2.setNumThreads(1)
    img = cv2.resize(cv2.imread(image_path, cv2.IMREAD_COLOR), (1920, 1080), interpolation=cv2.INTER_AREA)
    mp = img.shape[0] * img.shape[1] / 1e6
    enc = WatermarkEncoder()
    enc.set_watermark("bits", [int(b) for b in np.random.default_rng(1).integers(0, 2, 48)])
    iw_embed = time_call(lambda: enc.encode(img, "dwtDct"), 3) * 1e3 / mp
    marked = enc.encode(img, "dwtDct")
    dec = WatermarkDecoder("bits", 48)
    iw_detect = time_call(lambda: dec.decode(marked, "dwtDct"), 3) * 1e3 / mp

    out = subprocess.run([bench_bin, "--benchmark_filter=BM_(Embed|Detect)/w:1920/h:1080/threads:1",
                          "--benchmark_format=json", "--benchmark_min_time=1"], check=True, capture_output=True, text=True)
    rows = {b["name"]: b for b in json.loads(out.stdout)["benchmarks"]}
    tm = {name: row["ms_per_MP"] for name, row in rows.items()}
    tm_embed = next(v for k, v in tm.items() if k.startswith("BM_Embed"))
    tm_detect_marked = next(v for k, v in tm.items() if k.startswith("BM_Detect") and k.endswith("marked:1/real_time"))
    tm_detect_unmarked = next(v for k, v in tm.items() if k.startswith("BM_Detect") and k.endswith("marked:0/real_time"))

    print("| one thread, 1920x1080 | embed ms/MP | detect ms/MP |")
    print("|---|---|---|")
    print(f"| invisible-watermark dwtDct | {iw_embed:.1f} | {iw_detect:.1f} |")
    print(f"| tidemark TM1 (CPU reference) | {tm_embed:.1f} | {tm_detect_marked:.1f} marked, {tm_detect_unmarked:.1f} unmarked |")
    print(f"embed speed ratio (dwtDct / tidemark): {iw_embed / tm_embed:.1f}x")
    print(json.dumps({"dwtdct_embed_ms_per_mp": iw_embed, "dwtdct_detect_ms_per_mp": iw_detect,
                      "tidemark_embed_ms_per_mp": tm_embed, "tidemark_detect_marked_ms_per_mp": tm_detect_marked,
                      "tidemark_detect_unmarked_ms_per_mp": tm_detect_unmarked, "embed_ratio": iw_embed / tm_embed}))


if __name__ == "__main__":
    main()
