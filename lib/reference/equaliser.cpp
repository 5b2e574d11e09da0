#include "equaliser.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace tidemark::detail {
namespace {

constexpr int P = tm1::kTile;
constexpr int kTaps = kEqualiserWindow * kEqualiserWindow;
// Ridge added to the normal equations, relative to their mean diagonal: keeps the fit stable on
// flat tiles (a constant window) without biasing a well-conditioned one.
constexpr double kRidge = 1e-3;

using Window = std::array<double, kTaps>;

// The tile pixels of the window centred on `cell`, wrapped around the tile.
Window window_of(const Plane& aligned, int cell) {
  constexpr int first = -(kEqualiserWindow - tm1::kCellPx) / 2;
  const int x0 = (cell % tm1::kCells) * tm1::kCellPx + first, y0 = (cell / tm1::kCells) * tm1::kCellPx + first;
  Window w;
  int k = 0;
  for (int dy = 0; dy < kEqualiserWindow; ++dy)
    for (int dx = 0; dx < kEqualiserWindow; ++dx) w[k++] = aligned.at((x0 + dx + P) % P, (y0 + dy + P) % P);
  return w;
}

}  // namespace

std::vector<double> solve_symmetric_positive(std::vector<double> a, std::vector<double> b, int n) {
  // a = L L^T, L stored in the lower triangle of a.
  for (int j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (int k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
    d = std::sqrt(std::max(d, 1e-300));
    a[j * n + j] = d;
    for (int i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (int k = 0; k < j; ++k) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / d;
    }
  }
  for (int i = 0; i < n; ++i) {  // L y = b
    double s = b[i];
    for (int k = 0; k < i; ++k) s -= a[i * n + k] * b[k];
    b[i] = s / a[i * n + i];
  }
  for (int i = n - 1; i >= 0; --i) {  // L^T x = y
    double s = b[i];
    for (int k = i + 1; k < n; ++k) s -= a[k * n + i] * b[k];
    b[i] = s / a[i * n + i];
  }
  return b;
}

Demodulated demodulate_equalised(const KeyMaterial& km, const Plane& aligned, int list_paths) {
  // Normal equations of min sum over sync cells (filter . window - chip)^2.
  std::vector<double> normal(kTaps * kTaps, 0.0), target(kTaps, 0.0);
  const auto& sync_cells = km.sync_cells();
  const auto& sync_pn = km.sync_pn();
  for (std::size_t i = 0; i < sync_cells.size(); ++i) {
    const Window w = window_of(aligned, sync_cells[i]);
    for (int r = 0; r < kTaps; ++r) {
      target[r] += w[r] * sync_pn[i];
      for (int c = 0; c <= r; ++c) normal[r * kTaps + c] += w[r] * w[c];
    }
  }
  double trace = 0;
  for (int r = 0; r < kTaps; ++r) {
    trace += normal[r * kTaps + r];
    for (int c = 0; c < r; ++c) normal[c * kTaps + r] = normal[r * kTaps + c];
  }
  for (int r = 0; r < kTaps; ++r) normal[r * kTaps + r] += kRidge * trace / kTaps;
  const std::vector<double> filter = solve_symmetric_positive(std::move(normal), std::move(target), kTaps);

  std::vector<float> soft(tm1::kCodedBits, 0.0f);
  const auto& payload_cells = km.payload_cells();
  const auto& payload_pn = km.payload_pn();
  for (int i = 0; i < tm1::kPayloadCells; ++i) {
    const Window w = window_of(aligned, payload_cells[i]);
    double chip = 0;
    for (int k = 0; k < kTaps; ++k) chip += filter[k] * w[k];
    soft[KeyMaterial::coded_bit_of(i)] += static_cast<float>(chip) * payload_pn[i];
  }
  return decode_soft(std::move(soft), list_paths);
}

}  // namespace tidemark::detail
