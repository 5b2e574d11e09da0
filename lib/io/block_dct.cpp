#include "block_dct.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "reference/simd.hpp"

namespace tidemark::io {
namespace {

// A block as 8 rows of 8 floats, each in one AVX register. The 1-D transforms run on whole rows
// (8 columns at once); a transpose between the passes turns columns into rows.
using Row = float __attribute__((vector_size(32)));
struct Block {
  Row r[8];
};

// Through references: a 32-byte vector returned by value would change the ABI between clones.
[[gnu::always_inline]] inline void load_row(Row& r, const float* p) { __builtin_memcpy(&r, p, sizeof r); }
[[gnu::always_inline]] inline void load_block(Block& b, const float* p) {
  for (int i = 0; i < 8; ++i) load_row(b.r[i], p + 8 * i);
}
[[gnu::always_inline]] inline void store_block(const Block& b, float* p) {
  for (int i = 0; i < 8; ++i) __builtin_memcpy(p + 8 * i, &b.r[i], sizeof(Row));
}

// The usual AVX 8 x 8 transpose: interleave pairs of rows, then pairs of pairs, then halves.
[[gnu::always_inline]] inline void transpose(Block& b) {
  Row t[8], u[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = __builtin_shufflevector(b.r[i], b.r[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
    t[i + 1] = __builtin_shufflevector(b.r[i], b.r[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
  }
  for (int i = 0; i < 8; i += 4)
    for (int j = 0; j < 2; ++j) {
      u[i + j] = __builtin_shufflevector(t[i + j], t[i + j + 2], 0, 1, 8, 9, 4, 5, 12, 13);
      u[i + j + 2] = __builtin_shufflevector(t[i + j], t[i + j + 2], 2, 3, 10, 11, 6, 7, 14, 15);
    }
  // u[0..3] hold rows 0-3 of the lower and upper halves' columns in the order 0, 2, 1, 3.
  const int order[4] = {0, 2, 1, 3};
  for (int k = 0; k < 4; ++k) {
    b.r[k] = __builtin_shufflevector(u[order[k]], u[order[k] + 4], 0, 1, 2, 3, 8, 9, 10, 11);
    b.r[k + 4] = __builtin_shufflevector(u[order[k]], u[order[k] + 4], 4, 5, 6, 7, 12, 13, 14, 15);
  }
}

// Arai, Agui and Nakajima's 8-point DCT as in libjpeg's jfdctflt.c: output k is the DCT-II term
// scaled by sqrt(8) * a(k), a(0) = 1, a(k) = sqrt(2) cos(k pi / 16).
[[gnu::always_inline]] inline void aan_forward(Row* d) {
  const Row tmp0 = d[0] + d[7], tmp7 = d[0] - d[7], tmp1 = d[1] + d[6], tmp6 = d[1] - d[6];
  const Row tmp2 = d[2] + d[5], tmp5 = d[2] - d[5], tmp3 = d[3] + d[4], tmp4 = d[3] - d[4];
  const Row even10 = tmp0 + tmp3, even13 = tmp0 - tmp3, even11 = tmp1 + tmp2, even12 = tmp1 - tmp2;
  d[0] = even10 + even11;
  d[4] = even10 - even11;
  const Row z1 = (even12 + even13) * 0.707106781f;
  d[2] = even13 + z1;
  d[6] = even13 - z1;
  const Row odd10 = tmp4 + tmp5, odd11 = tmp5 + tmp6, odd12 = tmp6 + tmp7;
  const Row z5 = (odd10 - odd12) * 0.382683433f;
  const Row z2 = odd10 * 0.541196100f + z5, z4 = odd12 * 1.306562965f + z5, z3 = odd11 * 0.707106781f;
  const Row z11 = tmp7 + z3, z13 = tmp7 - z3;
  d[5] = z13 + z2;
  d[3] = z13 - z2;
  d[1] = z11 + z4;
  d[7] = z11 - z4;
}

// Its inverse as in jidctflt.c: inputs scaled by a(k), outputs 8 / sqrt(8) times the samples'.
[[gnu::always_inline]] inline void aan_inverse(Row* d) {
  const Row tmp10 = d[0] + d[4], tmp11 = d[0] - d[4];
  const Row tmp13 = d[2] + d[6], tmp12 = (d[2] - d[6]) * 1.414213562f - tmp13;
  const Row e0 = tmp10 + tmp13, e3 = tmp10 - tmp13, e1 = tmp11 + tmp12, e2 = tmp11 - tmp12;
  const Row z13 = d[5] + d[3], z10 = d[5] - d[3], z11 = d[1] + d[7], z12 = d[1] - d[7];
  const Row o7 = z11 + z13, o11 = (z11 - z13) * 1.414213562f;
  const Row z5 = (z10 + z12) * 1.847759065f;
  const Row o10 = z5 - z12 * 1.082392200f, o12 = z5 - z10 * 2.613125930f;
  const Row o6 = o12 - o7, o5 = o11 - o6, o4 = o10 - o5;
  d[0] = e0 + o7;
  d[7] = e0 - o7;
  d[1] = e1 + o6;
  d[6] = e1 - o6;
  d[2] = e2 + o5;
  d[5] = e2 - o5;
  d[3] = e3 + o4;
  d[4] = e3 - o4;
}

// Per coefficient (8v + u): forward[k] turns the 2-D AAN output into the JPEG coefficient
// (1 / (8 a(u) a(v))); inverse[k] prepares a coefficient for the AAN inverse (a(u) a(v) / 8).
struct Scales {
  std::array<float, 64> forward{}, inverse{};
  Scales() {
    const double pi = std::acos(-1.0);
    double a[8];
    for (int k = 0; k < 8; ++k) a[k] = k == 0 ? 1.0 : std::sqrt(2.0) * std::cos(k * pi / 16);
    for (int v = 0; v < 8; ++v)
      for (int u = 0; u < 8; ++u) {
        forward[8 * v + u] = static_cast<float>(1.0 / (8 * a[u] * a[v]));
        inverse[8 * v + u] = static_cast<float>(a[u] * a[v] / 8);
      }
  }
};
const Scales& scales() {
  static const Scales s;
  return s;
}

// Columns first (rows of the block as vectors), then rows through two transposes.
TM_SIMD_CLONES void forward_block(const float* __restrict samples, const float* __restrict scale,
                                  float* __restrict coefficients) {
  Block b;
  load_block(b, samples);
  aan_forward(b.r);
  transpose(b);
  aan_forward(b.r);
  transpose(b);
  for (int i = 0; i < 8; ++i) {
    Row s;
    load_row(s, scale + 8 * i);
    b.r[i] *= s;
  }
  store_block(b, coefficients);
}

// `scale` already holds inverse[k] (times a quantisation step when dequantising).
TM_SIMD_CLONES void inverse_block(const float* __restrict coefficients, const float* __restrict scale,
                                  float* __restrict samples) {
  Block b;
  load_block(b, coefficients);
  for (int i = 0; i < 8; ++i) {
    Row s;
    load_row(s, scale + 8 * i);
    b.r[i] *= s;
  }
  aan_inverse(b.r);
  transpose(b);
  aan_inverse(b.r);
  transpose(b);
  store_block(b, samples);
}

}  // namespace

void forward_dct_8x8(const float* samples, float* coefficients) {
  forward_block(samples, scales().forward.data(), coefficients);
}
void inverse_dct_8x8(const float* coefficients, float* samples) {
  inverse_block(coefficients, scales().inverse.data(), samples);
}

namespace {
using ShortRow = std::int16_t __attribute__((vector_size(16)));
using IntRow = std::int32_t __attribute__((vector_size(32)));

TM_SIMD_CLONES void dequantise_inverse(const std::int16_t* __restrict quantised, const float* __restrict scale,
                                       float* __restrict samples) {
  Block b;
  for (int r = 0; r < 8; ++r) {
    ShortRow q;
    __builtin_memcpy(&q, quantised + 8 * r, sizeof q);
    Row s;
    load_row(s, scale + 8 * r);
    b.r[r] = __builtin_convertvector(q, Row) * s;
  }
  aan_inverse(b.r);
  transpose(b);
  aan_inverse(b.r);
  transpose(b);
  store_block(b, samples);
}

TM_SIMD_CLONES QuantisedChange forward_quantise_add(const float* __restrict change, const float* __restrict scale,
                                                    const float* __restrict steps, std::int16_t* __restrict quantised) {
  Block b;
  load_block(b, change);
  aan_forward(b.r);
  transpose(b);
  aan_forward(b.r);
  transpose(b);
  // Adding and subtracting 1.5 * 2^23 rounds a float to the nearest integer (ties to even).
  const Row magic = Row{} + 12582912.0f;
  const IntRow low = IntRow{} - 1023, high = IntRow{} + 1023;
  Row intended{}, written{}, cross{};
  for (int r = 0; r < 8; ++r) {
    Row s, step;
    load_row(s, scale + 8 * r);
    load_row(step, steps + 8 * r);
    const Row in_steps = b.r[r] * s;
    const Row n = (in_steps + magic) - magic;
    const Row c = in_steps * step, w = n * step;
    intended += c * c, written += w * w, cross += w * c;
    ShortRow q;
    __builtin_memcpy(&q, quantised + 8 * r, sizeof q);
    const IntRow before = __builtin_convertvector(q, IntRow), whole = __builtin_convertvector(n, IntRow);
    IntRow after = before + whole;
    after = after < low ? low : after;
    after = after > high ? high : after;
    after = whole == 0 ? before : after;
    q = __builtin_convertvector(after, ShortRow);
    __builtin_memcpy(quantised + 8 * r, &q, sizeof q);
  }
  QuantisedChange out;
  for (int i = 0; i < 8; ++i) out.intended += intended[i], out.written += written[i], out.cross += cross[i];
  return out;
}
}  // namespace

BlockQuantiser::BlockQuantiser(const float* steps) {
  for (int k = 0; k < 64; ++k) {
    steps_[k] = steps[k];
    dequantise_[k] = steps[k] * scales().inverse[k];
    quantise_[k] = scales().forward[k] / steps[k];
  }
}

void BlockQuantiser::samples_of(const std::int16_t* quantised, float* samples) const {
  dequantise_inverse(quantised, dequantise_, samples);
}

QuantisedChange BlockQuantiser::add_change(const float* change, std::int16_t* quantised) const {
  return forward_quantise_add(change, quantise_, steps_, quantised);
}

}  // namespace tidemark::io
