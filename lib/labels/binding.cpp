#include "labels/binding.hpp"

#include <random>

#include "core/hex.hpp"
#include "core/sha256.hpp"

namespace tidemark::labels {
namespace {

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string expected_signature(const AigcLabel& label, const Payload& payload, const Key& key) {
  const auto label_key = detail::hmac_sha256(key.bytes(), bytes_of("tidemark label signature v1"));
  const std::string message = "TM1-HMAC\n" + label.label + "\n" + label.content_producer + "\n" + label.produce_id +
                              "\n" + payload.to_hex();
  const auto mac = detail::hmac_sha256(label_key, bytes_of(message));
  return std::string(kSignaturePrefix) + detail::to_hex(std::span(mac).first(20));
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

Payload payload_for_produce_id(std::string_view produce_id) {
  detail::Sha256 h;
  h.update(std::string_view("tidemark ProduceID v1\0", 22));
  h.update(produce_id);
  const auto d = h.finish();
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | d[i];
  return Payload{v};
}

std::string random_produce_id() {
  std::random_device rd;
  const std::uint64_t v = (std::uint64_t(rd()) << 32) ^ rd();
  return "tm-" + Payload{v}.to_hex();
}

std::string sign_label(const AigcLabel& label, const Payload& payload, const Key& key) {
  return expected_signature(label, payload, key);
}

const char* to_string(SignatureCheck c) noexcept {
  switch (c) {
    case SignatureCheck::Absent: return "absent";
    case SignatureCheck::NotOurs: return "not a tidemark signature";
    case SignatureCheck::Valid: return "valid";
    case SignatureCheck::Invalid: return "invalid";
  }
  return "unknown";
}

SignatureCheck check_signature(const AigcLabel& label, const Payload& payload, const Key& key) {
  if (label.reserved_code1.empty()) return SignatureCheck::Absent;
  if (!label.reserved_code1.starts_with(kSignaturePrefix)) return SignatureCheck::NotOurs;
  return equal_constant_time(label.reserved_code1, expected_signature(label, payload, key)) ? SignatureCheck::Valid
                                                                                            : SignatureCheck::Invalid;
}

}  // namespace tidemark::labels
