#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tidemark::detail {

std::string to_hex(std::span<const std::uint8_t> bytes);
// Parses exactly `bytes` bytes of hex (both cases); nullopt on any other text.
std::optional<std::vector<std::uint8_t>> parse_hex(std::string_view text, std::size_t bytes);
std::string_view trim(std::string_view s);

}  // namespace tidemark::detail
