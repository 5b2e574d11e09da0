#pragma once
// SipHash-2-4: a keyed hash used as a counter-based generator, so every value the scheme draws
// depends only on (key, domain, counter) and never on thread or call order.
#include <cstdint>

#include "tidemark/shared/hd.hpp"

namespace tidemark::shared {

struct SipKey {
  std::uint64_t k0, k1;
};

TM_HD std::uint64_t rotl64(std::uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

TM_HD void sip_round(std::uint64_t& v0, std::uint64_t& v1, std::uint64_t& v2, std::uint64_t& v3) {
  v0 += v1; v1 = rotl64(v1, 13); v1 ^= v0; v0 = rotl64(v0, 32);
  v2 += v3; v3 = rotl64(v3, 16); v3 ^= v2;
  v0 += v3; v3 = rotl64(v3, 21); v3 ^= v0;
  v2 += v1; v1 = rotl64(v1, 17); v1 ^= v2; v2 = rotl64(v2, 32);
}

// SipHash-2-4 of a message made of two 64-bit little-endian words (domain, counter).
TM_HD std::uint64_t siphash_2words(SipKey key, std::uint64_t m0, std::uint64_t m1) {
  std::uint64_t v0 = 0x736f6d6570736575ULL ^ key.k0;
  std::uint64_t v1 = 0x646f72616e646f6dULL ^ key.k1;
  std::uint64_t v2 = 0x6c7967656e657261ULL ^ key.k0;
  std::uint64_t v3 = 0x7465646279746573ULL ^ key.k1;
  const std::uint64_t words[3] = {m0, m1, std::uint64_t(16) << 56};  // last: length byte
  for (std::uint64_t m : words) {
    v3 ^= m;
    sip_round(v0, v1, v2, v3);
    sip_round(v0, v1, v2, v3);
    v0 ^= m;
  }
  v2 ^= 0xff;
  for (int i = 0; i < 4; ++i) sip_round(v0, v1, v2, v3);
  return v0 ^ v1 ^ v2 ^ v3;
}

}  // namespace tidemark::shared
