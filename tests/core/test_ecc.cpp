#include <gtest/gtest.h>

#include <random>

#include "core/ecc.hpp"

using namespace tidemark::detail;

TEST(Crc24, OpenPgpCheckValueAndSensitivity) {
  // Any single-bit change of the payload changes the CRC.
  const std::uint64_t p = 0x0123456789abcdefULL;
  for (int b = 0; b < 64; ++b) EXPECT_NE(crc24(p), crc24(p ^ (1ULL << b)));
  EXPECT_LT(crc24(p), 1u << 24);
}

TEST(ConvolutionalCode, CleanRoundTrip) {
  std::mt19937_64 rng(7);
  for (int t = 0; t < 50; ++t) {
    const std::uint64_t p = rng();
    auto coded = encode_payload(p);
    std::vector<float> soft(coded.size());
    for (std::size_t i = 0; i < coded.size(); ++i) soft[i] = coded[i] ? 1.f : -1.f;
    auto d = decode_payload(soft);
    EXPECT_TRUE(d.crc_ok);
    EXPECT_EQ(d.user_bits, p);
  }
}

TEST(ConvolutionalCode, CorrectsNoisySoftBits) {
  std::mt19937_64 rng(11);
  std::normal_distribution<float> noise(0.f, 0.8f);
  int ok = 0;
  for (int t = 0; t < 100; ++t) {
    const std::uint64_t p = rng();
    auto coded = encode_payload(p);
    std::vector<float> soft(coded.size());
    for (std::size_t i = 0; i < coded.size(); ++i) soft[i] = (coded[i] ? 1.f : -1.f) + noise(rng);
    auto d = decode_payload(soft);
    ok += d.crc_ok && d.user_bits == p;
  }
  EXPECT_GE(ok, 98);  // sigma 0.8 flips ~11 % of hard bits; the code must still decode
}

TEST(ConvolutionalCode, RandomSoftBitsRarelyPassCrc) {
  std::mt19937_64 rng(3);
  std::normal_distribution<float> noise(0.f, 1.f);
  int passes = 0;
  for (int t = 0; t < 2000; ++t) {
    std::vector<float> soft(tidemark::tm1::kCodedBits);
    for (auto& v : soft) v = noise(rng);
    passes += decode_payload(soft).crc_ok;
  }
  EXPECT_EQ(passes, 0);
}
