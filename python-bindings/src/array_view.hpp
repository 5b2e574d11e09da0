#pragma once
// Arrays from Python (numpy, torch, cupy... through DLPack) as tidemark image views, without
// copying. The Python layer has already normalised dtypes and layouts; this is the last check
// before raw pointers reach the library, so every rule is enforced here with a clear message.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>

#include "tidemark/image_view.hpp"

namespace tidemark::python {

// An H x W or H x W x C array of uint8 or uint16, pixels packed along a row (channel stride 1,
// pixel stride C) with any row stride. Host (CPU) or CUDA memory.
using AnyArray = nanobind::ndarray<>;
using ReadOnlyArray = nanobind::ndarray<nanobind::ro>;  // detection never writes

ImageView view_of(const AnyArray& array, const char* what);
ImageView view_of(const ReadOnlyArray& array, const char* what);

}  // namespace tidemark::python
