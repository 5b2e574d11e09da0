#pragma once
// Per-image tile offset from the key and a sparse sample of the pixels. Each of the 32 x 32
// samples is hashed on its own and the hashes are XOR-combined, so a GPU block can compute it in
// parallel and get exactly what the CPU gets.
#include <cstdint>

#include "tidemark/shared/siphash.hpp"

namespace tidemark::shared {

inline constexpr int kOffsetSamplesPerSide = 32;

// Pixel position of sample i (0 <= i < 32 * 32): centres of a regular grid.
TM_HD void offset_sample_position(int i, int width, int height, int& x, int& y) {
  const int n = kOffsetSamplesPerSide;
  x = static_cast<int>((2 * (i % n) + 1) * static_cast<std::int64_t>(width) / (2 * n));
  y = static_cast<int>((2 * (i / n) + 1) * static_cast<std::int64_t>(height) / (2 * n));
}

TM_HD std::uint64_t offset_sample_hash(SipKey key, int width, int height, int i, std::uint64_t sample_bits) {
  const std::uint64_t dims = static_cast<std::uint64_t>(width) << 32 | static_cast<std::uint32_t>(height);
  return siphash_2words(key, dims ^ (static_cast<std::uint64_t>(i) << 20), sample_bits);
}

// Final mixing of the XOR of all sample hashes into offsets in [0, period).
// The offset is a whole number of 2 x 2 cells (even tile pixels). Why: at tile scale 1 (images up
// to 720 pixels on the short side) every cell then lies inside one JPEG 8 x 8 block and one 4:2:0
// chroma sample, and the cell pattern of a block is a 4 x 4 grid of flat squares whose DCT energy
// sits away from the coefficients JPEG quantises hardest. Measured on a flat 500 x 500 logo after
// JPEG 30, 12 random offsets each: coded-bit errors 13-19 % with even offsets (12 of 12 decode),
// 19-34 % odd in x (9 of 12), 24-52 % odd in both (1 of 12). 64 x 64 offsets stay for the
// per-image variety.
TM_HD void offset_from_hash(SipKey key, std::uint64_t combined, int period, int& ox, int& oy) {
  constexpr int kStep = 2;  // tile pixels per cell side (tm1::kCellPx)
  const std::uint64_t h = siphash_2words(key, 0x7469646566666f73ULL, combined);
  ox = kStep * static_cast<int>(h % (period / kStep));
  oy = kStep * static_cast<int>((h >> 32) % (period / kStep));
}

// Offset chosen by the user's seed instead of the content.
TM_HD void offset_from_seed(SipKey key, std::uint32_t seed, int period, int& ox, int& oy) {
  offset_from_hash(key, 0x5eed000000000000ULL | seed, period, ox, oy);
}

}  // namespace tidemark::shared
