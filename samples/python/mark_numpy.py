"""Mark an image held as a numpy array, check it, and save it.

    python samples/python/mark_numpy.py samples/<image>.jpg out/marked.png
"""
import sys

import numpy as np
from PIL import Image

import tidemark


def main(src: str, dst: str) -> None:
    pixels = np.array(Image.open(src).convert("RGB"))        # H x W x 3 uint8, RGB
    key = tidemark.Key.public()                                # or Key.from_file("my.key")
    marked = tidemark.embed(pixels, key=key, payload=0x2A)     # a new array; `pixels` is untouched
    psnr = 10 * np.log10(255**2 / np.mean((marked.astype(float) - pixels) ** 2))
    result = tidemark.detect(marked, key=key)
    print(f"{src}: PSNR {psnr:.1f} dB, {result}")
    Image.fromarray(marked).save(dst)                         # lossless; JPEG at 90+ keeps the mark too


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
