"""Bad arrays and bad files raise Python exceptions that carry the library's message."""
import numpy as np
import pytest

import tidemark


@pytest.mark.parametrize("array, message", [
    (np.zeros((200, 200, 3), np.int32), "uint8, uint16 or float"),
    (np.zeros((200, 200, 3), bool), "uint8, uint16 or float"),
    (np.zeros((200,), np.uint8), "expected H x W"),
    (np.zeros((200, 200, 5), np.uint8), "1, 3 or 4 channels"),
    (np.zeros((2, 200, 200, 3), np.uint8), "expected H x W"),
    (np.zeros((0, 200, 3), np.uint8), "empty"),
    (np.zeros((100, 300, 3), np.uint8), "smaller than one watermark tile"),
    ([[1, 2], [3, 4]], "expected a numpy array"),
    ("image.png", "expected a numpy array"),
])
def test_bad_arrays_raise_value_error(array, message, key):
    with pytest.raises(ValueError, match=message):
        tidemark.embed(array, key=key)


def test_too_small_to_detect_is_a_verdict_not_an_error(key):
    result = tidemark.detect(np.zeros((40, 40), np.uint8), key=key)
    assert result.verdict == "too small" and not result.detected


def test_bgr_needs_colour(key):
    with pytest.raises(ValueError, match="bgr"):
        tidemark.embed(np.zeros((200, 200), np.uint8), key=key, bgr=True)


def test_bad_parameters(key):
    with pytest.raises(ValueError, match="backend"):
        tidemark.Embedder(key, backend="tpu")
    with pytest.raises(ValueError, match="strength"):
        tidemark.Embedder(key, strength=-1)
    with pytest.raises(ValueError, match="candidates"):
        tidemark.Detector(key, candidates=0)


@pytest.mark.skipif(tidemark.cuda_device_count() > 0, reason="a CUDA device is present")
def test_cuda_backend_without_a_device_says_so(key):
    with pytest.raises(tidemark.UnsupportedError):
        tidemark.Embedder(key, backend="cuda")


needs_io = pytest.mark.skipif(not tidemark.has_file_io, reason="built without image I/O")


@needs_io
def test_file_errors_name_the_file(tmp_path, corpus, key):
    with pytest.raises(OSError, match="missing.png"):
        tidemark.detect_file(tmp_path / "missing.png", key=key)
    for bad in ["truncated_graf1.png", "truncated_building.jpg", "text_named.jpg", "empty.png"]:
        with pytest.raises(OSError, match=bad) as info:
            tidemark.detect_file(corpus / "bad" / bad, key=key)
        assert isinstance(info.value, (tidemark.DecodeError, OSError))
    with pytest.raises(tidemark.DecodeError):
        tidemark.detect_file(corpus / "bad" / "truncated_graf1.png", key=key)


@needs_io
def test_embed_file_never_overwrites_without_being_asked(tmp_path, corpus, key):
    src = corpus / "images" / "opencv_orange_512x512.jpg"
    dst = tmp_path / "out.png"
    tidemark.embed_file(src, dst, key=key, payload=1)
    first = dst.read_bytes()
    with pytest.raises(OSError, match="exists"):
        tidemark.embed_file(src, dst, key=key, payload=2)
    assert dst.read_bytes() == first
    tidemark.embed_file(src, dst, key=key, payload=2, overwrite=True)
    assert tidemark.detect_file(dst, key=key).payload == 2
    with pytest.raises(ValueError, match="input"):
        tidemark.embed_file(dst, dst, key=key, overwrite=True)
    with pytest.raises(ValueError):
        tidemark.embed_file(src, tmp_path / "out.gif", key=key)
    assert not (tmp_path / "out.gif").exists()


@needs_io
def test_pixel_limit(corpus, key):
    with pytest.raises(tidemark.LimitError, match="limit"):
        tidemark.detect_file(corpus / "images" / "opencv_orange_512x512.jpg", key=key, max_pixels=1000)
