#!/usr/bin/env python3
"""Throughput of tidemark's Python API on CUDA tensors (device-resident, no host copy): a batch
of 1920 x 1080 uint8 H x W x 3 tensors marked in place, and a float16 B x C x H x W batch as a
diffusion pipeline returns it. Needs torch with CUDA and a CUDA build of tidemark.
Usage: python_gpu.py [--batch 32] [--rounds 10]"""
import argparse
import time

import torch

import tidemark


def images_per_second(fn, batch: int, rounds: int) -> float:
    fn()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(rounds):
        fn()
    torch.cuda.synchronize()
    return batch * rounds / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--rounds", type=int, default=10)
    a = ap.parse_args()
    if tidemark.cuda_device_count() == 0 or not torch.cuda.is_available():
        print("python_gpu: no CUDA device (or tidemark built without CUDA)")
        return
    embedder = tidemark.Embedder(tidemark.Key.public())
    gen = torch.Generator(device="cuda").manual_seed(1)
    hwc = torch.randint(0, 256, (a.batch, 1080, 1920, 3), dtype=torch.uint8, device="cuda", generator=gen)
    as_list = list(hwc.unbind(0))
    u8 = images_per_second(lambda: embedder.embed_batch(as_list, 42, inplace=True), a.batch, a.rounds)
    bchw = (hwc.permute(0, 3, 1, 2).half() / 255).contiguous()
    f16 = images_per_second(lambda: embedder.embed_batch(bchw, 42), a.batch, a.rounds)
    print(f"python, 1080p uint8 HWC tensors in place, batch {a.batch}: {u8:.0f} images/s")
    print(f"python, 1080p float16 BCHW batch (quantise, mark, back), batch {a.batch}: {f16:.0f} images/s")


if __name__ == "__main__":
    main()
