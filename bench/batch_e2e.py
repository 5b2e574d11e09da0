#!/usr/bin/env python3
"""End-to-end batch throughput: N 1920 x 1080 JPEGs read, marked and written as JPEG (quality 95)
by `tidemark embed DIR -o OUT` (all cores), and by invisible-watermark's dwtDct driven the same
way (cv2.imread -> encode -> cv2.imwrite, one process per core). Both in one run, same files.

    pip install --no-deps invisible-watermark PyWavelets opencv-python-headless numpy
    bench/batch_e2e.py build/release/cli/tidemark [--images 1000] [--json FILE]
"""
import argparse
import json
import multiprocessing
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
import types

for name in ("torch", "onnxruntime"):  # imported by imwatermark for its rivaGan method only
    sys.modules.setdefault(name, types.ModuleType(name))
import cv2  # noqa: E402
import numpy as np  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[1]
SDXL = [int(b) for b in bin(0b101100111110110010010000011110111011000110011110)[2:]]


def make_inputs(folder: pathlib.Path, count: int, corpus: pathlib.Path) -> None:
    sources = [cv2.imread(str(p), cv2.IMREAD_COLOR) for p in sorted(corpus.iterdir()) if p.suffix in (".jpg", ".png")]
    sources = [s for s in sources if s is not None and s.shape[0] >= 300 and s.shape[1] >= 300]
    rng = np.random.default_rng(3)
    for i in range(count):
        src = sources[i % len(sources)]
        h, w = src.shape[:2]
        ch, cw = int(h * rng.uniform(0.6, 1.0)), int(w * rng.uniform(0.6, 1.0))
        y, x = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
        frame = cv2.resize(src[y:y + ch, x:x + cw], (1920, 1080), interpolation=cv2.INTER_AREA)
        cv2.imwrite(str(folder / f"img_{i:05d}.jpg"), frame, [cv2.IMWRITE_JPEG_QUALITY, 92])


def iw_one(job):
    src, dst = job
    cv2.setNumThreads(1)
    from imwatermark import WatermarkEncoder

    encoder = WatermarkEncoder()
    encoder.set_watermark("bits", SDXL)
    cv2.imwrite(dst, encoder.encode(cv2.imread(src, cv2.IMREAD_COLOR), "dwtDct"), [cv2.IMWRITE_JPEG_QUALITY, 95])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("tidemark")
    ap.add_argument("--images", type=int, default=1000)
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus" / "images"))
    ap.add_argument("--json")
    a = ap.parse_args()
    work = pathlib.Path(tempfile.mkdtemp(prefix="tidemark-e2e-"))
    try:
        inputs = work / "in"
        inputs.mkdir()
        make_inputs(inputs, a.images, pathlib.Path(a.corpus))
        files = sorted(inputs.iterdir())
        cores = os.cpu_count() or 1

        t0 = time.perf_counter()
        subprocess.run([a.tidemark, "embed", str(inputs), "-o", str(work / "tm"), "--quality", "95"], check=True,
                       stdout=subprocess.DEVNULL)
        tm = len(files) / (time.perf_counter() - t0)

        (work / "iw").mkdir()
        jobs = [(str(f), str(work / "iw" / f.name)) for f in files]
        t0 = time.perf_counter()
        with multiprocessing.get_context("spawn").Pool(cores) as pool:  # fork after OpenCV init can hang
            pool.map(iw_one, jobs, chunksize=4)
        iw = len(files) / (time.perf_counter() - t0)

        report = {"images": len(files), "size": "1920x1080 JPEG", "cores": cores, "tidemark_images_per_s": tm,
                  "invisible_watermark_images_per_s": iw, "ratio": tm / iw}
        print(f"{len(files)} 1080p JPEGs end to end on {cores} cores: tidemark {tm:.1f} images/s, "
              f"invisible-watermark dwtDct {iw:.1f} images/s, ratio {tm / iw:.1f}x")
        if a.json:
            pathlib.Path(a.json).write_text(json.dumps(report, indent=1) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
