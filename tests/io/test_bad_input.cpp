#include <gtest/gtest.h>
#include <zlib.h>

#include <cstddef>
#include <cstdio>
// jpeglib.h needs size_t and FILE declared before it.
#include <jpeglib.h>

#include <string>

#include "io/image_file.hpp"
#include "tidemark/error.hpp"

using namespace tidemark;
using namespace tidemark::io;

namespace {
const std::string kBad = std::string(TIDEMARK_CORPUS) + "/bad/";

// Expects load_image to fail with `status`, naming the file in the message.
void expect_failure(const std::string& path, Status status, const char* cause_fragment) {
  try {
    load_image(path);
    FAIL() << path << " loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), status) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(cause_fragment), std::string::npos) << e.what();
  }
}

std::vector<std::uint8_t> png_with_header(std::uint32_t w, std::uint32_t h) {
  std::vector<std::uint8_t> b = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
  for (std::uint32_t v : {w, h})
    for (int i = 3; i >= 0; --i) b.push_back(std::uint8_t(v >> (8 * i)));
  for (std::uint8_t v : {8, 2, 0, 0, 0}) b.push_back(v);
  const std::uint32_t crc = static_cast<std::uint32_t>(crc32(0, b.data() + 12, 17));
  for (int i = 3; i >= 0; --i) b.push_back(std::uint8_t(crc >> (8 * i)));
  return b;
}
}  // namespace

TEST(BadInput, EmptyFile) { expect_failure(kBad + "empty.png", Status::DecodeError, "empty"); }
TEST(BadInput, TextNamedJpg) { expect_failure(kBad + "text_named.jpg", Status::DecodeError, "not a PNG, JPEG or WebP"); }
TEST(BadInput, TruncatedJpeg) { expect_failure(kBad + "truncated_building.jpg", Status::DecodeError, "JPEG"); }
TEST(BadInput, TruncatedSkimageJpeg) { expect_failure(kBad + "skimage_truncated.jpg", Status::DecodeError, "JPEG"); }
TEST(BadInput, TruncatedPng) { expect_failure(kBad + "truncated_graf1.png", Status::DecodeError, "PNG"); }
TEST(BadInput, VideoIsNotAnImage) { expect_failure(kBad + "truncated_clip.mp4", Status::DecodeError, "not a PNG"); }
TEST(BadInput, MissingFile) { expect_failure(kBad + "does_not_exist.png", Status::IoError, "cannot open"); }

TEST(BadInput, HugePngHeaderIsRefusedBeforeAllocation) {
  try {
    decode_image(png_with_header(100000, 100000), "huge.png");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::LimitExceeded);
    EXPECT_NE(std::string(e.what()).find("100000x100000"), std::string::npos) << e.what();
  }
}

// A WebP decompression bomb: an extended (VP8X) header announcing a 16384 x 16384 canvas
// (268 MP) in 30 bytes. Refused from the header, before any pixel buffer exists.
TEST(BadInput, HugeWebpCanvasIsRefusedBeforeAllocation) {
  std::vector<std::uint8_t> b{'R', 'I', 'F', 'F', 22, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'X', 10, 0, 0, 0, 0, 0, 0, 0};
  for (int i = 0; i < 2; ++i) {  // canvas width - 1 and height - 1, 24-bit little-endian
    b.push_back(0xFF);
    b.push_back(0x3F);
    b.push_back(0x00);
  }
  try {
    decode_image(b, "bomb.webp");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::LimitExceeded) << e.what();
    EXPECT_NE(std::string(e.what()).find("16384x16384"), std::string::npos) << e.what();
  }
}

TEST(BadInput, PixelLimitIsConfigurable) {
  Limits tight;
  tight.max_pixels = 1000;
  try {
    load_image(std::string(TIDEMARK_CORPUS) + "/images/opencv_happyfish_259x194.jpg", tight);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::LimitExceeded);
  }
}

// A small CMYK JPEG made with libjpeg itself.
static std::vector<std::uint8_t> cmyk_jpeg() {
  jpeg_compress_struct c{};
  jpeg_error_mgr err{};
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  unsigned char* buf = nullptr;
  unsigned long len = 0;
  jpeg_mem_dest(&c, &buf, &len);
  c.image_width = 16, c.image_height = 16, c.input_components = 4, c.in_color_space = JCS_CMYK;
  jpeg_set_defaults(&c);
  jpeg_start_compress(&c, TRUE);
  std::vector<unsigned char> row(16 * 4, 100);
  for (int y = 0; y < 16; ++y) {
    JSAMPROW r = row.data();
    jpeg_write_scanlines(&c, &r, 1);
  }
  jpeg_finish_compress(&c);
  std::vector<std::uint8_t> out(buf, buf + len);
  jpeg_destroy_compress(&c);
  std::free(buf);
  return out;
}

TEST(BadInput, CmykJpegIsUnsupportedNotCorrupt) {
  try {
    decode_image(cmyk_jpeg(), "cmyk.jpg");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::Unsupported);
    EXPECT_NE(std::string(e.what()).find("cmyk.jpg: CMYK JPEG is not supported"), std::string::npos) << e.what();
  }
}
