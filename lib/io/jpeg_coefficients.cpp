#include "jpeg_coefficients.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>

#include "block_dct.hpp"
#include "jpeg_support.hpp"
#include "reference/simd.hpp"
#include "tidemark/error.hpp"

namespace tidemark::io {
namespace {
using jpeg::ErrorManager;

bool read_header(jpeg_decompress_struct* c, ErrorManager* err, const std::vector<std::uint8_t>& bytes) {
  if (setjmp(err->jump)) return false;
  jpeg_mem_src(c, bytes.data(), static_cast<unsigned long>(bytes.size()));
  jpeg::save_markers(c);
  jpeg_read_header(c, TRUE);
  return true;
}

bool read_coefficients(jpeg_decompress_struct* c, ErrorManager* err, jvirt_barray_ptr** coefficients) {
  if (setjmp(err->jump)) return false;
  *coefficients = jpeg_read_coefficients(c);
  return true;
}

std::string unsupported_reason(const jpeg_decompress_struct& c) {
  if (c.data_precision != 8) return "not an 8-bit JPEG";
  if (c.jpeg_color_space != JCS_YCbCr && c.jpeg_color_space != JCS_GRAYSCALE) return "not a YCbCr or greyscale JPEG";
  const jpeg_component_info& y = c.comp_info[0];
  if (y.h_samp_factor != c.max_h_samp_factor || y.v_samp_factor != c.max_v_samp_factor) return "its luma is subsampled";
  return {};
}

// The IJG quality whose scaling of the standard luminance table (ITU-T T.81 Annex K) comes
// closest to this table, from the ratio of their sums over entries not clamped to 1 or 255;
// files from other encoders land near the quality they look like.
int estimated_quality(const JQUANT_TBL& q) {
  static constexpr int kStandardLuma[64] = {16, 11, 10, 16, 24,  40,  51,  61,  12, 12, 14, 19, 26,  58,  60,  55,
                                            14, 13, 16, 24, 40,  57,  69,  56,  14, 17, 22, 29, 51,  87,  80,  62,
                                            18, 22, 37, 56, 68,  109, 103, 77,  24, 35, 55, 64, 81,  104, 113, 92,
                                            49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99};
  double table = 0, standard = 0;
  for (int k = 0; k < 64; ++k)
    if (q.quantval[k] > 1 && q.quantval[k] < 255)  // clamped entries say nothing of the scale
      table += q.quantval[k], standard += kStandardLuma[k];
  if (standard == 0) return q.quantval[0] <= 1 ? 100 : 1;
  const double scale = 100.0 * table / standard;  // libjpeg: 200 - 2q above quality 50, 5000 / q below
  const double quality = scale <= 100 ? (200 - scale) / 2 : 5000 / scale;
  return static_cast<int>(std::lround(std::clamp(quality, 1.0, 100.0)));
}

JBLOCKROW block_row(jpeg_decompress_struct* c, jvirt_barray_ptr array, JDIMENSION row, bool writable) {
  return (*c->mem->access_virt_barray)(reinterpret_cast<j_common_ptr>(c), array, row, 1, writable ? TRUE : FALSE)[0];
}

BlockQuantiser quantiser_of(const JQUANT_TBL& q) {
  float steps[64];
  for (int k = 0; k < 64; ++k) steps[k] = static_cast<float>(q.quantval[k]);
  return BlockQuantiser(steps);
}

// The part of block (bx, by) inside the picture: whole blocks take the loops of fixed length.
struct BlockExtent {
  int x0, y0, w, h;
  bool whole() const { return w == 8 && h == 8; }
};
BlockExtent extent(JDIMENSION bx, JDIMENSION by, int width, int height) {
  const int x0 = static_cast<int>(bx) * 8, y0 = static_cast<int>(by) * 8;
  return {x0, y0, std::min(8, width - x0), std::min(8, height - y0)};
}

// A 16-bit luma plane that is written whole before it is read: no zero fill.
struct Luma16 {
  int width, height;
  std::unique_ptr<std::uint16_t[]> samples;
  Luma16(int w, int h) : width(w), height(h), samples(std::make_unique_for_overwrite<std::uint16_t[]>(std::size_t(w) * h)) {}
  ImageView view() const {
    return {samples.get(), width, height, std::size_t(width) * 2, 1, SampleType::U16, MemorySpace::Host};
  }
};

// A decoder's sample (level shift undone, clamped) as 16 bits.
inline std::uint16_t to_level16(float sample) {
  return static_cast<std::uint16_t>(std::clamp(sample + 128.0f, 0.0f, 255.0f) * 257.0f + 0.5f);
}
// to_level16 on the 64 samples of a whole block: clamps and conversions on rows of 8, in vector registers.
TM_SIMD_CLONES void store_whole_block(const float* __restrict samples, const ImageView& plane, const ImageView& copy,
                                      int x0, int y0) {
  using Row = float __attribute__((vector_size(32)));
  using IntRow = std::int32_t __attribute__((vector_size(32)));
  using ShortRow = std::uint16_t __attribute__((vector_size(16)));
  const Row zero{}, top = zero + 255.0f;
  for (int y = 0; y < 8; ++y) {
    Row v;
    __builtin_memcpy(&v, samples + 8 * y, sizeof v);
    v += 128.0f;
    v = v < zero ? zero : v;
    v = v > top ? top : v;
    const ShortRow level = __builtin_convertvector(__builtin_convertvector(v * 257.0f + 0.5f, IntRow), ShortRow);
    __builtin_memcpy(plane.row<std::uint16_t>(y0 + y) + x0, &level, sizeof level);
    __builtin_memcpy(copy.row<std::uint16_t>(y0 + y) + x0, &level, sizeof level);
  }
}
TM_SIMD_CLONES void load_whole_change(const ImageView& before, const ImageView& after, int x0, int y0,
                                      float* __restrict change) {
  for (int y = 0; y < 8; ++y) {
    const std::uint16_t* __restrict b = before.row<const std::uint16_t>(y0 + y) + x0;
    const std::uint16_t* __restrict a = after.row<const std::uint16_t>(y0 + y) + x0;
    for (int x = 0; x < 8; ++x) change[8 * y + x] = (float(a[x]) - float(b[x])) * (1.0f / 257.0f);
  }
}

// Decodes the luma blocks into 16-bit samples, written to both planes (the second is the one to mark).
void decode_luma(jpeg_decompress_struct* c, jvirt_barray_ptr luma, const BlockQuantiser& quantiser, const Luma16& out,
                 const Luma16& copy) {
  const int width = out.width, height = out.height;
  const jpeg_component_info& comp = c->comp_info[0];
  const ImageView plane = out.view(), second = copy.view();
  float px[64];
  for (JDIMENSION by = 0; by < comp.height_in_blocks && int(by) * 8 < height; ++by) {
    const JBLOCKROW row = block_row(c, luma, by, false);
    for (JDIMENSION bx = 0; bx < comp.width_in_blocks && int(bx) * 8 < width; ++bx) {
      quantiser.samples_of(row[bx], px);
      const BlockExtent e = extent(bx, by, width, height);
      if (e.whole()) {
        store_whole_block(px, plane, second, e.x0, e.y0);
        continue;
      }
      for (int y = 0; y < e.h; ++y)
        for (int x = 0; x < e.w; ++x)
          plane.row<std::uint16_t>(e.y0 + y)[e.x0 + x] = second.row<std::uint16_t>(e.y0 + y)[e.x0 + x] =
              to_level16(px[8 * y + x]);
    }
  }
}

// Adds (after - before), transformed and quantised with the luma's steps, to its coefficients.
QuantisedChange add_change(jpeg_decompress_struct* c, jvirt_barray_ptr luma, const BlockQuantiser& quantiser,
                           const Luma16& before, const Luma16& after) {
  const int width = before.width, height = before.height;
  const jpeg_component_info& comp = c->comp_info[0];
  const ImageView b = before.view(), a = after.view();
  QuantisedChange total;
  float change[64];
  for (JDIMENSION by = 0; by < comp.height_in_blocks && int(by) * 8 < height; ++by) {
    const JBLOCKROW row = block_row(c, luma, by, true);
    for (JDIMENSION bx = 0; bx < comp.width_in_blocks && int(bx) * 8 < width; ++bx) {
      const BlockExtent e = extent(bx, by, width, height);
      if (e.whole()) {
        load_whole_change(b, a, e.x0, e.y0, change);
      } else {
        std::fill(change, change + 64, 0.0f);  // outside the picture: no change
        for (int y = 0; y < e.h; ++y)
          for (int x = 0; x < e.w; ++x)
            change[8 * y + x] = (float(a.row<const std::uint16_t>(e.y0 + y)[e.x0 + x]) -
                                 float(b.row<const std::uint16_t>(e.y0 + y)[e.x0 + x])) * (1.0f / 257.0f);
      }
      total += quantiser.add_change(change, row[bx]);
    }
  }
  return total;
}

bool write_coefficients(jpeg::Compressor& out, ErrorManager* err, jpeg_decompress_struct* in, jvirt_barray_ptr* coefficients,
                        const Metadata& md) {
  jpeg_compress_struct* c = &out.c;
  if (setjmp(err->jump)) return false;
  jpeg_mem_dest(c, &out.buf, &out.len);
  jpeg_copy_critical_parameters(in, c);
  // A progressive file stays progressive; a sequential one is written with the standard Huffman
  // tables: optimising them takes 2.5 times as long as the write (10 ms more for a 1080p picture)
  // for about 4 % of size.
  if (in->progressive_mode) jpeg_simple_progression(c);
  c->optimize_coding = in->progressive_mode ? TRUE : FALSE;
  jpeg_write_coefficients(c, coefficients);
  jpeg::write_metadata(c, md);
  jpeg_finish_compress(c);
  return true;
}

}  // namespace

bool looks_like_jpeg(const std::vector<std::uint8_t>& bytes) {
  return bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;
}

LumaMarkResult mark_jpeg_luma(const std::vector<std::uint8_t>& bytes, const std::string& name, const Limits& limits,
                              const LumaMarker& mark, int min_quality) {
  ErrorManager err{};
  jpeg::Decompressor d(err);
  if (!read_header(&d.c, &err, bytes)) throw Error(Status::DecodeError, name + ": corrupt JPEG: " + err.message);
  LumaMarkResult result;
  result.declined = unsupported_reason(d.c);
  if (!result.declined.empty()) return result;
  // Before the coefficient arrays are allocated: a header can claim any size.
  check_dimensions(d.c.image_width, d.c.image_height, limits, name);
  jvirt_barray_ptr* coefficients = nullptr;
  if (!read_coefficients(&d.c, &err, &coefficients))
    throw Error(Status::DecodeError, name + ": corrupt JPEG: " + err.message);
  if (err.warnings > 0) throw Error(Status::DecodeError, name + ": corrupt or truncated JPEG: " + err.message);
  if (!d.c.comp_info[0].quant_table) throw Error(Status::DecodeError, name + ": corrupt JPEG: no quantisation table for its luma");

  Metadata md = jpeg::read_metadata(&d.c);
  result.quality = estimated_quality(*d.c.comp_info[0].quant_table);
  if (result.quality < min_quality) {
    result.declined = "its quality (about " + std::to_string(result.quality) + ") is below " +
                      std::to_string(min_quality) + ", too coarse to carry the mark";
    return result;
  }
  const BlockQuantiser quantiser = quantiser_of(*d.c.comp_info[0].quant_table);
  const int width = static_cast<int>(d.c.image_width), height = static_cast<int>(d.c.image_height);
  const Luma16 before(width, height), after(width, height);
  decode_luma(&d.c, coefficients[0], quantiser, before, after);
  mark(after.view(), md);
  const QuantisedChange s = add_change(&d.c, coefficients[0], quantiser, before, after);
  result.kept = s.intended > 0 && s.written > 0 ? s.cross / std::sqrt(s.intended * s.written) : (s.intended > 0 ? 0.0 : 1.0);
  const double mse = s.written / (double(width) * height);
  result.psnr_db = mse > 0 ? 10 * std::log10(255.0 * 255.0 / mse) : 99.0;
  jpeg::Compressor c(err);
  if (!write_coefficients(c, &err, &d.c, coefficients, md))
    throw Error(Status::IoError, name + ": cannot write JPEG: " + err.message);
  result.bytes.assign(c.buf, c.buf + c.len);
  return result;
}

}  // namespace tidemark::io
