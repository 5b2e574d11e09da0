#include "mask.hpp"

#include <cmath>

#include "filters.hpp"
#include "tidemark/shared/pixel_ops.hpp"

namespace tidemark::detail {
namespace {
// From the half-resolution energies on: G0.75, sqrt, erode, G1, gain and clamp, G0.5.
Plane mask_from_energy(const Plane& energy, float floor_, float ceiling, int threads) {
  Plane e = gaussian_blur(energy, 0.75f, threads);
  for (float& v : e.px) v = std::sqrt(v);
  Plane activity = gaussian_blur(erode(e, kMaskErodeRadius, threads), 1.0f, threads);
  for (float& v : activity.px) v = shared::mask_from_activity(v, floor_, ceiling);
  return gaussian_blur(activity, 0.5f, threads);
}
}  // namespace

Plane texture_mask(const ImageView& image, float floor_, float ceiling, int threads) {
  return mask_from_energy(highpass_block_energy(image, threads), floor_, ceiling, threads);
}

}  // namespace tidemark::detail
