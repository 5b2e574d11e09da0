#pragma once
// Demodulation through an equaliser fitted to each tile. Blur, resampling, strong compression and
// sub-pixel misalignment spread every 2 x 2 px chip over its neighbours, where the per-cell sum of
// `demodulate` loses it. The sync chips are known at their cells once the tile is aligned: they
// are pilots. A linear filter over the window of tile pixels around a cell is fitted to them by
// least squares and then applied to the payload cells: the filter matched to whatever happened to
// this image, including the neighbours' leakage that it learns to cancel.
#include <vector>

#include "fold.hpp"

namespace tidemark::detail {

// Tile pixels per side of the window around each 2 x 2 cell (two on each side of it). Measured on
// the corpus: 6 decodes more blurred and rescaled images than 4; 3 loses most of the gain.
inline constexpr int kEqualiserWindow = 6;

Demodulated demodulate_equalised(const KeyMaterial& km, const Plane& aligned, int list_paths = kListPaths);

// Solves a x = b for a symmetric positive definite n x n matrix `a` (row-major), by Cholesky.
std::vector<double> solve_symmetric_positive(std::vector<double> a, std::vector<double> b, int n);

}  // namespace tidemark::detail
