#include "mask.hpp"

#include <cmath>

#include "filters.hpp"
#include "parallel.hpp"
#include "simd.hpp"
#include "tidemark/shared/pixel_ops.hpp"

namespace tidemark::detail {

namespace {
// shared::block_energy for the n half-resolution samples of a row whose 2 x 2 blocks are whole:
// the same sums in the same order, in a loop that vectorises.
TM_SIMD_CLONES void whole_block_energy_row(const float* __restrict y0, const float* __restrict low0,
                                           const float* __restrict y1, const float* __restrict low1,
                                           float* __restrict out, int n) {
  for (int i = 0; i < n; ++i) {
    const float a = y0[2 * i] - low0[2 * i], b = y0[2 * i + 1] - low0[2 * i + 1];
    const float c = y1[2 * i] - low1[2 * i], d = y1[2 * i + 1] - low1[2 * i + 1];
    float sum = 0.0f;
    sum += a * a;
    sum += b * b;
    sum += c * c;
    sum += d * d;
    out[i] = sum / 4;
  }
}
}  // namespace

Plane texture_mask(const Plane& y, float floor_, float ceiling, int threads) {
  const Plane low = gaussian_blur(y, 1.0f, threads);
  Plane energy((y.width + 1) / 2, (y.height + 1) / 2);
  const int whole_columns = y.width / 2;
  parallel_for(energy.height, threads, [&](int j0, int j1) {
    for (int j = j0; j < j1; ++j) {
      int i = 0;
      if (2 * j + 1 < y.height) {
        whole_block_energy_row(y.row(2 * j), low.row(2 * j), y.row(2 * j + 1), low.row(2 * j + 1), energy.row(j),
                               whole_columns);
        i = whole_columns;
      }
      for (; i < energy.width; ++i)
        energy.at(i, j) = shared::block_energy(y.px.data(), low.px.data(), y.width, y.height, i, j);
    }
  });
  Plane e = gaussian_blur(energy, 0.75f, threads);
  for (float& v : e.px) v = std::sqrt(v);
  Plane activity = gaussian_blur(erode(e, kMaskErodeRadius, threads), 1.0f, threads);
  for (float& v : activity.px) v = shared::mask_from_activity(v, floor_, ceiling);
  return gaussian_blur(activity, 0.5f, threads);
}

}  // namespace tidemark::detail
