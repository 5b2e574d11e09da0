#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <vector>

#include "core/key_material.hpp"
#include "reference/fft.hpp"
#include "reference/fold.hpp"
#include "support/tile_planes.hpp"

using namespace tidemark;
using namespace tidemark::detail;
using namespace tidemark::testing;

namespace {

// The correlation without flattening: the folded tile's own spectrum times the sync reference's,
// upright only. Its z-score, for comparison.
double plain_sync_z(const Plane& folded, const std::vector<std::complex<float>>& sync_conj) {
  std::vector<cfloat> f(folded.px.begin(), folded.px.end());
  fft2d(f, kTilePx, kTilePx, false, 1);
  for (std::size_t k = 0; k < f.size(); ++k) f[k] *= sync_conj[k];
  fft2d(f, kTilePx, kTilePx, true, 1);
  double sum = 0, sum2 = 0, peak = -1e300;
  for (const cfloat& v : f) sum += v.real(), sum2 += double(v.real()) * v.real(), peak = std::max(peak, double(v.real()));
  const double n = double(f.size()), mean = sum / n;
  return (peak - mean) / std::sqrt(sum2 / n - mean * mean);
}

// Periodic structure (courses of bricks, a fence, a JPEG grid) folds into a few strong bins:
// 16 sinusoids at random tile frequencies and phases, each of amplitude `amplitude`.
void add_lines(Plane& t, double amplitude, std::uint32_t seed) {
  std::mt19937 rng(seed + 1000);
  std::uniform_int_distribution<int> freq(-40, 40);
  std::uniform_real_distribution<double> phase(0, 2 * std::numbers::pi);
  for (int k = 0; k < 16; ++k) {
    const int fx = freq(rng), fy = freq(rng);
    const double ph = phase(rng);
    for (int y = 0; y < kTilePx; ++y)
      for (int x = 0; x < kTilePx; ++x) t.at(x, y) += static_cast<float>(amplitude * std::cos(2 * std::numbers::pi * (fx * x + fy * y) / kTilePx + ph));
  }
}

}  // namespace

// A fold of a blurred, periodic texture (a brick wall): the chips, blurred and high-passed, under
// noise whose energy sits in a few strong bins. The plain correlation listens mostly to those bins
// and misses the shift (z at the level of chance); the flattened one weighs every bin by its own
// neighbourhood's magnitude and finds it.
TEST(Sync, FlattenedCorrelationFindsBlurredChipsUnderPeriodicTexture) {
  const KeyMaterial km(Key::from_passphrase("sync test"));
  const auto sync_conj = sync_reference_spectrum(km);
  const Plane signal = high_pass(blur_tile(tile_plane(km, 0x1122334455667788ULL), 1.2));
  const int sx = 37, sy = 90;
  int plain_found = 0, flattened_found = 0;
  for (std::uint32_t seed = 1; seed <= 8; ++seed) {
    Plane noise(kTilePx, kTilePx, 0.0f);
    add_noise(noise, 1.0, seed);
    noise = high_pass(noise);
    add_lines(noise, 0.35, seed);
    Plane folded = shift_tile(signal, -sx, -sy);
    for (std::size_t i = 0; i < folded.px.size(); ++i) folded.px[i] += noise.px[i];
    const SyncResult s = sync_correlate(folded, sync_conj);
    flattened_found += s.dx == sx && s.dy == sy && !s.rotated180 && s.z > 6.0;
    plain_found += plain_sync_z(folded, sync_conj) > 6.0;
  }
  EXPECT_EQ(flattened_found, 8);
  EXPECT_LE(plain_found, 2);
}

// Flattening keeps what a clear fold says: the shift, the orientation, and a tile that decodes.
TEST(Sync, ClearFoldAlignsAndDecodes) {
  const KeyMaterial km(Key::public_default());
  const std::uint64_t payload = 0xDEADBEEF00C0FFEEULL;
  const Plane folded = shift_tile(high_pass(tile_plane(km, payload)), -5, -121);
  const SyncResult s = sync_correlate(folded, sync_reference_spectrum(km));
  EXPECT_EQ(s.dx, 5);
  EXPECT_EQ(s.dy, 121);
  EXPECT_FALSE(s.rotated180);
  EXPECT_GT(s.z, 20.0);
  for (const Plane* tile : {&s.aligned, &s.aligned_plain}) {
    const Demodulated d = demodulate(km, *tile);
    ASSERT_TRUE(d.crc_ok);
    EXPECT_EQ(d.user_bits, payload);
  }
}

// Another key's mark, folded clean at the same scale, must not read as ours. Both tiles are
// constant on 2 x 2 cells, so at one parity of the shift their cells line up whole and the
// correlation swings wider there than over the whole surface; scored against one deviation for the
// whole surface, about one foreign key in 20 reached z 7 ("watermark present").
TEST(Sync, AnotherKeysMarkStaysBelowThePresenceThreshold) {
  const auto public_sync = sync_reference_spectrum(KeyMaterial(Key::public_default()));
  double highest = 0;
  for (int i = 0; i < 200; ++i) {
    Key::Bytes bytes{};
    for (std::size_t b = 0; b < bytes.size(); ++b) bytes[b] = static_cast<std::uint8_t>((i + 1) * 131 + b * 29);
    const KeyMaterial foreign{Key(bytes)};
    const Plane folded = shift_tile(high_pass(tile_plane(foreign, 0x0123456789ABCDEFULL + i)), -(i * 7 % kTilePx), -(i * 13 % kTilePx));
    highest = std::max(highest, sync_correlate(folded, public_sync, false).z);
  }
  EXPECT_LT(highest, 6.5);
}
