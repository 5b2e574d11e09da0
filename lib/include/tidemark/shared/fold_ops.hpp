#pragma once
// The fold's tile coordinates, shared by the CPU reference (reference/fold.cpp) and the CUDA
// kernels: 32.32 fixed point wrapped modulo the tile by masking, so that stepping along a row is an
// integer add and the bin and the fraction are bit fields. Both sides compute the same bins and
// weights for every pixel.
#include <cmath>
#include <cstdint>

#include "tidemark/shared/hd.hpp"

namespace tidemark::shared {

inline constexpr int kFoldTile = 128;  // tm1::kTile
static_assert((kFoldTile & (kFoldTile - 1)) == 0, "the fold wraps by masking");
inline constexpr std::uint64_t kFixedOne = std::uint64_t(1) << 32;
inline constexpr std::uint64_t kFixedMask = std::uint64_t(kFoldTile) * kFixedOne - 1;
inline constexpr float kFixedFrac = 1.0f / 16777216.0f;  // the top 24 of the 32 fraction bits

// t tile pixels, wrapped into [0, kFoldTile), in fixed point.
TM_HD std::uint64_t to_fixed(double t) {
  const double wrapped = t - kFoldTile * floor(t / kFoldTile);
  return static_cast<std::uint64_t>(wrapped * double(kFixedOne)) & kFixedMask;
}

TM_HD std::uint64_t fixed_add(std::uint64_t u, std::uint64_t du) { return (u + du) & kFixedMask; }
TM_HD int fixed_bin(std::uint64_t u) { return static_cast<int>(u >> 32); }
TM_HD float fixed_fraction(std::uint64_t u) { return static_cast<float>((u >> 8) & 0xFFFFFF) * kFixedFrac; }

// Bilinear split of one sample between the four tile pixels around (u, v): bins and weights in
// the order (iu, iv), (iu + 1, iv), (iu, iv + 1), (iu + 1, iv + 1).
struct FoldSplat {
  int bin[4];
  float weight[4];
};
TM_HD FoldSplat fold_splat(std::uint64_t u, std::uint64_t v) {
  constexpr int P = kFoldTile;
  const int iu = fixed_bin(u), iv = fixed_bin(v);
  const int iu1 = (iu + 1) & (P - 1), iv1 = (iv + 1) & (P - 1);
  const float wu = fixed_fraction(u), wv = fixed_fraction(v);
  return {{iv * P + iu, iv * P + iu1, iv1 * P + iu, iv1 * P + iu1},
          {(1 - wu) * (1 - wv), wu * (1 - wv), (1 - wu) * wv, wu * wv}};
}
// The tile pixel containing (u, v).
TM_HD int fold_bin(std::uint64_t u, std::uint64_t v) { return fixed_bin(v) * kFoldTile + fixed_bin(u); }
// A coordinate moved by half a tile pixel: the pixel containing the moved point is the one nearest
// to the original. The wrap is modular, so a row can move its start once instead of every sample.
TM_HD std::uint64_t nearest_origin(std::uint64_t t) { return fixed_add(t, kFixedOne / 2); }
// The tile pixel nearest to (u, v).
TM_HD int fold_nearest_bin(std::uint64_t u, std::uint64_t v) { return fold_bin(nearest_origin(u), nearest_origin(v)); }

}  // namespace tidemark::shared
