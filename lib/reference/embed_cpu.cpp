#include "embed_cpu.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "filters.hpp"
#include "mask.hpp"
#include "parallel.hpp"
#include "simd.hpp"
#include "tidemark/error.hpp"
#include "tidemark/shared/content_hash.hpp"
#include "tidemark/shared/pixel_ops.hpp"

namespace tidemark::detail {

double tile_scale_for(int width, int height) {
  return std::max(1.0, std::min(width, height) / tm1::kScaleReference);
}

void content_offset(const KeyMaterial& km, const ImageView& img, std::uint32_t* seed_override,
                    int& ox, int& oy) {
  if (seed_override) {
    shared::offset_from_seed(km.sip_key(), *seed_override, tm1::kTile, ox, oy);
    return;
  }
  const std::size_t bps = bytes_per_sample(img.type) * img.channels;
  std::uint64_t combined = 0;
  for (int i = 0; i < shared::kOffsetSamplesPerSide * shared::kOffsetSamplesPerSide; ++i) {
    int x, y;
    shared::offset_sample_position(i, img.width, img.height, x, y);
    std::uint64_t v = 0;
    std::memcpy(&v, img.row<const unsigned char>(y) + bps * x, bps);
    combined ^= shared::offset_sample_hash(km.sip_key(), img.width, img.height, i, v);
  }
  shared::offset_from_hash(km.sip_key(), combined, tm1::kTile, ox, oy);
}

// Adds per-sample deltas to a row of samples. The delta buffer is expanded per sample (the same
// value on R, G and B, zero on alpha, which leaves it exactly unchanged), so this is one flat loop
// that vectorises.
TM_SIMD_CLONES void add_samples_u8(std::uint8_t* __restrict px, const float* __restrict delta, int n) {
  for (int i = 0; i < n; ++i) px[i] = shared::add_delta_u8(px[i], delta[i]);
}
TM_SIMD_CLONES void add_samples_u16(std::uint16_t* __restrict px, const float* __restrict delta, int n) {
  for (int i = 0; i < n; ++i) px[i] = shared::add_delta_u16(px[i], delta[i]);
}

// Interpolation coordinates of every column, as separate arrays so that the per-pixel loops read
// the rows through vector gathers.
struct ColumnCoords {
  std::vector<int> i0, i1;
  std::vector<float> f;
  explicit ColumnCoords(int n) : i0(n), i1(n), f(n) {}
  void set(int x, shared::TileCoord c) { i0[x] = c.i0, i1[x] = c.i1, f[x] = c.f; }
};

// out[x] = the row interpolated at column x (shared::lerp2), or read at i0 when exact.
TM_SIMD_CLONES void interpolate_row(const float* __restrict row, const int* __restrict i0, const int* __restrict i1,
                                    const float* __restrict f, float* __restrict out, int n) {
  for (int x = 0; x < n; ++x) out[x] = shared::lerp2(row[i0[x]], row[i1[x]], f[x]);
}
// out[x] = lerp2(a[x], b[x], f): an image row of the tile from two resampled tile rows.
TM_SIMD_CLONES void blend_rows(const float* __restrict a, const float* __restrict b, float f, float* __restrict out,
                               int n) {
  for (int x = 0; x < n; ++x) out[x] = shared::lerp2(a[x], b[x], f);
}
// The tile row read at scale 1 from column `start` on: the row repeated, in whole pieces.
void periodic_row(const float* row, int start, float* out, int n) {
  for (int x = 0; x < n;) {
    const int piece = std::min(n - x, tm1::kTile - start);
    std::copy(row + start, row + start + piece, out + x);
    x += piece;
    start = 0;
  }
}

// The half-resolution mask row at full resolution. Away from the ends shared::mask_coord follows a
// fixed pattern: pixel 2k reads (k - 1, k) at 0.75 and pixel 2k + 1 reads (k, k + 1) at 0.25. The
// same lerps as interpolate_row, without its gathers; the two pixels at each end take the
// general coordinates.
TM_SIMD_CLONES void upsample_mask_row(const float* __restrict mask, const ColumnCoords& ends, float* __restrict out,
                                      int width) {
  const int pairs_end = (width - 2) / 2;  // pixels [2, 2 * pairs_end) are inside the pattern
  for (int k = 1; k < pairs_end; ++k) {
    out[2 * k] = shared::lerp2(mask[k - 1], mask[k], 0.75f);
    out[2 * k + 1] = shared::lerp2(mask[k], mask[k + 1], 0.25f);
  }
  for (int x = 0; x < width; x = x == 1 ? std::max(2, 2 * pairs_end) : x + 1)
    out[x] = shared::lerp2(mask[ends.i0[x]], mask[ends.i1[x]], ends.f[x]);
}

// delta = strength * mask(x) * tile(x), written for each colour sample of the pixel (alpha gets 0).
TM_SIMD_CLONES void delta_row(const float* __restrict tile, const float* __restrict mask, float strength,
                              float* __restrict delta, int width, int channels) {
  if (channels == 1) {
    for (int x = 0; x < width; ++x) delta[x] = strength * mask[x] * tile[x];
    return;
  }
  for (int x = 0; x < width; ++x) {
    const float d = strength * mask[x] * tile[x];
    float* p = delta + channels * x;
    p[0] = p[1] = p[2] = d;
    if (channels == 4) p[3] = 0.0f;
  }
}

EmbedReport embed_cpu(const KeyMaterial& km, const EmbedParams& p, const ImageView& img,
                      const Payload& payload) {
  EmbedReport report;
  report.tile_scale = tile_scale_for(img.width, img.height);
  std::uint32_t seed = p.offset_seed.value_or(0);
  content_offset(km, img, p.offset_seed ? &seed : nullptr, report.offset_x, report.offset_y);
  embed_cpu_at(km, p, img, payload, {report.tile_scale, double(report.offset_x), double(report.offset_y)});
  return report;
}

void embed_cpu_at(const KeyMaterial& km, const EmbedParams& p, const ImageView& img, const Payload& payload,
                  const TileGeometry& geometry) {
  const int threads = p.threads;
  const Plane mask = texture_mask(img, static_cast<float>(p.mask_floor), static_cast<float>(p.mask_ceiling), threads);
  const auto tile = km.tile(payload.value);
  const float g = static_cast<float>(geometry.scale);
  const float strength = static_cast<float>(p.strength);
  const float ox = static_cast<float>(geometry.offset_x), oy = static_cast<float>(geometry.offset_y);
  // The image path (scale 1, whole offsets) reads the tile without interpolation.
  const bool exact = shared::is_exact_geometry(g, ox, oy);
  auto coord = [&](int v, float o) {
    return exact ? shared::tile_coord(v, 1.0f, static_cast<int>(o), tm1::kTile)
                 : shared::tile_coord_interpolated(v, g, o, tm1::kTile);
  };

  // Column coordinates are the same on every row. Interpolated, each tile row is resampled to the
  // image's columns once (kTile rows of the image's width), and an image row of the tile is the
  // blend of two of them: kTile rows of gathers instead of one per image row. The mask's rows are
  // interpolated vertically, then upsampled.
  const int w2 = mask.width, h2 = mask.height;
  ColumnCoords tile_cols(img.width), mask_cols(img.width);
  for (int x = 0; x < img.width; ++x) {
    tile_cols.set(x, coord(x, ox));
    mask_cols.set(x, shared::mask_coord(x, w2));
  }
  // Kept between calls (video frames come one by one); the workers get a pointer, since a
  // thread_local named inside their lambdas would be their own.
  thread_local std::vector<float> resampled;
  if (!exact) resampled.resize(std::size_t(tm1::kTile) * img.width);
  float* const columns = resampled.data();
  if (!exact)
    parallel_for(tm1::kTile, threads, [&](int r0, int r1) {
      for (int r = r0; r < r1; ++r)
        interpolate_row(tile.data() + r * tm1::kTile, tile_cols.i0.data(), tile_cols.i1.data(), tile_cols.f.data(),
                        columns + std::size_t(r) * img.width, img.width);
    }, /*grain=*/8);
  parallel_for(img.height, threads, [&](int y0, int y1) {
    std::vector<float> mask_row(w2), tile_px(img.width), mask_px(img.width), delta(std::size_t(img.width) * img.channels);
    for (int yy = y0; yy < y1; ++yy) {
      const shared::TileCoord ty = coord(yy, oy), my = shared::mask_coord(yy, h2);
      if (exact)
        periodic_row(tile.data() + ty.i0 * tm1::kTile, tile_cols.i0[0], tile_px.data(), img.width);
      else
        blend_rows(columns + std::size_t(ty.i0) * img.width, columns + std::size_t(ty.i1) * img.width, ty.f,
                   tile_px.data(), img.width);
      const float* m0 = mask.row(my.i0);
      const float* m1 = mask.row(my.i1);
      for (int i = 0; i < w2; ++i) mask_row[i] = shared::lerp2(m0[i], m1[i], my.f);
      upsample_mask_row(mask_row.data(), mask_cols, mask_px.data(), img.width);
      delta_row(tile_px.data(), mask_px.data(), strength, delta.data(), img.width, img.channels);
      const int samples = img.width * img.channels;
      if (img.type == SampleType::U8) add_samples_u8(img.row<std::uint8_t>(yy), delta.data(), samples);
      else add_samples_u16(img.row<std::uint16_t>(yy), delta.data(), samples);
    }
  });
}

}  // namespace tidemark::detail
