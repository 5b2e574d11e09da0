"""Calls from several threads run in parallel and give the same results as one after another."""
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import tidemark


def test_threads_give_the_same_pixels_as_sequential_calls(orange, messi, key):
    embedder = tidemark.Embedder(key, threads=1)
    detector = tidemark.Detector(key, threads=1)
    jobs = [(orange if i % 2 else messi, i) for i in range(8)]
    sequential = [embedder.embed(img, p) for img, p in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(lambda job: embedder.embed(*job), jobs))
        results = list(pool.map(detector.detect, parallel))
    for a, b in zip(sequential, parallel):
        assert np.array_equal(a, b)
    assert [r.payload for r in results] == [p for _, p in jobs]


def test_the_gil_is_released_while_marking(key):
    """While another thread marks a large image, this thread keeps running Python code: the
    longest pause it sees is far shorter than the marking call itself."""
    rng = np.random.default_rng(1)
    big = rng.integers(0, 256, size=(2048, 2048, 3), dtype=np.uint8)
    embedder = tidemark.Embedder(key, threads=1)
    embedder.embed(big)  # warm up
    start = time.perf_counter()
    embedder.embed(big)
    call_seconds = time.perf_counter() - start

    done = threading.Event()
    worker = threading.Thread(target=lambda: (embedder.embed(big), done.set()))
    longest_pause, last = 0.0, time.perf_counter()
    worker.start()
    while not done.is_set():
        now = time.perf_counter()
        longest_pause, last = max(longest_pause, now - last), now
    worker.join()
    assert longest_pause < 0.5 * call_seconds, (longest_pause, call_seconds)
