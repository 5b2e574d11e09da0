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

// delta = strength * mask(x) * tile(x) from the row's vertically interpolated tile and mask,
// written for each colour sample of the pixel (alpha gets 0).
TM_SIMD_CLONES void delta_row(const float* tile_row, const float* mask_row, const shared::TileCoord* tile_cols,
                              const shared::TileCoord* mask_cols, bool exact, float strength, float* delta, int width,
                              int channels) {
  for (int x = 0; x < width; ++x) {
    const shared::TileCoord tc = tile_cols[x], mc = mask_cols[x];
    const float t = exact ? tile_row[tc.i0] : shared::lerp2(tile_row[tc.i0], tile_row[tc.i1], tc.f);
    const float m = shared::lerp2(mask_row[mc.i0], mask_row[mc.i1], mc.f);
    const float d = strength * m * t;
    if (channels == 1) {
      delta[x] = d;
    } else {
      float* p = delta + channels * x;
      p[0] = p[1] = p[2] = d;
      if (channels == 4) p[3] = 0.0f;
    }
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
  Plane y = luminance(img, threads);
  Plane mask = texture_mask(y, static_cast<float>(p.mask_floor), static_cast<float>(p.mask_ceiling), threads);
  const auto tile = km.tile(payload.value);
  const float g = static_cast<float>(geometry.scale);
  const float strength = static_cast<float>(p.strength);
  const float ox = static_cast<float>(geometry.offset_x), oy = static_cast<float>(geometry.offset_y);
  // The image path (scale 1, whole offsets) reads the tile without interpolation.
  const bool exact = g == 1.0f && ox == std::floor(ox) && oy == std::floor(oy);
  auto coord = [&](int v, float o) {
    return exact ? shared::tile_coord(v, 1.0f, static_cast<int>(o), tm1::kTile)
                 : shared::tile_coord_interpolated(v, g, o, tm1::kTile);
  };

  // Column coordinates are the same on every row, and per row the vertical interpolation of the
  // tile and of the mask is done once; the per-pixel work is then two horizontal lerps.
  const int w2 = mask.width, h2 = mask.height;
  std::vector<shared::TileCoord> tile_cols(img.width), mask_cols(img.width);
  for (int x = 0; x < img.width; ++x) {
    tile_cols[x] = coord(x, ox);
    mask_cols[x] = shared::mask_coord(x, w2);
  }
  parallel_for(img.height, threads, [&](int y0, int y1) {
    std::vector<float> tile_row(tm1::kTile), mask_row(w2), delta(std::size_t(img.width) * img.channels);
    for (int yy = y0; yy < y1; ++yy) {
      const shared::TileCoord ty = coord(yy, oy), my = shared::mask_coord(yy, h2);
      const float* t0 = tile.data() + ty.i0 * tm1::kTile;
      const float* t1 = tile.data() + ty.i1 * tm1::kTile;
      for (int i = 0; i < tm1::kTile; ++i) tile_row[i] = exact ? t0[i] : shared::lerp2(t0[i], t1[i], ty.f);
      const float* m0 = mask.row(my.i0);
      const float* m1 = mask.row(my.i1);
      for (int i = 0; i < w2; ++i) mask_row[i] = shared::lerp2(m0[i], m1[i], my.f);
      delta_row(tile_row.data(), mask_row.data(), tile_cols.data(), mask_cols.data(), exact, strength, delta.data(),
                img.width, img.channels);
      const int samples = img.width * img.channels;
      if (img.type == SampleType::U8) add_samples_u8(img.row<std::uint8_t>(yy), delta.data(), samples);
      else add_samples_u16(img.row<std::uint16_t>(yy), delta.data(), samples);
    }
  });
}

}  // namespace tidemark::detail
