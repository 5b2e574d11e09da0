#include <gtest/gtest.h>

#include <string>

#include "core/hex.hpp"
#include "core/sha256.hpp"
#include "tidemark/shared/siphash.hpp"

using namespace tidemark::detail;

static std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(to_hex(sha256(bytes_of(""))), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(to_hex(sha256(bytes_of("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(to_hex(sha256(bytes_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, IncrementalEqualsOneShot) {
  std::string s(1000, 'x');
  Sha256 h;
  for (std::size_t i = 0; i < s.size(); i += 37) h.update(std::string_view(s).substr(i, 37));
  EXPECT_EQ(h.finish(), sha256(bytes_of(s)));
}

TEST(HmacSha256, Rfc4231Case2) {
  EXPECT_EQ(to_hex(hmac_sha256(bytes_of("Jefe"), bytes_of("what do ya want for nothing?"))),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Pbkdf2, Rfc7914Vector) {
  std::array<std::uint8_t, 64> out;
  pbkdf2_hmac_sha256(bytes_of("passwd"), bytes_of("salt"), 1, out);
  EXPECT_EQ(to_hex(out),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
            "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
}

TEST(SipHash, MatchesReferenceVectorForSixteenBytes) {
  // Reference SipHash-2-4 (Aumasson & Bernstein), key 00..0f, message 00..0f: output bytes db 9b c2 57 7f cc 2a 3f.
  tidemark::shared::SipKey key{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
  EXPECT_EQ(tidemark::shared::siphash_2words(key, 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL), 0x3f2acc7f57c29bdbULL);
}
