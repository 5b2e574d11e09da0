#pragma once
// Payload error control: CRC-24/OpenPGP over the 64 user bits, then a K=7 rate-1/3
// convolutional code (generators 133, 145, 175 octal, zero tail) decoded by soft Viterbi.
#include <array>
#include <cstdint>
#include <span>

#include "tidemark/params.hpp"

namespace tidemark::detail {

using CodedBits = std::array<std::uint8_t, tm1::kCodedBits>;

std::uint32_t crc24(std::uint64_t user_bits);
// Frame (64 user bits MSB first, then CRC-24) -> coded bits.
CodedBits encode_payload(std::uint64_t user_bits);

struct DecodedFrame {
  std::uint64_t user_bits = 0;
  bool crc_ok = false;
};
// soft[i] > 0 means coded bit i is 1; magnitudes are confidences.
DecodedFrame decode_payload(std::span<const float> soft);

}  // namespace tidemark::detail
