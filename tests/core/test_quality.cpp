#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "core/quality.hpp"

using namespace tidemark;

TEST(Quality, PsnrOfEqualImagesIsTheCap) {
  Image a(37, 5, 3, SampleType::U8);
  EXPECT_EQ(detail::psnr_db(a.view(), a.view(), 255.0), 100.0);
}

// Every colour sample one grey level off: MSE 1, PSNR 20 log10(255); alpha differences do not count.
TEST(Quality, PsnrCountsColourSamplesOnly) {
  Image a(33, 7, 4, SampleType::U8), b(33, 7, 4, SampleType::U8);
  for (std::size_t i = 0; i < b.bytes().size(); ++i) b.bytes()[i] = i % 4 == 3 ? 200 : 1;
  EXPECT_NEAR(detail::psnr_db(a.view(), b.view(), 255.0), 20 * std::log10(255.0), 1e-9);
}

// 16-bit planes with padded rows (as decoded video frames have): the padding is not read.
TEST(Quality, PsnrOfPaddedSixteenBitPlanes) {
  const int w = 19, h = 4, pitch_samples = 32;
  std::vector<std::uint16_t> a(pitch_samples * h, 500), b(pitch_samples * h, 500);
  for (int y = 0; y < h; ++y) {
    b[y * pitch_samples] = 510;                                       // one sample per row off by 10
    for (int x = w; x < pitch_samples; ++x) b[y * pitch_samples + x] = 0;  // padding differs
  }
  auto view = [&](std::vector<std::uint16_t>& p) {
    return ImageView{p.data(), w, h, pitch_samples * sizeof(std::uint16_t), 1, SampleType::U16};
  };
  const double mse = 100.0 / w;
  EXPECT_NEAR(detail::psnr_db(view(a), view(b), 1023.0), 10 * std::log10(1023.0 * 1023.0 / mse), 1e-9);
}
