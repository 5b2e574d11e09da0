#include "labels/mp4_boxes.hpp"

#include <cstring>
#include <fstream>
#include <optional>

#include "tidemark/error.hpp"

namespace tidemark::labels {
namespace {

using Bytes = std::span<const std::uint8_t>;

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}
std::uint64_t be64(const std::uint8_t* p) { return (std::uint64_t(be32(p)) << 32) | be32(p + 4); }

struct Box {
  std::string type;  // four bytes as they are
  std::uint32_t type_code = 0;
  Bytes body;        // after the header
};

// The boxes of one level; stops at the first malformed header (never reads past `level`).
std::vector<Box> boxes_in(Bytes level) {
  std::vector<Box> out;
  std::size_t pos = 0;
  while (level.size() - pos >= 8) {
    const std::uint8_t* p = level.data() + pos;
    std::uint64_t size = be32(p), header = 8;
    if (size == 1) {
      if (level.size() - pos < 16) break;
      size = be64(p + 8), header = 16;
    } else if (size == 0) {
      size = level.size() - pos;
    }
    if (size < header || size > level.size() - pos) break;
    out.push_back({std::string(reinterpret_cast<const char*>(p + 4), 4), be32(p + 4),
                   level.subspan(pos + header, size - header)});
    pos += size;
  }
  return out;
}

bool is_box_type(const std::uint8_t* p) {
  for (int i = 0; i < 4; ++i)
    if (p[i] < 0x20 || p[i] > 0x7e) return false;
  return true;
}

// `meta` comes as an ISO FullBox (4 bytes of version and flags first) or in the QuickTime form
// (children straight away): tell them apart by where a plausible child header sits.
Bytes meta_children(Bytes body) {
  if (body.size() >= 8 && is_box_type(body.data() + 4) && be32(body.data()) >= 8) return body;
  return body.size() >= 4 ? body.subspan(4) : Bytes{};
}

std::optional<std::string> data_value(Bytes item) {
  for (const Box& b : boxes_in(item))
    if (b.type == "data" && b.body.size() >= 8)
      return std::string(reinterpret_cast<const char*>(b.body.data() + 8), b.body.size() - 8);
  return std::nullopt;
}

void read_meta(Bytes body, const std::string& where, std::vector<Mp4MetadataEntry>& out) {
  const auto children = boxes_in(meta_children(body));
  std::vector<std::string> keys;
  for (const Box& b : children)
    if (b.type == "keys" && b.body.size() >= 8) {
      const std::uint32_t count = be32(b.body.data() + 4);
      std::size_t pos = 8;
      for (std::uint32_t i = 0; i < count && b.body.size() - pos >= 8; ++i) {
        const std::uint32_t size = be32(b.body.data() + pos);
        if (size < 8 || size > b.body.size() - pos) break;
        keys.emplace_back(reinterpret_cast<const char*>(b.body.data() + pos + 8), size - 8);
        pos += size;
      }
    }
  for (const Box& b : children) {
    if (b.type != "ilst") continue;
    for (const Box& item : boxes_in(b.body)) {
      std::string key;
      if (item.type_code >= 1 && item.type_code <= keys.size()) {
        key = keys[item.type_code - 1];  // mdta: the item's type is a 1-based key index
      } else if (item.type == "----") {   // freeform: mean, name, data
        for (const Box& part : boxes_in(item.body))
          if (part.type == "name" && part.body.size() >= 4)
            key.assign(reinterpret_cast<const char*>(part.body.data() + 4), part.body.size() - 4);
      } else {
        key = item.type;
      }
      if (auto v = data_value(item.body)) out.push_back({key, *v, where + (keys.empty() ? " ilst" : " keys/ilst")});
    }
  }
}

void read_udta(Bytes body, const std::string& where, std::vector<Mp4MetadataEntry>& out) {
  for (const Box& b : boxes_in(body))
    if (b.type == "meta") read_meta(b.body, where + "/meta", out);
}

}  // namespace

std::vector<Mp4MetadataEntry> read_mp4_metadata(Bytes top_level) {
  std::vector<Mp4MetadataEntry> out;
  for (const Box& top : boxes_in(top_level)) {
    if (top.type != "moov") continue;
    for (const Box& b : boxes_in(top.body)) {
      if (b.type == "udta") read_udta(b.body, "moov/udta", out);
      if (b.type == "meta") read_meta(b.body, "moov/meta", out);
      if (b.type == "trak")
        for (const Box& t : boxes_in(b.body))
          if (t.type == "udta") read_udta(t.body, "moov/trak/udta", out);
    }
  }
  return out;
}

std::vector<std::uint8_t> read_bmff_top_level(const std::filesystem::path& path, std::uint64_t max_box) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(Status::IoError, path.string() + ": cannot open");
  std::vector<std::uint8_t> out;
  std::uint8_t h[16];
  bool first = true;
  for (;;) {
    const auto at = static_cast<std::uint64_t>(f.tellg());
    if (!f.read(reinterpret_cast<char*>(h), 8)) break;
    std::uint64_t size = be32(h), header = 8;
    if (size == 1) {
      if (!f.read(reinterpret_cast<char*>(h + 8), 8)) break;
      size = be64(h + 8), header = 16;
    }
    if (first && !(is_box_type(h + 4) && (std::memcmp(h + 4, "ftyp", 4) == 0 || std::memcmp(h + 4, "moov", 4) == 0 ||
                                          std::memcmp(h + 4, "wide", 4) == 0 || std::memcmp(h + 4, "free", 4) == 0)))
      return {};
    first = false;
    if (size == 0) {  // to the end of the file
      f.seekg(0, std::ios::end);
      size = static_cast<std::uint64_t>(f.tellg()) - at;
      f.seekg(static_cast<std::streamoff>(at + header));
    }
    if (size < header) break;
    const std::string type(reinterpret_cast<const char*>(h + 4), 4);
    const bool media = type == "mdat" || type == "free" || type == "skip" || type == "wide";
    if (!media && size <= max_box) {
      const std::size_t base = out.size();
      out.resize(base + size);
      std::memcpy(out.data() + base, h, header);
      if (!f.read(reinterpret_cast<char*>(out.data() + base + header), static_cast<std::streamsize>(size - header))) {
        out.resize(base);  // a truncated last box: keep what came before
        break;
      }
    } else {
      f.seekg(static_cast<std::streamoff>(at + size));
    }
    if (!f) break;
  }
  return out;
}

}  // namespace tidemark::labels
