#include <gtest/gtest.h>

#include "reference/analysis.hpp"
#include "reference/detect_cpu.hpp"
#include "support/synthetic.hpp"
#include "tidemark/detector.hpp"
#include "tidemark/embedder.hpp"

using namespace tidemark;
using namespace tidemark::testing;

namespace {
const Payload kPayload{0x00000000cafef00dULL};

class Geometry : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    marked_ = new Image(natural_image(800, 640, 3, 21));
    Embedder(Key::public_default()).embed(marked_->view(), kPayload);
  }
  static void TearDownTestSuite() { delete marked_; }
  static void expect_payload(const Image& img, const char* what) {
    DetectResult r = Detector(Key::public_default()).detect(img.view());
    ASSERT_TRUE(r.payload) << what << ": z=" << r.z;
    EXPECT_EQ(*r.payload, kPayload) << what;
  }
  static Image* marked_;
};
Image* Geometry::marked_ = nullptr;
}  // namespace

TEST_F(Geometry, OffCentreCropToQuarterArea) { expect_payload(crop(*marked_, 333, 101, 400, 320), "crop"); }
TEST_F(Geometry, Rotation5) { expect_payload(warp(*marked_, 5, 1.0), "rotate 5"); }
TEST_F(Geometry, Rotation90) { expect_payload(warp(*marked_, 90, 1.0, 640, 800), "rotate 90"); }
TEST_F(Geometry, Rotation180) { expect_payload(warp(*marked_, 180, 1.0), "rotate 180"); }
TEST_F(Geometry, Downscale50) { expect_payload(box_shrink(*marked_, 2), "resize 0.5"); }
TEST_F(Geometry, Upscale150) { expect_payload(warp(*marked_, 0, 1.5, 1200, 960), "resize 1.5"); }
TEST_F(Geometry, HorizontalFlip) { expect_payload(flip_horizontal(*marked_), "flip"); }

TEST_F(Geometry, FlipNotFoundWithoutMirrorPass) {
  DetectParams p;
  p.mirror = false;
  DetectResult r = Detector(Key::public_default(), p).detect(flip_horizontal(*marked_).view());
  EXPECT_FALSE(r.payload);
}

TEST_F(Geometry, ReportsTheRotationFound) {
  DetectResult r = Detector(Key::public_default()).detect(warp(*marked_, 15, 1.0).view());
  ASSERT_TRUE(r.payload);
  // The search works modulo 180 degrees and in the image's y-down frame.
  const double rot = std::fmod(r.rotation_deg + 360.0, 180.0);
  EXPECT_TRUE(std::abs(rot - 15) < 1.0 || std::abs(rot - 165) < 1.0) << rot;
}

TEST_F(Geometry, AspectChange) {
  for (double aspect : {0.8, 1.2}) {
    const Image stretched = warp(*marked_, 0, 1.0, 800, static_cast<int>(640 * aspect), aspect);
    expect_payload(stretched, "aspect");
    const DetectResult r = Detector(Key::public_default()).detect(stretched.view());
    EXPECT_NEAR(r.aspect, aspect, 0.02);  // the stretch, y over x
  }
}

// The axis-aligned pass searches scale and aspect at rotation 0: its best candidate on a stretched
// copy is that stretch, located finely enough for the fold (well under 1 %).
TEST_F(Geometry, AxisAlignedPassLocatesAStretch) {
  const detail::DetectKey dk(Key::public_default());
  const Image stretched = warp(*marked_, 0, 1.1, 880, 563, 0.8);
  detail::CpuAnalysis analysis(stretched.view(), 0);
  analysis.set_level(1);
  detail::SearchPass pass{{1.0}, false, 0, 384, 1, true};
  const auto found = analysis.search(8.0, dk.template_freqs, pass);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NEAR(std::sin(found[0].theta), 0.0, 0.01);
  EXPECT_NEAR(found[0].scale, 1.1, 0.01);
  EXPECT_NEAR(found[0].aspect, 0.8, 0.008);
  EXPECT_FALSE(found[0].mirrored);
}
