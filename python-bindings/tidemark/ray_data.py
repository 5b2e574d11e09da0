"""Mark and detect over Ray Data datasets: one Embedder or Detector per actor, reused for every
batch the actor receives, on a GPU when the actor is given one.

    import ray, tidemark.ray_data as tmr
    ds = ray.data.read_images("s3://bucket/generated/", include_paths=True)
    marked = tmr.mark_dataset(ds, key_file="/etc/tidemark/key", payload=42, num_gpus=1, concurrency=4)
    marked.write_images("s3://bucket/marked/", column="image")
    found = tmr.detect_dataset(marked, key_file="/etc/tidemark/key")

Keys never travel inside the dataset's task descriptions: actors read them where they run, from a
file (`key_file`, present on every node, readable by its owner only) or an environment variable
(`key_env`, e.g. set by the cluster's secret manager). Without either, the public key is used.
Needs `ray[data]` (pip install "ray[data]")."""
from __future__ import annotations

import os
from typing import Any, Optional

import numpy as np

from . import Detector, Embedder, Key

__all__ = ["mark_dataset", "detect_dataset"]


def _load_key(key_file: Optional[str], key_env: Optional[str]) -> Key:
    if key_file and key_env:
        raise ValueError("give key_file or key_env, not both")
    if key_file:
        return Key.from_file(key_file)
    if key_env:
        value = os.environ.get(key_env)
        if not value:
            raise ValueError(f"environment variable {key_env} is not set on this Ray worker")
        return Key.from_hex(value.strip())
    return Key.public()


def _images(column: Any) -> list:
    """A batch column as a list of H x W (x C) arrays: Ray gives one 4-D array when all images
    of the batch share a shape, else an object array of arrays."""
    if isinstance(column, np.ndarray) and column.dtype != object:
        return [column[i] for i in range(column.shape[0])]
    return list(column)


def _writable(image: np.ndarray) -> np.ndarray:
    """Ray may hand out read-only views of its blocks: mark a copy of those."""
    return image if image.flags.writeable and image.flags.c_contiguous else np.array(image)


def _column(images: list) -> Any:
    shapes = {im.shape for im in images}
    if len(shapes) == 1:
        return np.stack(images)
    out = np.empty(len(images), dtype=object)
    out[:] = images
    return out


class _MarkBatches:
    """Ray Data callable class: an Embedder built once per actor."""

    def __init__(self, key_file: Optional[str], key_env: Optional[str], column: str, payload: Optional[int],
                 payload_column: Optional[str], strength: Optional[float], backend: str) -> None:
        options = {} if strength is None else {"strength": strength}
        self.embedder = Embedder(_load_key(key_file, key_env), backend=backend, **options)
        self.column, self.payload, self.payload_column = column, payload, payload_column

    def __call__(self, batch: dict) -> dict:
        images = [_writable(im) for im in _images(batch[self.column])]
        if self.payload_column is not None:
            payloads = [int(p) for p in batch[self.payload_column]]
        else:
            payloads = [self.payload] * len(images)
        marked = self.embedder.embed_batch(images, payloads, inplace=True)
        batch[self.column] = _column(marked)
        batch["tidemark_payload"] = np.asarray(payloads, dtype=np.uint64)
        batch["tidemark_backend"] = np.asarray([self.embedder.backend] * len(images))
        return batch


class _DetectBatches:
    """Ray Data callable class: a Detector built once per actor."""

    def __init__(self, key_file: Optional[str], key_env: Optional[str], column: str, backend: str) -> None:
        self.detector = Detector(_load_key(key_file, key_env), backend=backend)
        self.column = column

    def __call__(self, batch: dict) -> dict:
        results = [self.detector.detect(np.ascontiguousarray(im)) for im in _images(batch[self.column])]
        batch["tidemark_detected"] = np.asarray([r.detected for r in results])
        batch["tidemark_payload"] = np.asarray([r.payload if r.payload is not None else -1 for r in results], dtype=np.int64)
        batch["tidemark_z"] = np.asarray([r.z for r in results])
        batch["tidemark_p_value"] = np.asarray([r.p_value for r in results])
        return batch


def _actor_options(num_cpus: float, num_gpus: float, concurrency: int, batch_size: int) -> dict:
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    options: dict = {"concurrency": concurrency, "batch_size": batch_size, "batch_format": "numpy", "num_cpus": num_cpus}
    if num_gpus:
        options["num_gpus"] = num_gpus
    return options


def mark_dataset(ds: Any, *, key_file: Optional[str] = None, key_env: Optional[str] = None, payload: int = 0,
                 payload_column: Optional[str] = None, column: str = "image", strength: Optional[float] = None,
                 backend: str = "auto", num_cpus: float = 1, num_gpus: float = 0, concurrency: int = 1,
                 batch_size: int = 16) -> Any:
    """The dataset with `column` (uint8/uint16 H x W x C images, as ray.data.read_images gives)
    marked, plus columns tidemark_payload and tidemark_backend. One payload for every row, or one
    per row from `payload_column`. `num_gpus` per actor (e.g. 1: one GPU each; the embedder then
    runs on CUDA), `concurrency` actors. Each actor holds `num_cpus` CPUs for its life: leave some
    free for the tasks that read and write (a cluster whose CPUs all go to actors stalls)."""
    return ds.map_batches(_MarkBatches,
                          fn_constructor_kwargs=dict(key_file=key_file, key_env=key_env, column=column, payload=payload,
                                                     payload_column=payload_column, strength=strength, backend=backend),
                          **_actor_options(num_cpus, num_gpus, concurrency, batch_size))


def detect_dataset(ds: Any, *, key_file: Optional[str] = None, key_env: Optional[str] = None, column: str = "image",
                   backend: str = "auto", num_cpus: float = 1, num_gpus: float = 0, concurrency: int = 1,
                   batch_size: int = 16) -> Any:
    """The dataset plus columns tidemark_detected, tidemark_payload (-1 when none decoded),
    tidemark_z and tidemark_p_value for the images in `column`."""
    return ds.map_batches(_DetectBatches,
                          fn_constructor_kwargs=dict(key_file=key_file, key_env=key_env, column=column, backend=backend),
                          **_actor_options(num_cpus, num_gpus, concurrency, batch_size))
