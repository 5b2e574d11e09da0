#pragma once
// ISO BMFF (MP4, MOV, M4A) metadata as labels travel in it, read by our own bounds-checked box
// walker: GB 45438 AIGC entries in `moov/udta/meta` keys/ilst (FullBox or QuickTime `meta`, also
// directly under `moov`, and keyless `mdir` lists), so verification can report every copy and
// variant. Files are not read whole: only the top-level boxes other than media data.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace tidemark::labels {

struct Mp4MetadataEntry {
  std::string key;    // "AIGC", or the 4cc / freeform name of a keyless item
  std::string value;  // UTF-8 payload of its 'data' box
  std::string where;  // e.g. "moov/udta/meta keys/ilst"
};

// Every metadata item with a text value in the `meta` boxes of `moov` (and `moov/udta`, and
// `moov/trak/udta`). `top_level` is the concatenation of whole top-level boxes.
std::vector<Mp4MetadataEntry> read_mp4_metadata(std::span<const std::uint8_t> top_level);

// The file's top-level boxes except media data (mdat, free, skip, wide), each at most `max_box`
// bytes; empty when the file does not start like ISO BMFF. Throws Error(IoError) on read errors.
std::vector<std::uint8_t> read_bmff_top_level(const std::filesystem::path& path, std::uint64_t max_box = 64ull << 20);

}  // namespace tidemark::labels
