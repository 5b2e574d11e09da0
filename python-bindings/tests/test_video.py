"""The video frame API: a panning clip marked frame by frame decodes in every frame, the tile
follows the motion, segments show a splice, and bad frames raise clear errors."""
import numpy as np
import pytest

import tidemark

W, H = 640, 360


def scene(seed: int = 5) -> np.ndarray:
    rng = np.random.default_rng(seed)
    coarse = rng.uniform(0, 255, size=(H // 16 + 8, W // 16 + 12, 3))
    big = np.kron(coarse, np.ones((16, 16, 1)))  # blocks, then blurred by a box filter
    k = 9
    pad = np.pad(big, ((k, k), (k, k), (0, 0)), mode="edge")
    c = pad.cumsum(0).cumsum(1)
    blur = (c[2 * k:, 2 * k:] - c[:-2 * k, 2 * k:] - c[2 * k:, :-2 * k] + c[:-2 * k, :-2 * k]) / (2 * k) ** 2
    texture = rng.normal(0, 12, size=blur.shape)
    return np.clip(blur + texture, 0, 255).astype(np.uint8)


def pan(big: np.ndarray, i: int, dx: int = 3, dy: int = 1) -> np.ndarray:
    return np.ascontiguousarray(big[dy * i:dy * i + H, dx * i:dx * i + W])


def test_marked_pan_decodes_in_every_frame():
    big = scene()
    marker = tidemark.VideoMarker(payload=0xA1)
    detector = tidemark.VideoDetector()
    for i in range(5):
        frame = pan(big, i)
        out = marker.mark(frame)
        assert out.shape == frame.shape and out.dtype == np.uint8
        assert np.abs(out.astype(int) - frame).max() > 0  # the input was not touched: a new array
        r = detector.add_frame(out, i / 25)
        assert r.payload == 0xA1, r
    report = detector.finish()
    assert report["detected"] and report["payload"] == 0xA1 and report["payload_hex"] == "00000000000000a1"
    assert report["frames_decoded"] == 5 and len(report["segments"]) == 1
    assert report["p_value"] < 1e-9
    assert marker.frames == 5


def test_splice_shows_segments_and_unmarked_frames_claim_nothing():
    big = scene(7)
    marker = tidemark.VideoMarker(payload=0xB2)
    detector = tidemark.VideoDetector()
    for i in range(8):
        frame = pan(big, i, 2, 1)
        if i < 4:
            frame = marker.mark(frame)
        detector.add_frame(frame, i * 0.5)
    segments = detector.finish()["segments"]
    assert [s["payload"] for s in segments] == [0xB2, None]
    assert segments[0]["end"] == 1.5 and segments[1]["start"] == 2.0


def test_inplace_float_and_gray_frames():
    big = scene(9)
    gray = pan(big, 0)[:, :, 1].copy()
    before = gray.copy()
    marker = tidemark.VideoMarker(payload=3)
    assert marker.mark(gray, inplace=True) is gray
    assert (gray != before).any()
    rgb = pan(big, 0).astype(np.float32) / 255
    out = tidemark.VideoMarker(payload=3).mark(rgb)
    assert out.dtype == np.float32 and out.shape == rgb.shape


def test_bad_frames_raise():
    marker = tidemark.VideoMarker(payload=1)
    with pytest.raises(ValueError):
        marker.mark(np.zeros((100, 100, 3), np.uint8))  # smaller than one tile
    with pytest.raises(ValueError):
        marker.mark(np.zeros((H, W, 3), np.int32))
    with pytest.raises(ValueError):
        tidemark.VideoMarker(payload=1, cell_scale=0.5)


def test_backend_is_chosen_by_name():
    big = scene(11)
    frame = pan(big, 0)
    cpu = tidemark.VideoMarker(payload=5, backend="cpu").mark(frame)
    assert np.array_equal(cpu, tidemark.VideoMarker(payload=5, backend="cpu").mark(frame))
    with pytest.raises(ValueError, match="backend must be"):
        tidemark.VideoMarker(payload=5, backend="gpu")
