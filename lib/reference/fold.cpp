#include "fold.hpp"

#include <algorithm>
#include <cmath>

#include "../core/ecc.hpp"
#include "fft.hpp"
#include "filters.hpp"
#include "parallel.hpp"
#include "spectrum.hpp"

namespace tidemark::detail {
namespace {
constexpr int P = tm1::kTile;

std::vector<cfloat> tile_fft(const Plane& t) {
  std::vector<cfloat> a(t.px.begin(), t.px.end());
  fft2d(a, P, P, false, 1);
  return a;
}
}  // namespace

std::vector<std::complex<float>> sync_reference_spectrum(const KeyMaterial& km) {
  Plane s(P, P);
  s.px = km.sync_reference();
  auto f = tile_fft(s);
  for (auto& v : f) v = std::conj(v);
  return f;
}

Folded canonical_fold(const Plane& y, const Affine& a, int threads) {
  // x_img = M u with M = A^-T; u = A^T x.
  const double det = a.a * a.d - a.b * a.c;
  const double m00 = a.d / det, m01 = -a.c / det, m10 = -a.b / det, m11 = a.a / det;
  double umin = 1e300, umax = -1e300, vmin = 1e300, vmax = -1e300;
  for (auto [x, yy] : {std::pair{0.0, 0.0}, {y.width - 1.0, 0.0}, {0.0, y.height - 1.0}, {y.width - 1.0, y.height - 1.0}}) {
    const double u = a.a * x + a.c * yy, v = a.b * x + a.d * yy;
    umin = std::min(umin, u), umax = std::max(umax, u), vmin = std::min(vmin, v), vmax = std::max(vmax, v);
  }
  const double u0 = std::floor(umin), v0 = std::floor(vmin);
  const int wc = static_cast<int>(umax - u0) + 1, hc = static_cast<int>(vmax - v0) + 1;
  Plane c(wc, hc), valid(wc, hc);
  parallel_for(hc, threads, [&](int r0, int r1) {
    for (int j = r0; j < r1; ++j)
      for (int i = 0; i < wc; ++i) {
        const double u = u0 + i, v = v0 + j;
        const double x = m00 * u + m01 * v, yy = m10 * u + m11 * v;
        const bool inside = x >= 0 && yy >= 0 && x <= y.width - 1 && yy <= y.height - 1;
        const double xc = std::clamp(x, 0.0, y.width - 1.001), yc = std::clamp(yy, 0.0, y.height - 1.001);
        const int x0 = static_cast<int>(xc), y0 = static_cast<int>(yc);
        const float fx = static_cast<float>(xc - x0), fy = static_cast<float>(yc - y0);
        const int x1 = std::min(x0 + 1, y.width - 1), y1 = std::min(y0 + 1, y.height - 1);
        c.at(i, j) = (y.at(x0, y0) * (1 - fx) + y.at(x1, y0) * fx) * (1 - fy) + (y.at(x0, y1) * (1 - fx) + y.at(x1, y1) * fx) * fy;
        valid.at(i, j) = inside ? 1.0f : 0.0f;
      }
  });
  valid = erode(valid, 2, threads);
  const Plane r = normalised_residual(c, &valid, threads);
  Folded out{Plane(P, P), 0.0};
  Plane count(P, P);
  for (int j = 0; j < hc; ++j) {
    const float* rr = r.row(j);
    const float* vv = valid.row(j);
    float* ft = out.tile.row(j % P);
    float* ct = count.row(j % P);
    for (int i = 0; i < wc; ++i) {
      ft[i % P] += rr[i];
      ct[i % P] += vv[i];
    }
  }
  double total = 0;
  for (std::size_t k = 0; k < out.tile.px.size(); ++k) {
    out.tile.px[k] /= std::max(count.px[k], 1.0f);
    total += count.px[k];
  }
  out.coverage = total / (P * P);
  return out;
}

SyncResult sync_correlate(const Plane& folded, const std::vector<std::complex<float>>& sync_conj) {
  SyncResult best;
  best.z = -1e300;
  for (bool rot : {false, true}) {
    Plane t(P, P);
    for (int yy = 0; yy < P; ++yy)
      for (int x = 0; x < P; ++x) t.at(x, yy) = rot ? folded.at((P - x) % P, (P - yy) % P) : folded.at(x, yy);
    auto f = tile_fft(t);
    for (std::size_t k = 0; k < f.size(); ++k) f[k] *= sync_conj[k];
    fft2d(f, P, P, true, 1);
    double sum = 0, sum2 = 0, peak = -1e300;
    int arg = 0;
    for (std::size_t k = 0; k < f.size(); ++k) {
      const double v = f[k].real();
      sum += v, sum2 += v * v;
      if (v > peak) peak = v, arg = static_cast<int>(k);
    }
    const double n = double(f.size()), mean = sum / n, sd = std::sqrt(std::max(sum2 / n - mean * mean, 1e-30));
    const double z = (peak - mean) / sd;
    if (z > best.z) {
      best.z = z;
      best.dx = arg % P;
      best.dy = arg / P;
      best.rotated180 = rot;
      best.aligned = Plane(P, P);
      for (int yy = 0; yy < P; ++yy)
        for (int x = 0; x < P; ++x) best.aligned.at(x, yy) = t.at((x + best.dx) % P, (yy + best.dy) % P);
    }
  }
  return best;
}

Demodulated demodulate(const KeyMaterial& km, const Plane& aligned) {
  std::vector<float> cells(tm1::kCells * tm1::kCells, 0.0f);
  for (int yy = 0; yy < P; ++yy)
    for (int x = 0; x < P; ++x) cells[(yy / tm1::kCellPx) * tm1::kCells + x / tm1::kCellPx] += aligned.at(x, yy);
  std::vector<float> soft(tm1::kCodedBits, 0.0f);
  const auto& pc = km.payload_cells();
  const auto& pn = km.payload_pn();
  for (int i = 0; i < tm1::kPayloadCells; ++i) soft[KeyMaterial::coded_bit_of(i)] += cells[pc[i]] * pn[i];
  double s2 = 0;
  for (float v : soft) s2 += double(v) * v;
  const float inv = static_cast<float>(1.0 / (std::sqrt(s2 / soft.size()) + 1e-12));
  for (float& v : soft) v *= inv;
  const auto d = decode_payload(soft);
  return {d.user_bits, d.crc_ok};
}

}  // namespace tidemark::detail
