// The MP4 metadata walker: the FFmpeg/TC260 keys/ilst layout, the QuickTime meta form directly
// under moov, keyless lists, duplicates, and malformed boxes (never read out of bounds).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "labels/mp4_boxes.hpp"

namespace tidemark::labels {
namespace {

using Bytes = std::vector<std::uint8_t>;

void put32(Bytes& b, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
}
Bytes box(const std::string& type, const Bytes& body) {
  Bytes b;
  put32(b, static_cast<std::uint32_t>(8 + body.size()));
  b.insert(b.end(), type.begin(), type.end());
  b.insert(b.end(), body.begin(), body.end());
  return b;
}
Bytes box_code(std::uint32_t code, const Bytes& body) {
  Bytes b;
  put32(b, static_cast<std::uint32_t>(8 + body.size()));
  put32(b, code);
  b.insert(b.end(), body.begin(), body.end());
  return b;
}
Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }
Bytes data_box(const std::string& value) {
  Bytes body;
  put32(body, 1);  // UTF-8
  put32(body, 0);  // locale
  return box("data", cat({body, text(value)}));
}
Bytes keys_box(const std::vector<std::string>& keys) {
  Bytes body;
  put32(body, 0);
  put32(body, static_cast<std::uint32_t>(keys.size()));
  for (const auto& k : keys) body = cat({body, box("mdta", text(k))});
  return box("keys", body);
}
Bytes hdlr(const std::string& type) {
  Bytes body;
  put32(body, 0);
  put32(body, 0);
  body = cat({body, text(type)});
  for (int i = 0; i < 3; ++i) put32(body, 0);
  body.push_back(0);
  return box("hdlr", body);
}
Bytes full_meta(const Bytes& children) {
  Bytes body;
  put32(body, 0);  // version and flags
  return box("meta", cat({body, children}));
}

const std::string kLabel = R"({"Label":"1","ContentProducer":"P1","ProduceID":"id-1"})";

TEST(Mp4Boxes, ReadsTheKeysIlstLayout) {
  const Bytes meta = full_meta(cat({hdlr("mdta"), keys_box({"title", "AIGC"}),
                                    box("ilst", cat({box_code(1, data_box("A title")), box_code(2, data_box(kLabel))}))}));
  const Bytes file = cat({box("ftyp", text("isom0000")), box("moov", box("udta", meta))});
  const auto entries = read_mp4_metadata(file);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].key, "AIGC");
  EXPECT_EQ(entries[1].value, kLabel);
  EXPECT_EQ(entries[1].where, "moov/udta/meta keys/ilst");
  EXPECT_EQ(entries[0].key, "title");
}

TEST(Mp4Boxes, QuickTimeMetaUnderMoovAndKeylessLists) {
  // QuickTime form (no version/flags) directly under moov, and a keyless mdir list with a
  // freeform item named AIGC: both seen in the wild.
  const Bytes qt_meta = box("meta", cat({hdlr("mdta"), keys_box({"AIGC"}), box("ilst", box_code(1, data_box(kLabel)))}));
  Bytes freeform_body = cat({box("mean", cat({Bytes(4, 0), text("com.example")})), box("name", cat({Bytes(4, 0), text("AIGC")})),
                             data_box(kLabel)});
  const Bytes mdir = full_meta(cat({hdlr("mdir"), box("ilst", box("----", freeform_body))}));
  const Bytes file = cat({box("moov", cat({qt_meta, box("udta", mdir)}))});
  const auto entries = read_mp4_metadata(file);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].where, "moov/meta keys/ilst");
  EXPECT_EQ(entries[0].value, kLabel);
  EXPECT_EQ(entries[1].key, "AIGC");
  EXPECT_EQ(entries[1].where, "moov/udta/meta ilst");
}

TEST(Mp4Boxes, MalformedBoxesAreSkippedNotOverread) {
  const Bytes good = full_meta(cat({hdlr("mdta"), keys_box({"AIGC"}), box("ilst", box_code(1, data_box(kLabel)))}));
  Bytes file = box("moov", box("udta", good));
  // Every truncation of the file parses without reading past its end (ASan builds check this).
  for (std::size_t n = 0; n < file.size(); ++n) {
    const Bytes cut(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_NO_THROW(read_mp4_metadata(cut));
  }
  // Sizes that lie: larger than the parent, smaller than a header, a huge key count.
  Bytes lying = file;
  lying[3] = 0xFF;
  EXPECT_TRUE(read_mp4_metadata(lying).empty());
  Bytes keys = keys_box({"AIGC"});
  keys[12] = 0x7F;  // entry_count high byte
  const Bytes odd = box("moov", box("udta", full_meta(cat({keys, box("ilst", box_code(1, data_box(kLabel)))}))));
  EXPECT_NO_THROW(read_mp4_metadata(odd));
}

}  // namespace
}  // namespace tidemark::labels
