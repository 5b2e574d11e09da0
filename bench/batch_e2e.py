#!/usr/bin/env python3
"""End-to-end batch throughput: N 1920 x 1080 JPEGs (quality 92, 4:2:0) read, marked and written
as JPEG by `tidemark embed DIR -o OUT` (all cores), and by invisible-watermark's dwtDct driven the
same way (cv2.imread -> encode -> cv2.imwrite at quality 95, one process per core). tidemark runs
three times: by default (each JPEG marked in its DCT coefficients at its own quality), with
--quality 95 (decoded, marked, re-encoded), and by default writing a --manifest (SHA-256 of every
input and output). All in one run, same files; mean output sizes too.

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


def cpu_model() -> str:
    for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def baseline_versions() -> dict:
    """invisible-watermark's speed depends on these (its dwtDct runs in numpy, PyWavelets and OpenCV)."""
    from importlib import metadata
    versions = {}
    for package in ("invisible-watermark", "numpy", "opencv-python-headless", "PyWavelets"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return versions


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

        def tidemark(out: str, *extra: str) -> float:
            t0 = time.perf_counter()
            subprocess.run([a.tidemark, "embed", str(inputs), "-o", str(work / out), *extra], check=True,
                           stdout=subprocess.DEVNULL)
            return len(files) / (time.perf_counter() - t0)

        def mean_kib(folder: pathlib.Path) -> float:
            sizes = [p.stat().st_size for p in folder.iterdir()]
            return sum(sizes) / len(sizes) / 1024

        tm = tidemark("tm")
        tm95 = tidemark("tm95", "--quality", "95")
        tm_manifest = tidemark("tm_manifest", "--manifest", str(work / "manifest.jsonl"))  # + both files' SHA-256

        (work / "iw").mkdir()
        jobs = [(str(f), str(work / "iw" / f.name)) for f in files]
        t0 = time.perf_counter()
        with multiprocessing.get_context("spawn").Pool(cores) as pool:  # fork after OpenCV init can hang
            pool.map(iw_one, jobs, chunksize=4)
        iw = len(files) / (time.perf_counter() - t0)

        report = {"images": len(files), "size": "1920x1080 JPEG quality 92", "cores": cores, "cpu": cpu_model(),
                  "baseline_versions": baseline_versions(),
                  "tidemark_images_per_s": tm, "tidemark_reencode_q95_images_per_s": tm95,
                  "tidemark_with_manifest_images_per_s": tm_manifest,
                  "invisible_watermark_images_per_s": iw, "ratio": tm / iw, "ratio_reencode_q95": tm95 / iw,
                  "mean_kib": {"input": mean_kib(inputs), "tidemark": mean_kib(work / "tm"),
                               "tidemark_q95": mean_kib(work / "tm95"), "invisible_watermark": mean_kib(work / "iw")}}
        print(f"{len(files)} 1080p JPEGs end to end on {cores} cores: tidemark {tm:.1f} images/s "
              f"(in the DCT coefficients; {tm_manifest:.1f} writing a manifest), {tm95:.1f} images/s re-encoded at quality 95; "
              f"invisible-watermark dwtDct {iw:.1f} images/s; ratios {tm / iw:.1f}x and {tm95 / iw:.1f}x; "
              f"mean KiB {report['mean_kib']}")
        if a.json:
            pathlib.Path(a.json).write_text(json.dumps(report, indent=1) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
