#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "reference/fft.hpp"

using namespace tidemark::detail;

TEST(Fft, SizesAreSmooth) {
  EXPECT_EQ(fft_size_at_least(1), 1);
  EXPECT_EQ(fft_size_at_least(7), 8);
  EXPECT_EQ(fft_size_at_least(1081), 1125);
  EXPECT_EQ(fft_size_at_least(1920), 1920);
  EXPECT_THROW(Fft(7), std::invalid_argument);
}

TEST(Fft, MatchesNaiveDftAndInverts) {
  std::mt19937 rng(5);
  std::normal_distribution<float> g;
  for (int n : {1, 2, 3, 4, 5, 6, 8, 9, 12, 15, 16, 25, 30, 45, 60, 64, 100, 120, 128, 243, 250, 384, 1080, 1920}) {
    std::vector<cfloat> x(n), y, work(n);
    for (auto& v : x) v = {g(rng), g(rng)};
    y = x;
    Fft(n).forward(y.data(), work.data());
    double err = 0, ref = 0;
    for (int k = 0; k < n; ++k) {
      std::complex<double> s = 0;
      for (int t = 0; t < n; ++t) s += std::complex<double>(x[t]) * std::polar(1.0, -2 * std::numbers::pi * k * t / n);
      err = std::max(err, std::abs(s - std::complex<double>(y[k])));
      ref = std::max(ref, std::abs(s));
    }
    EXPECT_LT(err, 1e-4 * std::max(ref, 1.0)) << "n=" << n;
    Fft(n).inverse(y.data(), work.data());
    for (int t = 0; t < n; ++t) EXPECT_NEAR(y[t].real() / n, x[t].real(), 1e-4) << "n=" << n;
  }
}

TEST(Fft, TwoDimensionalPeakAtPlaneWaveFrequency) {
  const int w = 60, h = 45;
  std::vector<cfloat> a(w * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) a[y * w + x] = std::polar(1.0f, float(2 * std::numbers::pi * (7.0 * x / w + 4.0 * y / h)));
  fft2d(a, w, h, false, 2);
  EXPECT_NEAR(std::abs(a[4 * w + 7]), w * h, 1e-2 * w * h);
  EXPECT_LT(std::abs(a[5 * w + 7]), 1e-2 * w * h);
}

TEST(Fft, LanesMatchSingleTransforms) {
  std::mt19937 rng(9);
  std::normal_distribution<float> g;
  for (int n : {1, 2, 3, 4, 5, 12, 60, 1080}) {
    constexpr int L = Fft::kLanes;
    std::vector<float> re(n * L), im(n * L), wr(n * L), wi(n * L);
    std::vector<std::vector<cfloat>> single(L, std::vector<cfloat>(n));
    for (int l = 0; l < L; ++l)
      for (int j = 0; j < n; ++j) {
        single[l][j] = {g(rng), g(rng)};
        re[j * L + l] = single[l][j].real(), im[j * L + l] = single[l][j].imag();
      }
    const Fft f(n);
    f.forward_lanes(re.data(), im.data(), wr.data(), wi.data());
    std::vector<cfloat> work(n);
    for (int l = 0; l < L; ++l) {
      f.forward(single[l].data(), work.data());
      for (int j = 0; j < n; ++j) {
        EXPECT_NEAR(re[j * L + l], single[l][j].real(), 1e-3f * std::sqrt(float(n))) << "n=" << n;
        EXPECT_NEAR(im[j * L + l], single[l][j].imag(), 1e-3f * std::sqrt(float(n))) << "n=" << n;
      }
    }
  }
}
