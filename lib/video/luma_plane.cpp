#include "luma_plane.hpp"

#include <algorithm>
#include <string>

#include "tidemark/error.hpp"

namespace tidemark::detail {

ScaledLuma::ScaledLuma(const LumaPlane& luma, const char* what) : source_(luma), view_(luma.view) {
  validate(luma.view, what);
  if (luma.view.channels != 1) throw Error(Status::InvalidArgument, std::string(what) + ": a luma plane has one channel");
  if (luma.view.space != MemorySpace::Host)
    throw Error(Status::Unsupported, std::string(what) + ": device-resident video frames are not supported yet");
  const bool ok = luma.view.type == SampleType::U8 ? luma.bit_depth == 8 : (luma.bit_depth > 8 && luma.bit_depth <= 16);
  if (!ok)
    throw Error(Status::InvalidArgument, std::string(what) + ": bit depth " + std::to_string(luma.bit_depth) +
                                             " does not match the sample type (8 in U8, 9-16 in U16)");
  if (luma.view.type == SampleType::U16 && luma.bit_depth < 16) {
    const std::uint32_t top = (1u << luma.bit_depth) - 1;
    scaled_.resize(std::size_t(view_.width) * view_.height);
    for (int y = 0; y < view_.height; ++y) {
      const auto* in = luma.view.row<const std::uint16_t>(y);
      auto* out = scaled_.data() + std::size_t(y) * view_.width;
      for (int x = 0; x < view_.width; ++x) out[x] = static_cast<std::uint16_t>((std::min<std::uint32_t>(in[x], top) * 65535u + top / 2) / top);
    }
    view_.data = scaled_.data();
    view_.pitch = std::size_t(view_.width) * 2;
  }
}

void ScaledLuma::write_back() {
  if (scaled_.empty()) return;
  const std::uint32_t top = (1u << source_.bit_depth) - 1;
  for (int y = 0; y < view_.height; ++y) {
    const auto* in = scaled_.data() + std::size_t(y) * view_.width;
    auto* out = source_.view.row<std::uint16_t>(y);
    for (int x = 0; x < view_.width; ++x) out[x] = static_cast<std::uint16_t>((in[x] * top + 32767u) / 65535u);
  }
}

}  // namespace tidemark::detail
