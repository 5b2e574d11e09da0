#include "fft.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

#include "parallel.hpp"
#include "simd.hpp"

namespace tidemark::detail {

int fft_size_at_least(int n) {
  for (int m = std::max(n, 1);; ++m) {
    int r = m;
    for (int p : {2, 3, 5})
      while (r % p == 0) r /= p;
    if (r == 1) return m;
  }
}

Fft::Fft(int n) : n_(n) {
  int r = n;
  while (r % 4 == 0) { radices_.push_back(4); r /= 4; }
  while (r % 2 == 0) { radices_.push_back(2); r /= 2; }
  while (r % 3 == 0) { radices_.push_back(3); r /= 3; }
  while (r % 5 == 0) { radices_.push_back(5); r /= 5; }
  if (r != 1 || n < 1) throw std::invalid_argument("FFT size must be 2^a 3^b 5^c");
  int ns = 1;
  for (int radix : radices_) {
    std::vector<cfloat> tw(std::size_t(ns) * (radix - 1));
    for (int k = 0; k < ns; ++k)
      for (int r = 1; r < radix; ++r) {
        const double a = -2.0 * std::numbers::pi * r * k / (double(ns) * radix);
        tw[std::size_t(k) * (radix - 1) + r - 1] = cfloat(static_cast<float>(std::cos(a)), static_cast<float>(std::sin(a)));
      }
    twiddles_.push_back(std::move(tw));
    ns *= radix;
  }
}

namespace {

// In-place small DFTs on v[0..R). `sign` is -1 forward, +1 inverse.
inline void dft2(cfloat* v) {
  cfloat a = v[0], b = v[1];
  v[0] = a + b;
  v[1] = a - b;
}
inline cfloat mul_i(cfloat z, float sign) { return {-sign * z.imag(), sign * z.real()}; }  // z * (sign i)
inline void dft4(cfloat* v, float sign) {
  cfloat a = v[0] + v[2], b = v[0] - v[2], c = v[1] + v[3], d = mul_i(v[1] - v[3], sign);
  v[0] = a + c;
  v[1] = b + d;
  v[2] = a - c;
  v[3] = b - d;
}
inline void dft3(cfloat* v, float sign) {
  const float c1 = -0.5f, s1 = sign * 0.86602540378443865f;
  cfloat t = v[1] + v[2], u = v[1] - v[2];
  cfloat m = v[0] + c1 * t;
  cfloat r = {-s1 * u.imag(), s1 * u.real()};
  v[0] = v[0] + t;
  v[1] = m + r;
  v[2] = m - r;
}
inline void dft5(cfloat* v, float sign) {
  const float c1 = 0.30901699437494742f, c2 = -0.80901699437494742f;
  const float s1 = sign * 0.95105651629515357f, s2 = sign * 0.58778525229247313f;
  cfloat t1 = v[1] + v[4], t2 = v[2] + v[3], t3 = v[1] - v[4], t4 = v[2] - v[3];
  cfloat a1 = v[0] + c1 * t1 + c2 * t2, a2 = v[0] + c2 * t1 + c1 * t2;
  cfloat b1 = s1 * t3 + s2 * t4, b2 = s2 * t3 - s1 * t4;
  cfloat jb1 = {-b1.imag(), b1.real()}, jb2 = {-b2.imag(), b2.real()};
  v[0] = v[0] + t1 + t2;
  v[1] = a1 + jb1;
  v[4] = a1 - jb1;
  v[2] = a2 + jb2;
  v[3] = a2 - jb2;
}

}  // namespace

// Complex product written out: std::complex's operator* guards against NaN/inf corner cases
// through a slow library call.
inline cfloat cmul(cfloat a, cfloat b) {
  return {a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real()};
}

void Fft::run(cfloat* data, cfloat* work, bool inverse) const {
  const int n = n_;
  const float sign = inverse ? 1.0f : -1.0f;
  cfloat* x = data;
  cfloat* y = work;
  int ns = 1;  // size of the sub-transforms already done
  for (std::size_t stage = 0; stage < radices_.size(); ++stage) {
    const int radix = radices_[stage];
    const int stride = n / radix;
    const cfloat* tw = twiddles_[stage].data();
    cfloat v[5];
    for (int g = 0; g < stride / ns; ++g) {
      for (int k = 0; k < ns; ++k) {
        const int j = g * ns + k;
        for (int r = 0; r < radix; ++r) v[r] = x[j + r * stride];
        if (k != 0) {
          const cfloat* t = tw + std::size_t(k) * (radix - 1);
          for (int r = 1; r < radix; ++r) v[r] = cmul(v[r], inverse ? std::conj(t[r - 1]) : t[r - 1]);
        }
        switch (radix) {
          case 2: dft2(v); break;
          case 3: dft3(v, sign); break;
          case 4: dft4(v, sign); break;
          default: dft5(v, sign); break;
        }
        const int out = g * ns * radix + k;
        for (int r = 0; r < radix; ++r) y[out + r * ns] = v[r];
      }
    }
    std::swap(x, y);
    ns *= radix;
  }
  if (x != data) std::copy(x, x + n, data);
}

namespace {

constexpr int L = Fft::kLanes;

// Radix-R butterflies over L lanes (forward transform).
[[gnu::always_inline]] inline void butterfly_lanes(int radix, float (*vr)[L], float (*vi)[L]) {
  switch (radix) {
    case 2:
      for (int l = 0; l < L; ++l) {
        const float ar = vr[0][l], ai = vi[0][l], br = vr[1][l], bi = vi[1][l];
        vr[0][l] = ar + br, vi[0][l] = ai + bi, vr[1][l] = ar - br, vi[1][l] = ai - bi;
      }
      break;
    case 4:
      for (int l = 0; l < L; ++l) {
        const float ar = vr[0][l] + vr[2][l], ai = vi[0][l] + vi[2][l];
        const float br = vr[0][l] - vr[2][l], bi = vi[0][l] - vi[2][l];
        const float cr = vr[1][l] + vr[3][l], ci = vi[1][l] + vi[3][l];
        // d = (v1 - v3) * (-i)
        const float dr = vi[1][l] - vi[3][l], di = -(vr[1][l] - vr[3][l]);
        vr[0][l] = ar + cr, vi[0][l] = ai + ci;
        vr[1][l] = br + dr, vi[1][l] = bi + di;
        vr[2][l] = ar - cr, vi[2][l] = ai - ci;
        vr[3][l] = br - dr, vi[3][l] = bi - di;
      }
      break;
    case 3:
      for (int l = 0; l < L; ++l) {
        const float s1 = -0.86602540378443865f;
        const float tr = vr[1][l] + vr[2][l], ti = vi[1][l] + vi[2][l];
        const float ur = vr[1][l] - vr[2][l], ui = vi[1][l] - vi[2][l];
        const float mr = vr[0][l] - 0.5f * tr, mi = vi[0][l] - 0.5f * ti;
        const float rr = -s1 * ui, ri = s1 * ur;
        vr[0][l] += tr, vi[0][l] += ti;
        vr[1][l] = mr + rr, vi[1][l] = mi + ri;
        vr[2][l] = mr - rr, vi[2][l] = mi - ri;
      }
      break;
    default:
      for (int l = 0; l < L; ++l) {
        const float c1 = 0.30901699437494742f, c2 = -0.80901699437494742f;
        const float s1 = -0.95105651629515357f, s2 = -0.58778525229247313f;
        const float t1r = vr[1][l] + vr[4][l], t1i = vi[1][l] + vi[4][l], t2r = vr[2][l] + vr[3][l], t2i = vi[2][l] + vi[3][l];
        const float t3r = vr[1][l] - vr[4][l], t3i = vi[1][l] - vi[4][l], t4r = vr[2][l] - vr[3][l], t4i = vi[2][l] - vi[3][l];
        const float a1r = vr[0][l] + c1 * t1r + c2 * t2r, a1i = vi[0][l] + c1 * t1i + c2 * t2i;
        const float a2r = vr[0][l] + c2 * t1r + c1 * t2r, a2i = vi[0][l] + c2 * t1i + c1 * t2i;
        const float b1r = s1 * t3r + s2 * t4r, b1i = s1 * t3i + s2 * t4i;
        const float b2r = s2 * t3r - s1 * t4r, b2i = s2 * t3i - s1 * t4i;
        vr[0][l] += t1r + t2r, vi[0][l] += t1i + t2i;
        vr[1][l] = a1r - b1i, vi[1][l] = a1i + b1r;
        vr[4][l] = a1r + b1i, vi[4][l] = a1i - b1r;
        vr[2][l] = a2r - b2i, vi[2][l] = a2i + b2r;
        vr[3][l] = a2r + b2i, vi[3][l] = a2i - b2r;
      }
      break;
  }
}

}  // namespace

TM_SIMD_CLONES void fft_forward_lanes(int n, const int* radices, int stages, const cfloat* const* twiddles, float* re,
                                      float* im, float* work_re, float* work_im) {
  float *xr = re, *xi = im, *yr = work_re, *yi = work_im;
  int ns = 1;
  for (int stage = 0; stage < stages; ++stage) {
    const int radix = radices[stage], stride = n / radix;
    const cfloat* tw = twiddles[stage];
    float vr[5][L], vi[5][L];
    for (int g = 0; g < stride / ns; ++g)
      for (int k = 0; k < ns; ++k) {
        const int j = g * ns + k;
        for (int r = 0; r < radix; ++r)
          for (int l = 0; l < L; ++l) vr[r][l] = xr[(j + r * stride) * L + l], vi[r][l] = xi[(j + r * stride) * L + l];
        if (k != 0)
          for (int r = 1; r < radix; ++r) {
            const float wr = tw[std::size_t(k) * (radix - 1) + r - 1].real(), wi = tw[std::size_t(k) * (radix - 1) + r - 1].imag();
            for (int l = 0; l < L; ++l) {
              const float a = vr[r][l], b = vi[r][l];
              vr[r][l] = a * wr - b * wi, vi[r][l] = a * wi + b * wr;
            }
          }
        butterfly_lanes(radix, vr, vi);
        const int out = g * ns * radix + k;
        for (int r = 0; r < radix; ++r)
          for (int l = 0; l < L; ++l) yr[(out + r * ns) * L + l] = vr[r][l], yi[(out + r * ns) * L + l] = vi[r][l];
      }
    std::swap(xr, yr), std::swap(xi, yi);
    ns *= radix;
  }
  if (xr != re) {
    std::copy(xr, xr + std::size_t(n) * L, re);
    std::copy(xi, xi + std::size_t(n) * L, im);
  }
}

void Fft::forward_lanes(float* re, float* im, float* work_re, float* work_im) const {
  std::vector<const cfloat*> tw(twiddles_.size());
  for (std::size_t i = 0; i < tw.size(); ++i) tw[i] = twiddles_[i].data();
  fft_forward_lanes(n_, radices_.data(), static_cast<int>(radices_.size()), tw.data(), re, im, work_re, work_im);
}

void fft2d(std::vector<cfloat>& a, int w, int h, bool inverse, int threads) {
  // Inverse through the forward transform: ifft(x) = conj(fft(conj(x))), unnormalised.
  if (inverse)
    for (auto& v : a) v = std::conj(v);
  const Fft rows(w), cols(h);
  // Rows, then columns, Fft::kLanes transforms at a time in split layout.
  auto pass = [&](const Fft& f, int count, auto index) {
    parallel_for((count + L - 1) / L, threads, [&](int g0, int g1) {
      const int n = f.size();
      std::vector<float> re(std::size_t(n) * L), im(re.size()), wre(re.size()), wim(re.size());
      for (int g = g0; g < g1; ++g) {
        const int first = g * L, lanes = std::min(L, count - first);
        for (int j = 0; j < n; ++j)
          for (int l = 0; l < L; ++l) {
            const cfloat v = l < lanes ? a[index(first + l, j)] : cfloat(0.0f, 0.0f);
            re[std::size_t(j) * L + l] = v.real(), im[std::size_t(j) * L + l] = v.imag();
          }
        f.forward_lanes(re.data(), im.data(), wre.data(), wim.data());
        for (int j = 0; j < n; ++j)
          for (int l = 0; l < lanes; ++l) a[index(first + l, j)] = cfloat(re[std::size_t(j) * L + l], im[std::size_t(j) * L + l]);
      }
    });
  };
  pass(rows, h, [w](int row, int j) { return std::size_t(row) * w + j; });
  pass(cols, w, [w](int col, int j) { return std::size_t(j) * w + col; });
  if (inverse)
    for (auto& v : a) v = std::conj(v);
}

}  // namespace tidemark::detail
