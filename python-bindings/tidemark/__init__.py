"""tidemark: invisible, robust watermarks for AI-generated images and videos.

    import tidemark
    key = tidemark.Key.from_file("tidemark.key")          # or Key.public(), Key.generate()
    marked = tidemark.embed(image, key=key, payload=0x2A)  # numpy, PIL, torch or cupy in, same out
    result = tidemark.detect(marked, key=key)
    result.detected, result.payload, result.p_value        # True, 42, 1e-30

Images are RGB (pass bgr=True for OpenCV arrays), gray or RGBA (alpha untouched); uint8, uint16,
or floats in [0, 1] (returned quantised to steps of 1/255, so that saving them as 8-bit gives the
marked pixels exactly). CUDA tensors are marked on the device without a host copy.

Files: embed_file / detect_file for images, embed_video / detect_video for clips (decoded, marked
and re-encoded through FFmpeg, audio and metadata kept), mark_file / verify_file for both.
"""
from __future__ import annotations

import functools
import json
import os
from typing import Any, Callable, Iterable, Optional, Sequence, Union

from . import _arrays, _ext
from ._ext import DecodeError, DetectResult, Key, LimitError, UnsupportedError, cuda_device_count

__all__ = [
    "Key", "DetectResult", "Embedder", "Detector", "VideoMarker", "VideoDetector",
    "embed", "embed_batch", "detect", "detect_batch", "embed_file", "detect_file", "embed_video", "detect_video",
    "mark_file", "verify_file", "detect_foreign_marks", "decode_dwtdct",
    "DecodeError", "LimitError", "UnsupportedError", "cuda_device_count", "has_file_io", "has_labels", "has_video",
    "__version__",
]
__version__ = "0.1.0"

has_file_io: bool = _ext.has_io
"""False when this build found no libpng/libjpeg/libwebp: the *_file functions then raise."""

has_labels: bool = _ext.has_labels
"""False when this build found no Exiv2/FreeType: mark_file and verify_file then raise."""

has_video: bool = _ext.has_video
"""False when this build found no FFmpeg libav: embed_video and detect_video then raise, and
mark_file / verify_file take images only."""

PayloadLike = Union[int, str, bytes]
KeyLike = Union[Key, str, "os.PathLike[str]", None]
# The library's own defaults (one place of truth: tidemark/params.hpp and video.hpp).
_DEFAULT_STRENGTH: float = _ext.default_strength
_DEFAULT_FLOOR: float = _ext.default_mask_floor
_VIDEO_DEFAULT_STRENGTH: float = _ext.video_default_strength
_VIDEO_DEFAULT_FLOOR: float = _ext.video_default_mask_floor
_VIDEO_DEFAULT_CELL_SCALE: float = _ext.video_default_cell_scale


def _key(key: KeyLike) -> Key:
    """A Key, a key file's path, or None for the public key."""
    if key is None:
        return Key.public()
    if isinstance(key, Key):
        return key
    if isinstance(key, (str, os.PathLike)):
        return Key.from_file(os.fspath(key))
    raise ValueError(f"key must be a tidemark.Key, a key file path or None (public key), got {type(key).__name__}")


def _is_video(path: Union[str, os.PathLike]) -> bool:
    """A name FFmpeg containers carry (.mp4, .mov, .mkv, .webm, .avi, ...), in builds with video."""
    return has_video and _ext.is_video_path(os.fspath(path))


def _require_video() -> None:
    if not has_video:
        raise UnsupportedError("this build of tidemark has no video layer (FFmpeg's libav development files were not "
                               "found when it was built): embed_video and detect_video are unavailable")


def _bitrate(bitrate: Union[int, str, None]) -> int:
    """Bits per second from an int or a string such as "8M" or "2500k" (the command line's
    parser); 0 for None."""
    return 0 if bitrate is None else _ext.parse_bitrate(str(bitrate))


def _quality(quality: Optional[int]) -> int:
    if quality is None:
        return 0  # the extension's default: keep a JPEG's own quality, else 95
    if not 1 <= quality <= 100:
        raise ValueError("quality must be in [1, 100]")
    return quality


def _png_level(level: Optional[int]) -> int:
    if level is None:
        return _ext.png_run_length  # zlib's run-length strategy
    if not 0 <= level <= 9:
        raise ValueError("png_level must be in [0, 9]")
    return level


def _payload(payload: PayloadLike) -> int:
    """64 bits from an int, 16 hex digits (optionally 0x-prefixed) or 8 bytes (big-endian)."""
    if isinstance(payload, bool):
        raise ValueError("payload must be an int, a hex string or 8 bytes, not a bool")
    if isinstance(payload, (bytes, bytearray)):
        if len(payload) != 8:
            raise ValueError(f"a bytes payload must be 8 bytes long, got {len(payload)}")
        return int.from_bytes(payload, "big")
    if isinstance(payload, str):
        digits = payload[2:] if payload.lower().startswith("0x") else payload
        if not 1 <= len(digits) <= 16 or any(c not in "0123456789abcdefABCDEF" for c in digits):
            raise ValueError(f"payload {payload!r} is not 1 to 16 hex digits")
        return int(digits, 16)
    try:
        value = int(payload)  # ints and numpy integers
    except (TypeError, ValueError):
        raise ValueError(f"payload must be an int, a hex string or 8 bytes, got {type(payload).__name__}") from None
    if not 0 <= value < 1 << 64:
        raise ValueError(f"payload {value} does not fit in 64 unsigned bits")
    return value


class Embedder:
    """Marks images with one key and one set of parameters; build once, call many times.

    backend: "auto" (CUDA when a device is present, else CPU), "cpu" or "cuda". CUDA tensors are
    always marked on the GPU. threads: CPU threads per call, 0 for all cores. Thread-safe: calls
    from several Python threads run in parallel (the GIL is released while marking).
    """

    def __init__(self, key: KeyLike = None, *, strength: float = _DEFAULT_STRENGTH,
                 mask_floor: float = _DEFAULT_FLOOR, backend: str = "auto", threads: int = 0) -> None:
        self.key = _key(key)
        self._core = _ext.Embedder(self.key, strength, mask_floor, backend, threads)

    @property
    def backend(self) -> str:
        return self._core.backend

    def embed(self, image: Any, payload: PayloadLike = 0, *, bgr: bool = False, inplace: bool = False) -> Any:
        """The marked image, of the same type, shape and dtype as `image`.

        inplace=True writes into `image` (numpy arrays and tensors) and returns it.
        """
        return self.embed_batch([image], [payload], bgr=bgr, inplace=inplace)[0]

    def embed_batch(self, images: Any, payloads: Union[PayloadLike, Sequence[PayloadLike]] = 0, *,
                    bgr: bool = False, inplace: bool = False) -> Any:
        """Mark a list of images (any sizes) or a 4-D batch (B x H x W x C or B x C x H x W) in one
        call; one payload for all or one per image. Returns the same kind of container."""
        items, rebuild = _arrays.split_batch(images, "embed_batch")
        payload_list = self._payloads(payloads, len(items))
        prepared = [_arrays.prepare(im, bgr=bgr, inplace=inplace, what="embed") for im in items]
        for p in prepared:
            if p.on_device:
                p.ops.synchronize(p.array)  # the caller's stream may still be writing the pixels
        self._core.mark_inplace([p.array for p in prepared], payload_list)
        return rebuild([p.finish() for p in prepared])

    def embed_file(self, src: Union[str, os.PathLike], dst: Union[str, os.PathLike], payload: PayloadLike = 0, *,
                   quality: Optional[int] = None, webp_lossless: bool = False, png_level: Optional[int] = None,
                   overwrite: bool = False, max_pixels: Optional[int] = None) -> dict:
        """Read `src`, mark it, write `dst` (format from its extension; ICC/EXIF/XMP kept; written
        atomically). Refuses to replace an existing `dst` unless overwrite=True, and never writes
        over `src`. Returns a summary dict. quality=None writes JPEG/WebP at 95, except that a JPEG
        written as JPEG is marked in its DCT coefficients at its own quality (no re-encoding; the
        dict then has jpeg_coefficients_quality); a number re-encodes at it. png_level: a zlib level
        0-9 for PNG outputs (None: zlib's run-length strategy, within about 2 % of level 6 on
        marked pictures in a third of the time). Videos: embed_video."""
        if _is_video(src):
            raise UnsupportedError(f"{os.fspath(src)}: a video; mark it with tidemark.embed_video (or tidemark.embed_file)")
        return _ext.embed_file(self._core, os.fspath(src), os.fspath(dst), _payload(payload), _quality(quality),
                               webp_lossless, _png_level(png_level), overwrite, max_pixels or 0)

    @staticmethod
    def _payloads(payloads: Any, count: int) -> list:
        if isinstance(payloads, (list, tuple)):
            if len(payloads) != count:
                raise ValueError(f"got {len(payloads)} payloads for {count} images")
            return [_payload(p) for p in payloads]
        return [_payload(payloads)] * count

    def __repr__(self) -> str:
        return f"Embedder({self.key!r}, backend={self.backend!r})"


class Detector:
    """Finds marks made with one key; build once, call many times. With the CUDA backend (the
    default when a device is present) CUDA tensors are read where they are, without a host copy;
    with the CPU backend they are copied to the host first. Thread-safe like Embedder."""

    def __init__(self, key: KeyLike = None, *, aspect_pass: bool = True, mirror: bool = True,
                 candidates: int = 3, backend: str = "auto", threads: int = 0) -> None:
        self.key = _key(key)
        self._core = _ext.Detector(self.key, aspect_pass, mirror, candidates, backend, threads)

    @property
    def backend(self) -> str:
        """"cpu" or "cuda": what "auto" resolved to."""
        return self._core.backend

    def detect(self, image: Any, *, bgr: bool = False) -> DetectResult:
        if self._core.backend == "cuda" and _arrays.is_device_array(image):
            prepared = _arrays.prepare(image, bgr=bgr, inplace=False, what="detect")
            prepared.ops.synchronize(prepared.array)  # the caller's stream may still be writing
            return self._core.detect(prepared.array)
        return self._core.detect(_arrays.host_pixels(image, bgr=bgr, what="detect"))

    def detect_batch(self, images: Any, *, bgr: bool = False) -> list:
        items, _ = _arrays.split_batch(images, "detect_batch")
        return [self.detect(im, bgr=bgr) for im in items]

    def detect_file(self, path: Union[str, os.PathLike], *, max_pixels: Optional[int] = None) -> DetectResult:
        return _ext.detect_file(self._core, os.fspath(path), max_pixels or 0)

    def __repr__(self) -> str:
        return f"Detector({self.key!r})"


class VideoMarker:
    """Marks the frames of one clip with the video profile, in display order: cells 4x larger than
    on images and a tile that follows the picture's motion, so the mark survives re-encoding.
    Use one per clip (it tracks motion from frame to frame); frames are numpy arrays or tensors
    (H x W gray, H x W x 3 RGB, H x W x 4 RGBA; uint8, uint16 or float in [0, 1]) or PIL images.
    backend: "auto" (each frame's mask and tile on CUDA when a device is present), "cpu" or "cuda".
    CUDA tensors are marked on the GPU where they are (whatever the backend); the motion is
    measured on the host either way (for a CUDA tensor, on a copy made each frame).

        marker = tidemark.VideoMarker(key, payload=0xA1)
        for frame in frames:            # e.g. decoded with PyAV: frame.to_ndarray(format="rgb24")
            out = marker.mark(frame)    # hand `out` to your encoder
    """

    def __init__(self, key: KeyLike = None, payload: PayloadLike = 0, *, strength: float = _VIDEO_DEFAULT_STRENGTH,
                 mask_floor: float = _VIDEO_DEFAULT_FLOOR, cell_scale: float = _VIDEO_DEFAULT_CELL_SCALE, follow_motion: bool = True,
                 threads: int = 0, backend: str = "auto") -> None:
        self.key = _key(key)
        self._core = _ext.FrameMarker(self.key, _payload(payload), strength, mask_floor, cell_scale, follow_motion,
                                      threads, backend)

    def mark(self, frame: Any, *, bgr: bool = False, inplace: bool = False) -> Any:
        """The marked frame, of the same type, shape and dtype as `frame`."""
        prepared = _arrays.prepare(frame, bgr=bgr, inplace=inplace, what="mark")
        if prepared.on_device:
            prepared.ops.synchronize(prepared.array)  # the caller's stream may still be writing the pixels
        self._core.mark_inplace(prepared.array)
        return prepared.finish()

    @property
    def frames(self) -> int:
        return self._core.frames


class VideoDetector:
    """Finds the video mark in the frames of one clip (any subset, e.g. every 10th frame) and
    combines them: finish() returns a dict with the payload, its p-value and the segments (start
    and end time of each stretch with the same payload, or none), and decodes the summed soft bits
    of frames too damaged to decode alone. backend: where the frames, reduced to about 300 rows
    on the host, are analysed ("auto": CUDA when a device is present, "cpu" or "cuda")."""

    def __init__(self, key: KeyLike = None, *, threads: int = 0, backend: str = "auto") -> None:
        self.key = _key(key)
        self._core = _ext.VideoDetector(self.key, threads, backend)

    def add_frame(self, frame: Any, time: float, *, bgr: bool = False) -> DetectResult:
        """Analyse one frame shown at `time` seconds; returns that frame's own result."""
        return self._core.add_frame(_arrays.host_pixels(frame, bgr=bgr, what="add_frame"), float(time))

    def finish(self) -> dict:
        return self._core.finish()


# The one-call functions reuse objects per (key, parameters): building an Embedder derives the
# key's tile and template, which is worth doing once.
@functools.lru_cache(maxsize=16)
def _embedder(key: Key, strength: float, backend: str) -> Embedder:
    return Embedder(key, strength=strength, backend=backend)


@functools.lru_cache(maxsize=16)
def _detector(key: Key, backend: str) -> Detector:
    return Detector(key, backend=backend)


def embed(image: Any, key: KeyLike = None, payload: PayloadLike = 0, *, strength: float = _DEFAULT_STRENGTH,
          bgr: bool = False, inplace: bool = False, backend: str = "auto") -> Any:
    """Mark one image; see Embedder.embed. key=None uses the public key."""
    return _embedder(_key(key), strength, backend).embed(image, payload, bgr=bgr, inplace=inplace)


def embed_batch(images: Any, key: KeyLike = None, payloads: Any = 0, *, strength: float = _DEFAULT_STRENGTH,
                bgr: bool = False, inplace: bool = False, backend: str = "auto") -> Any:
    """Mark a list or a 4-D batch; see Embedder.embed_batch."""
    return _embedder(_key(key), strength, backend).embed_batch(images, payloads, bgr=bgr, inplace=inplace)


def detect(image: Any, key: KeyLike = None, *, bgr: bool = False, backend: str = "auto") -> DetectResult:
    """Look for a mark made with `key` (None: the public key)."""
    return _detector(_key(key), backend).detect(image, bgr=bgr)


def detect_batch(images: Any, key: KeyLike = None, *, bgr: bool = False, backend: str = "auto") -> list:
    return _detector(_key(key), backend).detect_batch(images, bgr=bgr)


def embed_file(src: Union[str, os.PathLike], dst: Union[str, os.PathLike], key: KeyLike = None,
               payload: PayloadLike = 0, *, strength: Optional[float] = None, **options: Any) -> dict:
    """Mark an image file into `dst` (see Embedder.embed_file for the options), or a video (see
    embed_video for its options). strength=None: the default for images or for videos."""
    if _is_video(src):
        return embed_video(src, dst, key, payload, strength=strength, **options)
    return _embedder(_key(key), _DEFAULT_STRENGTH if strength is None else strength, "auto").embed_file(
        src, dst, payload, **options)


def detect_file(path: Union[str, os.PathLike], key: KeyLike = None, *, max_pixels: Optional[int] = None) -> DetectResult:
    """Look for a mark in an image file. Videos: detect_video (a dict with segments)."""
    if _is_video(path):
        raise UnsupportedError(f"{os.fspath(path)}: a video; read it with tidemark.detect_video")
    return _detector(_key(key), "auto").detect_file(path, max_pixels=max_pixels)


ProgressFn = Callable[[int, int, float, float], None]


def embed_video(src: Union[str, os.PathLike], dst: Union[str, os.PathLike], key: KeyLike = None,
                payload: PayloadLike = 0, *, strength: Optional[float] = None, mask_floor: float = _VIDEO_DEFAULT_FLOOR,
                cell_scale: float = _VIDEO_DEFAULT_CELL_SCALE, follow_motion: bool = True, backend: str = "auto",
                codec: str = "libx264", crf: Optional[int] = None, bitrate: Union[int, str, None] = None,
                preset: Optional[str] = None, overwrite: bool = False, max_pixels: Optional[int] = None,
                hwdecode: str = "off", threads: int = 0, progress: Optional[ProgressFn] = None) -> dict:
    """Mark every frame of a clip with the video profile and re-encode it into `dst`, as `tidemark
    embed` does: any input FFmpeg reads; audio, subtitles, timestamps, colour and rotation kept;
    written atomically (nothing under `dst` on failure), never over `src`, over an existing `dst`
    only with overwrite=True. codec: any FFmpeg video encoder (libx264, libx265, libvpx-vp9,
    h264_nvenc, ...); crf: constant quality (None: 18 for x264/x265/NVENC); bitrate instead of it
    (bits per second or "8M"); preset: the encoder's (None: its default). strength=None: 0.55 up to
    720p, less on larger frames (docs/VIDEO.md). progress(frames, frames_expected, seconds,
    duration) is called as frames are written; Ctrl-C stops the job. max_pixels: per frame (None:
    64 MP). hwdecode: "off", "auto" (the GPU's decoder, NVDEC, when libav has one for the codec
    and a CUDA device opens; software otherwise) or "cuda" (an error otherwise); the dict's
    "decoder" says which ran and "decoder_note" why not the GPU. threads: CPU threads for marking,
    0 for all cores (the encoder has its own). Returns a dict: frames, size, codecs, psnr_db, fps, ..."""
    _require_video()
    return _ext.embed_video(_key(key), os.fspath(src), os.fspath(dst), _payload(payload),
                            _VIDEO_DEFAULT_STRENGTH if strength is None else strength, mask_floor, cell_scale,
                            follow_motion, backend, codec, -1 if crf is None else crf, _bitrate(bitrate), preset or "",
                            overwrite, max_pixels or 0, hwdecode, threads, progress)


def detect_video(path: Union[str, os.PathLike], key: KeyLike = None, *, every: int = 0, per_second: float = 2.0,
                 max_frames: int = 0, start: float = 0.0, max_pixels: Optional[int] = None, backend: str = "auto",
                 hwdecode: str = "off", threads: int = 0, progress: Optional[ProgressFn] = None) -> dict:
    """Look for the video mark in a clip, as `tidemark detect` does: about `per_second` frames per
    second of footage are analysed (every=N: every N-th frame instead; max_frames: a budget; start:
    seconds to skip), frames are combined, and the dict has the payload (int and payload_hex), its
    p_value, frame counts and the segments (start and end time of each stretch with one payload).
    backend: where the reduced frames are analysed ("auto": CUDA when a device is present).
    hwdecode: where frames are decoded, as in embed_video. threads: CPU threads for the analysis,
    0 for all cores."""
    _require_video()
    return _ext.detect_video(_key(key), os.fspath(path), every, per_second, max_frames, start, max_pixels or 0,
                             hwdecode, backend, threads, progress)


def _require_labels() -> None:
    if not has_labels:
        raise UnsupportedError("this build of tidemark has no labels layer (Exiv2, FreeType and nlohmann-json were not "
                               "found when it was built): mark_file and verify_file are unavailable")


def mark_file(src: Union[str, os.PathLike], dst: Union[str, os.PathLike], producer: str, key: KeyLike = None, *,
              produce_id: Optional[str] = None, label: str = "1", composite: bool = False, sign: bool = False,
              visible: bool = False, visible_text: Optional[str] = None, visible_position: str = "bottom-right",
              visible_height: float = 0.06, font: Optional[str] = None, strength: Optional[float] = None,
              quality: Optional[int] = None, png_level: Optional[int] = None, overwrite: bool = False,
              max_pixels: Optional[int] = None, visible_seconds: float = 2.0, hwdecode: str = "off",
              progress: Optional[ProgressFn] = None) -> dict:
    """The one-pass job of `tidemark mark` on one file: optional visible label, watermark whose
    payload is derived from the ProduceID, GB 45438 AIGC label and IPTC DigitalSourceType in XMP
    (docs/LABELS.md). Returns produce_id, payload and the label written. Without produce_id a
    fresh one (tm-<16 hex digits>) is made: record it. quality and png_level as in Embedder.embed_file.
    Videos (builds with has_video): the video watermark on every frame, the AIGC label in the
    container, the visible label on the first `visible_seconds` (0: the whole clip), re-encoded
    with libx264 at CRF 18; progress and hwdecode as in embed_video. strength=None: the image or
    video default."""
    _require_labels()
    embedder = _embedder(_key(key), _DEFAULT_STRENGTH if strength is None else strength, "auto")
    return _ext.mark_file(embedder._core, embedder.key, os.fspath(src), os.fspath(dst), producer, produce_id or "",
                          label, composite, sign, visible, visible_text or "", visible_position, visible_height,
                          font or "", _quality(quality), _png_level(png_level), overwrite, max_pixels or 0,
                          0.0 if strength is None else strength, visible_seconds, hwdecode, progress)


def verify_file(path: Union[str, os.PathLike], keys: Optional[Sequence[KeyLike]] = None, *,
                max_pixels: Optional[int] = None, hwdecode: str = "off") -> dict:
    """The report of `tidemark verify --json` for one file, as a dict: watermark (each key, then
    the public key), AIGC labels checked against GB 45438, IPTC source type, C2PA presence,
    agreement, and the GB 45438 Label value to record. Videos (builds with has_video): the
    watermark over sampled frames with its segments, the label in the container; "kind": "video";
    hwdecode as in embed_video."""
    _require_labels()
    resolved = [_key(k) for k in (keys or [])]
    return json.loads(_ext.verify_file(os.fspath(path), resolved, max_pixels or 0, hwdecode))


def detect_foreign_marks(image: Any, *, bgr: bool = False) -> dict:
    """Look for the invisible-watermark "dwtDct" marks that the reference code of Stable Diffusion
    1.x/2.x, SDXL and FLUX.1 adds (also in the chroma-swapped form older diffusers produced).
    Returns {"checked", "found": [{name, chroma_swapped, matched, bits, p_value}], "closest"}."""
    return _ext.detect_foreign_marks(_arrays.host_pixels(image, bgr=bgr, what="detect_foreign_marks"))


def decode_dwtdct(image: Any, length: int, *, chroma_swapped: bool = False, bgr: bool = False) -> tuple:
    """The invisible-watermark package's dwtDct decoder, bit for bit: (bits, mean votes) of an
    L-bit message from an RGB image (bgr=True for OpenCV arrays) of at least 256 x 256 pixels."""
    bits, means = _ext.dwtdct_bits(_arrays.host_pixels(image, bgr=bgr, what="decode_dwtdct"), length, chroma_swapped)
    return bits, means
