#!/usr/bin/env python3
"""Python API costs, measured in one run on the same images:

1. Per-call overhead of tidemark.Embedder.embed on a 512 x 512 RGB image over the same C++ call
   timed inside the extension (target: < 5 %), for in-place marking and for the default call that
   returns a new array (the copy is part of its cost).
2. Throughput, images/s, of tidemark's Python API against invisible-watermark's (dwtDct, the mark
   Stable Diffusion ships) on the same corpus images, one CPU thread each.

Needs the tidemark package, and for part 2:
    pip install --no-deps invisible-watermark PyWavelets opencv-python-headless
Usage: python_overhead.py [CORPUS_IMAGES_DIR] [--json FILE]
"""
import json
import os
import pathlib
import statistics
import sys
import time
import types

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

import tidemark  # noqa: E402
from tidemark import _ext  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[1]


def per_call_overhead(image: np.ndarray, pairs: int = 300) -> dict:
    """Medians over interleaved single calls: drift on a noisy machine hits all three alike."""
    embedder = tidemark.Embedder(tidemark.Key.public(), threads=1)
    scratch = image.copy()
    native, inplace, copying = [], [], []
    for _ in range(pairs):
        native.append(_ext._time_native_embed(embedder._core, scratch, 42, 1))
        t0 = time.perf_counter()
        embedder.embed(scratch, 42, inplace=True)
        inplace.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        embedder.embed(image, 42)
        copying.append(time.perf_counter() - t0)
    n, i, c = (statistics.median(x) for x in (native, inplace, copying))
    wrapper = python_side_seconds(embedder, scratch)
    return {"native_ms": n * 1e3, "python_inplace_ms": i * 1e3, "python_copy_ms": c * 1e3,
            "overhead_inplace_pct": 100 * (i - n) / n, "overhead_copy_pct": 100 * (c - n) / n,
            "python_side_us": wrapper * 1e6, "python_side_pct": 100 * wrapper / n}


def python_side_seconds(embedder: tidemark.Embedder, image: np.ndarray, calls: int = 5000) -> float:
    """What the Python layer adds to a call, measured without the marking itself: the wrapper with
    the compiled core's work removed, plus one crossing into the extension (argument conversion,
    GIL release) with nothing to mark. On a noisy machine this is far more precise than the
    difference of two medians of milliseconds."""
    core = embedder._core

    class NoWork:
        def mark_inplace(self, arrays, payloads):
            core.mark_inplace([], [])

    embedder._core = NoWork()
    try:
        embedder.embed(image, 42, inplace=True)
        t0 = time.perf_counter()
        for _ in range(calls):
            embedder.embed(image, 42, inplace=True)
        return (time.perf_counter() - t0) / calls
    finally:
        embedder._core = core


def throughput(images: list) -> dict:
    for name in ("torch", "onnxruntime"):  # imported by imwatermark for rivaGan only
        sys.modules.setdefault(name, types.ModuleType(name))
    import cv2
    from imwatermark import WatermarkEncoder

    cv2.setNumThreads(1)
    encoder = WatermarkEncoder()
    encoder.set_watermark("bytes", bytes.fromhex("b3ec907bb19e"))
    embedder = tidemark.Embedder(tidemark.Key.public(), threads=1)
    bgr = [np.ascontiguousarray(im[..., ::-1]) for im in images]

    def rate(fn, arrays, repeat=3):
        fn(arrays[0])
        t0 = time.perf_counter()
        for _ in range(repeat):
            for a in arrays:
                fn(a)
        return repeat * len(arrays) / (time.perf_counter() - t0)

    ours = rate(lambda a: embedder.embed(a, 42), images)
    theirs = rate(lambda a: encoder.encode(a, "dwtDct"), bgr)
    mp = statistics.mean(im.shape[0] * im.shape[1] for im in images) / 1e6
    return {"images": len(images), "mean_megapixels": mp, "tidemark_images_per_s": ours,
            "invisible_watermark_images_per_s": theirs, "ratio": ours / theirs}


def main() -> None:
    args = sys.argv[1:]
    json_path = None
    if "--json" in args:
        json_path = args[args.index("--json") + 1]
        del args[args.index("--json"):args.index("--json") + 2]
    corpus = pathlib.Path(args[0]) if args else REPO.parent / "shared" / "corpus" / "images"
    files = sorted(p for p in corpus.iterdir() if p.suffix in (".jpg", ".png", ".webp"))
    images = [np.array(Image.open(p).convert("RGB")) for p in files]
    # invisible-watermark refuses images under 256 x 256; very large ones would dominate the time
    images = [im for im in images if min(im.shape[:2]) >= 256 and im.size <= 3 * 2_100_000]
    square = next(im for im, p in zip(images, files) if "512x512" in p.name and im.shape[:2] == (512, 512))

    report = {"overhead_512": per_call_overhead(square)}
    o = report["overhead_512"]
    print("per call, 512 x 512 RGB, one thread (median of interleaved rounds)")
    print(f"  C++ call inside the extension  {o['native_ms']:.3f} ms")
    print(f"  Python, inplace=True           {o['python_inplace_ms']:.3f} ms  ({o['overhead_inplace_pct']:+.1f} %)")
    print(f"  Python, new array returned     {o['python_copy_ms']:.3f} ms  ({o['overhead_copy_pct']:+.1f} %)")
    print(f"  Python layer alone             {o['python_side_us']:.1f} us  ({o['python_side_pct']:.2f} % of the C++ call)")
    try:
        report["throughput"] = throughput(images)
        t = report["throughput"]
        print(f"throughput on {t['images']} corpus images (mean {t['mean_megapixels']:.2f} MP), one thread")
        print(f"  tidemark.embed                 {t['tidemark_images_per_s']:.1f} images/s")
        print(f"  invisible-watermark dwtDct     {t['invisible_watermark_images_per_s']:.1f} images/s")
        print(f"  ratio                          {t['ratio']:.1f} x")
    except ImportError as e:
        print(f"throughput comparison skipped: {e} (pip install --no-deps invisible-watermark PyWavelets "
              "opencv-python-headless)")
    if json_path:
        pathlib.Path(json_path).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
