"""Arrays in, marked arrays out: every accepted form decodes its payload, outputs keep the input's
type, shape and dtype, and inputs are left alone unless inplace=True."""
import numpy as np
import pytest

import tidemark

PAYLOAD = 0x0123456789ABCDEF


def test_rgb_uint8_round_trip_and_input_untouched(orange, key):
    before = orange.copy()
    marked = tidemark.embed(orange, key=key, payload=PAYLOAD)
    assert np.array_equal(orange, before)
    assert marked.shape == orange.shape and marked.dtype == np.uint8
    diff = marked.astype(int) - orange
    assert 0 < np.abs(diff).max() <= 12  # invisible but present
    result = tidemark.detect(marked, key=key)
    assert result.detected and result.verdict == "detected"
    assert result.payload == PAYLOAD and result.payload_hex == "0123456789abcdef"
    assert result.p_value < 1e-12 and result.z > 7
    assert bool(result)


def test_unmarked_and_wrong_key_are_not_detected(orange, key):
    assert not tidemark.detect(orange, key=key).detected
    marked = tidemark.embed(orange, key=key, payload=PAYLOAD)
    other = tidemark.detect(marked, key=tidemark.Key.from_passphrase("someone else"))
    assert not other.detected and other.payload is None


def test_output_is_deterministic(messi, key):
    a = tidemark.embed(messi, key=key, payload=1)
    b = tidemark.embed(messi, key=key, payload=1)
    assert np.array_equal(a, b)


@pytest.mark.parametrize("payload", [0x2A, "000000000000002a", "0x2a", b"\0\0\0\0\0\0\0\x2a", np.uint64(42)])
def test_payload_forms_are_equivalent(orange, key, payload):
    reference = tidemark.embed(orange, key=key, payload=42)
    assert np.array_equal(tidemark.embed(orange, key=key, payload=payload), reference)


@pytest.mark.parametrize("payload", [-1, 1 << 64, "xyz", "0x", b"short", True, 1.5j])
def test_bad_payloads_raise_value_error(orange, key, payload):
    with pytest.raises(ValueError):
        tidemark.embed(orange, key=key, payload=payload)


def test_gray_and_gray_with_channel_axis(orange, key):
    gray = orange.mean(axis=2).astype(np.uint8)
    marked = tidemark.embed(gray, key=key, payload=5)
    assert marked.shape == gray.shape
    assert tidemark.detect(marked, key=key).payload == 5
    marked3 = tidemark.embed(gray[:, :, None], key=key, payload=5)
    assert marked3.shape == (512, 512, 1)
    assert np.array_equal(marked3[:, :, 0], marked)


def test_rgba_alpha_is_untouched(orange, key):
    rgba = np.dstack([orange, np.arange(512 * 512, dtype=np.uint32).reshape(512, 512).astype(np.uint8)])
    marked = tidemark.embed(rgba, key=key, payload=6)
    assert np.array_equal(marked[..., 3], rgba[..., 3])
    assert tidemark.detect(marked, key=key).payload == 6


def test_uint16(orange, key):
    deep = orange.astype(np.uint16) * 257
    marked = tidemark.embed(deep, key=key, payload=7)
    assert marked.dtype == np.uint16
    assert tidemark.detect(marked, key=key).payload == 7


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_float_images_are_quantised_exactly(orange, key, dtype):
    x = (orange / 255.0).astype(dtype)
    marked = tidemark.embed(x, key=key, payload=8)
    assert marked.dtype == dtype and marked.shape == x.shape
    as_bytes = np.rint(marked.astype(np.float64) * 255).astype(np.uint8)
    assert np.array_equal(as_bytes, tidemark.embed(orange, key=key, payload=8))
    assert tidemark.detect(marked, key=key).payload == 8


def test_channels_first_float(orange, key):
    chw = np.ascontiguousarray((orange / 255.0).astype(np.float32).transpose(2, 0, 1))
    marked = tidemark.embed(chw, key=key, payload=9)
    assert marked.shape == chw.shape
    assert np.array_equal(np.rint(marked.transpose(1, 2, 0) * 255).astype(np.uint8),
                          tidemark.embed(orange, key=key, payload=9))


def test_bgr_flag_matches_rgb_marking(orange, key):
    bgr = np.ascontiguousarray(orange[..., ::-1])
    marked_bgr = tidemark.embed(bgr, key=key, payload=10, bgr=True)
    marked_rgb = tidemark.embed(orange, key=key, payload=10)
    assert np.array_equal(marked_bgr[..., ::-1], marked_rgb)
    assert tidemark.detect(marked_bgr, key=key, bgr=True).payload == 10


def test_pil_in_pil_out(orange, key):
    from PIL import Image

    im = Image.fromarray(orange)
    marked = tidemark.embed(im, key=key, payload=11)
    assert isinstance(marked, Image.Image) and marked.mode == "RGB" and marked.size == im.size
    assert tidemark.detect(marked, key=key).payload == 11
    assert np.array_equal(np.asarray(marked), tidemark.embed(orange, key=key, payload=11))
    palette = im.convert("P")
    assert tidemark.embed(palette, key=key, payload=12).mode == "RGB"


def test_read_only_arrays_are_read_without_copy_and_marked_into_a_new_array(orange, key):
    frozen = orange.copy()
    frozen.flags.writeable = False
    marked = tidemark.embed(frozen, key=key, payload=13)
    assert tidemark.detect(marked, key=key).payload == 13
    assert not tidemark.detect(frozen, key=key).detected
    with pytest.raises(ValueError, match="read-only"):
        tidemark.embed(frozen, key=key, inplace=True)


def test_inplace_on_a_crop_view_writes_into_the_parent(orange, key):
    parent = orange.copy()
    view = parent[40:400, 30:450]  # rows strided, pixels packed: marked without a copy
    expected = tidemark.embed(np.ascontiguousarray(orange[40:400, 30:450]), key=key, payload=14)
    out = tidemark.embed(view, key=key, payload=14, inplace=True)
    assert out is view
    assert np.array_equal(parent[40:400, 30:450], expected)
    assert np.array_equal(parent[:40], orange[:40])


def test_strided_views_work(orange, key):
    every_other = orange[:, ::2]  # pixel stride 6 bytes: copied, marked, returned packed
    marked = tidemark.embed(every_other, key=key, payload=15)
    assert marked.shape == every_other.shape
    assert tidemark.detect(marked, key=key).payload == 15
    assert tidemark.detect(marked[:, :, :], key=key).payload == 15
    fortran = np.asfortranarray(orange)
    assert np.array_equal(tidemark.embed(fortran, key=key, payload=16), tidemark.embed(orange, key=key, payload=16))
    scratch = orange.copy()
    tidemark.embed(scratch[:, ::2], key=key, payload=17, inplace=True)  # written back through the view
    assert tidemark.detect(np.ascontiguousarray(scratch[:, ::2]), key=key).payload == 17


def test_objects_reused_with_parameters(orange, key):
    weak = tidemark.Embedder(key, strength=0.3, backend="cpu")
    strong = tidemark.Embedder(key, strength=1.0, backend="cpu")
    assert weak.backend == "cpu"
    d = lambda m: np.abs(m.astype(int) - orange).mean()
    assert d(weak.embed(orange, 1)) < d(strong.embed(orange, 1))
    detector = tidemark.Detector(key, aspect_pass=False, mirror=False)
    assert detector.detect(weak.embed(orange, 3)).payload == 3
    assert "Embedder(Key(fingerprint=" in repr(weak)
