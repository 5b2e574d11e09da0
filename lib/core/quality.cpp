#include "quality.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace tidemark::detail {
namespace {

// Sum of squared differences, exact in integers per chunk of a row (16384 squared 8-bit
// differences fit 32 bits; 16-bit ones need 64) so the inner loop vectorises.
template <class T, class Acc>
double squared_error(const ImageView& a, const ImageView& b) {
  const int channels = a.channels;
  const bool alpha = channels == 4;
  const std::size_t n = std::size_t(a.width) * channels;
  double total = 0;
  for (int y = 0; y < a.height; ++y) {
    const T* pa = a.row<const T>(y);
    const T* pb = b.row<const T>(y);
    for (std::size_t i = 0; i < n; i += 16384) {
      const std::size_t end = std::min(n, i + 16384);
      Acc chunk = 0;
      for (std::size_t j = i; j < end; ++j) {
        const Acc d = alpha && j % 4 == 3 ? 0 : Acc(pa[j]) - Acc(pb[j]);
        chunk += d * d;
      }
      total += double(chunk);
    }
  }
  return total;
}

}  // namespace

double psnr_db(const ImageView& a, const ImageView& b, double peak) {
  const double se = a.type == SampleType::U8 ? squared_error<std::uint8_t, std::int32_t>(a, b)
                                             : squared_error<std::uint16_t, std::int64_t>(a, b);
  const double samples = double(a.width) * a.height * (a.channels == 4 ? 3 : a.channels);
  if (se <= 0 || samples <= 0) return 100.0;
  return std::min(100.0, 10 * std::log10(peak * peak * samples / se));
}

}  // namespace tidemark::detail
