#include "ecc.hpp"

#include <algorithm>
#include <bit>
#include <limits>
#include <vector>

namespace tidemark::detail {
namespace {

constexpr std::uint32_t kCrcPoly = 0x864CFB;
constexpr std::uint32_t kCrcInit = 0xB704CE;
constexpr int kStates = 1 << (tm1::kConstraint - 1);
constexpr unsigned kGenerators[tm1::kRateInv] = {0133, 0145, 0175};

using FrameBits = std::array<std::uint8_t, tm1::kFrameBits>;

FrameBits frame_bits(std::uint64_t user) {
  FrameBits f{};
  for (int i = 0; i < 64; ++i) f[i] = (user >> (63 - i)) & 1;
  std::uint32_t crc = crc24(user);
  for (int i = 0; i < 24; ++i) f[64 + i] = (crc >> (23 - i)) & 1;
  return f;
}

// Output bit j of the encoder for 7-bit register `reg` (6 previous bits and the new one in bit 0).
inline int encoder_bit(unsigned reg, int j) { return std::popcount(reg & kGenerators[j]) & 1; }

}  // namespace

std::uint32_t crc24(std::uint64_t user) {
  std::uint32_t reg = kCrcInit;
  for (int i = 63; i >= 0; --i) {
    std::uint32_t top = ((reg >> 23) & 1) ^ ((user >> i) & 1);
    reg = (reg << 1) & 0xFFFFFF;
    if (top) reg ^= kCrcPoly;
  }
  return reg;
}

CodedBits encode_payload(std::uint64_t user) {
  FrameBits f = frame_bits(user);
  CodedBits out{};
  unsigned state = 0;
  int k = 0;
  for (int t = 0; t < tm1::kFrameBits + tm1::kConstraint - 1; ++t) {
    unsigned b = t < tm1::kFrameBits ? f[t] : 0;
    unsigned reg = (state << 1) | b;
    for (int j = 0; j < tm1::kRateInv; ++j) out[k++] = std::uint8_t(encoder_bit(reg, j));
    state = reg & (kStates - 1);
  }
  return out;
}

DecodedFrame decode_payload(std::span<const float> soft, int list_paths) {
  constexpr int steps = tm1::kFrameBits + tm1::kConstraint - 1;
  const int L = std::clamp(list_paths, 1, 255);
  if (L > 1) {
    const DecodedFrame plain = decode_payload(soft, 1);
    if (plain.crc_ok) return plain;
  }
  // Branch outputs as +-1 for every (previous state, input bit).
  static const auto table = [] {
    std::array<std::array<std::array<float, tm1::kRateInv>, 2>, kStates> t{};
    for (unsigned s = 0; s < kStates; ++s)
      for (unsigned b = 0; b < 2; ++b)
        for (int j = 0; j < tm1::kRateInv; ++j) t[s][b][j] = 2.0f * encoder_bit((s << 1) | b, j) - 1.0f;
    return t;
  }();
  constexpr float kNeg = -std::numeric_limits<float>::infinity();
  // metric[s * S + r]: the r-th best path into state s, best first, and a -inf sentinel after
  // the last. A path is remembered by where it came from: the upper or lower predecessor state,
  // and its rank there.
  struct Back {
    std::uint8_t upper, rank;
  };
  const int S = L + 1;
  std::vector<float> metric(std::size_t(kStates) * S, kNeg), next(metric.size(), kNeg);
  metric[0] = 0.0f;
  std::vector<Back> back(std::size_t(steps) * kStates * L, Back{0, 0});
  for (int t = 0; t < steps; ++t) {
    const float* y = soft.data() + t * tm1::kRateInv;
    for (unsigned ns = 0; ns < kStates; ++ns) {
      const unsigned b = ns & 1, p0 = ns >> 1, p1 = p0 | (kStates >> 1);
      float branch0 = 0, branch1 = 0;
      for (int j = 0; j < tm1::kRateInv; ++j) branch0 += table[p0][b][j] * y[j], branch1 += table[p1][b][j] * y[j];
      // Both predecessors' lists are sorted and move by one branch metric each: merge them.
      const float* m0 = &metric[p0 * S];
      const float* m1 = &metric[p1 * S];
      Back* bk = &back[(std::size_t(t) * kStates + ns) * L];
      float* out = &next[ns * S];
      int i0 = 0, i1 = 0;
      for (int r = 0; r < L; ++r) {
        if (m0[i0] == kNeg && m1[i1] == kNeg) {
          std::fill(out + r, out + L, kNeg);
          break;
        }
        const float c0 = m0[i0] + branch0, c1 = m1[i1] + branch1;
        const bool take1 = c1 > c0;
        out[r] = take1 ? c1 : c0;
        bk[r] = take1 ? Back{1, std::uint8_t(i1++)} : Back{0, std::uint8_t(i0++)};
      }
    }
    metric.swap(next);
  }
  DecodedFrame out;
  out.crc_tests = 0;
  for (int rank = 0; rank < L && metric[rank] > kNeg; ++rank) {  // zero tail: paths end in state 0
    FrameBits bits{};
    unsigned s = 0;
    int r = rank;
    for (int t = steps - 1; t >= 0; --t) {
      if (t < tm1::kFrameBits) bits[t] = s & 1;
      const Back bk = back[(std::size_t(t) * kStates + s) * L + r];
      s = (s >> 1) | (bk.upper ? (kStates >> 1) : 0u);
      r = bk.rank;
    }
    std::uint64_t user = 0;
    for (int i = 0; i < 64; ++i) user = user << 1 | bits[i];
    std::uint32_t crc = 0;
    for (int i = 0; i < 24; ++i) crc = crc << 1 | bits[64 + i];
    ++out.crc_tests;
    if (rank == 0) out.user_bits = user;
    if (crc == crc24(user)) {
      out.user_bits = user, out.crc_ok = true;
      return out;
    }
  }
  return out;
}

}  // namespace tidemark::detail
