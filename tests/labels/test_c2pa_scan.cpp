#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "labels/c2pa_scan.hpp"

namespace tidemark::labels {
namespace {

using Bytes = std::vector<std::uint8_t>;

void put_be32(Bytes& b, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(std::uint8_t(v >> s));
}
void put_le32(Bytes& b, std::uint32_t v) {
  for (int s = 0; s <= 24; s += 8) b.push_back(std::uint8_t(v >> s));
}
void put(Bytes& b, const std::string& s) { b.insert(b.end(), s.begin(), s.end()); }

// A minimal JUMBF manifest store: jumb superbox, jumd description with the c2pa UUID and label.
Bytes jumbf(const char* uuid_prefix = "c2pa") {
  Bytes jumd;
  put_be32(jumd, 8 + 16 + 1 + 5);
  put(jumd, "jumd");
  put(jumd, uuid_prefix);
  for (std::uint8_t x : {0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}) jumd.push_back(x);
  jumd.push_back(0x03);
  put(jumd, std::string("c2pa\0", 5));
  Bytes box;
  put_be32(box, std::uint32_t(8 + jumd.size()));
  put(box, "jumb");
  box.insert(box.end(), jumd.begin(), jumd.end());
  return box;
}

Bytes jpeg_with_app11(const Bytes& store) {
  Bytes b = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46};  // SOI, a small APP0
  Bytes payload = {'J', 'P', 0x02, 0x11, 0, 0, 0, 1};
  payload.insert(payload.end(), store.begin(), store.end());
  b.push_back(0xFF), b.push_back(0xEB);
  b.push_back(std::uint8_t((payload.size() + 2) >> 8)), b.push_back(std::uint8_t(payload.size() + 2));
  b.insert(b.end(), payload.begin(), payload.end());
  for (std::uint8_t x : {0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9}) b.push_back(x);
  return b;
}

Bytes png_with_chunk(const char* type, const Bytes& data) {
  Bytes b = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  put_be32(b, 13), put(b, "IHDR"), b.resize(b.size() + 13 + 4);
  put_be32(b, std::uint32_t(data.size())), put(b, type), b.insert(b.end(), data.begin(), data.end()), b.resize(b.size() + 4);
  put_be32(b, 0), put(b, "IEND"), b.resize(b.size() + 4);
  return b;
}

Bytes webp_with_chunk(const char* fourcc, const Bytes& data) {
  Bytes chunks;
  put(chunks, "VP8L"), put_le32(chunks, 5), chunks.resize(chunks.size() + 6);  // 5 bytes + pad
  put(chunks, fourcc), put_le32(chunks, std::uint32_t(data.size())), chunks.insert(chunks.end(), data.begin(), data.end());
  if (data.size() & 1) chunks.push_back(0);
  Bytes b;
  put(b, "RIFF"), put_le32(b, std::uint32_t(4 + chunks.size())), put(b, "WEBP");
  b.insert(b.end(), chunks.begin(), chunks.end());
  return b;
}

Bytes mp4_with_uuid(bool c2pa) {
  Bytes b;
  put_be32(b, 16), put(b, "ftypisom"), put_be32(b, 0);
  const std::uint8_t uuid[16] = {0xD8, 0xFE, 0xC3, 0xD6, 0x1B, 0x0E, 0x48, 0x3C, 0x92, 0x97, 0x58, 0x28, 0x87, 0x7E, 0xC4, 0x81};
  put_be32(b, 8 + 16 + 4 + 9), put(b, "uuid");
  for (int i = 0; i < 16; ++i) b.push_back(c2pa ? uuid[i] : std::uint8_t(i));
  put_be32(b, 0), put(b, std::string("manifest\0", 9));
  put_be32(b, 8), put(b, "mdat");
  return b;
}

TEST(C2paScan, FindsTheManifestStoreInEachCarrier) {
  EXPECT_EQ(scan_c2pa(jpeg_with_app11(jumbf())).carrier, "JPEG APP11 JUMBF");
  EXPECT_EQ(scan_c2pa(png_with_chunk("caBX", jumbf())).carrier, "PNG caBX chunk");
  EXPECT_EQ(scan_c2pa(webp_with_chunk("C2PA", jumbf())).carrier, "RIFF C2PA chunk");
  EXPECT_EQ(scan_c2pa(mp4_with_uuid(true)).carrier, "BMFF uuid box");
}

TEST(C2paScan, OtherJumbfAndLookalikesAreNotManifests) {
  EXPECT_FALSE(scan_c2pa(jpeg_with_app11(jumbf("xxxx"))).present);  // JPEG 360 and friends use APP11 too
  EXPECT_FALSE(scan_c2pa(png_with_chunk("tEXt", jumbf())).present);
  Bytes xmp_reference;
  put(xmp_reference, "dcterms:provenance=\"self#jumbf=/c2pa/urn:uuid:1\" jumb c2pa");
  EXPECT_FALSE(scan_c2pa(png_with_chunk("iTXt", xmp_reference)).present);
  EXPECT_FALSE(scan_c2pa(mp4_with_uuid(false)).present);
  EXPECT_FALSE(scan_c2pa({}).present);
}

TEST(C2paScan, EveryTruncationIsSafe) {
  for (const Bytes& full : {jpeg_with_app11(jumbf()), png_with_chunk("caBX", jumbf()), webp_with_chunk("C2PA", jumbf()),
                            mp4_with_uuid(true)})
    for (std::size_t n = 0; n < full.size(); ++n) {
      const Bytes cut(full.begin(), full.begin() + std::ptrdiff_t(n));
      const C2paPresence p = scan_c2pa(cut);  // must not read past the end (ASan build checks)
      if (p.present) EXPECT_GE(n, 24u);
    }
}

}  // namespace
}  // namespace tidemark::labels
