"""Turn what users pass (numpy, PIL, torch, cupy; uint8, uint16 or float in [0, 1]; HWC or CHW;
RGB or BGR) into arrays the compiled core marks in place, and the results back into what they
passed. The core only sees uint8/uint16 H x W x C arrays with packed rows, on the host or on a
CUDA device; every conversion happens here, with the array's own library, on the array's own
device."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

_CHANNELS = (1, 3, 4)


class _Numpy:
    """Operations on numpy arrays (and, with xp=cupy, on cupy arrays: same API)."""

    def __init__(self, xp: Any) -> None:
        self.xp = xp

    def dtype_kind(self, a: Any) -> str:
        dt = np.dtype(a.dtype) if self.xp is np else a.dtype
        if dt == np.uint8:
            return "u8"
        if dt == np.uint16:
            return "u16"
        if dt.kind == "f":
            return "float"
        return str(dt)

    def is_cuda(self, a: Any) -> bool:
        return self.xp is not np

    def to_hwc(self, a: Any, channels_first: bool) -> Any:
        return self.xp.moveaxis(a, 0, -1) if channels_first else a

    def from_hwc(self, a: Any, channels_first: bool) -> Any:
        return self.xp.moveaxis(a, -1, 0) if channels_first else a

    def packed_copy(self, a: Any) -> Any:
        return a.copy() if a.flags.c_contiguous else self.xp.ascontiguousarray(a)

    def quantise(self, a: Any) -> Any:
        xp = self.xp
        return xp.rint(xp.clip(a.astype(xp.float32), 0.0, 1.0) * 255.0).astype(xp.uint8, order="C")

    def dequantise(self, u8: Any, like: Any) -> Any:
        return (u8.astype(self.xp.float32) / 255.0).astype(like.dtype)

    def flip_channels(self, a: Any) -> Any:
        out = a.copy()
        out[..., 0], out[..., 2] = a[..., 2], a[..., 0]
        return out

    def assign(self, dst: Any, src: Any) -> None:
        dst[...] = src

    def writeable(self, a: Any) -> bool:
        return bool(a.flags.writeable) if self.xp is np else True

    def to_host(self, a: Any) -> np.ndarray:
        return a if self.xp is np else self.xp.asnumpy(a)

    def device_index(self, a: Any) -> int:
        return 0 if self.xp is np else int(a.device.id)

    def synchronize(self, a: Any) -> None:
        if self.xp is not np:
            self.xp.cuda.get_current_stream().synchronize()


class _Torch:
    def __init__(self, torch: Any) -> None:
        self.torch = torch

    def dtype_kind(self, t: Any) -> str:
        torch = self.torch
        if t.dtype == torch.uint8:
            return "u8"
        if getattr(torch, "uint16", None) is not None and t.dtype == torch.uint16:
            return "u16"
        if t.dtype.is_floating_point:
            return "float"
        return str(t.dtype).replace("torch.", "")

    def is_cuda(self, t: Any) -> bool:
        return t.device.type == "cuda"

    def to_hwc(self, t: Any, channels_first: bool) -> Any:
        return t.movedim(0, -1) if channels_first else t

    def from_hwc(self, t: Any, channels_first: bool) -> Any:
        return t.movedim(-1, 0) if channels_first else t

    def packed_copy(self, t: Any) -> Any:
        return t.contiguous().clone() if t.is_contiguous() else t.contiguous()

    def quantise(self, t: Any) -> Any:
        return (t.float().clamp(0.0, 1.0) * 255.0).round().to(self.torch.uint8).contiguous()

    def dequantise(self, u8: Any, like: Any) -> Any:
        return (u8.float() / 255.0).to(like.dtype)

    def flip_channels(self, t: Any) -> Any:
        return t[..., [2, 1, 0] + list(range(3, t.shape[-1]))].contiguous()

    def assign(self, dst: Any, src: Any) -> None:
        dst.copy_(src)

    def writeable(self, t: Any) -> bool:
        return True

    def to_host(self, t: Any) -> np.ndarray:
        return t.detach().cpu().numpy()

    def device_index(self, t: Any) -> int:
        return int(t.device.index or 0) if self.is_cuda(t) else 0

    def synchronize(self, t: Any) -> None:
        if self.is_cuda(t):
            self.torch.cuda.current_stream(t.device).synchronize()


def _ops_for(a: Any) -> Any:
    module = type(a).__module__.split(".")[0]
    if module == "torch":
        import torch

        return _Torch(torch)
    if module == "cupy":
        import cupy

        return _Numpy(cupy)
    return _Numpy(np)


def _is_pil(image: Any) -> bool:
    return type(image).__module__.split(".")[0] == "PIL" and hasattr(image, "mode")


@dataclass
class Prepared:
    """One image ready for the core: `array` is marked in place, then `finish()` gives the result."""

    array: Any
    finish: Callable[[], Any]
    ops: Any

    @property
    def on_device(self) -> bool:
        return self.ops.is_cuda(self.array)


def _layout(shape: tuple, what: str) -> bool:
    """True when a 3-D image is channels-first (C x H x W)."""
    if len(shape) == 2:
        return False
    if len(shape) != 3:
        raise ValueError(f"{what}: expected H x W, H x W x C or C x H x W, got shape {tuple(shape)}")
    if shape[-1] in _CHANNELS:
        return False
    if shape[0] in _CHANNELS:
        return True
    raise ValueError(f"{what}: expected 1, 3 or 4 channels first or last, got shape {tuple(shape)}")


def _pil_to_array(image: Any) -> tuple[np.ndarray, Callable[[np.ndarray], Any]]:
    from PIL import Image

    mode = image.mode
    if mode not in ("L", "RGB", "RGBA", "I;16"):
        has_alpha = "A" in image.getbands() or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
    info = dict(image.info)

    def back(marked: np.ndarray) -> Any:
        out = Image.fromarray(marked, mode=image.mode) if image.mode != "I;16" else Image.fromarray(marked)
        out.info.update(info)
        return out

    return np.array(image), back


def prepare(image: Any, *, bgr: bool = False, inplace: bool = False, what: str = "embed") -> Prepared:
    """Normalise one image. With inplace=True the result is written back into `image`."""
    if _is_pil(image):
        if inplace:
            raise ValueError(f"{what}: PIL images cannot be marked in place; use the returned image")
        array, back = _pil_to_array(image)
        prepared = prepare(array, bgr=False, inplace=True, what=what)
        return Prepared(prepared.array, lambda: back(array), prepared.ops)
    if not hasattr(image, "shape") or not hasattr(image, "dtype"):
        if hasattr(image, "__array__"):
            image = np.asarray(image)
        else:
            raise ValueError(f"{what}: expected a numpy array, a torch/cupy tensor or a PIL image, got {type(image).__name__}")

    ops = _ops_for(image)
    shape = tuple(image.shape)
    if any(int(n) == 0 for n in shape):
        raise ValueError(f"{what}: empty image of shape {shape}")
    channels_first = _layout(shape, what)
    kind = ops.dtype_kind(image)
    if kind not in ("u8", "u16", "float"):
        raise ValueError(f"{what}: pixels must be uint8, uint16 or float in [0, 1], got dtype {kind}")
    channels = 1 if len(shape) == 2 else (shape[0] if channels_first else shape[-1])
    if bgr and channels < 3:
        raise ValueError(f"{what}: bgr=True needs 3 or 4 channels, got {channels}")
    if ops.is_cuda(image) and ops.device_index(image) != 0:
        from . import _ext

        raise _ext.UnsupportedError(
            f"{what}: the tensor is on CUDA device {ops.device_index(image)}; tidemark uses device 0 in this "
            "version (set CUDA_VISIBLE_DEVICES so that the tensor's GPU is device 0)")
    if inplace and not ops.writeable(image):
        raise ValueError(f"{what}: the array is read-only; pass inplace=False or a writeable copy")

    hwc = ops.to_hwc(image, channels_first)
    direct = kind != "float" and not channels_first and not bgr and _packed_rows(hwc)
    if inplace and direct:
        return Prepared(image, lambda: image, ops)

    work = ops.quantise(hwc) if kind == "float" else ops.packed_copy(hwc)  # both fresh and packed
    if bgr:
        work = ops.flip_channels(work)

    def finish() -> Any:
        out = ops.flip_channels(work) if bgr else work
        out = ops.dequantise(out, image) if kind == "float" else out
        out = ops.from_hwc(out, channels_first)
        if inplace:
            ops.assign(image, out)
            return image
        return out

    return Prepared(work, finish, ops)


def _packed_rows(a: Any) -> bool:
    """Pixels packed along each row (any row stride): what the core accepts without a copy."""
    strides = a.stride() if callable(getattr(a, "stride", None)) else tuple(s // a.itemsize for s in a.strides)
    if len(a.shape) == 2:
        return strides[1] == 1 and strides[0] >= a.shape[1]
    return strides[2] == 1 and strides[1] == a.shape[2] and strides[0] >= a.shape[1] * a.shape[2]


def split_batch(images: Any, what: str) -> tuple[list, Callable[[list], Any]]:
    """A list of images, or one 4-D array/tensor (B x H x W x C or B x C x H x W): the images one by
    one, and how to put results back into the same container."""
    if isinstance(images, (list, tuple)):
        return list(images), lambda results: type(images)(results)
    if hasattr(images, "shape") and len(images.shape) == 4:
        ops = _ops_for(images)
        items = [images[i] for i in range(images.shape[0])]

        def stack(results: list) -> Any:
            if isinstance(ops, _Torch):
                return ops.torch.stack(results)
            return ops.xp.stack(results)

        return items, stack
    if hasattr(images, "shape") and len(images.shape) in (2, 3):
        raise ValueError(f"{what}: expected a list of images or a 4-D batch, got one image of shape "
                         f"{tuple(images.shape)}; use the single-image function")
    raise ValueError(f"{what}: expected a list of images or a 4-D batch, got {type(images).__name__}")


def is_device_array(image: Any) -> bool:
    """True for a torch or cupy array in CUDA memory."""
    if _is_pil(image) or not hasattr(image, "shape") or not hasattr(image, "dtype"):
        return False
    return _ops_for(image).is_cuda(image)


def host_pixels(image: Any, *, bgr: bool, what: str) -> np.ndarray:
    """The image as a host uint8/uint16 H x W x C array for detection (device tensors are copied)."""
    if isinstance(image, np.ndarray) and not bgr and image.dtype in (np.uint8, np.uint16) \
            and image.size and not _layout(image.shape, what) and _packed_rows(image):
        return image  # read as it is: detection never writes
    prepared = prepare(image, bgr=bgr, inplace=False, what=what)
    if prepared.on_device:
        prepared.ops.synchronize(prepared.array)
        return prepared.ops.to_host(prepared.array)
    return prepared.array
