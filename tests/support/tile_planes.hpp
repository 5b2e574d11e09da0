#pragma once
// Tiles as the detector sees them after folding: the key's pattern, blurred, high-passed and
// noisy, for tests of synchronisation and demodulation.
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <vector>

#include "core/key_material.hpp"
#include "reference/plane.hpp"

namespace tidemark::testing {

using detail::Plane;
inline constexpr int kTilePx = tm1::kTile;

inline Plane tile_plane(const detail::KeyMaterial& km, std::uint64_t payload) {
  Plane t(kTilePx, kTilePx);
  const auto w = km.tile(payload);
  t.px.assign(w.begin(), w.end());
  return t;
}

// Circular Gaussian blur of the tile (the tile repeats, so the wrap is exact).
inline Plane blur_tile(const Plane& t, double sigma) {
  std::vector<double> k(7);
  double sum = 0;
  for (int i = 0; i < 7; ++i) sum += k[i] = std::exp(-0.5 * (i - 3) * (i - 3) / (sigma * sigma));
  Plane h(kTilePx, kTilePx), out(kTilePx, kTilePx);
  for (int y = 0; y < kTilePx; ++y)
    for (int x = 0; x < kTilePx; ++x) {
      double s = 0;
      for (int i = 0; i < 7; ++i) s += k[i] * t.at((x + i - 3 + kTilePx) % kTilePx, y);
      h.at(x, y) = static_cast<float>(s / sum);
    }
  for (int y = 0; y < kTilePx; ++y)
    for (int x = 0; x < kTilePx; ++x) {
      double s = 0;
      for (int i = 0; i < 7; ++i) s += k[i] * h.at(x, (y + i - 3 + kTilePx) % kTilePx);
      out.at(x, y) = static_cast<float>(s / sum);
    }
  return out;
}

// What the detector's residual keeps of it: the tile minus its sigma-1 blur.
inline Plane high_pass(const Plane& t) {
  Plane low = blur_tile(t, 1.0), out(kTilePx, kTilePx);
  for (std::size_t i = 0; i < t.px.size(); ++i) out.px[i] = t.px[i] - low.px[i];
  return out;
}

// Gaussian noise of deviation `sigma` (Box-Muller on mt19937, whose output the standard fixes).
inline void add_noise(Plane& t, double sigma, std::uint32_t seed) {
  std::mt19937 rng(seed);
  auto uniform = [&] { return (rng() + 0.5) / 4294967296.0; };
  for (float& v : t.px) v += static_cast<float>(sigma * std::sqrt(-2 * std::log(uniform())) * std::cos(2 * std::numbers::pi * uniform()));
}

}  // namespace tidemark::testing
