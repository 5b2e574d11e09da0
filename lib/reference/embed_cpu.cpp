#include "embed_cpu.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "filters.hpp"
#include "mask.hpp"
#include "parallel.hpp"
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

EmbedReport embed_cpu(const KeyMaterial& km, const EmbedParams& p, const ImageView& img,
                      const Payload& payload) {
  EmbedReport report;
  report.tile_scale = tile_scale_for(img.width, img.height);
  std::uint32_t seed = p.offset_seed.value_or(0);
  content_offset(km, img, p.offset_seed ? &seed : nullptr, report.offset_x, report.offset_y);

  const int threads = p.threads;
  Plane y = luminance(img, threads);
  Plane mask = texture_mask(y, static_cast<float>(p.mask_floor), static_cast<float>(p.mask_ceiling), threads);
  const auto tile = km.tile(payload.value);
  const float g = static_cast<float>(report.tile_scale);
  const float strength = static_cast<float>(p.strength);
  const int ox = report.offset_x, oy = report.offset_y;

  // Tile columns are the same on every row: prepare them once.
  std::vector<shared::TileCoord> columns(img.width);
  for (int x = 0; x < img.width; ++x) columns[x] = shared::tile_coord(x, g, ox, tm1::kTile);
  const bool exact = g == 1.0f;
  parallel_for(img.height, threads, [&](int y0, int y1) {
    for (int yy = y0; yy < y1; ++yy) {
      const float* m = mask.row(yy);
      const shared::TileCoord row = shared::tile_coord(yy, g, oy, tm1::kTile);
      auto apply = [&](auto* px, auto add) {
        const int c = img.channels;
        const int colour = c == 1 ? 1 : 3;  // alpha is never touched
        for (int x = 0; x < img.width; ++x) {
          float d = strength * m[x] * shared::tile_sample(tile.data(), tm1::kTile, columns[x], row, exact);
          for (int k = 0; k < colour; ++k) px[c * x + k] = add(px[c * x + k], d);
        }
      };
      if (img.type == SampleType::U8)
        apply(img.row<std::uint8_t>(yy), [](std::uint8_t s, float d) { return shared::add_delta_u8(s, d); });
      else
        apply(img.row<std::uint16_t>(yy), [](std::uint16_t s, float d) { return shared::add_delta_u16(s, d); });
    }
  });
  return report;
}

}  // namespace tidemark::detail
