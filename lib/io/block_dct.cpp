#include "block_dct.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "reference/simd.hpp"

namespace tidemark::io {
namespace {

// basis[u][x] = c(u) cos((2x + 1) u pi / 16), c(0) = sqrt(1/8), c(u > 0) = 1/2.
struct Basis {
  std::array<float, 64> a{};   // a[8u + x]
  std::array<float, 64> at{};  // transposed: at[8x + u]
  Basis() {
    const double pi = std::acos(-1.0);
    for (int u = 0; u < 8; ++u)
      for (int x = 0; x < 8; ++x) {
        const double c = u == 0 ? std::sqrt(0.125) : 0.5;
        a[8 * u + x] = at[8 * x + u] = static_cast<float>(c * std::cos((2 * x + 1) * u * pi / 16));
      }
  }
};
const Basis& basis() {
  static const Basis b;
  return b;
}

// out = left * in * right, all 8 x 8 row-major. Each output row is a sum of 8 rows of the right
// operand scaled by the left one's entries: whole 8-float rows at a time (one AVX register).
using Row = float __attribute__((vector_size(32)));

// Through a reference: a 32-byte vector returned by value would change the ABI between clones.
[[gnu::always_inline]] inline void load_row(Row& r, const float* p) { __builtin_memcpy(&r, p, sizeof r); }

TM_SIMD_CLONES void sandwich(const float* __restrict left, const float* __restrict in, const float* __restrict right,
                             float* __restrict out) {
  Row right_rows[8], tmp[8];
  for (int k = 0; k < 8; ++k) load_row(right_rows[k], right + 8 * k);
  for (int r = 0; r < 8; ++r) {
    Row acc = in[8 * r] * right_rows[0];
    for (int k = 1; k < 8; ++k) acc += in[8 * r + k] * right_rows[k];
    tmp[r] = acc;
  }
  for (int r = 0; r < 8; ++r) {
    Row acc = left[8 * r] * tmp[0];
    for (int k = 1; k < 8; ++k) acc += left[8 * r + k] * tmp[k];
    __builtin_memcpy(out + 8 * r, &acc, sizeof acc);
  }
}

}  // namespace

// F = A f A^T
void forward_dct_8x8(const float* samples, float* coefficients) {
  sandwich(basis().a.data(), samples, basis().at.data(), coefficients);
}
// f = A^T F A
void inverse_dct_8x8(const float* coefficients, float* samples) {
  sandwich(basis().at.data(), coefficients, basis().a.data(), samples);
}

namespace {
using ShortRow = std::int16_t __attribute__((vector_size(16)));

TM_SIMD_CLONES void dequantise(const std::int16_t* __restrict quantised, const float* __restrict steps,
                               float* __restrict coefficients) {
  for (int r = 0; r < 8; ++r) {
    ShortRow q;
    __builtin_memcpy(&q, quantised + 8 * r, sizeof q);
    Row step;
    load_row(step, steps + 8 * r);
    const Row c = __builtin_convertvector(q, Row) * step;
    __builtin_memcpy(coefficients + 8 * r, &c, sizeof c);
  }
}

TM_SIMD_CLONES QuantisedChange quantise_into(const float* __restrict coefficients, const float* __restrict steps,
                                             std::int16_t* __restrict quantised) {
  // Adding and subtracting 1.5 * 2^23 rounds a float to the nearest integer (ties to even).
  const Row magic = Row{} + 12582912.0f;
  Row intended{}, written{}, cross{};
  float whole_steps[64];
  for (int r = 0; r < 8; ++r) {
    Row c, step;
    load_row(c, coefficients + 8 * r);
    load_row(step, steps + 8 * r);
    const Row n = (c / step + magic) - magic;
    const Row w = n * step;
    intended += c * c, written += w * w, cross += w * c;
    __builtin_memcpy(whole_steps + 8 * r, &n, sizeof n);
  }
  for (int k = 0; k < 64; ++k) {
    const int n = static_cast<int>(whole_steps[k]);
    const int v = std::clamp(quantised[k] + n, -1023, 1023);
    quantised[k] = static_cast<std::int16_t>(n == 0 ? quantised[k] : v);
  }
  QuantisedChange out;
  for (int i = 0; i < 8; ++i) out.intended += intended[i], out.written += written[i], out.cross += cross[i];
  return out;
}
}  // namespace

void dequantise_inverse_8x8(const std::int16_t* quantised, const float* steps, float* samples) {
  float coefficients[64];
  dequantise(quantised, steps, coefficients);
  inverse_dct_8x8(coefficients, samples);
}

QuantisedChange add_quantised_dct_8x8(const float* change, const float* steps, std::int16_t* quantised) {
  float coefficients[64];
  forward_dct_8x8(change, coefficients);
  return quantise_into(coefficients, steps, quantised);
}

}  // namespace tidemark::io
