#include "motion.hpp"

#include <algorithm>
#include <array>
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
// The Gauss-Newton alignment after the block fit.
constexpr int kRefineSteps = 6;
constexpr int kRefineStride = 2;         // every other pixel of every other row: plenty of equations
constexpr int kRefineBands = 16;         // runs of points summed apart then in order: the same sums on
                                         // any number of threads, so the geometry does not depend on it
constexpr double kHuber = 6.0;           // grey levels: pixels that differ more (objects moving on
                                         // their own, noise) pull less
constexpr double kMaxRefinement = 1.5;   // reduced pixels: a refinement that moves the fit further
                                         // than the blocks' error has found something else
constexpr float kRefineSigma = 1.0f;     // reduced pixels: the planes are smoothed for the alignment
constexpr double kConverged = 0.01;      // reduced pixels

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
    const float m = std::sqrt(std::norm(c));  // std::abs is hypotf: overflow-safe, and several times slower
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

// Bilinear sample at index coordinates (pixel centres at integers), 0 <= u < w - 1, 0 <= v < h - 1.
float bilinear(const Plane& p, float u, float v) {
  const int x = static_cast<int>(u), y = static_cast<int>(v);
  const float fx = u - x, fy = v - y;
  const float* r0 = p.row(y) + x;
  const float* r1 = r0 + p.width;
  return (1 - fy) * ((1 - fx) * r0[0] + fx * r0[1]) + fy * ((1 - fx) * r1[0] + fx * r1[1]);
}

// A pixel of the previous plane that takes part in the alignment: its position relative to the
// plane's centre, its value and its gradient.
struct AlignmentPoint {
  float x, y, qx, qy, value, gx, gy;
};

// Every kRefineStride-th pixel of every kRefineStride-th row, inside the border.
std::vector<AlignmentPoint> alignment_points(const Plane& p) {
  std::vector<AlignmentPoint> points;
  points.reserve(std::size_t(p.width / kRefineStride + 1) * (p.height / kRefineStride + 1));
  const float cx = p.width / 2.0f, cy = p.height / 2.0f;
  for (int y = kRefineStride; y + 1 < p.height; y += kRefineStride)
    for (int x = kRefineStride; x + 1 < p.width; x += kRefineStride) {
      const float gx = 0.5f * (p.at(x + 1, y) - p.at(x - 1, y)), gy = 0.5f * (p.at(x, y + 1) - p.at(x, y - 1));
      if (gx == 0 && gy == 0) continue;  // says nothing about the motion
      points.push_back({float(x), float(y), x + 0.5f - cx, y + 0.5f - cy, p.at(x, y), gx, gy});
    }
  return points;
}

// Aligns the reduced planes: minimises the Huber-weighted sum over `prev`'s pixels X of
// (cur(X + a (X - c) + d) - prev(X))^2 from the block fit `m` (full-resolution X' = s X + t). The
// blocks' peaks are biased by their parabolic interpolation and by the motion inside each block;
// the whole plane pins the fit to about a tenth of a full-resolution pixel. Gauss-Newton with the
// previous plane's gradients standing in for the warped current plane's (they agree once the
// planes are aligned, and are computed once). `m` unchanged when the planes do not constrain all
// three parameters or the steps wander off.
GlobalMotion refine(const Plane& prev, const Plane& cur, const GlobalMotion& m, int factor, int threads) {
  const double cx = cur.width / 2.0, cy = cur.height / 2.0, reach = std::max(cx, cy);
  double a = m.scale - 1, dx = m.tx / factor + a * cx, dy = m.ty / factor + a * cy;
  const double a0 = a, dx0 = dx, dy0 = dy;
  const std::vector<AlignmentPoint> points = alignment_points(prev);
  const int n = static_cast<int>(points.size());
  for (int step = 0; step < kRefineSteps; ++step) {
    // Sums of the normal equations, in the scale's unit of pixels at the plane's edge so that the
    // determinant test compares like with like: H00 H01 H02 H11 H12 H22 b0 b1 b2.
    std::array<std::array<double, 9>, kRefineBands> bands{};
    const float fa = static_cast<float>(a), fdx = static_cast<float>(dx), fdy = static_cast<float>(dy);
    const float freach = static_cast<float>(reach);
    parallel_for(kRefineBands, threads, [&](int k0, int k1) {
      for (int k = k0; k < k1; ++k) {
        auto& s = bands[k];
        for (int i = k * n / kRefineBands; i < (k + 1) * n / kRefineBands; ++i) {
          const AlignmentPoint& p = points[i];
          const float u = p.x + fa * p.qx + fdx, v = p.y + fa * p.qy + fdy;
          if (!(u >= 0 && u < cur.width - 1 && v >= 0 && v < cur.height - 1)) continue;
          const float r = bilinear(cur, u, v) - p.value;
          const float w = std::abs(r) <= kHuber ? 1.0f : float(kHuber) / std::abs(r);
          const float js = (p.gx * p.qx + p.gy * p.qy) / freach;
          s[0] += w * js * js, s[1] += w * js * p.gx, s[2] += w * js * p.gy;
          s[3] += w * p.gx * p.gx, s[4] += w * p.gx * p.gy, s[5] += w * p.gy * p.gy;
          s[6] += w * js * r, s[7] += w * p.gx * r, s[8] += w * p.gy * r;
        }
      }
    }, 1);
    std::array<double, 9> t{};
    for (const auto& s : bands)
      for (int i = 0; i < 9; ++i) t[i] += s[i];
    // Solve H delta = -b (H symmetric 3 x 3) by Cramer's rule.
    const double h00 = t[0], h01 = t[1], h02 = t[2], h11 = t[3], h12 = t[4], h22 = t[5];
    const double b0 = -t[6], b1 = -t[7], b2 = -t[8];
    const double c00 = h11 * h22 - h12 * h12, c01 = h02 * h12 - h01 * h22, c02 = h01 * h12 - h02 * h11;
    const double det = h00 * c00 + h01 * c01 + h02 * c02, trace = h00 + h11 + h22;
    if (!(det > 1e-9 * trace * trace * trace)) return m;
    const double c11 = h00 * h22 - h02 * h02, c12 = h01 * h02 - h00 * h12, c22 = h00 * h11 - h01 * h01;
    const double ds = (c00 * b0 + c01 * b1 + c02 * b2) / det;  // scale change, as pixels at the edge
    const double du = (c01 * b0 + c11 * b1 + c12 * b2) / det;
    const double dv = (c02 * b0 + c12 * b1 + c22 * b2) / det;
    a += ds / reach, dx += du, dy += dv;
    if (std::abs(dx - dx0) > kMaxRefinement || std::abs(dy - dy0) > kMaxRefinement ||
        std::abs(a - a0) * reach > kMaxRefinement)
      return m;
    if (std::max({std::abs(ds), std::abs(du), std::abs(dv)}) < kConverged) break;
  }
  return {1 + a, factor * (dx - a * cx), factor * (dy - a * cy), m.blocks_used};
}

}  // namespace

std::optional<GlobalMotion> MotionEstimator::next(const ImageView& frame, int threads) {
  const int factor = std::max(1, std::min(frame.width, frame.height) / kReducedShortSide);
  const Plane cur = downsampled_luminance(frame, factor, threads);
  const bool comparable = !previous_spectra_.empty() && full_width_ == frame.width && full_height_ == frame.height;
  const Plane smooth = gaussian_blur(cur, kRefineSigma, threads);
  const Plane previous = std::exchange(previous_plane_, smooth);
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
  return refine(previous, smooth, fit(kept), factor, threads);
}

}  // namespace tidemark::detail
