import numpy as np
import pytest

import tidemark


def test_list_of_different_sizes_with_one_payload_each(orange, messi, key):
    images = [orange, messi, orange[:200, :300]]
    marked = tidemark.embed_batch(images, key=key, payloads=[1, 2, 3])
    assert isinstance(marked, list) and len(marked) == 3
    for original, m, p in zip(images, marked, [1, 2, 3]):
        assert m.shape == original.shape
        assert np.array_equal(m, tidemark.embed(original, key=key, payload=p))
    assert [r.payload for r in tidemark.detect_batch(marked, key=key)] == [1, 2, 3]


def test_one_payload_for_all_and_tuple_in_tuple_out(orange, messi, key):
    marked = tidemark.embed_batch((orange, messi), key=key, payloads="00000000000000aa")
    assert isinstance(marked, tuple)
    assert all(r.payload == 0xAA for r in tidemark.detect_batch(marked, key=key))


def test_uint8_batch_array_bhwc(orange, key):
    batch = np.stack([orange, orange[::-1].copy()])
    marked = tidemark.embed_batch(batch, key=key, payloads=[4, 5])
    assert isinstance(marked, np.ndarray) and marked.shape == batch.shape
    assert [r.payload for r in tidemark.detect_batch(marked, key=key)] == [4, 5]


def test_float_batch_bchw_like_a_diffusion_pipeline(orange, messi, key):
    crop = messi[:300, :300]
    batch = np.stack([orange[:300, :300], crop]).astype(np.float32).transpose(0, 3, 1, 2) / 255.0
    marked = tidemark.embed_batch(batch, key=key, payloads=[6, 7])
    assert marked.shape == batch.shape and marked.dtype == np.float32
    assert np.abs(marked - batch).max() < 12 / 255
    assert [r.payload for r in tidemark.detect_batch(marked, key=key)] == [6, 7]


def test_batch_errors(orange, key):
    with pytest.raises(ValueError, match="2 payloads for 1 images"):
        tidemark.embed_batch([orange], key=key, payloads=[1, 2])
    with pytest.raises(ValueError, match="single-image"):
        tidemark.embed_batch(orange, key=key)
    with pytest.raises(ValueError):
        tidemark.embed_batch([orange, np.zeros((10, 10, 3), np.uint8)], key=key)
    assert tidemark.embed_batch([], key=key) == []
