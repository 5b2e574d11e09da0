#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <string>
#include <utility>

#include "io/image_file.hpp"
#include "reference/filters.hpp"
#include "support/synthetic.hpp"
#include "tidemark/detector.hpp"
#include "tidemark/embedder.hpp"

using namespace tidemark;
namespace fs = std::filesystem;

// Every corpus photo: mark, save as JPEG quality 75 (a typical platform re-encode), reload, detect.
TEST(Corpus, MarkSurvivesJpeg75OnEveryPhoto) {
  const Payload payload{0x1122334455667788ULL};
  Embedder embedder(Key::public_default());
  Detector detector(Key::public_default());
  int images = 0;
  for (const auto& entry : fs::directory_iterator(std::string(TIDEMARK_CORPUS) + "/images")) {
    io::ImageFile f = io::load_image(entry.path());
    if (f.image.width() * f.image.height() < 200'000) continue;   // below the 0.2 MP class
    if (f.image.width() * f.image.height() > 3'000'000) continue;   // keep the unit suite quick
    embedder.embed(f.image.view(), payload);
    if (f.image.channels() == 4) {
      // JPEG has no alpha: test RGBA files through lossless WebP instead.
      f = io::decode_image(io::encode_webp(f, 100, true, "x.webp"), "x.webp");
    } else {
      f = io::decode_image(io::encode_jpeg(f, 75, "x.jpg"), "x.jpg");
    }
    DetectResult r = detector.detect(f.image.view());
    ASSERT_TRUE(r.payload) << entry.path() << " z=" << r.z;
    EXPECT_EQ(*r.payload, payload) << entry.path();
    ++images;
  }
  EXPECT_GE(images, 12);
}

namespace {
// A corpus image marked with `payload` under the public key.
Image marked_corpus_image(const std::string& name, const Payload& payload) {
  io::ImageFile f = io::load_image(std::string(TIDEMARK_CORPUS) + "/images/" + name);
  Embedder(Key::public_default()).embed(f.image.view(), payload);
  return std::move(f.image);
}

// Detection under the public key reports exactly `payload`.
void expect_payload(const Image& image, const Payload& payload) {
  const DetectResult r = Detector(Key::public_default()).detect(image.view());
  ASSERT_TRUE(r.payload) << "z=" << r.z;
  EXPECT_EQ(*r.payload, payload);
}
}  // namespace

// A 16 MP render of flat, periodic surfaces carries a mark too faint in the spectrum for the
// rotation search after a crop or an aspect change; the axis-aligned pass finds it.
TEST(Corpus, FaintMarkOnALargeRenderSurvivesAspectChange) {
  const Payload payload{0x0102030405060708ULL};
  const Image image = marked_corpus_image("gnome_licorice-d.webp", payload);
  // Aspect 0.8: every fourth row of five kept (nearest), as a careless resize does.
  const int w = image.width(), h = image.height() * 4 / 5, c = image.channels();
  Image squeezed(w, h, c, SampleType::U8);
  const auto& src = image.bytes();
  auto& dst = squeezed.bytes();
  for (int y = 0; y < h; ++y) {
    const int sy = static_cast<int>((y + 0.5) * 5 / 4);
    std::copy_n(src.begin() + std::size_t(sy) * w * c, std::size_t(w) * c, dst.begin() + std::size_t(y) * w * c);
  }
  expect_payload(squeezed, payload);
}

// A quarter of the same render (half of each side, off-centre): the crop keeps the mark's scale,
// which the spectrum locates only to about 1 %; the line search over nearby scales at the coarser
// analysis level finds it.
TEST(Corpus, FaintMarkOnALargeRenderSurvivesACropToAQuarter) {
  const Payload payload{0x0102030405060708ULL};
  const Image image = marked_corpus_image("gnome_licorice-d.webp", payload);
  const int w = image.width() / 2, h = image.height() / 2;
  expect_payload(tidemark::testing::crop(image, (image.width() - w) * 3 / 10, (image.height() - h) * 6 / 10, w, h), payload);
}

namespace {
// Gaussian blur of an 8-bit image, channel by channel, with the library's own filter (borders
// mirrored, as OpenCV's GaussianBlur does by default).
Image gaussian_blur(const Image& in, float sigma) {
  const int w = in.width(), h = in.height(), c = in.channels();
  Image out(w, h, c, SampleType::U8);
  detail::Plane channel(w, h);
  for (int ch = 0; ch < c; ++ch) {
    for (std::size_t i = 0; i < channel.px.size(); ++i) channel.px[i] = in.bytes()[i * c + ch];
    const detail::Plane blurred = detail::gaussian_blur(channel, sigma, 1);
    for (std::size_t i = 0; i < blurred.px.size(); ++i)
      out.bytes()[i * c + ch] = static_cast<std::uint8_t>(std::clamp(std::lround(blurred.px[i]), 0L, 255L));
  }
  return out;
}
}  // namespace

// Blur sigma 2 on a 0.45 MP painting: the chips are smeared over their neighbours; the per-cell
// demodulation loses the payload and the equaliser fitted to the sync chips recovers it.
TEST(Corpus, BlurredSmallPaintingDecodesThroughTheEqualiser) {
  const Payload payload{0x5EED5EED12345678ULL};
  expect_payload(gaussian_blur(marked_corpus_image("opencv_starry_night_752x600.jpg", payload), 2.0f), payload);
}

// Blur sigma 2 on a 512 x 512 grey brick wall: the courses of bricks fold into a few strong bins
// that drown the blurred chips in the plain correlation; the flattened fold synchronises.
TEST(Corpus, BlurredBrickWallSynchronisesThroughTheFlattenedFold) {
  const Payload payload{0xB121C4B121C40001ULL};
  expect_payload(gaussian_blur(marked_corpus_image("skimage_brick_gray_512x512.png", payload), 2.0f), payload);
}

// JPEG 30 on a flat 500 x 500 logo, whose mark sits mostly at the flat-area floor. With the tile
// offset a whole number of cells, each 2 x 2 cell lies inside one JPEG 8 x 8 block, where its
// pattern keeps its energy out of the coefficients JPEG quantises hardest; offset by one pixel on
// both axes, cells straddle block edges and the payload is mostly lost.
TEST(Corpus, FlatLogoSurvivesJpeg30WithCellsInsideJpegBlocks) {
  io::ImageFile rgba = io::load_image(std::string(TIDEMARK_CORPUS) + "/images/skimage_logo_rgba_500x500.png");
  ASSERT_EQ(rgba.image.channels(), 4);
  const int w = rgba.image.width(), h = rgba.image.height();
  auto decoded_after_jpeg30 = [&](int ox, int oy) {
    io::ImageFile rgb{Image(w, h, 3, SampleType::U8)};
    for (std::size_t i = 0; i < std::size_t(w) * h; ++i)
      std::copy_n(rgba.image.bytes().begin() + 4 * i, 3, rgb.image.bytes().begin() + 3 * i);
    const Payload payload{0xF1A7F1A7F1A70000ULL + std::uint64_t(ox) * 131 + oy};
    Embedder(Key::public_default()).embed_at(rgb.image.view(), payload, {1.0, double(ox), double(oy)});
    const io::ImageFile jpeg = io::decode_image(io::encode_jpeg(rgb, 30, "x.jpg"), "x.jpg");
    const DetectResult r = Detector(Key::public_default()).detect(jpeg.image.view());
    return r.payload && *r.payload == payload;
  };
  int whole_cells = 0, straddling = 0;
  for (const auto& [ox, oy] : {std::pair{2, 10}, {64, 38}, {100, 126}, {46, 80}}) {
    whole_cells += decoded_after_jpeg30(ox, oy);
    straddling += decoded_after_jpeg30(ox + 1, oy + 1);
  }
  EXPECT_EQ(whole_cells, 4);
  EXPECT_LE(straddling, 2);
}

// Rotation by 45 degrees with the largest crop that has no empty corners: of a 0.45 MP textured
// painting 0.18 MP are left, and its template peaks are weak against the brush strokes. The true
// geometry ranked below the 12th coarse maximum of the template search; small spectra carry 48.
TEST(Corpus, RotatedCropOfATexturedPaintingIsFoundAmongMoreTemplateMaxima) {
  const Payload payload{0x45D0A5E5F0E1C0DEULL};
  const Image image = marked_corpus_image("opencv_starry_night_752x600.jpg", payload);
  const double k = 1.0 / (std::cos(std::numbers::pi / 4) + double(image.width()) / image.height() * std::sin(std::numbers::pi / 4));
  const int w = static_cast<int>(image.width() * k), h = static_cast<int>(image.height() * k);
  expect_payload(tidemark::testing::warp(image, -45.0, 1.0, w, h), payload);  // counter-clockwise
}
