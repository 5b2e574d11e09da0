#!/usr/bin/env python3
"""Where the time goes in a batch of 1080p JPEGs marked on the GPU: decode alone, mark alone (host
arrays to the GPU and back, batched), encode alone, and the three as one pipeline (decode threads
-> batches marked on the GPU -> encode threads), each in images/s. Uses OpenCV for the codecs
(the GPU machine has no image headers for the command-line tool), tidemark's CUDA backend when a
device is present, else the CPU (then the figures are this machine's, not a GPU's).

    python bench/gpu_batch_e2e.py [--images 512] [--batch 32] [--threads 16] [--json FILE]
"""
import argparse
import concurrent.futures as cf
import json
import os
import pathlib
import queue
import tempfile
import threading
import time

import cv2
import numpy as np

import tidemark

REPO = pathlib.Path(__file__).resolve().parents[1]


def make_inputs(folder: pathlib.Path, count: int) -> list:
    """count 1920 x 1080 JPEGs (quality 95): textured, all different."""
    rng = np.random.default_rng(1)
    files = []
    for i in range(count):
        coarse = rng.random((1080 // 24 + 2, 1920 // 24 + 2, 3)).astype(np.float32)
        img = cv2.resize(coarse, (1920, 1080), interpolation=cv2.INTER_CUBIC)
        img = np.clip(img * 200 + rng.normal(0, 6, img.shape), 0, 255).astype(np.uint8)
        f = folder / f"img{i:05d}.jpg"
        cv2.imwrite(str(f), img, [cv2.IMWRITE_JPEG_QUALITY, 95])
        files.append(f)
    return files


# Channel order through OpenCV, which releases the GIL: numpy's im[:, :, ::-1].copy() holds it for
# about 14 ms a 1080p picture, and with one such copy before marking and one before encoding the
# pipeline's threads took turns (on 2 cores with the CPU backend: 27 images/s, 40 with cvtColor).
def to_rgb(bgr: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def to_bgr(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, default=512)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 4)
    ap.add_argument("--json")
    a = ap.parse_args()
    cv2.setNumThreads(1)  # parallelism comes from our pools, one image per thread
    embedder = tidemark.Embedder(tidemark.Key.public())
    rows = {"backend": embedder.backend, "images": a.images, "batch": a.batch, "threads": a.threads}
    with tempfile.TemporaryDirectory(prefix="tidemark-gpu-e2e-") as tmp:
        base = pathlib.Path(tmp)
        (base / "in").mkdir()
        (base / "out").mkdir()
        files = make_inputs(base / "in", a.images)
        pool = cf.ThreadPoolExecutor(a.threads)

        t0 = time.perf_counter()
        images = list(pool.map(lambda f: cv2.imread(str(f)), files))
        rows["decode_per_s"] = rate(len(files), time.perf_counter() - t0)

        rgb = [to_rgb(im) for im in images]
        embedder.embed_batch(rgb[: a.batch], 1, inplace=True)  # warm-up: workspace, tiles
        t0 = time.perf_counter()
        for i in range(0, len(rgb), a.batch):
            embedder.embed_batch(rgb[i:i + a.batch], 1, inplace=True)
        rows["mark_per_s"] = rate(len(rgb), time.perf_counter() - t0)

        t0 = time.perf_counter()
        list(pool.map(lambda im: cv2.imencode(".jpg", im, [cv2.IMWRITE_JPEG_QUALITY, 95]), images))
        rows["encode_per_s"] = rate(len(images), time.perf_counter() - t0)

        # The pipeline: decoders feed a bounded queue, the marker takes batches, encoders write.
        decoded: queue.Queue = queue.Queue(maxsize=4 * a.batch)
        t0 = time.perf_counter()

        def decode_all() -> None:
            for im, f in zip(pool.map(lambda f: to_rgb(cv2.imread(str(f))), files), files):
                decoded.put((f, im))
            decoded.put(None)

        def write(item) -> None:
            f, im = item
            cv2.imwrite(str(base / "out" / f.name), to_bgr(im), [cv2.IMWRITE_JPEG_QUALITY, 95])

        feeder = threading.Thread(target=decode_all)
        feeder.start()
        writers = cf.ThreadPoolExecutor(max(1, a.threads // 2))
        pending, finished = [], False
        while not finished:
            batch = []
            while len(batch) < a.batch:
                item = decoded.get()
                if item is None:
                    finished = True
                    break
                batch.append(item)
            if batch:
                embedder.embed_batch([im for _, im in batch], 1, inplace=True)
                pending += [writers.submit(write, item) for item in batch]
        for p in pending:
            p.result()
        feeder.join()
        rows["pipeline_per_s"] = rate(len(files), time.perf_counter() - t0)
        written = len(list((base / "out").iterdir()))
        check = tidemark.detect(to_rgb(cv2.imread(str(base / "out" / files[0].name))), key=tidemark.Key.public())
        rows["written"], rows["first_payload"] = written, check.payload
    print(f"backend {rows['backend']}, {a.images} 1920x1080 JPEGs (q95), batch {a.batch}, {a.threads} threads")
    for name in ("decode", "mark", "encode", "pipeline"):
        print(f"  {name:9s} {rows[name + '_per_s']:9.0f} images/s")
    print(f"  written {rows['written']}, payload of the first: {rows['first_payload']}")
    if a.json:
        pathlib.Path(a.json).write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
