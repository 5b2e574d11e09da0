#include <gtest/gtest.h>

#include <random>

#include "reference/spectrum.hpp"
#include "tidemark/shared/spectrum_ops.hpp"

using namespace tidemark::detail;
namespace shared = tidemark::shared;

// The whitened spectrum is computed in row passes (magnitude over background, the low-cut disc
// where it lies, the JPEG grid lines by index, then the log); each bin must still obey the shared
// per-bin rules the CUDA kernel applies.
TEST(WhitenedSpectrum, EveryBinFollowsTheSharedRules) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-1, 1);
  Plane r(300, 200);
  for (float& v : r.px) v = u(rng);
  const double grid_period = 8.0;
  const Spectrum s = whitened_spectrum(r, grid_period, 2);
  const int W = s.z.width, H = s.z.height;
  ASSERT_GE(W, 300);
  ASSERT_GE(H, 200);
  const GridLines grid = jpeg_grid_lines(grid_period, W, H);
  int zeroed = 0, positive = 0;
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      const float z = s.z.at(x, y);
      const double fx = double(x - W / 2) / W, fy = double(y - H / 2) / H;
      if (shared::below_low_cut(fx, fy, kLowCut)) {
        ASSERT_EQ(z, 0.0f) << x << "," << y;
        ++zeroed;
      } else {
        ASSERT_GT(z, 0.0f) << x << "," << y;  // noise has energy in every bin
        ++positive;
      }
      if (grid.columns[x] || grid.rows[y]) ASSERT_LE(z, 1.0f) << x << "," << y;
      ASSERT_EQ(s.log.at(x, y), shared::log1p_clipped(std::min(z, shared::kSpectrumClip))) << x << "," << y;
    }
  EXPECT_GT(zeroed, 20);  // the disc: pi (0.03 W)(0.03 H) bins or so
  EXPECT_GT(positive, W * H / 2);
}
