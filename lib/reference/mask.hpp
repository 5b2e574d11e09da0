#pragma once
#include "plane.hpp"
#include "tidemark/image_view.hpp"

namespace tidemark::detail {

// TM1 edge-aware texture mask, in grey levels, at half resolution (ceil(w/2) x ceil(h/2); read
// it with shared::mask_at), from the image's luminance Y (never built as a whole plane).
// hp = Y - G1(Y) at full resolution; then on 2 x 2 blocks: mean hp^2,
// G0.75, sqrt, erode 5 x 5 (thin edges lose support, texture keeps it), G1, x3, clamp to
// [floor, ceiling], G0.5. At full resolution that is the design's G1.5 / erode 7x7 / G2 / G1
// chain, for a quarter of the work.
Plane texture_mask(const ImageView& image, float floor_, float ceiling, int threads);
inline constexpr int kMaskErodeRadius = 2;

}  // namespace tidemark::detail
