#!/usr/bin/env python3
"""Makes the dwtDct test vectors in this folder with the real invisible-watermark package (0.2.0):
256 x 256 crops of corpus photos marked by its WatermarkEncoder exactly as the reference code of
each model calls it, and expected.json with what its WatermarkDecoder reads from each file for
every known message length, in both channel orders.

    pip install --no-deps invisible-watermark==0.2.0 PyWavelets opencv-python-headless numpy
    python3 tests/data/dwtdct/make_vectors.py ../shared/corpus/images
"""
import json
import pathlib
import sys
import types

for name in ("torch", "onnxruntime"):  # imported by imwatermark for its rivaGan method only
    sys.modules.setdefault(name, types.ModuleType(name))
import cv2  # noqa: E402
from imwatermark import WatermarkDecoder, WatermarkEncoder  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
SDXL = [int(b) for b in bin(0b101100111110110010010000011110111011000110011110)[2:]]
FLUX = [int(b) for b in bin(0b001010101111111010000111100111001111010100101110)[2:]]

# (output, source image, crop origin, how the model's code calls the encoder)
VECTORS = [
    ("sdxl_bgr.png", "opencv_orange_512x512.jpg", (128, 128), ("bits", SDXL), False),
    ("sd1_bgr.png", "opencv_messi5_548x342.jpg", (40, 150), ("bytes", b"StableDiffusionV1"), False),
    ("flux_rgb_as_bgr.png", "opencv_starry_night_752x600.jpg", (200, 300), ("bits", FLUX), True),
]


def main(corpus: pathlib.Path) -> None:
    expected = {}
    for out, src, (y, x), (kind, message), rgb_as_bgr in VECTORS:
        bgr = cv2.imread(str(corpus / src), cv2.IMREAD_COLOR)[y:y + 256, x:x + 256].copy()
        encoder = WatermarkEncoder()
        encoder.set_watermark(kind, message)
        if rgb_as_bgr:  # older diffusers: RGB arrays passed to the BGR encoder
            marked = encoder.encode(bgr[..., ::-1].copy(), "dwtDct")[..., ::-1]
        else:
            marked = encoder.encode(bgr, "dwtDct")
        cv2.imwrite(str(HERE / out), marked)
        reread = cv2.imread(str(HERE / out), cv2.IMREAD_COLOR)
        expected[out] = {}
        for length in (32, 46, 48, 136):
            decoder = WatermarkDecoder("bits", length)
            expected[out][str(length)] = {
                "standard": [int(b) for b in decoder.decode(reread, "dwtDct")],
                "chroma_swapped": [int(b) for b in decoder.decode(reread[..., ::-1].copy(), "dwtDct")],
            }
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]))
