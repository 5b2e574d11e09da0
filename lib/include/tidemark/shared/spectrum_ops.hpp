#pragma once
// Per-bin formulas of the whitened spectrum, shared by the CPU reference (reference/spectrum.cpp)
// and the CUDA kernels.
#include <cstdint>
#include <cmath>
#include <cstring>

#include "tidemark/shared/hd.hpp"

namespace tidemark::shared {

inline constexpr float kSpectrumClip = 30.0f;  // whitened magnitudes above this count as this

// log(1 + x) for 0 <= x <= kSpectrumClip, to about 1e-5: exponent from the float's bits plus a
// polynomial for the mantissa; branch-free so the loop over the spectrum vectorises (libm's
// log1pf was a tenth of the detector's time).
TM_HD float log1p_clipped(float x) {
  const float y = 1.0f + x;
  std::uint32_t bits;
  std::memcpy(&bits, &y, 4);
  const int e = static_cast<int>(bits >> 23) - 127;
  bits = (bits & 0x007FFFFFu) | 0x3F800000u;  // mantissa in [1, 2)
  float m;
  std::memcpy(&m, &bits, 4);
  const float t = m - 1.0f;  // log(1 + t), t in [0, 1): minimax-style polynomial
  const float p = t * (0.99949556f + t * (-0.49190896f + t * (0.28947478f + t * (-0.13606275f + t * 0.03215845f))));
  return p + 0.69314718f * e;
}

// Bins below the low cut (cycles/px) are zeroed: the host image dominates there.
TM_HD bool below_low_cut(double fx, double fy, double low_cut) { return fx * fx + fy * fy < low_cut * low_cut; }

// A bin's magnitude over the local RMS of its neighbourhood.
TM_HD float over_background(float magnitude, float background_power) {
  return magnitude / (sqrtf(background_power) + 1e-6f);
}

// Whitened magnitude of one bin.
TM_HD float whitened(float magnitude, float background_power, double fx, double fy, double low_cut) {
  return below_low_cut(fx, fy, low_cut) ? 0.0f : over_background(magnitude, background_power);
}

}  // namespace tidemark::shared
