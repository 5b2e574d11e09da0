#include <gtest/gtest.h>

#include <cmath>

#include "support/synthetic.hpp"
#include "tidemark/detector.hpp"
#include "tidemark/embedder.hpp"
#include "tidemark/error.hpp"

using namespace tidemark;
using tidemark::testing::natural_image;

namespace {
const Payload kPayload{0x0123456789abcdefULL};

DetectResult mark_and_detect(Image& img, const Key& key = Key::public_default()) {
  Embedder(key).embed(img.view(), kPayload);
  return Detector(key).detect(img.view());
}
}  // namespace

TEST(RoundTrip, RgbGrayRgbaAnd16Bit) {
  for (int channels : {1, 3, 4})
    for (SampleType type : {SampleType::U8, SampleType::U16}) {
      Image img = natural_image(512, 384, channels, 1, type);
      DetectResult r = mark_and_detect(img);
      ASSERT_TRUE(r.payload) << "channels " << channels << " 16-bit " << (type == SampleType::U16);
      EXPECT_EQ(*r.payload, kPayload);
      EXPECT_TRUE(r.detected);
      EXPECT_GT(r.z, kPresentZ);
      EXPECT_LT(r.p_value, 1e-12);
    }
}

TEST(RoundTrip, AlphaIsUntouchedAndChromaUnchanged) {
  Image img = natural_image(300, 260, 4, 2);
  const Image before = img;
  Embedder(Key::public_default()).embed(img.view(), kPayload);
  int changed = 0;
  for (std::size_t p = 0; p < std::size_t(img.width()) * img.height(); ++p) {
    EXPECT_EQ(img.bytes()[4 * p + 3], before.bytes()[4 * p + 3]);
    // Same delta on R, G and B unless clipping: differences between channels are preserved.
    const int d0 = img.bytes()[4 * p] - before.bytes()[4 * p], d1 = img.bytes()[4 * p + 1] - before.bytes()[4 * p + 1];
    changed += d0 != 0;
    if (before.bytes()[4 * p] > 10 && before.bytes()[4 * p] < 245 && before.bytes()[4 * p + 1] > 10 && before.bytes()[4 * p + 1] < 245)
      EXPECT_EQ(d0, d1);
  }
  EXPECT_GT(changed, img.width() * img.height() / 4);
}

TEST(RoundTrip, OutputIndependentOfThreadCount) {
  Image a = natural_image(700, 500, 3, 3), b = a;
  EmbedParams one, two;
  one.threads = 1;
  two.threads = 2;
  Embedder(Key::public_default(), one).embed(a.view(), kPayload);
  Embedder(Key::public_default(), two).embed(b.view(), kPayload);
  EXPECT_EQ(a.bytes(), b.bytes());
}

// Detection too: the same z to the last bit with 1, 2 or 5 threads (a report does not depend on the
// machine's core count), marked or not, and on a picture large enough to fold in many bands.
TEST(RoundTrip, DetectionIndependentOfThreadCount) {
  Image marked = natural_image(900, 1300, 3, 6);
  Embedder(Key::public_default()).embed(marked.view(), kPayload);
  Image unmarked = natural_image(640, 480, 3, 7);
  for (const Image* img : {&marked, &unmarked}) {
    std::vector<DetectResult> results;
    for (int threads : {1, 2, 5}) {
      DetectParams p;
      p.threads = threads;
      results.push_back(Detector(Key::public_default(), p).detect(img->view()));
    }
    for (const DetectResult& r : results) {
      EXPECT_EQ(r.z, results[0].z);
      EXPECT_EQ(r.p_value, results[0].p_value);
      EXPECT_EQ(r.payload, results[0].payload);
    }
  }
}

TEST(RoundTrip, DetectorRefusesScalesItCannotFold) {
  for (double bad : {0.0, -1.5, 100.0, std::nan("")}) {
    DetectParams p;
    p.expected_scales = {1.5, bad};
    EXPECT_THROW(Detector(Key::public_default(), p), Error) << bad;
  }
  DetectParams fine;
  fine.expected_scales = {0.5, 3.0};
  Image img = natural_image(400, 300, 3, 9);
  EXPECT_EQ(*mark_and_detect(img).payload, kPayload);
  EXPECT_EQ(*Detector(Key::public_default(), fine).detect(img.view()).payload, kPayload);
}

TEST(RoundTrip, OffsetVariesWithContentButIsReproducible) {
  Image a = natural_image(400, 400, 3, 4), b = natural_image(400, 400, 3, 5), a2 = a;
  Embedder e(Key::public_default());
  auto ra = e.embed(a.view(), kPayload), rb = e.embed(b.view(), kPayload), ra2 = e.embed(a2.view(), kPayload);
  EXPECT_EQ(ra.offset_x, ra2.offset_x);
  EXPECT_EQ(ra.offset_y, ra2.offset_y);
  EXPECT_TRUE(ra.offset_x != rb.offset_x || ra.offset_y != rb.offset_y);
}

// Offsets are whole 2 x 2 cells, so that at tile scale 1 no cell straddles a JPEG block edge.
TEST(RoundTrip, OffsetsAreWholeCells) {
  Embedder e(Key::public_default());
  for (std::uint32_t seed = 10; seed < 30; ++seed) {
    Image img = natural_image(300, 260, 3, seed);
    const EmbedReport r = e.embed(img.view(), kPayload);
    EXPECT_EQ(r.offset_x % tm1::kCellPx, 0) << "seed " << seed;
    EXPECT_EQ(r.offset_y % tm1::kCellPx, 0) << "seed " << seed;
  }
}

TEST(RoundTrip, QualityAtDefaultStrength) {
  Image img = natural_image(640, 480, 3, 6);
  const Image before = img;
  Embedder(Key::public_default()).embed(img.view(), kPayload);
  EXPECT_GT(tidemark::testing::psnr8(before, img), 40.0);
}

TEST(RoundTrip, WrongKeyFindsNothing) {
  Image img = natural_image(512, 512, 3, 7);
  Embedder(Key::from_passphrase("alice")).embed(img.view(), kPayload);
  DetectResult r = Detector(Key::from_passphrase("bob")).detect(img.view());
  EXPECT_FALSE(r.payload);
  EXPECT_FALSE(r.detected);
}

TEST(RoundTrip, TooSmallImages) {
  Image small = natural_image(120, 300, 3, 8);
  EXPECT_THROW(Embedder(Key::public_default()).embed(small.view(), kPayload), Error);
  EXPECT_EQ(Detector(Key::public_default()).detect(small.view()).verdict, Verdict::TooSmall);
}

TEST(RoundTrip, LargeImagesUseImageRelativeScale) {
  Image img = natural_image(1600, 1500, 3, 9);
  auto rep = Embedder(Key::public_default()).embed(img.view(), kPayload);
  EXPECT_NEAR(rep.tile_scale, 1500 / 720.0, 1e-9);
  DetectResult r = Detector(Key::public_default()).detect(img.view());
  ASSERT_TRUE(r.payload);
  EXPECT_NEAR(r.scale, rep.tile_scale, 0.02);
}

TEST(RoundTrip, FullHdFoundAtFirstLevelFirstCandidate) {
  // Regression: flat areas once made the residual normalisation NaN on the finest level.
  Image img = natural_image(1920, 1080, 3, 11);
  Embedder(Key::public_default()).embed(img.view(), kPayload);
  DetectResult r = Detector(Key::public_default()).detect(img.view());
  ASSERT_TRUE(r.payload);
  EXPECT_EQ(r.candidates_tried, 1);
  EXPECT_NEAR(r.scale, 1.5, 0.01);
}

// Auto detects on CUDA when a device is present and on the CPU otherwise; asking for CUDA
// without a device is refused at construction, not at the first image.
TEST(RoundTrip, DetectorBackendFollowsTheDevices) {
  if (cuda_device_count() > 0) {
    EXPECT_EQ(Detector(Key::public_default()).backend(), Backend::Cuda);
  } else {
    EXPECT_THROW(Detector(Key::public_default(), {}, Backend::Cuda), Error);
    EXPECT_EQ(Detector(Key::public_default()).backend(), Backend::Cpu);
  }
  EXPECT_EQ(Detector(Key::public_default(), {}, Backend::Cpu).backend(), Backend::Cpu);
}

TEST(RoundTrip, RejectsBadViews) {
  Image img = natural_image(256, 256, 3, 10);
  ImageView v = img.view();
  v.channels = 2;
  EXPECT_THROW(Embedder(Key::public_default()).embed(v, kPayload), Error);
  v = img.view();
  v.pitch = 10;
  EXPECT_THROW(Detector(Key::public_default()).detect(v), Error);
}
