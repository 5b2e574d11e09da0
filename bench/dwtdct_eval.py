#!/usr/bin/env python3
"""How tidemark's reader of the invisible-watermark "dwtDct" mark (Stable Diffusion, SDXL, FLUX.1)
compares with the package itself, how often it claims a mark on unmarked images, and how well
that mark survives common handling. Needs the tidemark package and, for the reference encoder
and decoder:  pip install --no-deps invisible-watermark==0.2.0 PyWavelets opencv-python-headless

Usage: dwtdct_eval.py [--corpus DIR] [--probes 5000] [--json FILE]
Prints three tables (Markdown) and writes all numbers as JSON.
"""
import argparse
import io
import json
import pathlib
import sys
import types

import numpy as np
from PIL import Image

for name in ("torch", "onnxruntime"):  # imported by imwatermark for its rivaGan method only
    sys.modules.setdefault(name, types.ModuleType(name))
import cv2  # noqa: E402
from imwatermark import WatermarkDecoder, WatermarkEncoder  # noqa: E402

import tidemark  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[1]
MESSAGES = {  # as each model's reference code calls the encoder
    "SDXL": ("bits", [int(b) for b in bin(0b101100111110110010010000011110111011000110011110)[2:]]),
    "SD 2.x": ("bytes", b"SDV2"),
    "SD 1.x": ("bytes", b"StableDiffusionV1"),
    "FLUX": ("bits", [int(b) for b in bin(0b001010101111111010000111100111001111010100101110)[2:]]),
}
LENGTH = {"SDXL": 48, "SD 2.x": 32, "SD 1.x": 136, "FLUX": 46}


def load_corpus(folder: pathlib.Path) -> list:
    images = []
    for p in sorted(folder.iterdir()):
        try:
            rgb = np.array(Image.open(p).convert("RGB"))
        except OSError:
            continue
        if rgb.shape[0] * rgb.shape[1] >= 256 * 256:
            images.append((p.name, rgb))
    return images


def mark(rgb: np.ndarray, which: str, rgb_as_bgr: bool = False) -> np.ndarray:
    kind, message = MESSAGES[which]
    encoder = WatermarkEncoder()
    encoder.set_watermark(kind, message)
    if rgb_as_bgr:
        return encoder.encode(rgb.copy(), "dwtDct")  # RGB passed where BGR is expected
    return encoder.encode(np.ascontiguousarray(rgb[..., ::-1]), "dwtDct")[..., ::-1].copy()


def bit_exactness(images: list) -> dict:
    same = total = 0
    for _, rgb in images:
        for which in MESSAGES:
            for arr in (rgb, mark(rgb, which)):
                bgr = np.ascontiguousarray(arr[..., ::-1])
                for swapped in (False, True):
                    theirs = WatermarkDecoder("bits", LENGTH[which]).decode(bgr[..., ::-1].copy() if swapped else bgr,
                                                                              "dwtDct")
                    ours, _ = tidemark.decode_dwtdct(arr, LENGTH[which], chroma_swapped=swapped)
                    same += list(ours) == [int(b) for b in theirs]
                    total += 1
    return {"decodes_compared": total, "identical": same}


def jpeg(rgb: np.ndarray, q: int) -> np.ndarray:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=q)
    return np.array(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def resize(rgb: np.ndarray, f: float) -> np.ndarray:
    h, w = rgb.shape[:2]
    return np.array(Image.fromarray(rgb).resize((max(1, round(w * f)), max(1, round(h * f))), Image.LANCZOS))


def false_positives(images: list, probes: int, rng: np.random.Generator) -> dict:
    """Unmarked crops, rescales and re-encodes of the corpus: nothing may be claimed."""
    claims, closest_p, checked = [], [], 0
    for i in range(probes):
        name, rgb = images[i % len(images)]
        h, w = rgb.shape[:2]
        side_h = int(rng.integers(256, h + 1)) if h > 256 else h
        side_w = int(rng.integers(256, w + 1)) if w > 256 else w
        y, x = int(rng.integers(0, h - side_h + 1)), int(rng.integers(0, w - side_w + 1))
        probe = rgb[y:y + side_h, x:x + side_w]
        kind = i % 4
        if kind == 1:
            probe = resize(probe, float(rng.uniform(1.0, 1.6)))
        elif kind == 2:
            probe = jpeg(probe, int(rng.integers(60, 96)))
        elif kind == 3:
            probe = np.ascontiguousarray(probe[:, ::-1])
        r = tidemark.detect_foreign_marks(probe)
        if not r["checked"]:
            continue
        checked += 1
        closest_p.append(r["closest"]["p_value"])
        if r["found"]:
            claims.append({"image": name, "probe": i, "found": r["found"]})
    p = np.array(closest_p)
    return {"probes": checked, "false_claims": len(claims), "claims": claims[:10],
            "closest_p_min": float(p.min()), "closest_p_median": float(np.median(p)),
            "closest_p_quantile_0_001": float(np.quantile(p, 0.001))}


ATTACKS = {
    "none": lambda a: a,
    "PNG re-save": lambda a: np.array(Image.open(io.BytesIO(_png(a)))),
    "JPEG 95": lambda a: jpeg(a, 95),
    "JPEG 90": lambda a: jpeg(a, 90),
    "JPEG 80": lambda a: jpeg(a, 80),
    "JPEG 70": lambda a: jpeg(a, 70),
    "JPEG 50": lambda a: jpeg(a, 50),
    "resize 0.75": lambda a: resize(a, 0.75),
    "resize 0.5": lambda a: resize(a, 0.5),
    "resize 1.5": lambda a: resize(a, 1.5),
    "crop 50 % (centre)": lambda a: a[a.shape[0] // 4: a.shape[0] * 3 // 4, a.shape[1] // 4: a.shape[1] * 3 // 4].copy(),
    "horizontal flip": lambda a: np.ascontiguousarray(a[:, ::-1]),
}


def _png(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, "PNG")
    return buf.getvalue()


def robustness(images: list) -> dict:
    table = {}
    for which in ("SDXL", "FLUX"):
        marked = [mark(rgb, which) for _, rgb in images]
        for attack, fn in ATTACKS.items():
            found = accuracy = n = 0
            for m in marked:
                a = fn(m)
                if a.shape[0] * a.shape[1] < 256 * 256:
                    continue
                n += 1
                r = tidemark.detect_foreign_marks(a)
                found += any(which in f["name"] for f in r["found"])
                bits, _ = tidemark.decode_dwtdct(a, LENGTH[which])
                truth = MESSAGES[which][1]
                accuracy += np.mean(np.array(bits) == np.array(truth))
            table[f"{which} / {attack}"] = {"images": n, "found": found, "bit_accuracy": accuracy / max(n, 1)}
    return table


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus" / "images"))
    ap.add_argument("--probes", type=int, default=5000)
    ap.add_argument("--json")
    a = ap.parse_args()
    images = load_corpus(pathlib.Path(a.corpus))
    report = {"images": len(images), "bit_exactness": bit_exactness(images)}
    b = report["bit_exactness"]
    print(f"bit-exactness: {b['identical']} of {b['decodes_compared']} decodes identical to the package "
          f"({len(images)} corpus images x 4 messages x marked/unmarked x 2 channel orders)\n")
    report["false_positives"] = false_positives(images, a.probes, np.random.default_rng(7))
    f = report["false_positives"]
    print(f"false positives: {f['false_claims']} claims on {f['probes']} unmarked probes; smallest corrected "
          f"p-value {f['closest_p_min']:.2g}, 0.1 % quantile {f['closest_p_quantile_0_001']:.2g} "
          f"(claim threshold {1e-5:g})\n")
    report["robustness"] = robustness(images)
    print("| mark / handling | images | found | mean bit accuracy |")
    print("|---|---|---|---|")
    for k, v in report["robustness"].items():
        print(f"| {k} | {v['images']} | {v['found']} ({100 * v['found'] / max(v['images'], 1):.0f} %) | "
              f"{v['bit_accuracy']:.2f} |")
    if a.json:
        pathlib.Path(a.json).write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
