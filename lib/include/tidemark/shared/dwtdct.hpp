#pragma once
// The per-block decision of the "dwtDct" watermark of the invisible-watermark package (0.2.0), the
// mark the Stable Diffusion family's and FLUX.1's reference code add to their outputs, written
// from the published algorithm:
//   1. BGR -> YUV as OpenCV converts 8-bit pixels (14-bit fixed point, rounded, saturated);
//   2. one level of the Haar DWT of the U plane (cropped to multiples of 4), keeping the
//      approximation band; PyWavelets' order of operations: columns first, then rows. The
//      package's scales are [0, 36, 36] but it loops over channels 0 and 1 only, so Y (scale 0)
//      is skipped and V is never used;
//   3. 4 x 4 blocks of that band, row-major. Despite the method's name, version 0.2.0 applies no
//      DCT: the band value of largest magnitude other than the block's first (first in row-major
//      order on ties) votes 1 when |value| mod 36 > 18, else 0;
//   4. bit k of an L-bit message is the mean vote of blocks k, k+L, k+2L, ..., rounded as the
//      package does (mean * 255 > 127).
// C++17 and host/device, so the CPU reference and a CUDA kernel evaluate the same formulas.
#include <math.h>

#include "tidemark/shared/hd.hpp"

namespace tidemark::dwtdct {

inline constexpr int kScale = 36;    // quantisation step of the U plane
inline constexpr int kBlock = 4;     // DCT block side in the Haar band
inline constexpr int kPixels = 8;    // image pixels per block side (the band is half resolution)
inline constexpr int kMinArea = 256 * 256;  // the package refuses smaller images

// OpenCV's cvtColor(BGR2YUV) for 8-bit pixels: U and V of one pixel.
TM_HD void chroma_of(int b, int g, int r, int& u, int& v) {
  const int y = (b * 1868 + g * 9617 + r * 4899 + (1 << 13)) >> 14;
  u = ((b - y) * 8061 + (128 << 14) + (1 << 13)) >> 14;
  v = ((r - y) * 14369 + (128 << 14) + (1 << 13)) >> 14;
  u = u < 0 ? 0 : u > 255 ? 255 : u;
  v = v < 0 ? 0 : v > 255 ? 255 : v;
}

// One 4 x 4 block of the Haar approximation band from the 8 x 8 plane values under it
// (row-major), exactly as PyWavelets computes it in double precision.
TM_HD void haar_band(const int (&px)[64], double (&band)[16]) {
  const double c = 0.7071067811865476;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      const double left = c * px[(2 * i + 1) * 8 + 2 * j] + c * px[2 * i * 8 + 2 * j];
      const double right = c * px[(2 * i + 1) * 8 + 2 * j + 1] + c * px[2 * i * 8 + 2 * j + 1];
      band[i * 4 + j] = c * right + c * left;
    }
}

// The block's vote: the band value of largest magnitude after the first (first in row-major
// order on ties) votes 1 when it sits in the upper half of its quantisation step.
TM_HD int block_vote(const double (&band)[16]) {
  double best = -1;
  for (int p = 1; p < 16; ++p) {
    const double mag = band[p] < 0 ? -band[p] : band[p];
    if (mag > best) best = mag;
  }
  return fmod(best, double(kScale)) > 0.5 * kScale ? 1 : 0;  // fmod is exact, as Python's % is
}

}  // namespace tidemark::dwtdct
