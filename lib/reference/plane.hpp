#pragma once
// A float image plane (luminance, residual, mask) used inside the CPU reference.
#include <cstddef>
#include <vector>

namespace tidemark::detail {

struct Plane {
  int width = 0, height = 0;
  std::vector<float> px;

  Plane() = default;
  Plane(int w, int h, float fill = 0.0f) : width(w), height(h), px(std::size_t(w) * h, fill) {}
  float* row(int y) { return px.data() + std::size_t(y) * width; }
  const float* row(int y) const { return px.data() + std::size_t(y) * width; }
  float& at(int x, int y) { return px[std::size_t(y) * width + x]; }
  float at(int x, int y) const { return px[std::size_t(y) * width + x]; }
};

}  // namespace tidemark::detail
