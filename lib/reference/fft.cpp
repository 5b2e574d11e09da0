#include "fft.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

#include "parallel.hpp"

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

void fft2d(std::vector<cfloat>& a, int w, int h, bool inverse, int threads) {
  const Fft rows(w), cols(h);
  parallel_for(h, threads, [&](int y0, int y1) {
    std::vector<cfloat> work(w);
    for (int y = y0; y < y1; ++y) {
      if (inverse) rows.inverse(a.data() + std::size_t(y) * w, work.data());
      else rows.forward(a.data() + std::size_t(y) * w, work.data());
    }
  });
  // Columns in blocks of 8 so each gathered cache line is used 8 times.
  constexpr int kBlock = 8;
  const int blocks = (w + kBlock - 1) / kBlock;
  parallel_for(blocks, threads, [&](int b0, int b1) {
    std::vector<cfloat> col(std::size_t(h) * kBlock), work(h);
    for (int b = b0; b < b1; ++b) {
      const int x0 = b * kBlock, nx = std::min(kBlock, w - x0);
      for (int y = 0; y < h; ++y)
        for (int i = 0; i < nx; ++i) col[std::size_t(i) * h + y] = a[std::size_t(y) * w + x0 + i];
      for (int i = 0; i < nx; ++i) {
        if (inverse) cols.inverse(col.data() + std::size_t(i) * h, work.data());
        else cols.forward(col.data() + std::size_t(i) * h, work.data());
      }
      for (int y = 0; y < h; ++y)
        for (int i = 0; i < nx; ++i) a[std::size_t(y) * w + x0 + i] = col[std::size_t(i) * h + y];
    }
  });
}

}  // namespace tidemark::detail
