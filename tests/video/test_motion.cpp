// Global motion estimation between video frames: how closely the video profile's tile can follow
// the picture. The frames are a slow zoom with a sub-pixel pan, resampled from one picture.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "support/synthetic.hpp"
#include "video/motion.hpp"

namespace tidemark::detail {
namespace {

constexpr int kW = 1280, kH = 720;

// Frame i shows the scene point P at X = S^i (P - c - i T) + c (continuous coordinates, c the
// frame's centre): zoom S per frame about the centre while the window moves by T.
constexpr double kZoom = 1.0025, kTx = 1.37, kTy = -0.61;

Image zoom_frame(const Image& scene, int i) {
  Image f(kW, kH, 1, SampleType::U8);
  const double s = std::pow(kZoom, i), cx = kW / 2.0, cy = kH / 2.0;
  // The scene is larger than the frame and centred on it.
  const double ox = (scene.width() - kW) / 2.0, oy = (scene.height() - kH) / 2.0;
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < kW; ++x) {
      const double px = (x + 0.5 - cx) / s + cx + i * kTx + ox - 0.5, py = (y + 0.5 - cy) / s + cy + i * kTy + oy - 0.5;
      const int x0 = static_cast<int>(px), y0 = static_cast<int>(py);
      const double a = px - x0, b = py - y0;
      auto at = [&](int u, int v) { return double(scene.view().row<const std::uint8_t>(v)[u]); };
      const double v = (at(x0, y0) * (1 - a) + at(x0 + 1, y0) * a) * (1 - b) +
                       (at(x0, y0 + 1) * (1 - a) + at(x0 + 1, y0 + 1) * a) * b;
      f.view().row<std::uint8_t>(y)[x] = static_cast<std::uint8_t>(std::clamp(v + 0.5, 0.0, 255.0));
    }
  return f;
}

TEST(MotionEstimator, FollowsASubPixelZoomToATenthOfAPixel) {
  const Image scene = testing::natural_image(kW + 80, kH + 60, 1, 11);
  MotionEstimator estimator;
  const double cx = kW / 2.0, cy = kH / 2.0;
  double worst = 0;
  for (int i = 0; i < 6; ++i) {
    const Image frame = zoom_frame(scene, i);
    const auto m = estimator.next(frame.view(), 2);
    if (i == 0) {
      EXPECT_FALSE(m.has_value());
      continue;
    }
    ASSERT_TRUE(m.has_value()) << "frame " << i;
    // From frame i - 1 to i: X' = s X + t with s = S and t = c (1 - s) - S^i T.
    const double s = kZoom, si = std::pow(kZoom, i);
    const double tx = cx * (1 - s) - si * kTx, ty = cy * (1 - s) - si * kTy;
    for (const auto [x, y] : {std::pair{cx, cy}, {0.0, 0.0}, {double(kW), 0.0}, {0.0, double(kH)}, {double(kW), double(kH)}}) {
      const double ex = m->scale * x + m->tx - (s * x + tx), ey = m->scale * y + m->ty - (s * y + ty);
      worst = std::max(worst, std::hypot(ex, ey));
    }
  }
  // The mark must stay on the content to a small fraction of its 8 px cells: x264 pays for every
  // tenth of a pixel the tile slips against the picture (bench/video_eval.py).
  EXPECT_LT(worst, 0.1);
}

TEST(MotionEstimator, SameMotionOnAnyNumberOfThreads) {
  const Image scene = testing::natural_image(kW + 80, kH + 60, 1, 12);
  const Image a = zoom_frame(scene, 2), b = zoom_frame(scene, 3);
  std::vector<GlobalMotion> found;
  for (int threads : {1, 2, 5}) {
    MotionEstimator estimator;
    estimator.next(a.view(), threads);
    const auto m = estimator.next(b.view(), threads);
    ASSERT_TRUE(m.has_value());
    found.push_back(*m);
  }
  for (const auto& m : found) {
    EXPECT_EQ(m.scale, found[0].scale);
    EXPECT_EQ(m.tx, found[0].tx);
    EXPECT_EQ(m.ty, found[0].ty);
  }
}

}  // namespace
}  // namespace tidemark::detail
