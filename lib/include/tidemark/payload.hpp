#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace tidemark {

// The 64 user bits a mark carries. Text form: 16 hex digits, most significant first.
struct Payload {
  std::uint64_t value = 0;

  static Payload from_hex(std::string_view hex);
  std::string to_hex() const;
  bool operator==(const Payload&) const = default;
};

}  // namespace tidemark
