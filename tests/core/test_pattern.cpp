#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "core/key_material.hpp"

using namespace tidemark;
using namespace tidemark::detail;

TEST(KeyMaterial, TileIsUnitRmsAndDeterministic) {
  KeyMaterial a(Key::public_default()), b(Key::public_default());
  auto t1 = a.tile(42), t2 = b.tile(42);
  EXPECT_EQ(t1, t2);
  double e = 0;
  for (float v : t1) e += v * v;
  EXPECT_NEAR(e / t1.size(), 1.0, 1e-3);
  EXPECT_NE(t1, a.tile(43));
}

TEST(KeyMaterial, TemplatePeaksInBandOffAxesAndDistinct) {
  KeyMaterial km(Key::from_passphrase("template test"));
  const auto& peaks = km.template_peaks();
  ASSERT_EQ(peaks.size(), std::size_t(tm1::kTemplatePeaks));
  std::set<std::pair<int, int>> seen;
  for (const auto& p : peaks) {
    const double r = std::hypot(p.kx, p.ky) / tm1::kTile;
    EXPECT_GE(r, tm1::kTemplateFLo - 0.01);
    EXPECT_LE(r, tm1::kTemplateFHi + 0.01);
    EXPECT_GE(std::min(std::abs(p.kx), std::abs(p.ky)), 3);
    EXPECT_TRUE(seen.insert({p.kx, p.ky}).second);
  }
}

TEST(KeyMaterial, CellsPartitionTheTile) {
  KeyMaterial km(Key::generate());
  std::set<int> all(km.sync_cells().begin(), km.sync_cells().end());
  all.insert(km.payload_cells().begin(), km.payload_cells().end());
  EXPECT_EQ(all.size(), std::size_t(tm1::kCells * tm1::kCells));
  EXPECT_EQ(km.sync_cells().size(), std::size_t(tm1::kSyncCells));
}

TEST(KeyMaterial, DifferentKeysGiveNearlyOrthogonalTiles) {
  KeyMaterial a(Key::from_passphrase("one")), b(Key::from_passphrase("two"));
  auto ta = a.tile(0), tb = b.tile(0);
  double dot = 0;
  for (std::size_t i = 0; i < ta.size(); ++i) dot += ta[i] * tb[i];
  EXPECT_LT(std::abs(dot / ta.size()), 0.05);
}
