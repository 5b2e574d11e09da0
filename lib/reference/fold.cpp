#include "fold.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <tuple>
#include <utility>

#include "../core/ecc.hpp"
#include "tidemark/shared/fold_ops.hpp"
#include "fft.hpp"
#include "filters.hpp"
#include "peak.hpp"
#include "simd.hpp"
#include "parallel.hpp"
#include "spectrum.hpp"

namespace tidemark::detail {
namespace {
constexpr int P = tm1::kTile;
static_assert(P == shared::kFoldTile);

std::vector<cfloat> tile_fft(const Plane& t) {
  std::vector<cfloat> a(t.px.begin(), t.px.end());
  fft2d(a, P, P, false, 1);
  return a;
}
}  // namespace

std::vector<std::complex<float>> sync_reference_spectrum(const KeyMaterial& km) {
  Plane s(P, P);
  s.px.assign(km.sync_reference().begin(), km.sync_reference().end());
  auto f = tile_fft(s);
  for (auto& v : f) v = std::conj(v);
  return f;
}

namespace {

using shared::fixed_add;
using shared::to_fixed;

// A tile pixel's running sum and weight side by side: one 8-byte read-modify-write per update
// instead of two 4-byte ones in arrays 64 KB apart (the fold was a fifth of an unmarked image's
// detection). The arithmetic, and so the result, is the same.
using SumWeight = float __attribute__((vector_size(8)));

// One row of the fold into `acc` (P x P pairs). Multiversioned (simd.hpp) like the other hot loops.
TM_SIMD_CLONES void fold_row(const float* row, int width, std::uint64_t u, std::uint64_t v, std::uint64_t du,
                             std::uint64_t dv, bool nearest, SumWeight* acc) {
  if (nearest) {
    // shared::fold_nearest_bin with the half-pixel move made once for the row.
    u = shared::nearest_origin(u), v = shared::nearest_origin(v);
    for (int x = 0; x < width; ++x) {
      acc[shared::fold_bin(u, v)] += SumWeight{row[x], 1.0f};
      u = fixed_add(u, du), v = fixed_add(v, dv);
    }
    return;
  }
  for (int x = 0; x < width; ++x) {
    const shared::FoldSplat sp = shared::fold_splat(u, v);
    const float val = row[x];
    for (int k = 0; k < 4; ++k) acc[sp.bin[k]] += SumWeight{sp.weight[k] * val, sp.weight[k]};
    u = fixed_add(u, du), v = fixed_add(v, dv);
  }
}

}  // namespace

Folded canonical_fold(const Plane& r, const Affine& a, int threads, bool nearest) {
  // Bands of rows summed apart, then added in order: as many bands whatever the thread count, so
  // that the fold (and every z after it) is the same to the last bit on any machine.
  constexpr int kMostParts = 16;
  const int parts = std::clamp(r.height / 64, 1, kMostParts);
  std::vector<std::vector<SumWeight>> sums(parts, std::vector<SumWeight>(P * P, SumWeight{0.0f, 0.0f}));
  const std::uint64_t du = to_fixed(a.a), dv = to_fixed(a.b);
  parallel_for(parts, std::min(resolve_threads(threads), parts), [&](int p0, int p1) {
    for (int part = p0; part < p1; ++part) {
      SumWeight* acc = sums[part].data();
      const int y0 = static_cast<int>(std::int64_t(r.height) * part / parts);
      const int y1 = static_cast<int>(std::int64_t(r.height) * (part + 1) / parts);
      // u = A^T (x, y) is linear in x along a row.
      for (int y = y0; y < y1; ++y) fold_row(r.row(y), r.width, to_fixed(a.c * y), to_fixed(a.d * y), du, dv, nearest, acc);
    }
  }, 1);
  Folded out{Plane(P, P, 0.0f), 0.0};
  double total = 0;
  for (int k = 0; k < P * P; ++k) {
    float s = 0, w = 0;
    for (int part = 0; part < parts; ++part) s += sums[part][k][0], w += sums[part][k][1];
    out.tile.px[k] = w > 0 ? s / w : 0.0f;
    total += w;
  }
  out.coverage = total / (P * P);
  return out;
}

namespace {

// The folded tile's spectrum flattened: each bin divided by the RMS magnitude of the 3 x 3 bins
// around it (wrap-around), that power floored by the tile's mean power; the mean removed.
// Why: what a photo leaves in the fold is far from white noise. Periodic structure (courses of
// bricks, text lines, fences) folds into a few strong bins, and blur or resampling leave the
// chips only in some bands; the plain correlation listens mostly to the strongest bins. Flattened,
// every band counts by its own noise. The floor keeps bands weaker than the average (where blur or
// compression left nothing of the chips) from being lifted into the correlation; without it,
// crops of a text page reached z 7.2 unmarked. Measured at the embedder's geometry on a 512 x 512
// brick wall blurred with sigma 2: z 10.7 at the true offset instead of 3.7 at a wrong one, and
// 15 % coded-bit errors in the per-cell sums instead of 29 %. A 7 x 7 neighbourhood, or dividing by
// the power instead of its square root, gained less.
std::vector<cfloat> flattened_spectrum(const Plane& folded) {
  std::vector<cfloat> f = tile_fft(folded);
  Plane power(P, P);
  for (std::size_t k = 0; k < f.size(); ++k) power.px[k] = std::norm(f[k]);
  const Plane local = box_mean_wrap(power, 1, 1);
  double mean = 0;
  for (float v : local.px) mean += v;
  const float floor_power = static_cast<float>(mean / double(local.px.size())) + 1e-30f;
  for (std::size_t k = 0; k < f.size(); ++k) f[k] *= 1.0f / std::sqrt(local.px[k] + floor_power);
  f[0] = 0.0f;
  return f;
}

Plane real_tile(std::vector<cfloat> spectrum) {
  fft2d(spectrum, P, P, true, 1);
  Plane t(P, P);
  for (std::size_t k = 0; k < spectrum.size(); ++k) t.px[k] = spectrum[k].real() / float(P * P);
  return t;
}

}  // namespace

SyncResult sync_correlate(const Plane& folded, const std::vector<std::complex<float>>& sync_conj, bool with_tiles) {
  const std::vector<cfloat> flat = flattened_spectrum(folded);
  // The tile turned by 180 degrees, t((P - x) % P, (P - y) % P), has the conjugate spectrum of a
  // real t; both correlations are real, so they travel as the real and imaginary parts of one
  // inverse transform: one forward and one inverse FFT instead of four.
  std::vector<cfloat> f(flat.size());
  for (std::size_t k = 0; k < f.size(); ++k) {
    const cfloat upright = flat[k] * sync_conj[k], turned = std::conj(flat[k]) * sync_conj[k];
    f[k] = upright + cfloat(0.0f, 1.0f) * turned;
  }
  fft2d(f, P, P, true, 1);
  // The peak is the surface's maximum; its z is taken against the mean and deviation of its parity
  // class of shifts (dx mod 2, dy mod 2) alone. Why: the sync chips are constant on 2 x 2 cells,
  // and so is any mark's tile. A mark made with another key, folded at the same scale, lines its
  // cells up with ours at one parity of the shift and only half or a quarter at the others, so
  // that class alone swings wider; one deviation for the whole surface under-normalised it.
  // Measured on 300 clean foreign-key tiles under the public key: maximum z 8.14 (15 above 7) with
  // one deviation, 5.02 by class. The location stays the surface's maximum: a blurred true peak
  // spreads into the neighbouring classes, and scoring each class alone could pick a neighbour.
  constexpr int C = tm1::kCellPx;
  SyncResult best;
  best.z = -1e300;
  for (bool rot : {false, true}) {
    auto value = [&](std::size_t k) { return double(rot ? f[k].imag() : f[k].real()); };
    std::array<double, C * C> sum{}, sum2{};
    double peak = -1e300;
    int arg = 0;
    for (int y = 0; y < P; ++y)
      for (int x = 0; x < P; ++x) {
        const std::size_t k = std::size_t(y) * P + x;
        const double v = value(k);
        const int c = (y % C) * C + x % C;
        sum[c] += v, sum2[c] += v * v;
        if (v > peak) peak = v, arg = static_cast<int>(k);
      }
    const int c = (arg / P % C) * C + arg % P % C;
    const double n = double(f.size()) / (C * C), mean = sum[c] / n;
    const double z = (peak - mean) / std::sqrt(std::max(sum2[c] / n - mean * mean, 1e-30));
    if (z <= best.z) continue;
    best.z = z;
    best.dx = arg % P;
    best.dy = arg / P;
    auto at = [&](int x, int y) { return value(std::size_t((y + P) % P) * P + (x + P) % P); };
    best.fx = parabolic_peak_offset(at(best.dx - 1, best.dy), peak, at(best.dx + 1, best.dy));
    best.fy = parabolic_peak_offset(at(best.dx, best.dy - 1), peak, at(best.dx, best.dy + 1));
    best.rotated180 = rot;
  }
  if (!with_tiles) return best;
  // Both tiles turned and shifted so that the sync chips sit at their home cells.
  auto align = [&](const Plane& tile) {
    Plane t(P, P), a(P, P);
    for (int yy = 0; yy < P; ++yy)
      for (int x = 0; x < P; ++x) t.at(x, yy) = best.rotated180 ? tile.at((P - x) % P, (P - yy) % P) : tile.at(x, yy);
    for (int yy = 0; yy < P; ++yy)
      for (int x = 0; x < P; ++x) a.at(x, yy) = t.at((x + best.dx) % P, (yy + best.dy) % P);
    return std::pair{std::move(t), std::move(a)};
  };
  std::tie(best.oriented, best.aligned) = align(real_tile(flat));
  best.aligned_plain = align(folded).second;
  return best;
}

Plane shift_tile(const Plane& t, double sx, double sy) {
  Plane out(P, P);
  const double bx = std::floor(sx), by = std::floor(sy);
  const float wx = static_cast<float>(sx - bx), wy = static_cast<float>(sy - by);
  const int ix = ((static_cast<int>(bx) % P) + P) % P, iy = ((static_cast<int>(by) % P) + P) % P;
  for (int y = 0; y < P; ++y) {
    const int y0 = (y + iy) % P, y1 = (y0 + 1) % P;
    for (int x = 0; x < P; ++x) {
      const int x0 = (x + ix) % P, x1 = (x0 + 1) % P;
      out.at(x, y) = (1 - wy) * ((1 - wx) * t.at(x0, y0) + wx * t.at(x1, y0)) + wy * ((1 - wx) * t.at(x0, y1) + wx * t.at(x1, y1));
    }
  }
  return out;
}

Demodulated demodulate(const KeyMaterial& km, const Plane& aligned, int list_paths) {
  std::vector<float> cells(tm1::kCells * tm1::kCells, 0.0f);
  for (int yy = 0; yy < P; ++yy)
    for (int x = 0; x < P; ++x) cells[(yy / tm1::kCellPx) * tm1::kCells + x / tm1::kCellPx] += aligned.at(x, yy);
  std::vector<float> soft(tm1::kCodedBits, 0.0f);
  const auto& pc = km.payload_cells();
  const auto& pn = km.payload_pn();
  for (int i = 0; i < tm1::kPayloadCells; ++i) soft[KeyMaterial::coded_bit_of(i)] += cells[pc[i]] * pn[i];
  return decode_soft(std::move(soft), list_paths);
}

Demodulated decode_soft(std::vector<float> soft, int list_paths) {
  double s2 = 0;
  for (float v : soft) s2 += double(v) * v;
  const float inv = static_cast<float>(1.0 / (std::sqrt(s2 / soft.size()) + 1e-12));
  for (float& v : soft) v *= inv;
  const auto d = decode_payload(soft, list_paths);
  return {d.user_bits, d.crc_ok, d.crc_tests, std::move(soft)};
}

}  // namespace tidemark::detail
