#include "spectrum.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numbers>

#include "fft.hpp"
#include "filters.hpp"
#include "parallel.hpp"
#include "simd.hpp"
#include "tidemark/shared/spectrum_ops.hpp"

namespace tidemark::detail {
namespace {
constexpr int kNormRadius = 4;
// |FFT| of the windowed, zero-padded real plane, centred (DC at W/2, H/2). Two real rows go
// through one complex transform, and only the W/2 + 1 non-redundant columns are transformed.
Plane real_fft_magnitude(const Plane& r, const std::vector<float>& hx, const std::vector<float>& hy, int W, int H,
                         int threads) {
  const int half = W / 2 + 1;
  std::vector<cfloat> spec(std::size_t(H) * half, cfloat(0.0f, 0.0f));  // rows of the half spectrum
  const Fft rows(W), cols(H);
  // Rows: two real rows per complex transform (real and imaginary parts), Fft::kLanes transforms
  // at a time.
  constexpr int kLanes = Fft::kLanes;
  const int pairs = (r.height + 1) / 2;
  parallel_for((pairs + kLanes - 1) / kLanes, threads, [&](int g0, int g1) {
    std::vector<float> re(std::size_t(W) * kLanes), im(re.size()), wre(re.size()), wim(re.size());
    for (int grp = g0; grp < g1; ++grp) {
      std::fill(re.begin(), re.end(), 0.0f);
      std::fill(im.begin(), im.end(), 0.0f);
      for (int l = 0; l < kLanes; ++l) {
        const int p = grp * kLanes + l, ya = 2 * p, yb = 2 * p + 1;
        if (p >= pairs) break;
        for (int x = 0; x < r.width; ++x) {
          re[std::size_t(x) * kLanes + l] = r.at(x, ya) * hx[x] * hy[ya];
          im[std::size_t(x) * kLanes + l] = yb < r.height ? r.at(x, yb) * hx[x] * hy[yb] : 0.0f;
        }
      }
      rows.forward_lanes(re.data(), im.data(), wre.data(), wim.data());
      for (int l = 0; l < kLanes; ++l) {
        const int p = grp * kLanes + l, ya = 2 * p, yb = 2 * p + 1;
        if (p >= pairs) break;
        for (int k = 0; k < half; ++k) {
          const int kn = (W - k) % W;
          const cfloat zk(re[std::size_t(k) * kLanes + l], im[std::size_t(k) * kLanes + l]);
          const cfloat zn(re[std::size_t(kn) * kLanes + l], -im[std::size_t(kn) * kLanes + l]);
          spec[std::size_t(ya) * half + k] = 0.5f * (zk + zn);
          if (yb < H) spec[std::size_t(yb) * half + k] = cfloat(0.0f, -0.5f) * (zk - zn);
        }
      }
    }
  }, /*grain=*/1);  // each item is kLanes transforms
  // Columns, Fft::kLanes at a time in split layout.
  constexpr int kBlock = Fft::kLanes;
  parallel_for((half + kBlock - 1) / kBlock, threads, [&](int b0, int b1) {
    std::vector<float> re(std::size_t(H) * kBlock), im(re.size()), wre(re.size()), wim(re.size());
    for (int b = b0; b < b1; ++b) {
      const int x0 = b * kBlock, nx = std::min(kBlock, half - x0);
      for (int y = 0; y < H; ++y)
        for (int i = 0; i < kBlock; ++i) {
          const cfloat v = i < nx ? spec[std::size_t(y) * half + x0 + i] : cfloat(0.0f, 0.0f);
          re[std::size_t(y) * kBlock + i] = v.real(), im[std::size_t(y) * kBlock + i] = v.imag();
        }
      cols.forward_lanes(re.data(), im.data(), wre.data(), wim.data());
      for (int y = 0; y < H; ++y)
        for (int i = 0; i < nx; ++i)
          spec[std::size_t(y) * half + x0 + i] = cfloat(re[std::size_t(y) * kBlock + i], im[std::size_t(y) * kBlock + i]);
    }
  }, /*grain=*/1);  // each item is kLanes transforms
  Plane mag(W, H);
  const int cx = W / 2, cy = H / 2;
  parallel_for(H, threads, [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      const int ky = (y - cy + H) % H;
      for (int x = 0; x < W; ++x) {
        const int kx = (x - cx + W) % W;
        // Hermitian symmetry: F(-k) = conj F(k) for real input.
        const cfloat f = kx < half ? spec[std::size_t(ky) * half + kx] : spec[std::size_t((H - ky) % H) * half + (W - kx)];
        mag.at(x, y) = std::sqrt(f.real() * f.real() + f.imag() * f.imag());
      }
    }
  });
  return mag;
}

// One row of the whitened spectrum (`z`) and its log, with the per-bin formulas of the CUDA
// kernel (shared::whitened, log1p_clipped), in simple passes that vectorise: the fused per-bin
// loop did not (9 % of an unmarked detection's instructions). Multiversioned (simd.hpp).
TM_SIMD_CLONES void whiten_row(const float* mag, const float* background, const std::vector<int>& grid_columns,
                               bool grid_row, double fy, int W, float* z, float* log) {
  for (int x = 0; x < W; ++x) z[x] = shared::over_background(mag[x], background[x]);
  // The low cut is a disc around DC: only rows within it, and only the columns around it.
  const int cx = W / 2;
  if (std::abs(fy) < kLowCut) {
    const int reach = static_cast<int>(kLowCut * W) + 1;
    for (int x = std::max(0, cx - reach); x < std::min(W, cx + reach + 1); ++x)
      if (shared::below_low_cut(double(x - cx) / W, fy, kLowCut)) z[x] = 0.0f;
  }
  if (grid_row)
    for (int x = 0; x < W; ++x) z[x] = std::min(z[x], 1.0f);
  else
    for (int x : grid_columns) z[x] = std::min(z[x], 1.0f);
  for (int x = 0; x < W; ++x) log[x] = std::min(z[x], shared::kSpectrumClip);
  for (int x = 0; x < W; ++x) log[x] = shared::log1p_clipped(log[x]);
}

}  // namespace

Plane normalised_residual(const Plane& y, float sigma, int threads) {
  Plane low = gaussian_blur(y, sigma, threads);
  Plane r(y.width, y.height), r2(y.width, y.height);
  const std::size_t w = static_cast<std::size_t>(y.width);
  parallel_for(y.height, threads, [&](int y0, int y1) {
    for (std::size_t i = y0 * w; i < y1 * w; ++i) {
      r.px[i] = y.px[i] - low.px[i];
      r2.px[i] = r.px[i] * r.px[i];
    }
  });
  const Plane e = box_blur(r2, kNormRadius, 2, threads);
  // max(0, e): the running sums of the box filter can leave tiny negative values.
  parallel_for(y.height, threads, [&](int y0, int y1) {
    for (std::size_t i = y0 * w; i < y1 * w; ++i)
      r.px[i] = std::clamp(r.px[i] / (std::sqrt(std::max(e.px[i], 0.0f)) + 0.5f), -3.0f, 3.0f);
  });
  return r;
}

std::vector<float> hann_window(int n) {
  std::vector<float> h(n);
  for (int x = 0; x < n; ++x) h[x] = 0.5f - 0.5f * std::cos(2 * std::numbers::pi_v<float> * x / std::max(1, n - 1));
  return h;
}

GridLines jpeg_grid_lines(double grid_period, int W, int H) {
  GridLines g{std::vector<unsigned char>(W, 0), std::vector<unsigned char>(H, 0)};
  const int cx = W / 2, cy = H / 2;
  for (int k = -8; k <= 8; ++k) {
    const double f = k / grid_period;
    if (std::abs(f) > 0.5) continue;
    const int u = cx + static_cast<int>(std::lround(f * W)), v = cy + static_cast<int>(std::lround(f * H));
    for (int d = -1; d <= 1; ++d) {
      if (u + d >= 0 && u + d < W) g.columns[u + d] = 1;
      if (v + d >= 0 && v + d < H) g.rows[v + d] = 1;
    }
  }
  return g;
}

Spectrum whitened_spectrum(const Plane& r, double grid_period, int threads) {
  const int W = fft_size_at_least(r.width), H = fft_size_at_least(r.height);
  const std::vector<float> hx = hann_window(r.width), hy = hann_window(r.height);
  const Plane mag = real_fft_magnitude(r, hx, hy, W, H, threads);
  Plane mag2(W, H);
  parallel_for(H, threads, [&](int y0, int y1) {
    for (std::size_t i = std::size_t(y0) * W; i < std::size_t(y1) * W; ++i) mag2.px[i] = mag.px[i] * mag.px[i];
  });
  const int cy = H / 2;
  Plane bg = box_mean_wrap(mag2, kWhitenRadius, threads);
  Spectrum s{Plane(W, H), Plane(W, H)};
  // JPEG block-grid harmonics (k / grid_period cycles/px) on both axes: capped at 1 (background).
  const GridLines grid = jpeg_grid_lines(grid_period, W, H);
  std::vector<int> grid_columns;
  for (int x = 0; x < W; ++x)
    if (grid.columns[x]) grid_columns.push_back(x);
  parallel_for(H, threads, [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y)
      whiten_row(mag.row(y), bg.row(y), grid_columns, grid.rows[y] != 0, double(y - cy) / H, W, s.z.row(y), s.log.row(y));
  });
  return s;
}

}  // namespace tidemark::detail
