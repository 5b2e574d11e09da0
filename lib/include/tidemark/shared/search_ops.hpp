#pragma once
// The template search's coarse score of one grid cell, shared by the CPU reference
// (reference/template_search.cpp) and the CUDA kernel, so both rank the same cells.
#include "tidemark/shared/hd.hpp"

namespace tidemark::shared {

// Mean of the framed pooled map at the cell's predicted peaks: rx, ry are the row's peak offsets
// at scale 1 (pooled bins), `inverse_scale` the cell's 1 / scale, (cxq, cyq) the centre with the
// frame and rounding folded in. Indices are clamped into the zero frame instead of tested.
TM_HD float coarse_cell_score(const float* framed, int pw, int ph, const float* rx, const float* ry, int peaks,
                              float cxq, float cyq, float inverse_scale) {
  float sum = 0;
  for (int k = 0; k < peaks; ++k) {
    int u = static_cast<int>(cxq + rx[k] * inverse_scale), v = static_cast<int>(cyq + ry[k] * inverse_scale);
    u = u < 0 ? 0 : (u > pw - 1 ? pw - 1 : u);
    v = v < 0 ? 0 : (v > ph - 1 ? ph - 1 : v);
    sum += framed[v * pw + u];
  }
  return sum / peaks;
}

// Half-width of the fine stage's aspect line search in stage 0 or 1: the pass's whole range
// first, then no wider than the stage's own (theta, scale) half-width, since the first stage has
// placed the aspect to within one of its steps.
TM_HD double fine_aspect_half_at(double aspect_half, double stage_half, int stage) {
  return stage == 0 || aspect_half < stage_half ? aspect_half : stage_half;
}

}  // namespace tidemark::shared
