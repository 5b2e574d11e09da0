#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tidemark/error.hpp"
#include "tidemark/key.hpp"
#include "tidemark/payload.hpp"

using namespace tidemark;
namespace fs = std::filesystem;

TEST(Key, HexRoundTripAndRejectsBadText) {
  Key k = Key::generate();
  EXPECT_EQ(Key::from_hex(k.to_hex()).bytes(), k.bytes());
  EXPECT_THROW(Key::from_hex("abc"), Error);
  EXPECT_THROW(Key::from_hex(std::string(64, 'g')), Error);
}

TEST(Key, GeneratedKeysDiffer) { EXPECT_NE(Key::generate().bytes(), Key::generate().bytes()); }

TEST(Key, PassphraseIsDeterministicAndSaltedByText) {
  EXPECT_EQ(Key::from_passphrase("correct horse").bytes(), Key::from_passphrase("correct horse").bytes());
  EXPECT_NE(Key::from_passphrase("correct horse").bytes(), Key::from_passphrase("correct horsf").bytes());
  EXPECT_THROW(Key::from_passphrase(""), Error);
}

TEST(Key, PublicDefaultIsStable) {
  // Changing the public key would orphan every mark made with it.
  EXPECT_EQ(Key::public_default().fingerprint(), "791a69146164995b");
  EXPECT_TRUE(Key::public_default().is_public_default());
}

TEST(Key, FileIsPrivateAndNeverReplaced) {
  const fs::path p = fs::temp_directory_path() / ("tm_key_" + std::to_string(::getpid()));
  fs::remove(p);
  Key k = Key::generate();
  write_key_file(k, p);
  struct stat st{};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_EQ(Key::from_file(p).bytes(), k.bytes());
  EXPECT_THROW(write_key_file(Key::generate(), p), Error);
  EXPECT_EQ(Key::from_file(p).bytes(), k.bytes());
  fs::remove(p);
}

TEST(Key, FileWithGarbageNamesTheFile) {
  const fs::path p = fs::temp_directory_path() / ("tm_badkey_" + std::to_string(::getpid()));
  std::ofstream(p) << "not a key";
  try {
    Key::from_file(p);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(p.string()), std::string::npos);
  }
  fs::remove(p);
}

TEST(Payload, HexRoundTrip) {
  EXPECT_EQ(Payload::from_hex("00000000deadbeef").value, 0xdeadbeefULL);
  EXPECT_EQ(Payload::from_hex("0x0123456789ABCDEF").to_hex(), "0123456789abcdef");
  EXPECT_THROW(Payload::from_hex("123"), Error);
}
