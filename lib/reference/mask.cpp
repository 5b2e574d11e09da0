#include "mask.hpp"

#include <cmath>

#include "filters.hpp"
#include "parallel.hpp"
#include "tidemark/shared/pixel_ops.hpp"

namespace tidemark::detail {

Plane texture_mask(const Plane& y, float floor_, float ceiling, int threads) {
  const Plane low = gaussian_blur(y, 1.0f, threads);
  Plane energy((y.width + 1) / 2, (y.height + 1) / 2);
  parallel_for(energy.height, threads, [&](int j0, int j1) {
    for (int j = j0; j < j1; ++j)
      for (int i = 0; i < energy.width; ++i)
        energy.at(i, j) = shared::block_energy(y.px.data(), low.px.data(), y.width, y.height, i, j);
  });
  Plane e = gaussian_blur(energy, 0.75f, threads);
  for (float& v : e.px) v = std::sqrt(v);
  Plane activity = gaussian_blur(erode(e, kMaskErodeRadius, threads), 1.0f, threads);
  for (float& v : activity.px) v = shared::mask_from_activity(v, floor_, ceiling);
  return gaussian_blur(activity, 0.5f, threads);
}

}  // namespace tidemark::detail
