#include <gtest/gtest.h>

#include <filesystem>

#include "io/image_file.hpp"
#include "icc.hpp"
#include "support/synthetic.hpp"
#include "tidemark/error.hpp"

using namespace tidemark;
using namespace tidemark::io;
namespace fs = std::filesystem;

namespace {
ImageFile sample(int channels, SampleType type = SampleType::U8) {
  ImageFile f;
  f.image = tidemark::testing::natural_image(200, 150, channels, 3, type);
  f.metadata.icc = minimal_icc(channels == 1);
  f.metadata.exif = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 0};
  const std::string xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF/></x:xmpmeta>";
  f.metadata.xmp.assign(xmp.begin(), xmp.end());
  return f;
}
}  // namespace

TEST(Codecs, PngIsLosslessForEveryLayoutAndKeepsMetadata) {
  for (int ch : {1, 3, 4})
    for (SampleType t : {SampleType::U8, SampleType::U16}) {
      ImageFile f = sample(ch, t);
      ImageFile g = decode_image(encode_png(f, "x.png"), "x.png");
      EXPECT_EQ(g.image.channels(), ch);
      EXPECT_EQ(g.image.type(), t);
      EXPECT_EQ(g.image.bytes(), f.image.bytes());
      EXPECT_EQ(g.metadata.icc, f.metadata.icc);
      EXPECT_EQ(g.metadata.exif, f.metadata.exif);
      EXPECT_EQ(g.metadata.xmp, f.metadata.xmp);
    }
}

// Every compression setting is lossless; the levels trade size as zlib's do, and the default
// (run-length) lands between stored and level 9.
TEST(Codecs, PngCompressionSettings) {
  ImageFile f = sample(3);
  std::vector<std::size_t> sizes;
  for (int level : {0, kPngRunLength, 9}) {
    const std::vector<std::uint8_t> png = encode_png(f, "x.png", level);
    EXPECT_EQ(decode_image(png, "x.png").image.bytes(), f.image.bytes()) << "level " << level;
    sizes.push_back(png.size());
  }
  EXPECT_GT(sizes[0], sizes[1]);
  EXPECT_GT(sizes[1], sizes[2]);
  SaveOptions stored;
  stored.png_level = 0;
  EXPECT_EQ(encode_image(f, Format::Png, stored, "x.png").size(), sizes[0]);
  EXPECT_THROW(encode_png(f, "x.png", 10), Error);
}

TEST(Codecs, JpegKeepsMetadataAndIsClose) {
  ImageFile f = sample(3);
  ImageFile g = decode_image(encode_jpeg(f, 95, "x.jpg"), "x.jpg");
  EXPECT_EQ(g.format, Format::Jpeg);
  EXPECT_EQ(g.metadata.icc, f.metadata.icc);
  EXPECT_EQ(g.metadata.exif, f.metadata.exif);
  EXPECT_EQ(g.metadata.xmp, f.metadata.xmp);
  EXPECT_GT(tidemark::testing::psnr8(f.image, g.image), 35);
  ImageFile rgba = sample(4);
  EXPECT_THROW(encode_jpeg(rgba, 95, "x.jpg"), Error);
}

// Written as JPEG: a JPEG input keeps its chroma sampling whatever the quality; other images get
// 4:4:4 from quality 90 up and 4:2:0 below.
TEST(Codecs, JpegKeepsTheInputsChromaSampling) {
  auto sampling_after = [](const ImageFile& f, int quality) {
    const ImageFile g = decode_image(encode_jpeg(f, quality, "x.jpg"), "x.jpg");
    EXPECT_TRUE(g.jpeg_sampling.has_value());
    return g.jpeg_sampling.value_or(JpegSampling{0, 0});
  };
  ImageFile png = sample(3);
  EXPECT_FALSE(png.jpeg_sampling.has_value());
  const JpegSampling full = sampling_after(png, 95), reduced = sampling_after(png, 80);
  EXPECT_EQ(full.h * 10 + full.v, 11);
  EXPECT_EQ(reduced.h * 10 + reduced.v, 22);
  for (JpegSampling input : {JpegSampling{2, 2}, JpegSampling{2, 1}, JpegSampling{1, 1}}) {
    ImageFile jpeg = sample(3);
    jpeg.jpeg_sampling = input;
    for (int quality : {70, 95}) {
      const JpegSampling got = sampling_after(jpeg, quality);
      EXPECT_EQ(got.h * 10 + got.v, input.h * 10 + input.v) << "quality " << quality;
    }
  }
  EXPECT_FALSE(decode_image(encode_jpeg(sample(1), 95, "g.jpg"), "g.jpg").jpeg_sampling.has_value());  // grey
}

TEST(Codecs, WebpLossyLosslessAndMetadata) {
  ImageFile f = sample(4);
  ImageFile g = decode_image(encode_webp(f, 90, true, "x.webp"), "x.webp");
  EXPECT_EQ(g.image.bytes(), f.image.bytes());
  EXPECT_EQ(g.metadata.xmp, f.metadata.xmp);
  EXPECT_EQ(g.metadata.icc, f.metadata.icc);
  ImageFile h = decode_image(encode_webp(sample(3), 90, false, "x.webp"), "x.webp");
  EXPECT_FALSE(h.lossless);
  EXPECT_EQ(h.image.channels(), 3);
}

TEST(Codecs, OutputFormatFromExtension) {
  EXPECT_EQ(format_for_path("a/b.JPG"), Format::Jpeg);
  EXPECT_EQ(format_for_path("b.webp"), Format::Webp);
  EXPECT_THROW(format_for_path("b.tiff"), Error);
}

TEST(Codecs, AtomicWriteLeavesNoTemporaryAndReplaces) {
  const fs::path dir = fs::temp_directory_path() / ("tm_atomic_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  write_file_atomic(dir / "a.bin", {1, 2, 3});
  write_file_atomic(dir / "a.bin", {4, 5});
  EXPECT_EQ(read_file(dir / "a.bin", 100), (std::vector<std::uint8_t>{4, 5}));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
  EXPECT_THROW(write_file_atomic(dir / "missing" / "a.bin", {1}), Error);
  fs::remove_all(dir);
}
