#!/usr/bin/env python3
"""PNG outputs: time and size of `tidemark embed DIR -o OUT` (one file at a time, one thread, so
that the encoder's share is plain) with the default (zlib's run-length strategy) and with
--png-level 1, 6 and 9, on 1080p PNGs made from the corpus photos and on the corpus's own PNGs
(flat graphics, text, gray). Every output is checked to carry the mark.

    bench/png_levels.py build/release/cli/tidemark [--json FILE]
"""
import argparse
import json
import pathlib
import shutil
import subprocess
import tempfile
import time

import cv2

REPO = pathlib.Path(__file__).resolve().parents[1]


def photos_1080p(folder: pathlib.Path, corpus: pathlib.Path) -> None:
    folder.mkdir(parents=True)
    for p in sorted((corpus / "images").glob("*.jpg")):
        img = cv2.imread(str(p))
        if img is not None and min(img.shape[:2]) >= 1080:
            cv2.imwrite(str(folder / (p.stem + ".png")), cv2.resize(img, (1920, 1080), interpolation=cv2.INTER_AREA))


def run(cli: str, inputs: pathlib.Path, out: pathlib.Path, level) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    args = [cli, "embed", str(inputs), "-o", str(out), "--jobs", "1", "--threads", "1"]
    if level is not None:
        args += ["--png-level", str(level)]
    t0 = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    seconds = time.perf_counter() - t0
    files = sorted(out.glob("*.png"))
    found = subprocess.run([cli, "detect", str(out), "--json"], check=True, capture_output=True, text=True).stdout
    assert all(json.loads(line)["payload"] == "0000000000000000" for line in found.splitlines())
    return {"seconds": seconds, "bytes": sum(f.stat().st_size for f in files),
            "per_file": {f.name: f.stat().st_size for f in files}}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--json")
    a = ap.parse_args()
    corpus = pathlib.Path(a.corpus)
    report = {}
    with tempfile.TemporaryDirectory(prefix="tidemark-png-") as tmp:
        base = pathlib.Path(tmp)
        photos_1080p(base / "photos", corpus)
        graphics = base / "graphics"
        graphics.mkdir()
        for p in sorted((corpus / "images").glob("*.png")):
            shutil.copy(p, graphics / p.name)
        for name, folder in (("photos_1080p", base / "photos"), ("corpus_png", graphics)):
            rows = {}
            for level in (None, 1, 6, 9):
                rows["default" if level is None else f"level {level}"] = run(a.cli, folder, base / "out", level)
            report[name] = {"files": len(list(folder.glob("*.png"))), "settings": rows}
    for name, r in report.items():
        six = r["settings"]["level 6"]
        print(f"{name} ({r['files']} files): setting, seconds, bytes, against level 6")
        for setting, row in r["settings"].items():
            print(f"  {setting:8s} {row['seconds']:7.2f} s {row['bytes']:10d} B  "
                  f"{six['seconds'] / row['seconds']:5.2f}x as fast, {100 * (row['bytes'] / six['bytes'] - 1):+5.1f} % size")
    if a.json:
        pathlib.Path(a.json).write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
