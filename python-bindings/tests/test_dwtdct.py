"""tidemark's reader of the invisible-watermark "dwtDct" mark gives the package's own decoder's
bits, on corpus photos marked by the package's encoder as each model's reference code calls it."""
import sys
import types

import numpy as np
import pytest

import tidemark

for _name in ("torch", "onnxruntime"):  # imported by imwatermark for its rivaGan method only
    sys.modules.setdefault(_name, types.ModuleType(_name))
imwatermark = pytest.importorskip(
    "imwatermark", reason="pip install --no-deps invisible-watermark==0.2.0 PyWavelets opencv-python-headless")

MESSAGES = {
    "SDXL": ("bits", [int(b) for b in bin(0b101100111110110010010000011110111011000110011110)[2:]], 48),
    "SD 2.x": ("bytes", b"SDV2", 32),
    "SD 1.x": ("bytes", b"StableDiffusionV1", 136),
    "FLUX": ("bits", [int(b) for b in bin(0b001010101111111010000111100111001111010100101110)[2:]], 46),
}
PHOTOS = ["opencv_orange_512x512.jpg", "opencv_starry_night_752x600.jpg", "mate_greenmeadow_1280x1024.jpg",
          "skimage_retina_1411x1411.jpg"]


def encode_bgr(bgr, which):
    kind, message, _ = MESSAGES[which]
    encoder = imwatermark.WatermarkEncoder()
    encoder.set_watermark(kind, message)
    return encoder.encode(bgr, "dwtDct")


@pytest.mark.parametrize("photo", PHOTOS)
def test_bits_identical_to_the_package(corpus, photo):
    from conftest import load_rgb

    rgb = load_rgb(corpus / "images" / photo)
    bgr = np.ascontiguousarray(rgb[..., ::-1])
    for which, (_, _, length) in MESSAGES.items():
        for image in (bgr, encode_bgr(bgr, which)):
            decoder = imwatermark.WatermarkDecoder("bits", length)
            theirs = [int(b) for b in decoder.decode(image, "dwtDct")]
            ours, _ = tidemark.decode_dwtdct(image, length, bgr=True)
            assert list(ours) == theirs, (photo, which)
            swapped_theirs = [int(b) for b in decoder.decode(np.ascontiguousarray(image[..., ::-1]), "dwtDct")]
            ours_swapped, _ = tidemark.decode_dwtdct(image, length, chroma_swapped=True, bgr=True)
            assert list(ours_swapped) == swapped_theirs, (photo, which, "swapped")


def test_each_models_mark_is_named_and_the_chroma_swap_is_seen(corpus):
    from conftest import load_rgb

    rgb = load_rgb(corpus / "images" / "opencv_starry_night_752x600.jpg")
    bgr = np.ascontiguousarray(rgb[..., ::-1])
    for which in MESSAGES:
        found = tidemark.detect_foreign_marks(encode_bgr(bgr, which), bgr=True)["found"]
        assert found and which in found[0]["name"] and not found[0]["chroma_swapped"], (which, found)
    swapped = encode_bgr(np.ascontiguousarray(rgb), "SDXL")  # RGB given to the BGR encoder
    found = tidemark.detect_foreign_marks(swapped)["found"]
    assert found and "SDXL" in found[0]["name"] and found[0]["chroma_swapped"]
    assert tidemark.detect_foreign_marks(rgb)["found"] == []
