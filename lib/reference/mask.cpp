#include "mask.hpp"

#include <cmath>

#include "filters.hpp"
#include "parallel.hpp"
#include "tidemark/shared/pixel_ops.hpp"

namespace tidemark::detail {

Plane texture_mask(const Plane& y, float floor_, float ceiling, int threads) {
  Plane low = gaussian_blur(y, 1.0f, threads);
  Plane hp2(y.width, y.height);
  for (std::size_t i = 0; i < hp2.px.size(); ++i) {
    float h = y.px[i] - low.px[i];
    hp2.px[i] = h * h;
  }
  Plane energy = gaussian_blur(hp2, 1.5f, threads);
  for (float& v : energy.px) v = std::sqrt(v);
  Plane activity = gaussian_blur(erode(energy, 3, threads), 2.0f, threads);
  for (float& v : activity.px) v = shared::mask_from_activity(v, floor_, ceiling);
  return gaussian_blur(activity, 1.0f, threads);
}

}  // namespace tidemark::detail
