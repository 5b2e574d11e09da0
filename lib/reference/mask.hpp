#pragma once
#include "plane.hpp"

namespace tidemark::detail {

// TM1 edge-aware texture mask, in grey levels: hp = Y - G1(Y); e = sqrt(G1.5(hp^2)); erode 7x7
// (thin edges lose support, texture keeps it); G2; x3; clamp to [floor, ceiling]; G1.
Plane texture_mask(const Plane& luma, float floor_, float ceiling, int threads);

}  // namespace tidemark::detail
