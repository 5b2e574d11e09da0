#pragma once
// Sub-pixel position of a correlation peak.
#include <algorithm>

namespace tidemark::detail {

// Offset in [-0.5, 0.5] of the vertex of the parabola through three samples around a maximum
// (`centre` the largest); 0 when they do not bend downwards.
inline double parabolic_peak_offset(double left, double centre, double right) {
  const double d = left - 2 * centre + right;
  return d < 0 ? std::clamp(0.5 * (left - right) / d, -0.5, 0.5) : 0.0;
}

}  // namespace tidemark::detail
