#pragma once
// A frame's luma plane as the core reads it: 8-bit samples as they are, deeper samples scaled to
// the full 16-bit range (the core's U16 convention: a delta of one 8-bit level is 257) and
// scaled back on write_back. The round trip is exact for unmodified samples.
#include <cstdint>
#include <vector>

#include "tidemark/video.hpp"

namespace tidemark::detail {

class ScaledLuma {
 public:
  ScaledLuma(const LumaPlane& luma, const char* what);
  const ImageView& view() const { return view_; }
  // Copies marked samples back into the caller's plane (nothing to do for 8 and 16 bit).
  void write_back();

 private:
  LumaPlane source_;
  ImageView view_;
  std::vector<std::uint16_t> scaled_;
};

}  // namespace tidemark::detail
