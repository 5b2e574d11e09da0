#pragma once
// The 8 x 8 DCT of JPEG (orthonormal DCT-II), in float, and its quantisation. Blocks are
// row-major: sample (x, y) at 8y + x, coefficient (u, v) (horizontal, vertical frequency) at
// 8v + u, as in a libjpeg JBLOCK; quantisation steps in the same order.
#include <cstdint>

namespace tidemark::io {

void forward_dct_8x8(const float* samples, float* coefficients);
void inverse_dct_8x8(const float* coefficients, float* samples);

// Samples (level shift not undone) of a block of quantised coefficients.
void dequantise_inverse_8x8(const std::int16_t* quantised, const float* steps, float* samples);

// Energy of a change and of what quantisation wrote of it, and their product.
struct QuantisedChange {
  double intended = 0, written = 0, cross = 0;
  QuantisedChange& operator+=(const QuantisedChange& o) {
    intended += o.intended, written += o.written, cross += o.cross;
    return *this;
  }
};
// Adds the transform of `change` (8 x 8 samples), rounded to whole steps, to `quantised`.
// Coefficients stay within +-1023 (baseline Huffman codes), a limit the statistics ignore.
QuantisedChange add_quantised_dct_8x8(const float* change, const float* steps, std::int16_t* quantised);

}  // namespace tidemark::io
