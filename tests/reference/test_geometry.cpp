#include <gtest/gtest.h>

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
