"""Mark the output batch of a diffusion pipeline before it leaves the service.

A diffusers pipeline called with output_type="pt" returns images as a float tensor, B x C x H x W,
in [0, 1] (output_type="np" gives B x H x W x C numpy floats). `mark_pipeline_output` marks such a
batch in one call (on the GPU when the tensor is there) and returns the same kind of batch, ready
for the pipeline's usual conversion to 8-bit images. This sample fakes the pipeline with the
bundled sample images, so it runs without downloading a model:

    python samples/python/diffusers_style.py
"""
import pathlib

import numpy as np
from PIL import Image

import tidemark

SAMPLES = pathlib.Path(__file__).resolve().parents[1]


def mark_pipeline_output(images, embedder: tidemark.Embedder, request_ids):
    """images: B x C x H x W float in [0, 1] (torch, cupy or numpy) or a list of PIL images.
    Each image carries its request's 64-bit id, so a found mark leads back to the request."""
    return embedder.embed_batch(images, payloads=list(request_ids))


def fake_pipeline(batch_size: int = 4, size: int = 384) -> np.ndarray:
    """Stands in for pipe(prompt, output_type="np"/"pt"): crops of the sample photos as floats."""
    files = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".jpg", ".png"))
    crops = []
    for path in files[:batch_size]:
        rgb = np.asarray(Image.open(path).convert("RGB").resize((size, size)), dtype=np.float32) / 255
        crops.append(rgb.transpose(2, 0, 1))  # C x H x W, as torch pipelines lay them out
    return np.stack(crops)


def main() -> None:
    embedder = tidemark.Embedder(tidemark.Key.public())  # build once per worker, reuse per batch
    batch = fake_pipeline()
    try:  # use torch when it is installed, on the GPU when there is one
        import torch

        batch = torch.from_numpy(batch).to("cuda" if torch.cuda.is_available() else "cpu")
    except ImportError:
        pass
    request_ids = [1000 + i for i in range(len(batch))]
    marked = mark_pipeline_output(batch, embedder, request_ids)
    for i, result in enumerate(tidemark.detect_batch(marked)):
        print(f"image {i}: request {request_ids[i]} -> {result}")


if __name__ == "__main__":
    main()
