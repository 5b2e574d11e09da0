// Marking JPEG files in their DCT coefficients (io/jpeg_coefficients.hpp) and the 8 x 8 DCT it
// rests on (io/block_dct.hpp).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
// jpeglib.h needs size_t and FILE declared before it.
#include <jpeglib.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "io/block_dct.hpp"
#include "io/image_file.hpp"
#include "io/jpeg_coefficients.hpp"
#include "support/synthetic.hpp"
#include "tidemark/detector.hpp"
#include "tidemark/embedder.hpp"
#include "tidemark/error.hpp"

using namespace tidemark;
using namespace tidemark::io;

namespace {

// A JPEG as a generator writes one: 4:2:0 chroma (or greyscale), optionally progressive.
std::vector<std::uint8_t> write_jpeg(const Image& im, int quality, bool progressive = false) {
  jpeg_compress_struct c{};
  jpeg_error_mgr err{};
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  unsigned char* buf = nullptr;
  unsigned long len = 0;
  jpeg_mem_dest(&c, &buf, &len);
  c.image_width = im.width();
  c.image_height = im.height();
  c.input_components = im.channels();
  c.in_color_space = im.channels() == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, quality, TRUE);
  if (progressive) jpeg_simple_progression(&c);
  jpeg_start_compress(&c, TRUE);
  for (int y = 0; y < im.height(); ++y) {
    JSAMPROW row = const_cast<JSAMPROW>(im.bytes().data() + y * im.row_bytes());
    jpeg_write_scanlines(&c, &row, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  std::vector<std::uint8_t> out(buf, buf + len);
  std::free(buf);
  return out;
}

struct Coefficients {
  std::vector<std::vector<JCOEF>> components;  // every block of each component, in order
  bool progressive = false;
};
Coefficients read_coefficients(const std::vector<std::uint8_t>& bytes) {
  jpeg_decompress_struct d{};
  jpeg_error_mgr err{};
  d.err = jpeg_std_error(&err);
  jpeg_create_decompress(&d);
  jpeg_mem_src(&d, bytes.data(), bytes.size());
  jpeg_read_header(&d, TRUE);
  jvirt_barray_ptr* arrays = jpeg_read_coefficients(&d);
  Coefficients out;
  out.progressive = d.progressive_mode;
  for (int ci = 0; ci < d.num_components; ++ci) {
    const jpeg_component_info& comp = d.comp_info[ci];
    std::vector<JCOEF> all;
    for (JDIMENSION by = 0; by < comp.height_in_blocks; ++by) {
      JBLOCKARRAY row = (*d.mem->access_virt_barray)(reinterpret_cast<j_common_ptr>(&d), arrays[ci], by, 1, FALSE);
      for (JDIMENSION bx = 0; bx < comp.width_in_blocks; ++bx) all.insert(all.end(), row[0][bx], row[0][bx] + 64);
    }
    out.components.push_back(std::move(all));
  }
  jpeg_finish_decompress(&d);
  jpeg_destroy_decompress(&d);
  return out;
}

LumaMarker embed_with(const Embedder& embedder, const Payload& payload) {
  return [&embedder, payload](const ImageView& luma, Metadata&) { embedder.embed(luma, payload); };
}

}  // namespace

TEST(BlockDct, InverseUndoesForwardAndAConstantIsItsDcTerm) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(-128, 127);
  float block[64], coefficients[64], back[64];
  for (float& v : block) v = u(rng);
  forward_dct_8x8(block, coefficients);
  inverse_dct_8x8(coefficients, back);
  for (int k = 0; k < 64; ++k) EXPECT_NEAR(back[k], block[k], 1e-3f);
  for (float& v : block) v = 4.0f;
  forward_dct_8x8(block, coefficients);
  EXPECT_NEAR(coefficients[0], 32.0f, 1e-4f);  // JPEG's scaling: DC = 8 x mean
  for (int k = 1; k < 64; ++k) EXPECT_NEAR(coefficients[k], 0.0f, 1e-4f);
}

// JPEG's definition (ITU-T T.81 A.3.3), in double precision.
TEST(BlockDct, MatchesTheDefinitionInBothDirections) {
  const double pi = std::acos(-1.0);
  auto c = [](int k) { return k == 0 ? 1 / std::sqrt(2.0) : 1.0; };
  auto basis = [&](int x, int u) { return std::cos((2 * x + 1) * u * pi / 16); };
  std::mt19937 rng(17);
  std::uniform_real_distribution<float> level(-128, 127), coefficient(-300, 300);
  for (int trial = 0; trial < 20; ++trial) {
    float block[64], ours[64];
    for (float& v : block) v = level(rng);
    forward_dct_8x8(block, ours);
    for (int v = 0; v < 8; ++v)
      for (int u = 0; u < 8; ++u) {
        double sum = 0;
        for (int y = 0; y < 8; ++y)
          for (int x = 0; x < 8; ++x) sum += block[8 * y + x] * basis(x, u) * basis(y, v);
        ASSERT_NEAR(ours[8 * v + u], 0.25 * c(u) * c(v) * sum, 0.01) << "u " << u << " v " << v;
      }
    float coefficients[64], samples[64];
    for (float& v : coefficients) v = coefficient(rng);
    inverse_dct_8x8(coefficients, samples);
    for (int y = 0; y < 8; ++y)
      for (int x = 0; x < 8; ++x) {
        double sum = 0;
        for (int v = 0; v < 8; ++v)
          for (int u = 0; u < 8; ++u) sum += c(u) * c(v) * coefficients[8 * v + u] * basis(x, u) * basis(y, v);
        ASSERT_NEAR(samples[8 * y + x], 0.25 * sum, 0.01) << "x " << x << " y " << y;
      }
  }
}

TEST(BlockDct, QuantisedChangeRoundsToWholeStepsAndReportsWhatItWrote) {
  float change[64], steps[64];
  for (float& v : change) v = 4.0f;                // DC 32
  for (int k = 0; k < 64; ++k) steps[k] = k == 0 ? 10.0f : 3.0f;
  std::int16_t q[64] = {};
  q[0] = -1024;  // a limit the change moves away from
  q[5] = 7;
  const QuantisedChange s = BlockQuantiser(steps).add_change(change, q);
  EXPECT_EQ(q[0], -1021);  // round(32 / 10) = 3
  EXPECT_EQ(q[5], 7);      // no change where the change is zero, even next to a limit
  EXPECT_NEAR(s.intended, 32.0 * 32.0, 1e-2);
  EXPECT_NEAR(s.written, 30.0 * 30.0, 1e-2);
  EXPECT_NEAR(s.cross, 30.0 * 32.0, 1e-2);
}

// The folded scales give what the plain transforms and a division by the steps give.
TEST(BlockDct, QuantiserAgreesWithTheTransformsAndTheSteps) {
  std::mt19937 rng(23);
  std::uniform_real_distribution<float> sample(-6, 6), step(1, 40);
  std::uniform_int_distribution<int> level(-60, 60);
  for (int trial = 0; trial < 200; ++trial) {
    float steps[64], change[64], coefficients[64];
    std::int16_t q[64], before[64];
    for (int k = 0; k < 64; ++k) steps[k] = std::round(step(rng)), change[k] = sample(rng), q[k] = before[k] = level(rng);
    const BlockQuantiser quantiser(steps);
    float dequantised[64], expected[64], samples[64];
    for (int k = 0; k < 64; ++k) dequantised[k] = q[k] * steps[k];
    inverse_dct_8x8(dequantised, expected);
    quantiser.samples_of(q, samples);
    for (int k = 0; k < 64; ++k) ASSERT_NEAR(samples[k], expected[k], 1e-3f) << k;
    forward_dct_8x8(change, coefficients);
    quantiser.add_change(change, q);
    for (int k = 0; k < 64; ++k) {
      const float ratio = coefficients[k] / steps[k];
      if (std::abs(std::abs(ratio - std::trunc(ratio)) - 0.5f) < 1e-3f) continue;  // a tie either way
      ASSERT_EQ(q[k], before[k] + std::lround(ratio)) << k;
    }
  }
}

TEST(JpegCoefficients, AConstantLumaChangeMovesOnlyEachBlocksDcTerm) {
  const Image im = tidemark::testing::natural_image(96, 64, 3, 11);
  const auto in = write_jpeg(im, 85);
  const LumaMarkResult r = mark_jpeg_luma(
      in, "flat.jpg", {},
      [](const ImageView& luma, Metadata&) {
        for (int y = 0; y < luma.height; ++y)
          for (int x = 0; x < luma.width; ++x) {
            auto& v = luma.row<std::uint16_t>(y)[x];
            v = static_cast<std::uint16_t>(std::min(65535, v + 6 * 257));
          }
      },
      0.0);
  ASSERT_FALSE(r.bytes.empty()) << r.declined;
  const Coefficients a = read_coefficients(in), b = read_coefficients(r.bytes);
  ASSERT_EQ(a.components.size(), 3u);
  EXPECT_EQ(a.components[1], b.components[1]);  // chroma untouched
  EXPECT_EQ(a.components[2], b.components[2]);
  ASSERT_EQ(a.components[0].size(), b.components[0].size());
  int dc_moved = 0, ac_moved = 0;
  for (std::size_t i = 0; i < a.components[0].size(); ++i) {
    const bool dc = i % 64 == 0;
    (dc ? dc_moved : ac_moved) += a.components[0][i] != b.components[0][i];
  }
  // +6 grey levels is a DC change of 48, several quantisation steps at quality 85; blocks near
  // white clip, so a few see a smaller, no longer constant change.
  EXPECT_GT(dc_moved, static_cast<int>(a.components[0].size() / 64) * 9 / 10);
  EXPECT_LT(ac_moved, static_cast<int>(a.components[0].size() / 100));
  EXPECT_GT(r.kept, 0.95);
}

TEST(JpegCoefficients, MarkedFileCarriesThePayloadKeepsChromaAndItsSize) {
  const Image im = decode_image(read_file(std::string(TIDEMARK_CORPUS) + "/images/opencv_building_868x600.jpg", 1 << 24),
                                "building.jpg").image;
  const auto in = write_jpeg(im, 90);
  const Embedder embedder(Key::public_default(), EmbedParams{}, Backend::Cpu);
  const Payload payload{0x1234abcd5678ef90ull};
  const LumaMarkResult r = mark_jpeg_luma(in, "photo.jpg", {}, embed_with(embedder, payload), 80);
  ASSERT_FALSE(r.bytes.empty()) << r.declined;
  EXPECT_GT(r.kept, 0.85);
  EXPECT_GT(r.psnr_db, 38.0);
  EXPECT_LT(r.psnr_db, 60.0);
  // Same tables, same Huffman coding: the size moves by the mark only.
  EXPECT_GT(r.bytes.size(), in.size() * 95 / 100);
  EXPECT_LT(r.bytes.size(), in.size() * 115 / 100);
  const Coefficients a = read_coefficients(in), b = read_coefficients(r.bytes);
  EXPECT_EQ(a.components[1], b.components[1]);
  EXPECT_EQ(a.components[2], b.components[2]);
  EXPECT_NE(a.components[0], b.components[0]);

  const ImageFile marked = decode_image(r.bytes, "marked.jpg");
  const DetectResult d = Detector(Key::public_default(), DetectParams{}, Backend::Cpu).detect(marked.image.view());
  ASSERT_TRUE(d.payload.has_value()) << "z " << d.z;
  EXPECT_EQ(*d.payload, payload);
}

TEST(JpegCoefficients, QualityIsEstimatedAndCoarseFilesAreDeclinedWithTheReason) {
  const Image im = tidemark::testing::natural_image(320, 240, 3, 4);
  const Embedder embedder(Key::public_default(), EmbedParams{}, Backend::Cpu);
  const LumaMarkResult coarse = mark_jpeg_luma(write_jpeg(im, 70), "coarse.jpg", {}, embed_with(embedder, Payload{7}), 80);
  EXPECT_TRUE(coarse.bytes.empty());
  EXPECT_EQ(coarse.quality, 70);
  EXPECT_NE(coarse.declined.find("quality (about 70) is below 80"), std::string::npos) << coarse.declined;
  for (int q : {15, 50, 80, 95}) EXPECT_EQ(mark_jpeg_luma(write_jpeg(im, q), "q.jpg", {}, embed_with(embedder, Payload{7}), 101).quality, q);
  EXPECT_FALSE(mark_jpeg_luma(write_jpeg(im, 80), "fine.jpg", {}, embed_with(embedder, Payload{7}), 80).bytes.empty());
}

TEST(JpegCoefficients, ProgressiveGreyAndOddSizedFilesStayWhatTheyWere) {
  const Embedder embedder(Key::public_default(), EmbedParams{}, Backend::Cpu);
  for (const auto& [w, h, channels, progressive] :
       std::vector<std::tuple<int, int, int, bool>>{{141, 139, 3, false}, {300, 200, 1, false}, {333, 250, 3, true}}) {
    const Image im = tidemark::testing::natural_image(w, h, channels, 9);
    const auto in = write_jpeg(im, 92, progressive);
    Metadata seen;
    const LumaMarkResult r = mark_jpeg_luma(
        in, "x.jpg", {},
        [&](const ImageView& luma, Metadata& md) {
          EXPECT_EQ(luma.width, w);
          EXPECT_EQ(luma.height, h);
          EXPECT_EQ(luma.channels, 1);
          embedder.embed(luma, Payload{3});
          const std::string xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/>";
          md.xmp.assign(xmp.begin(), xmp.end());
        },
        0.0);
    ASSERT_FALSE(r.bytes.empty()) << r.declined;
    const ImageFile back = decode_image(r.bytes, "x.jpg");
    EXPECT_EQ(back.image.width(), w);
    EXPECT_EQ(back.image.height(), h);
    EXPECT_EQ(back.image.channels(), channels);
    EXPECT_EQ(std::string(back.metadata.xmp.begin(), back.metadata.xmp.end()), "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/>");
    EXPECT_EQ(read_coefficients(r.bytes).progressive, progressive);
    EXPECT_GT(tidemark::testing::psnr8(decode_image(in, "in.jpg").image, back.image), 34.0);
  }
}

TEST(JpegCoefficients, CorruptAndTruncatedFilesFailNamingTheFile) {
  const auto in = write_jpeg(tidemark::testing::natural_image(200, 150, 3, 2), 90);
  const std::vector<std::uint8_t> half(in.begin(), in.begin() + in.size() / 2);
  const LumaMarker nothing = [](const ImageView&, Metadata&) {};
  for (const auto& bytes : {half, std::vector<std::uint8_t>(in.begin(), in.begin() + 40)}) {
    try {
      mark_jpeg_luma(bytes, "cut.jpg", {}, nothing, 0);
      ADD_FAILURE() << "no error for a truncated file";
    } catch (const Error& e) {
      EXPECT_EQ(e.status(), Status::DecodeError);
      EXPECT_NE(std::string(e.what()).find("cut.jpg"), std::string::npos) << e.what();
    }
  }
  Limits small;
  small.max_pixels = 1000;
  EXPECT_THROW(mark_jpeg_luma(in, "big.jpg", small, nothing, 0), Error);
}
