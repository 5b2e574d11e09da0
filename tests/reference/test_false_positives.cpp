#include <gtest/gtest.h>

#include "support/synthetic.hpp"
#include "tidemark/detector.hpp"

using namespace tidemark;
using namespace tidemark::testing;

// The full false-positive measurement (>= 10,000 images and crops) is the robustness tool's job;
// this keeps a quick guard in the unit tests.
TEST(FalsePositives, UnmarkedImagesAndCropsGiveNoPayload) {
  Detector d(Key::public_default());
  double max_z = 0;
  for (std::uint32_t seed = 100; seed < 112; ++seed) {
    Image img = natural_image(384 + 16 * (seed % 5), 320 + 8 * (seed % 7), seed % 3 == 0 ? 1 : 3, seed);
    for (const Image& probe : {img, crop(img, 17, 9, img.width() / 2 + 20, img.height() / 2 + 10)}) {
      DetectResult r = d.detect(probe.view());
      EXPECT_FALSE(r.payload) << "seed " << seed;
      EXPECT_FALSE(r.detected) << "seed " << seed;
      EXPECT_GT(r.p_value, 1e-6);
      max_z = std::max(max_z, r.z);
    }
  }
  EXPECT_LT(max_z, kPresentZ);
}
