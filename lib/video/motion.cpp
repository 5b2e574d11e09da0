#include "motion.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>
#include <vector>

#include "../reference/fft.hpp"
#include "../reference/filters.hpp"
#include "../reference/parallel.hpp"
#include "../reference/plane.hpp"
#include "../reference/peak.hpp"

namespace tidemark::detail {
namespace {

constexpr int kBlock = 64;               // phase-correlation block side on the reduced plane
constexpr int kReducedShortSide = 360;   // reduce until the short side is about this
constexpr double kMinPeak = 0.06;        // normalised correlation peak of a trustworthy block
constexpr int kMinBlocks = 4;

struct BlockShift {
  double cx, cy;  // block centre, full-resolution continuous coordinates
  double dx, dy;  // displacement of the content, full-resolution pixels
  double weight;
};

const std::vector<float>& hann_window() {
  static const std::vector<float> w = [] {
    std::vector<float> v(kBlock * kBlock);
    for (int y = 0; y < kBlock; ++y)
      for (int x = 0; x < kBlock; ++x)
        v[y * kBlock + x] = static_cast<float>((0.5 - 0.5 * std::cos(2 * std::numbers::pi * (x + 0.5) / kBlock)) *
                                               (0.5 - 0.5 * std::cos(2 * std::numbers::pi * (y + 0.5) / kBlock)));
    return v;
  }();
  return w;
}

std::vector<cfloat> block_spectrum(const Plane& p, int x0, int y0) {
  const auto& w = hann_window();
  double mean = 0;
  for (int y = 0; y < kBlock; ++y)
    for (int x = 0; x < kBlock; ++x) mean += p.at(x0 + x, y0 + y);
  mean /= kBlock * kBlock;
  std::vector<cfloat> b(kBlock * kBlock);
  for (int y = 0; y < kBlock; ++y)
    for (int x = 0; x < kBlock; ++x)
      b[y * kBlock + x] = cfloat(static_cast<float>((p.at(x0 + x, y0 + y) - mean) * w[y * kBlock + x]), 0.0f);
  fft2d(b, kBlock, kBlock, false, 1);
  return b;
}

// Shift of a block against the same block of the previous frame, from their spectra (`prev` is
// used up), in reduced pixels, and the correlation peak height.
bool block_shift(std::vector<cfloat>& prev, const std::vector<cfloat>& cur, double& dx, double& dy, double& peak) {
  std::vector<cfloat>& a = prev;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const cfloat c = cur[i] * std::conj(a[i]);
    const float m = std::abs(c);
    a[i] = m > 1e-9f ? c / m : cfloat(0.0f, 0.0f);
  }
  fft2d(a, kBlock, kBlock, true, 1);
  int best = 0;
  for (int i = 1; i < kBlock * kBlock; ++i)
    if (a[i].real() > a[best].real()) best = i;
  const int bx = best % kBlock, by = best / kBlock;
  auto at = [&](int x, int y) { return double(a[((y + kBlock) % kBlock) * kBlock + (x + kBlock) % kBlock].real()); };
  const double c = at(bx, by);
  peak = c / (kBlock * kBlock);
  dx = (bx > kBlock / 2 ? bx - kBlock : bx) + parabolic_peak_offset(at(bx - 1, by), c, at(bx + 1, by));
  dy = (by > kBlock / 2 ? by - kBlock : by) + parabolic_peak_offset(at(bx, by - 1), c, at(bx, by + 1));
  return peak >= kMinPeak;
}

// Weighted least squares of d = (s - 1) c + t.
GlobalMotion fit(const std::vector<BlockShift>& v) {
  double sw = 0, mcx = 0, mcy = 0, mdx = 0, mdy = 0;
  for (const auto& b : v) sw += b.weight, mcx += b.weight * b.cx, mcy += b.weight * b.cy, mdx += b.weight * b.dx,
                          mdy += b.weight * b.dy;
  mcx /= sw, mcy /= sw, mdx /= sw, mdy /= sw;
  double num = 0, den = 0;
  for (const auto& b : v) {
    num += b.weight * ((b.cx - mcx) * (b.dx - mdx) + (b.cy - mcy) * (b.dy - mdy));
    den += b.weight * ((b.cx - mcx) * (b.cx - mcx) + (b.cy - mcy) * (b.cy - mcy));
  }
  const double a = den > 0 ? num / den : 0.0;
  return {1.0 + a, mdx - a * mcx, mdy - a * mcy, static_cast<int>(v.size())};
}

}  // namespace

std::optional<GlobalMotion> MotionEstimator::next(const ImageView& frame, int threads) {
  const int factor = std::max(1, std::min(frame.width, frame.height) / kReducedShortSide);
  const Plane cur = downsampled_luminance(frame, factor, threads);
  const bool comparable = !previous_spectra_.empty() && full_width_ == frame.width && full_height_ == frame.height;
  std::vector<std::vector<cfloat>> prev = std::move(previous_spectra_);
  previous_spectra_.clear();
  full_width_ = frame.width, full_height_ = frame.height;
  if (cur.width < 2 * kBlock || cur.height < 2 * kBlock) return std::nullopt;

  // Up to 5 x 4 blocks spread evenly, overlapping when the plane is small.
  const int nx = std::min(5, cur.width / kBlock), ny = std::min(4, cur.height / kBlock);
  auto origin = [&](int k) {
    const int i = k % nx, j = k / nx;
    return std::pair{nx == 1 ? 0 : i * (cur.width - kBlock) / (nx - 1), ny == 1 ? 0 : j * (cur.height - kBlock) / (ny - 1)};
  };
  struct Found {
    bool ok = false;
    double dx = 0, dy = 0, peak = 0;
  };
  std::vector<std::vector<cfloat>> spectra(nx * ny);
  std::vector<Found> found(nx * ny);
  parallel_for(nx * ny, threads, [&](int k0, int k1) {
    for (int k = k0; k < k1; ++k) {
      const auto [x0, y0] = origin(k);
      spectra[k] = block_spectrum(cur, x0, y0);
      if (comparable) found[k].ok = block_shift(prev[k], spectra[k], found[k].dx, found[k].dy, found[k].peak);
    }
  }, 1);
  previous_spectra_ = std::move(spectra);
  if (!comparable) return std::nullopt;
  std::vector<BlockShift> shifts;
  for (int k = 0; k < nx * ny; ++k) {
    if (!found[k].ok) continue;
    const auto [x0, y0] = origin(k);
    const Found& f = found[k];
    shifts.push_back({(x0 + kBlock / 2.0) * factor, (y0 + kBlock / 2.0) * factor, f.dx * factor, f.dy * factor, f.peak});
  }
  if (static_cast<int>(shifts.size()) < kMinBlocks) return std::nullopt;
  GlobalMotion m = fit(shifts);
  // One round of outlier rejection: blocks on independently moving objects, or matched wrongly.
  std::vector<BlockShift> kept;
  const double tolerance = 1.5 * factor;
  for (const auto& b : shifts) {
    const double ex = b.dx - ((m.scale - 1) * b.cx + m.tx), ey = b.dy - ((m.scale - 1) * b.cy + m.ty);
    if (std::hypot(ex, ey) <= tolerance) kept.push_back(b);
  }
  if (static_cast<int>(kept.size()) < kMinBlocks) return std::nullopt;
  return fit(kept);
}

}  // namespace tidemark::detail
