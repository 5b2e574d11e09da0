#pragma once
// Payload error control: CRC-24/OpenPGP over the 64 user bits, then a K=7 rate-1/3
// convolutional code (generators 133, 145, 175 octal, zero tail) decoded by a soft list Viterbi
// whose list the CRC picks from.
#include <array>
#include <cstdint>
#include <span>

#include "tidemark/params.hpp"

namespace tidemark::detail {

using CodedBits = std::array<std::uint8_t, tm1::kCodedBits>;

std::uint32_t crc24(std::uint64_t user_bits);
// Frame (64 user bits MSB first, then CRC-24) -> coded bits.
CodedBits encode_payload(std::uint64_t user_bits);

// Paths the list decoder ranks by likelihood; the CRC is checked on each in turn, so a frame that
// passes at rank r has had r chances of 2^-24 to pass by accident.
inline constexpr int kListPaths = 64;

struct DecodedFrame {
  std::uint64_t user_bits = 0;  // of the path that passed the CRC, else of the most likely path
  bool crc_ok = false;
  int crc_tests = 1;            // paths whose CRC was checked (the rank of the one that passed)
};
// soft[i] > 0 means coded bit i is 1; magnitudes are confidences. The `list_paths` most likely
// paths ending in the zero tail, best first (a parallel list Viterbi); the first whose CRC
// matches is taken. With list_paths = 1 this is the plain Viterbi decoder, which also runs first
// (a frame that decodes on its most likely path costs no list).
DecodedFrame decode_payload(std::span<const float> soft, int list_paths = kListPaths);

}  // namespace tidemark::detail
