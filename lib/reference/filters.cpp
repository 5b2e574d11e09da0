#include "filters.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "parallel.hpp"
#include "simd.hpp"
#include "tidemark/shared/pixel_ops.hpp"

namespace tidemark::detail {
namespace {

using shared::reflect101;

}  // namespace

std::vector<float> gaussian_kernel(float sigma, int& radius) {
  radius = std::max(1, static_cast<int>(std::ceil(3.0f * sigma)));  // sigmas in use: 0.5, 0.75, 1, 2
  std::vector<float> k(2 * radius + 1);
  double sum = 0;
  for (int i = -radius; i <= radius; ++i) sum += k[i + radius] = static_cast<float>(std::exp(-0.5 * i * i / (sigma * sigma)));
  for (float& v : k) v = static_cast<float>(v / sum);
  return k;
}

namespace {

// Copies a row into `buf` with `r` reflected samples on each side.
void pad_row(const float* __restrict src, int w, int r, float* __restrict buf) {
  for (int i = 0; i < r; ++i) buf[i] = src[reflect101(i - r, w)];
  std::copy(src, src + w, buf + r);
  for (int i = 0; i < r; ++i) buf[r + w + i] = src[reflect101(w + i, w)];
}

// Fixed-radius passes: taps unrolled, accumulation in registers, one store per output. The sum
// runs over taps in index order, as the CUDA kernels do.
template <int R>
[[gnu::always_inline]] inline void convolve_row_body(const float* __restrict b, float* __restrict dst, int w, const float* k) {
  for (int x = 0; x < w; ++x) {
    float acc = 0.0f;
    for (int t = 0; t <= 2 * R; ++t) acc += k[t] * b[x + t];
    dst[x] = acc;
  }
}

template <int R>
[[gnu::always_inline]] inline void convolve_col_body(const float* const* rows, float* __restrict dst, int w, const float* k) {
  for (int x = 0; x < w; ++x) {
    float acc = 0.0f;
    for (int t = 0; t <= 2 * R; ++t) acc += k[t] * rows[t][x];
    dst[x] = acc;
  }
}

}  // namespace

// One multiversioned entry per radius (templates cannot carry target_clones).
#define TM_CONVOLVE_RADIUS(R)                                                                          \
  TM_SIMD_CLONES void convolve_row_r##R(const float* b, float* dst, int w, const float* k) {           \
    convolve_row_body<R>(b, dst, w, k);                                                                \
  }                                                                                                    \
  TM_SIMD_CLONES void convolve_col_r##R(const float* const* rows, float* dst, int w, const float* k) { \
    convolve_col_body<R>(rows, dst, w, k);                                                             \
  }
TM_CONVOLVE_RADIUS(2)
TM_CONVOLVE_RADIUS(3)
TM_CONVOLVE_RADIUS(6)
#undef TM_CONVOLVE_RADIUS

namespace {

using RowFn = void (*)(const float*, float*, int, const float*);
using ColFn = void (*)(const float* const*, float*, int, const float*);

template <int R>
void convolve_rows_fixed(const Plane& in, Plane& out, const float* k, RowFn row_fn, int threads) {
  parallel_for(in.height, threads, [&](int y0, int y1) {
    std::vector<float> buf(in.width + 2 * R);
    for (int y = y0; y < y1; ++y) {
      pad_row(in.row(y), in.width, R, buf.data());
      row_fn(buf.data(), out.row(y), in.width, k);
    }
  });
}

template <int R>
void convolve_cols_fixed(const Plane& in, Plane& out, const float* k, ColFn col_fn, int threads) {
  parallel_for(in.height, threads, [&](int y0, int y1) {
    const float* rows[2 * R + 1];
    for (int y = y0; y < y1; ++y) {
      for (int t = -R; t <= R; ++t) rows[t + R] = in.row(reflect101(y + t, in.height));
      col_fn(rows, out.row(y), in.width, k);
    }
  });
}

template <int R>
void separable_fixed(const Plane& in, Plane& tmp, Plane& out, const std::vector<float>& k, RowFn row_fn, ColFn col_fn,
                     int threads) {
  float taps[2 * R + 1];
  for (int i = 0; i <= 2 * R; ++i) taps[i] = k[i];
  convolve_rows_fixed<R>(in, tmp, taps, row_fn, threads);
  convolve_cols_fixed<R>(tmp, out, taps, col_fn, threads);
}

}  // namespace

Plane gaussian_blur(const Plane& in, float sigma, int threads) {
  int r;
  auto k = gaussian_kernel(sigma, r);
  Plane tmp(in.width, in.height), out(in.width, in.height);
  switch (r) {
    case 2: separable_fixed<2>(in, tmp, out, k, convolve_row_r2, convolve_col_r2, threads); break;
    case 3: separable_fixed<3>(in, tmp, out, k, convolve_row_r3, convolve_col_r3, threads); break;
    case 6: separable_fixed<6>(in, tmp, out, k, convolve_row_r6, convolve_col_r6, threads); break;
    default:
      throw std::invalid_argument("gaussian_blur: unsupported sigma");
  }
  return out;
}

namespace {
// d = min over the row's window of radius r, clipped at the ends (multiversioned: 8 floats a step).
TM_SIMD_CLONES void erode_row(const float* __restrict s, float* __restrict d, int w, int r) {
  for (int x = 0; x < w; ++x) d[x] = s[x];
  for (int t = 1; t <= r; ++t) {
    // Window clipped at the borders: shifted copies only where they exist.
    for (int x = 0; x + t < w; ++x) d[x] = std::min(d[x], s[x + t]);
    for (int x = t; x < w; ++x) d[x] = std::min(d[x], s[x - t]);
  }
}
TM_SIMD_CLONES void min_into(float* __restrict d, const float* __restrict s, int w) {
  for (int x = 0; x < w; ++x) d[x] = std::min(d[x], s[x]);
}
}  // namespace

Plane erode(const Plane& in, int r, int threads) {
  Plane tmp(in.width, in.height), out(in.width, in.height);
  const int w = in.width;
  parallel_for(in.height, threads, [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) erode_row(in.row(y), tmp.row(y), w, r);
  });
  parallel_for(in.height, threads, [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      float* d = out.row(y);
      std::copy(tmp.row(y), tmp.row(y) + w, d);
      for (int t = std::max(0, y - r); t <= std::min(in.height - 1, y + r); ++t) min_into(d, tmp.row(t), w);
    }
  });
  return out;
}

namespace {

// One output row of the sliding column mean, then the window moves down one row. Multiversioned
// (simd.hpp): the running sums are doubles, four to an AVX2 register instead of two.
TM_SIMD_CLONES void column_mean_step(double* __restrict acc, const float* __restrict enter, const float* __restrict leave,
                                     float norm, int w, float* __restrict out) {
  for (int x = 0; x < w; ++x) out[x] = static_cast<float>(acc[x]) * norm;
  for (int x = 0; x < w; ++x) acc[x] += double(enter[x]) - double(leave[x]);
}

// out(x, y) = norm * sum of in(x, row(t)) for t in [y - r, y + r], `row` mapping indices that fall
// outside the plane (reflect or wrap): a sliding window per thread's row range, which adds the
// entering row and drops the leaving one.
template <class RowMap>
void sliding_column_mean(const Plane& in, Plane& out, int r, float norm, RowMap row, int threads) {
  const int w = in.width;
  parallel_for(in.height, threads, [&](int y0, int y1) {
    std::vector<double> acc(w, 0.0);
    for (int t = y0 - r; t <= y0 + r; ++t) {
      const float* s = in.row(row(t));
      for (int x = 0; x < w; ++x) acc[x] += s[x];
    }
    for (int y = y0; y < y1; ++y) column_mean_step(acc.data(), in.row(row(y + r + 1)), in.row(row(y - r)), norm, w, out.row(y));
  });
}

}  // namespace

Plane box_blur(const Plane& in, int r, int passes, int threads) {
  const int w = in.width, h = in.height;
  const float norm = 1.0f / float(2 * r + 1);
  constexpr int kRows = 8;  // running sums of 8 rows side by side: independent dependency chains
  Plane a = in, b(w, h);
  for (int pass = 0; pass < passes; ++pass) {
    const int groups = (h + kRows - 1) / kRows;
    parallel_for(groups, threads, [&](int g0, int g1) {
      std::vector<float> buf(std::size_t(kRows) * (w + 2 * r));
      for (int g = g0; g < g1; ++g) {
        const int y0 = g * kRows, n = std::min(kRows, h - y0);
        for (int k = 0; k < n; ++k) pad_row(a.row(y0 + k), w, r, buf.data() + std::size_t(k) * (w + 2 * r));
        double acc[kRows] = {};
        for (int k = 0; k < n; ++k)
          for (int t = 0; t < 2 * r; ++t) acc[k] += buf[std::size_t(k) * (w + 2 * r) + t];
        for (int x = 0; x < w; ++x)
          for (int k = 0; k < n; ++k) {
            const float* bk = buf.data() + std::size_t(k) * (w + 2 * r);
            acc[k] += bk[x + 2 * r];
            b.at(x, y0 + k) = static_cast<float>(acc[k]) * norm;
            acc[k] -= bk[x];
          }
      }
    });
    sliding_column_mean(b, a, r, norm, [h](int i) { return reflect101(i, h); }, threads);
  }
  return a;
}

Plane box_mean_wrap(const Plane& in, int r, int threads) {
  const int w = in.width, h = in.height;
  const float norm = 1.0f / float((2 * r + 1) * (2 * r + 1));
  auto wrap = [](int i, int n) { return ((i % n) + n) % n; };
  Plane tmp(w, h), out(w, h);
  parallel_for(h, threads, [&](int y0, int y1) {
    std::vector<float> buf(w + 2 * r + 1);
    for (int y = y0; y < y1; ++y) {
      const float* s = in.row(y);
      if (r < w) {  // the row with r samples wrapped in on the left and r + 1 on the right
        std::copy(s + w - r, s + w, buf.begin());
        std::copy(s, s + w, buf.begin() + r);
        std::copy(s, s + r + 1, buf.begin() + r + w);
      } else {
        for (int i = 0; i < w + 2 * r + 1; ++i) buf[i] = s[wrap(i - r, w)];
      }
      float* d = tmp.row(y);
      double acc = 0;
      for (int t = 0; t < 2 * r; ++t) acc += buf[t];
      for (int x = 0; x < w; ++x) {
        acc += buf[x + 2 * r];
        d[x] = static_cast<float>(acc);
        acc -= buf[x];
      }
    }
  });
  sliding_column_mean(tmp, out, r, norm, [&wrap, h](int i) { return wrap(i, h); }, threads);
  return out;
}

namespace {
// The f x f block means of box_downsample; row_of(y, scratch) gives input row y, made in
// `scratch` (scratch_width floats per thread; 0 when the rows already exist).
template <class RowOf>
void downsample_rows(Plane& out, int f, int scratch_width, int threads, const RowOf& row_of) {
  const float norm = 1.0f / float(f * f);
  parallel_for(out.height, threads, [&](int y0, int y1) {
    std::vector<float> scratch(scratch_width);
    for (int y = y0; y < y1; ++y) {
      float* d = out.row(y);
      std::fill(d, d + out.width, 0.0f);
      for (int j = 0; j < f; ++j) {
        const float* s = row_of(y * f + j, scratch.data());
        for (int x = 0; x < out.width; ++x)
          for (int i = 0; i < f; ++i) d[x] += s[x * f + i];
      }
      for (int x = 0; x < out.width; ++x) d[x] *= norm;
    }
  });
}
}  // namespace

Plane box_downsample(const Plane& in, int f, int threads) {
  if (f <= 1) return in;
  Plane out(in.width / f, in.height / f);
  downsample_rows(out, f, 0, threads, [&](int y, float*) { return in.row(y); });
  return out;
}

template <class T>
[[gnu::always_inline]] inline void luma_row_body(const T* __restrict s, float* __restrict d, int width, int channels, float scale) {
  if (channels == 1) {
    for (int x = 0; x < width; ++x) d[x] = s[x] * scale;
  } else if (channels == 3) {
    for (int x = 0; x < width; ++x) d[x] = shared::luma601(s[3 * x], s[3 * x + 1], s[3 * x + 2]) * scale;
  } else {
    for (int x = 0; x < width; ++x) d[x] = shared::luma601(s[4 * x], s[4 * x + 1], s[4 * x + 2]) * scale;
  }
}
TM_SIMD_CLONES void luma_row_u8(const std::uint8_t* s, float* d, int width, int channels, float scale) {
  luma_row_body(s, d, width, channels, scale);
}
TM_SIMD_CLONES void luma_row_u16(const std::uint16_t* s, float* d, int width, int channels, float scale) {
  luma_row_body(s, d, width, channels, scale);
}

namespace {
void luminance_row(const ImageView& img, int y, float* out) {
  if (img.type == SampleType::U8) luma_row_u8(img.row<const std::uint8_t>(y), out, img.width, img.channels, 1.0f);
  else luma_row_u16(img.row<const std::uint16_t>(y), out, img.width, img.channels, 1.0f / 257.0f);
}
}  // namespace

Plane luminance(const ImageView& img, int threads) {
  Plane out(img.width, img.height);
  parallel_for(img.height, threads, [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) luminance_row(img, y, out.row(y));
  });
  return out;
}

Plane downsampled_luminance(const ImageView& image, int f, int threads) {
  if (f <= 1) return luminance(image, threads);
  Plane out(image.width / f, image.height / f);
  downsample_rows(out, f, image.width, threads, [&](int y, float* scratch) {
    luminance_row(image, y, scratch);
    return static_cast<const float*>(scratch);
  });
  return out;
}

namespace {
// shared::block_energy for the n half-resolution samples of a row whose 2 x 2 blocks are whole:
// the same sums in the same order, in a loop that vectorises.
TM_SIMD_CLONES void whole_block_energy_row(const float* __restrict y0, const float* __restrict low0,
                                           const float* __restrict y1, const float* __restrict low1,
                                           float* __restrict out, int n) {
  for (int i = 0; i < n; ++i) {
    const float a = y0[2 * i] - low0[2 * i], b = y0[2 * i + 1] - low0[2 * i + 1];
    const float c = y1[2 * i] - low1[2 * i], d = y1[2 * i + 1] - low1[2 * i + 1];
    float sum = 0.0f;
    sum += a * a;
    sum += b * b;
    sum += c * c;
    sum += d * d;
    out[i] = sum / 4;
  }
}

constexpr int kEnergyRowsPerStrip = 16;
}  // namespace

Plane highpass_block_energy(const ImageView& image, int threads) {
  const int w = image.width, h = image.height;
  constexpr int R = 3;  // gaussian_kernel(1.0)
  int radius;
  const std::vector<float> k = gaussian_kernel(1.0f, radius);
  float taps[2 * R + 1];
  std::copy(k.begin(), k.end(), taps);
  Plane energy((w + 1) / 2, (h + 1) / 2);
  const int strips = (energy.height + kEnergyRowsPerStrip - 1) / kEnergyRowsPerStrip;
  parallel_for(strips, threads, [&](int s0, int s1) {
    constexpr int kRows = 2 * kEnergyRowsPerStrip + 2 * R;
    std::vector<float> y(std::size_t(kRows) * w), blurred_rows(std::size_t(kRows) * w), low(2 * std::size_t(w)),
        padded(w + 2 * R);
    for (int s = s0; s < s1; ++s) {
      const int j0 = s * kEnergyRowsPerStrip, j1 = std::min(energy.height, j0 + kEnergyRowsPerStrip);
      const int r0 = 2 * j0, r1 = std::min(h, 2 * j1);
      // Every row the column pass reads: reflections at the borders land inside [first, last).
      const int first = std::max(0, r0 - R), last = std::min(h, r1 + R);
      auto y_row = [&](int r) { return y.data() + std::size_t(r - first) * w; };
      auto blurred = [&](int r) { return blurred_rows.data() + std::size_t(r - first) * w; };
      for (int r = first; r < last; ++r) {
        luminance_row(image, r, y_row(r));
        pad_row(y_row(r), w, R, padded.data());
        convolve_row_r3(padded.data(), blurred(r), w, taps);
      }
      for (int j = j0; j < j1; ++j) {
        const int pair = std::min(2, h - 2 * j);  // the block's rows: consecutive in both buffers
        for (int d = 0; d < pair; ++d) {
          const float* taps_rows[2 * R + 1];
          for (int t = -R; t <= R; ++t) taps_rows[t + R] = blurred(reflect101(2 * j + d + t, h));
          convolve_col_r3(taps_rows, low.data() + std::size_t(d) * w, w, taps);
        }
        int i = 0;
        if (pair == 2) {
          whole_block_energy_row(y_row(2 * j), low.data(), y_row(2 * j + 1), low.data() + w, energy.row(j), w / 2);
          i = w / 2;
        }
        for (; i < energy.width; ++i) energy.at(i, j) = shared::block_energy(y_row(2 * j), low.data(), w, pair, i, 0);
      }
    }
  });
  return energy;
}

}  // namespace tidemark::detail
