#pragma once
// The 8 x 8 DCT of JPEG (orthonormal DCT-II), in float, and its quantisation. Blocks are
// row-major: sample (x, y) at 8y + x, coefficient (u, v) (horizontal, vertical frequency) at
// 8v + u, as in a libjpeg JBLOCK; quantisation steps in the same order.
#include <cstdint>

namespace tidemark::io {

void forward_dct_8x8(const float* samples, float* coefficients);
void inverse_dct_8x8(const float* coefficients, float* samples);

// Energy of a change and of what quantisation wrote of it, and their product.
struct QuantisedChange {
  double intended = 0, written = 0, cross = 0;
  QuantisedChange& operator+=(const QuantisedChange& o) {
    intended += o.intended, written += o.written, cross += o.cross;
    return *this;
  }
};

// The two block operations of marking a JPEG in its coefficients, for one quantisation table. The
// table's steps are folded into the transforms' scale factors once, so that a block is
// dequantised and transformed, or transformed and quantised, in registers without a division.
class BlockQuantiser {
 public:
  explicit BlockQuantiser(const float* steps);
  // Samples (level shift not undone) of a block of quantised coefficients.
  void samples_of(const std::int16_t* quantised, float* samples) const;
  // Adds the transform of `change` (8 x 8 samples), rounded to whole steps, to `quantised`.
  // Coefficients stay within +-1023 (baseline Huffman codes), a limit the statistics ignore.
  QuantisedChange add_change(const float* change, std::int16_t* quantised) const;

 private:
  alignas(32) float steps_[64];
  alignas(32) float dequantise_[64];  // step x the inverse transform's scale
  alignas(32) float quantise_[64];    // the forward transform's scale / step
};

}  // namespace tidemark::io
