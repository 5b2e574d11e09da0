#include <limits>
#include <string>

#include "tidemark/detector.hpp"
#include "tidemark/error.hpp"
#include "tidemark/image_view.hpp"

namespace tidemark {

const char* to_string(Status s) noexcept {
  switch (s) {
    case Status::InvalidArgument: return "invalid argument";
    case Status::IoError: return "I/O error";
    case Status::DecodeError: return "decode error";
    case Status::Unsupported: return "unsupported";
    case Status::LimitExceeded: return "limit exceeded";
    case Status::Internal: return "internal error";
  }
  return "unknown";
}

const char* to_string(Verdict v) noexcept {
  switch (v) {
    case Verdict::TooSmall: return "too small";
    case Verdict::NotDetected: return "not detected";
    case Verdict::Likely: return "likely";
    case Verdict::Detected: return "detected";
  }
  return "unknown";
}

void validate(const ImageView& v, const char* what) {
  auto fail = [&](const std::string& why) { throw Error(Status::InvalidArgument, std::string(what) + ": " + why); };
  if (!v.data) fail("no pixel data");
  if (v.width <= 0 || v.height <= 0) fail("empty image");
  if (v.channels != 1 && v.channels != 3 && v.channels != 4)
    fail("unsupported channel count " + std::to_string(v.channels) + " (1, 3 or 4)");
  if (v.pitch < v.row_bytes()) fail("row pitch smaller than a row");
  if (v.width > (1 << 20) || v.height > (1 << 20)) fail("dimensions too large");
}

Image::Image(int width, int height, int channels, SampleType type)
    : width_(width), height_(height), channels_(channels), type_(type) {
  if (width <= 0 || height <= 0 || (channels != 1 && channels != 3 && channels != 4))
    throw Error(Status::InvalidArgument, "bad image dimensions");
  bytes_.resize(row_bytes() * static_cast<std::size_t>(height));
}

}  // namespace tidemark
