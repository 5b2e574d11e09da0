#include "spectrum.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "fft.hpp"
#include "filters.hpp"
#include "parallel.hpp"

namespace tidemark::detail {
namespace {
constexpr float kResidualSigma = 1.0f;
constexpr float kNormSigma = 4.0f;
constexpr int kWhitenRadius = 15;      // 31 x 31 bins: holds several tile-lattice points
constexpr float kSpectrumClip = 30.0f;
constexpr double kLowCut = 0.03;       // cycles/px: below this the host dominates
}  // namespace

Plane normalised_residual(const Plane& y, const Plane* valid, int threads) {
  Plane low = gaussian_blur(y, kResidualSigma, threads);
  Plane r(y.width, y.height), r2(y.width, y.height);
  for (std::size_t i = 0; i < r.px.size(); ++i) {
    r.px[i] = y.px[i] - low.px[i];
    r2.px[i] = r.px[i] * r.px[i];
  }
  Plane e = gaussian_blur(r2, kNormSigma, threads);
  for (std::size_t i = 0; i < r.px.size(); ++i) {
    float v = r.px[i] / (std::sqrt(e.px[i]) + 0.5f);
    r.px[i] = std::clamp(v, -3.0f, 3.0f) * (valid ? valid->px[i] : 1.0f);
  }
  return r;
}

Spectrum whitened_spectrum(const Plane& r, double grid_period, int threads) {
  const int W = fft_size_at_least(r.width), H = fft_size_at_least(r.height);
  std::vector<cfloat> a(std::size_t(W) * H, cfloat(0.0f, 0.0f));
  std::vector<float> hx(r.width), hy(r.height);
  for (int x = 0; x < r.width; ++x) hx[x] = 0.5f - 0.5f * std::cos(2 * std::numbers::pi_v<float> * x / std::max(1, r.width - 1));
  for (int y = 0; y < r.height; ++y) hy[y] = 0.5f - 0.5f * std::cos(2 * std::numbers::pi_v<float> * y / std::max(1, r.height - 1));
  for (int y = 0; y < r.height; ++y)
    for (int x = 0; x < r.width; ++x) a[std::size_t(y) * W + x] = r.at(x, y) * hx[x] * hy[y];
  fft2d(a, W, H, false, threads);

  // Magnitude, centred (fftshift).
  Plane mag(W, H), mag2(W, H);
  const int cx = W / 2, cy = H / 2;
  parallel_for(H, threads, [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      const int sy = (y + H - cy) % H;
      for (int x = 0; x < W; ++x) {
        float m = std::abs(a[std::size_t(sy) * W + (x + W - cx) % W]);
        mag.at(x, y) = m;
        mag2.at(x, y) = m * m;
      }
    }
  });
  Plane bg = box_mean_wrap(mag2, kWhitenRadius, threads);
  Spectrum s{Plane(W, H), Plane(W, H)};
  for (std::size_t i = 0; i < mag.px.size(); ++i) s.z.px[i] = mag.px[i] / (std::sqrt(bg.px[i]) + 1e-6f);

  for (int y = 0; y < H; ++y) {
    const double fy = double(y - cy) / H;
    for (int x = 0; x < W; ++x) {
      const double fx = double(x - cx) / W;
      if (fx * fx + fy * fy < kLowCut * kLowCut) s.z.at(x, y) = 0.0f;
    }
  }
  // JPEG block-grid harmonics (k / grid_period cycles/px) on both axes: cap at 1 (background).
  for (int k = -8; k <= 8; ++k) {
    const double f = k / grid_period;
    if (std::abs(f) > 0.5) continue;
    const int u = cx + static_cast<int>(std::lround(f * W)), v = cy + static_cast<int>(std::lround(f * H));
    for (int d = -1; d <= 1; ++d) {
      if (u + d >= 0 && u + d < W)
        for (int y = 0; y < H; ++y) s.z.at(u + d, y) = std::min(s.z.at(u + d, y), 1.0f);
      if (v + d >= 0 && v + d < H)
        for (int x = 0; x < W; ++x) s.z.at(x, v + d) = std::min(s.z.at(x, v + d), 1.0f);
    }
  }
  for (std::size_t i = 0; i < s.z.px.size(); ++i) s.log.px[i] = std::log1p(std::min(s.z.px[i], kSpectrumClip));
  return s;
}

}  // namespace tidemark::detail
