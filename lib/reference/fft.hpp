#pragma once
// Mixed-radix (2, 3, 4, 5) complex FFT, Stockham autosort, for sizes 2^a 3^b 5^c. The core must
// build with a compiler alone, so it carries this small FFT; spectra are padded to such sizes.
#include <complex>
#include <vector>

namespace tidemark::detail {

using cfloat = std::complex<float>;

// Smallest 2^a 3^b 5^c that is >= n.
int fft_size_at_least(int n);

class Fft {
 public:
  explicit Fft(int n);  // throws unless n is 2^a 3^b 5^c
  int size() const { return n_; }
  // In place; `work` must hold size() elements. Inverse is unnormalised.
  void forward(cfloat* data, cfloat* work) const { run(data, work, false); }
  void inverse(cfloat* data, cfloat* work) const { run(data, work, true); }
  // kLanes transforms at once, forward, in place. Split layout: element j of transform l is
  // re[j * kLanes + l], im[j * kLanes + l]; work arrays hold size() * kLanes floats each.
  // The lane loops vectorise, which the single transform's complex arithmetic does not.
  static constexpr int kLanes = 8;
  void forward_lanes(float* re, float* im, float* work_re, float* work_im) const;

 private:
  void run(cfloat* data, cfloat* work, bool inverse) const;
  int n_;
  std::vector<int> radices_;
  // Per stage, twiddles w^(r k) for k < ns, r = 1..radix-1, laid out [k][r-1].
  std::vector<std::vector<cfloat>> twiddles_;
};

// 2-D transform of a row-major height x width array, in place.
void fft2d(std::vector<cfloat>& data, int width, int height, bool inverse, int threads);

}  // namespace tidemark::detail
