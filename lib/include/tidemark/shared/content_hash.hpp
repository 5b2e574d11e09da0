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
TM_HD void offset_from_hash(SipKey key, std::uint64_t combined, int period, int& ox, int& oy) {
  const std::uint64_t h = siphash_2words(key, 0x7469646566666f73ULL, combined);
  ox = static_cast<int>(h % period);
  oy = static_cast<int>((h >> 32) % period);
}

// Offset chosen by the user's seed instead of the content.
TM_HD void offset_from_seed(SipKey key, std::uint32_t seed, int period, int& ox, int& oy) {
  offset_from_hash(key, 0x5eed000000000000ULL | seed, period, ox, oy);
}

}  // namespace tidemark::shared
