#include "ecc.hpp"

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

DecodedFrame decode_payload(std::span<const float> soft) {
  constexpr int steps = tm1::kFrameBits + tm1::kConstraint - 1;
  // Branch outputs as +-1 for every (previous state, input bit).
  static const auto table = [] {
    std::array<std::array<std::array<float, tm1::kRateInv>, 2>, kStates> t{};
    for (unsigned s = 0; s < kStates; ++s)
      for (unsigned b = 0; b < 2; ++b)
        for (int j = 0; j < tm1::kRateInv; ++j) t[s][b][j] = 2.0f * encoder_bit((s << 1) | b, j) - 1.0f;
    return t;
  }();
  constexpr float kNeg = -std::numeric_limits<float>::infinity();
  std::array<float, kStates> metric, next;
  metric.fill(kNeg);
  metric[0] = 0.0f;
  std::vector<std::array<std::uint8_t, kStates>> from_upper(steps);
  for (int t = 0; t < steps; ++t) {
    const float* y = soft.data() + t * tm1::kRateInv;
    for (unsigned ns = 0; ns < kStates; ++ns) {
      unsigned b = ns & 1;
      unsigned p0 = ns >> 1, p1 = p0 | (kStates >> 1);
      float c0 = metric[p0], c1 = metric[p1];
      for (int j = 0; j < tm1::kRateInv; ++j) {
        c0 += table[p0][b][j] * y[j];
        c1 += table[p1][b][j] * y[j];
      }
      bool take1 = c1 > c0;
      from_upper[t][ns] = take1;
      next[ns] = take1 ? c1 : c0;
    }
    metric = next;
  }
  FrameBits bits{};
  unsigned s = 0;  // zero tail: the path ends in state 0
  for (int t = steps - 1; t >= 0; --t) {
    if (t < tm1::kFrameBits) bits[t] = s & 1;
    s = (s >> 1) | (from_upper[t][s] ? (kStates >> 1) : 0u);
  }
  DecodedFrame out;
  for (int i = 0; i < 64; ++i) out.user_bits = out.user_bits << 1 | bits[i];
  std::uint32_t crc = 0;
  for (int i = 0; i < 24; ++i) crc = crc << 1 | bits[64 + i];
  out.crc_ok = crc == crc24(out.user_bits);
  return out;
}

}  // namespace tidemark::detail
