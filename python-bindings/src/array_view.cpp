#include "array_view.hpp"

#include <string>

#include "tidemark/error.hpp"

namespace nb = nanobind;

namespace tidemark::python {
namespace {

[[noreturn]] void reject(const char* what, const std::string& why) {
  throw Error(Status::InvalidArgument, std::string(what) + ": " + why);
}

template <class Array>
std::string shape_text(const Array& a) {
  std::string s = "(";
  for (std::size_t i = 0; i < a.ndim(); ++i) s += (i ? ", " : "") + std::to_string(a.shape(i));
  return s + (a.ndim() == 1 ? ",)" : ")");
}

template <class Array>
ImageView view_from(const Array& a, const char* what) {
  ImageView v;
  if (a.dtype() == nb::dtype<std::uint8_t>())
    v.type = SampleType::U8;
  else if (a.dtype() == nb::dtype<std::uint16_t>())
    v.type = SampleType::U16;
  else
    reject(what, "pixels must be uint8 or uint16 (floats in [0, 1] are converted by tidemark.embed)");

  if (a.ndim() != 2 && a.ndim() != 3) reject(what, "expected H x W or H x W x C, got shape " + shape_text(a));
  v.height = static_cast<int>(a.shape(0));
  v.width = static_cast<int>(a.shape(1));
  v.channels = a.ndim() == 3 ? static_cast<int>(a.shape(2)) : 1;
  if (a.size() == 0) reject(what, "empty array of shape " + shape_text(a));
  if (v.channels != 1 && v.channels != 3 && v.channels != 4)
    reject(what, "expected 1, 3 or 4 channels in the last axis, got shape " + shape_text(a));

  // DLPack strides count elements. Pixels of a row must be packed; rows may be spaced freely.
  const std::int64_t channel_stride = a.ndim() == 3 ? a.stride(2) : 1;
  const bool packed_row = channel_stride == 1 && (v.width == 1 || a.stride(1) == v.channels);
  if (!packed_row || a.stride(0) < std::int64_t(v.width) * v.channels)
    reject(what, "pixels must be packed within each row (a C-contiguous array or a crop of one); "
                 "got a strided view, pass numpy.ascontiguousarray(image)");
  v.pitch = static_cast<std::size_t>(a.stride(0)) * bytes_per_sample(v.type);
  v.data = const_cast<void*>(static_cast<const void*>(a.data()));

  if (a.device_type() == nb::device::cpu::value)
    v.space = MemorySpace::Host;
  else if (a.device_type() == nb::device::cuda::value)
    v.space = MemorySpace::Device;
  else
    reject(what, "arrays must live in host memory or on a CUDA device");
  return v;
}

}  // namespace

ImageView view_of(const AnyArray& a, const char* what) { return view_from(a, what); }
ImageView view_of(const ReadOnlyArray& a, const char* what) { return view_from(a, what); }

}  // namespace tidemark::python
