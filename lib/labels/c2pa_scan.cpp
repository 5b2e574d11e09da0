#include "labels/c2pa_scan.hpp"

#include <array>
#include <cstring>

namespace tidemark::labels {
namespace {

using Bytes = std::span<const std::uint8_t>;

std::uint32_t be32(Bytes b, std::size_t at) {
  return std::uint32_t(b[at]) << 24 | std::uint32_t(b[at + 1]) << 16 | std::uint32_t(b[at + 2]) << 8 | b[at + 3];
}
std::uint32_t le32(Bytes b, std::size_t at) {
  return std::uint32_t(b[at]) | std::uint32_t(b[at + 1]) << 8 | std::uint32_t(b[at + 2]) << 16 |
         std::uint32_t(b[at + 3]) << 24;
}
bool tag_at(Bytes b, std::size_t at, const char* tag) {
  const std::size_t n = std::strlen(tag);
  return at + n <= b.size() && std::memcmp(b.data() + at, tag, n) == 0;
}

// A JUMBF superbox: LBox 'jumb', then the description box LBox 'jumd' and its type UUID, whose
// first four bytes spell "c2pa" for a C2PA manifest store.
bool is_c2pa_jumbf(Bytes b) { return tag_at(b, 4, "jumb") && tag_at(b, 12, "jumd") && tag_at(b, 16, "c2pa"); }

C2paPresence scan_jpeg(Bytes b) {
  std::size_t at = 2;
  while (at + 4 <= b.size() && b[at] == 0xFF) {
    const std::uint8_t marker = b[at + 1];
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    if (marker == 0xDA || marker == 0xD9) break;  // image data starts: no more metadata segments
    const std::size_t length = std::size_t(b[at + 2]) << 8 | b[at + 3];
    if (length < 2 || at + 2 + length > b.size()) break;
    const Bytes payload = b.subspan(at + 4, length - 2);
    // APP11 JPEG XT box: CI "JP", En, Z, then the JUMBF box itself.
    if (marker == 0xEB && tag_at(payload, 0, "JP") && payload.size() >= 8 && is_c2pa_jumbf(payload.subspan(8)))
      return {true, "JPEG APP11 JUMBF"};
    at += 2 + length;
  }
  return {};
}

C2paPresence scan_png(Bytes b) {
  std::size_t at = 8;
  while (at + 12 <= b.size()) {
    const std::size_t length = be32(b, at);
    if (length > b.size() - at - 12) break;
    if (tag_at(b, at + 4, "caBX") && is_c2pa_jumbf(b.subspan(at + 8, length))) return {true, "PNG caBX chunk"};
    if (tag_at(b, at + 4, "IEND")) break;
    at += 12 + length;
  }
  return {};
}

C2paPresence scan_riff(Bytes b) {
  std::size_t at = 12;
  while (at + 8 <= b.size()) {
    const std::size_t length = le32(b, at + 4);
    if (length > b.size() - at - 8) break;
    if (tag_at(b, at, "C2PA") && is_c2pa_jumbf(b.subspan(at + 8, length))) return {true, "RIFF C2PA chunk"};
    at += 8 + length + (length & 1);
  }
  return {};
}

C2paPresence scan_bmff(Bytes b) {
  static constexpr std::array<std::uint8_t, 16> kC2paUuid = {0xD8, 0xFE, 0xC3, 0xD6, 0x1B, 0x0E, 0x48, 0x3C,
                                                             0x92, 0x97, 0x58, 0x28, 0x87, 0x7E, 0xC4, 0x81};
  std::size_t at = 0;
  while (at + 8 <= b.size()) {
    std::uint64_t size = be32(b, at);
    std::size_t header = 8;
    if (size == 1) {
      if (at + 16 > b.size()) break;
      size = std::uint64_t(be32(b, at + 8)) << 32 | be32(b, at + 12);
      header = 16;
    } else if (size == 0) {
      size = b.size() - at;
    }
    if (size < header || size > b.size() - at) break;
    if (tag_at(b, at + 4, "uuid") && at + header + 16 <= b.size() &&
        std::memcmp(b.data() + at + header, kC2paUuid.data(), 16) == 0)
      return {true, "BMFF uuid box"};
    at += size;
  }
  return {};
}

}  // namespace

C2paPresence scan_c2pa(std::span<const std::uint8_t> b) {
  if (b.size() >= 4 && b[0] == 0xFF && b[1] == 0xD8) return scan_jpeg(b);
  if (tag_at(b, 0, "\x89PNG\r\n\x1a\n")) return scan_png(b);
  if (tag_at(b, 0, "RIFF") && b.size() >= 12) return scan_riff(b);
  if (tag_at(b, 4, "ftyp")) return scan_bmff(b);
  return {};
}

}  // namespace tidemark::labels
