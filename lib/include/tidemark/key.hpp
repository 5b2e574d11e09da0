#pragma once
// A 256-bit watermark key. Everything the scheme draws (chip permutation, PN signs, template
// frequencies and phases) is derived from it with a keyed hash.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace tidemark {

class Key {
 public:
  static constexpr std::size_t kBytes = 32;
  using Bytes = std::array<std::uint8_t, kBytes>;

  explicit Key(const Bytes& bytes) : bytes_(bytes) {}

  // 256 bits from the operating system's random source.
  static Key generate();
  // PBKDF2-HMAC-SHA256 of the passphrase with a fixed, documented salt and 100,000 iterations.
  static Key from_passphrase(std::string_view passphrase);
  // 64 hex digits (surrounding white space ignored).
  static Key from_hex(std::string_view hex);
  // A key file holds 64 hex digits, as `tidemark keygen` writes it. Files that every user may
  // read or write are refused unless `access` says AnyMode.
  enum class KeyFileAccess { OwnerOnly, AnyMode };
  static Key from_file(const std::filesystem::path& path, KeyFileAccess access = KeyFileAccess::OwnerOnly);
  // The documented public key: anyone can detect "marked as AI-generated" with it.
  static Key public_default();

  const Bytes& bytes() const { return bytes_; }
  std::string to_hex() const;
  // 16 hex digits that identify a key without revealing it.
  std::string fingerprint() const;
  bool is_public_default() const;

 private:
  Bytes bytes_;
};

// Writes a key file with mode 0600, atomically; refuses to replace an existing file.
void write_key_file(const Key& key, const std::filesystem::path& path);

// Throws Error(InvalidArgument) when every user may read or write the file (a key or passphrase).
void require_private_file(const std::filesystem::path& path);

}  // namespace tidemark
