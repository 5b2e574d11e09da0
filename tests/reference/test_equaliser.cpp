#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "core/key_material.hpp"
#include "reference/equaliser.hpp"
#include "reference/fold.hpp"
#include "support/tile_planes.hpp"

using namespace tidemark;
using namespace tidemark::detail;

namespace {
constexpr int P = tm1::kTile;
using namespace tidemark::testing;
}  // namespace

TEST(Equaliser, SolvesSymmetricPositiveSystems) {
  constexpr int n = 12;
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<double> m(n * n), a(n * n, 0.0), x(n), b(n, 0.0);
  for (double& v : m) v = u(rng);
  for (double& v : x) v = u(rng);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      for (int k = 0; k < n; ++k) a[i * n + j] += m[i * n + k] * m[j * n + k];
      a[i * n + j] += i == j ? 0.1 : 0.0;
    }
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) b[i] += a[i * n + j] * x[j];
  const std::vector<double> solved = solve_symmetric_positive(a, b, n);
  for (int i = 0; i < n; ++i) EXPECT_NEAR(solved[i], x[i], 1e-9) << i;
}

TEST(Equaliser, DecodesAClearTile) {
  const KeyMaterial km(Key::public_default());
  const Demodulated d = demodulate_equalised(km, tile_plane(km, 0xC0FFEE1234567890ULL));
  ASSERT_TRUE(d.crc_ok);
  EXPECT_EQ(d.user_bits, 0xC0FFEE1234567890ULL);
}

// A tile moved by half a tile pixel and blurred (sigma 1.6), as the detector's residual keeps it,
// under noise that is correlated like a photo's residual: each chip's energy sits partly in its
// neighbours and the noise is strongest where the per-cell sum listens. That sum loses the payload;
// the equaliser fitted to the sync chips keeps it (both decoded on the most likely path alone, so
// that the demodulators are compared, not the list decoder).
TEST(Equaliser, RecoversBlurredChipsUnderCorrelatedNoise) {
  const KeyMaterial km(Key::from_passphrase("equaliser test"));
  const std::uint64_t payload = 0x0123456789ABCDEFULL;
  const Plane signal = high_pass(blur_tile(shift_tile(tile_plane(km, payload), 0.5, 0.5), 1.6));
  int plain_ok = 0, equalised_ok = 0;
  for (std::uint32_t seed = 1; seed <= 8; ++seed) {
    Plane noise(P, P, 0.0f);
    add_noise(noise, 0.85, seed);
    noise = high_pass(blur_tile(noise, 0.7));
    Plane t = signal;
    for (std::size_t i = 0; i < t.px.size(); ++i) t.px[i] += noise.px[i];
    const Demodulated plain = demodulate(km, t, 1);
    const Demodulated equalised = demodulate_equalised(km, t, 1);
    plain_ok += plain.crc_ok && plain.user_bits == payload;
    equalised_ok += equalised.crc_ok && equalised.user_bits == payload;
  }
  EXPECT_LE(plain_ok, 2);
  EXPECT_EQ(equalised_ok, 8);
}
