#pragma once
// SHA-256 (FIPS 180-4), HMAC-SHA256 and PBKDF2-HMAC-SHA256 for key derivation. The core builds
// without external crypto libraries so that a bare GPU machine can build and test it.
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace tidemark::detail {

using Digest = std::array<std::uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  void update(std::span<const std::uint8_t> data);
  void update(std::string_view text) {
    update({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  }
  Digest finish();

 private:
  void block(const std::uint8_t* p);
  std::array<std::uint32_t, 8> h_;
  std::array<std::uint8_t, 64> buf_{};
  std::size_t buffered_ = 0;
  std::uint64_t total_ = 0;
};

Digest sha256(std::span<const std::uint8_t> data);
Digest hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> message);
void pbkdf2_hmac_sha256(std::span<const std::uint8_t> password, std::span<const std::uint8_t> salt,
                        std::uint32_t iterations, std::span<std::uint8_t> out);

}  // namespace tidemark::detail
