#include "tidemark/payload.hpp"

#include "hex.hpp"
#include "tidemark/error.hpp"

namespace tidemark {

Payload Payload::from_hex(std::string_view hex) {
  auto t = detail::trim(hex);
  if (t.starts_with("0x") || t.starts_with("0X")) t.remove_prefix(2);
  auto bytes = detail::parse_hex(t, 8);
  if (!bytes) throw Error(Status::InvalidArgument, "a payload must be 16 hex digits, got '" + std::string(hex) + "'");
  std::uint64_t v = 0;
  for (auto b : *bytes) v = v << 8 | b;
  return Payload{v};
}

std::string Payload::to_hex() const {
  std::uint8_t b[8];
  for (int i = 0; i < 8; ++i) b[i] = std::uint8_t(value >> (56 - 8 * i));
  return detail::to_hex(b);
}

}  // namespace tidemark
