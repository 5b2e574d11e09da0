#!/usr/bin/env python3
"""Peak memory of a batch as it grows: `tidemark embed DIR -o OUT --manifest M` over 1,000,
10,000 and 100,000 small JPEGs (160 x 160, 1,000 distinct crops of the corpus photos hard-linked
under many names, 100 per folder). The pipeline's queues are bounded, so the peak resident size
should not grow with the number of files. Peak RSS from GNU time (/usr/bin/time).

    bench/batch_memory.py build/release/cli/tidemark [--counts 1000 10000 100000] [--json FILE]
"""
import argparse
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import time

import cv2

REPO = pathlib.Path(__file__).resolve().parents[1]
SIDE = 160


def distinct_crops(folder: pathlib.Path, count: int, corpus: pathlib.Path) -> list:
    photos = [cv2.imread(str(p)) for p in sorted((corpus / "images").glob("*.jpg"))]
    photos = [p for p in photos if p is not None and min(p.shape[:2]) >= 4 * SIDE]
    folder.mkdir(parents=True)
    files = []
    for i in range(count):
        p = photos[i % len(photos)]
        y = (i * 7919) % (p.shape[0] - SIDE)
        x = (i * 104729) % (p.shape[1] - SIDE)
        f = folder / f"crop{i:04d}.jpg"
        cv2.imwrite(str(f), p[y:y + SIDE, x:x + SIDE], [cv2.IMWRITE_JPEG_QUALITY, 90])
        files.append(f)
    return files


def populate(tree: pathlib.Path, crops: list, count: int) -> None:
    """count names under tree, 100 per folder, each a hard link to one of the crops."""
    for i in range(count):
        d = tree / f"d{i // 100:05d}"
        if i % 100 == 0:
            d.mkdir(parents=True)
        os.link(crops[i % len(crops)], d / f"img{i:06d}.jpg")


def run(tool: str, src: pathlib.Path, out: pathlib.Path, manifest: pathlib.Path) -> dict:
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", tool, "embed", str(src), "-o", str(out), "--manifest", str(manifest)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    peak_kb = int(p.stderr.strip().splitlines()[-1])
    lines = manifest.read_text().splitlines()
    ok = sum(json.loads(line)["status"] == "ok" for line in lines)
    return {"rc": p.returncode, "wall_s": wall, "peak_rss_mb": peak_kb / 1024, "manifest_ok": ok}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("tool")
    ap.add_argument("--counts", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--json")
    a = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="tidemark-batch-memory-") as tmp:
        base = pathlib.Path(tmp)
        crops = distinct_crops(base / "crops", 1000, pathlib.Path(a.corpus))
        print(f"{'files':>8} {'wall s':>8} {'files/s':>8} {'peak RSS MB':>12} {'ok in manifest':>15}")
        for n in a.counts:
            src, out, manifest = base / f"in{n}", base / f"out{n}", base / f"m{n}.jsonl"
            populate(src, crops, n)
            r = run(a.tool, src, out, manifest)
            r["files"] = n
            rows.append(r)
            print(f"{n:8d} {r['wall_s']:8.1f} {n / r['wall_s']:8.0f} {r['peak_rss_mb']:12.1f} {r['manifest_ok']:15d}", flush=True)
            shutil.rmtree(src)
            shutil.rmtree(out)
    if a.json:
        pathlib.Path(a.json).write_text(json.dumps({"rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
