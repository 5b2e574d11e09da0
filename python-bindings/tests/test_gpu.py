"""CUDA tensors are marked on the device, without a host copy, with the CPU's payload and pixels
within the CUDA backend's parity tolerance. Skipped, with the reason, without a CUDA device or
without torch."""
import numpy as np
import pytest

import tidemark

pytestmark = pytest.mark.gpu
if tidemark.cuda_device_count() == 0:
    pytest.skip("no CUDA device (or a build without CUDA): GPU tests skipped", allow_module_level=True)
torch = pytest.importorskip("torch", reason="GPU tests need torch")

TOLERANCE = 1  # grey levels, as the C++ parity tests allow


def test_uint8_tensor_marked_on_the_device_in_place(orange, key):
    t = torch.from_numpy(orange).cuda()
    pointer = t.data_ptr()
    out = tidemark.embed(t, key=key, payload=21, inplace=True)
    assert out is t and out.data_ptr() == pointer and out.is_cuda
    cpu = tidemark.Embedder(key, backend="cpu").embed(orange, 21)
    assert np.abs(out.cpu().numpy().astype(int) - cpu).max() <= TOLERANCE
    assert tidemark.detect(out, key=key).payload == 21


def test_float_bchw_batch_stays_on_the_device(orange, messi, key):
    batch = torch.stack([torch.from_numpy(orange[:300, :300]), torch.from_numpy(messi[:300, :300])])
    batch = (batch.permute(0, 3, 1, 2).float() / 255).cuda().half()
    marked = tidemark.embed_batch(batch, key=key, payloads=[1, 2])
    assert marked.is_cuda and marked.dtype == torch.float16 and marked.shape == batch.shape
    assert [r.payload for r in tidemark.detect_batch(marked, key=key)] == [1, 2]


def test_cupy_arrays_if_present(orange, key):
    cupy = pytest.importorskip("cupy", reason="cupy not installed")
    a = cupy.asarray(orange)
    marked = tidemark.embed(a, key=key, payload=22)
    assert isinstance(marked, cupy.ndarray)
    assert tidemark.detect(cupy.asnumpy(marked), key=key).payload == 22


def test_cuda_detector_reads_tensors_on_the_device(orange, key):
    t = torch.from_numpy(orange).cuda()
    tidemark.embed(t, key=key, payload=23, inplace=True)
    detector = tidemark.Detector(key, backend="cuda")
    assert detector.backend == "cuda"
    assert detector.detect(t).payload == 23
    assert detector.detect(t.cpu().numpy()).payload == 23
    assert not detector.detect(torch.from_numpy(orange).cuda()).detected


def test_video_detection_on_cuda_finds_the_cpu_payload(orange):
    marker = tidemark.VideoMarker(payload=7, backend="cpu")
    cpu, gpu = tidemark.VideoDetector(backend="cpu"), tidemark.VideoDetector(backend="cuda")
    for i in range(4):
        frame = marker.mark(np.ascontiguousarray(np.roll(orange, 3 * i, axis=1)))
        a, b = cpu.add_frame(frame, i / 25), gpu.add_frame(frame, i / 25)
        assert a.payload == b.payload
    assert cpu.finish()["payload"] == gpu.finish()["payload"] == 7


def test_video_frames_marked_on_cuda_match_the_cpu(orange):
    marker_cpu, marker_gpu = tidemark.VideoMarker(payload=7, backend="cpu"), tidemark.VideoMarker(payload=7, backend="cuda")
    for shift in range(3):  # a pan: the tile follows it with fractional offsets
        frame = np.ascontiguousarray(np.roll(orange, 3 * shift, axis=1))
        a, b = marker_cpu.mark(frame), marker_gpu.mark(frame)
        assert np.abs(a.astype(int) - b).max() <= TOLERANCE


def test_video_frames_as_cuda_tensors_are_marked_where_they_are(orange):
    on_host, on_device = tidemark.VideoMarker(payload=7, backend="cuda"), tidemark.VideoMarker(payload=7, backend="cpu")
    for shift in range(3):  # the same pan from host memory and as tensors on the GPU
        frame = np.ascontiguousarray(np.roll(orange, 3 * shift, axis=1))
        t = torch.from_numpy(frame).cuda()
        pointer = t.data_ptr()
        a, b = on_host.mark(frame), on_device.mark(t, inplace=True)
        assert b is t and b.data_ptr() == pointer and b.is_cuda  # no host round trip for the result
        assert np.array_equal(a, b.cpu().numpy())  # the same motion and the same CUDA marking
