#pragma once
// Per-pixel formulas of TM1 shared by the CPU reference and the CUDA kernels.
#include <cstdint>

#include "tidemark/shared/hd.hpp"

namespace tidemark::shared {

// BT.601 luma of an RGB sample (any scale).
TM_HD float luma601(float r, float g, float b) { return 0.299f * r + 0.587f * g + 0.114f * b; }

TM_HD float wrap_tile(float v, int period) {
  float w = v - period * static_cast<float>(static_cast<int>(v / period));
  if (w < 0) w += period;
  return w;
}

// Where image coordinate x falls in the periodic tile drawn at `scale` image pixels per tile pixel
// and shifted by `offset` tile pixels: the two neighbouring tile samples and the weight of the
// second. Depends on one coordinate only, so rows and columns can be prepared once.
struct TileCoord {
  int i0, i1;
  float f;
};

// Fractional offsets (video frames whose tile follows the picture's motion) always interpolate.
TM_HD TileCoord tile_coord_interpolated(int x, float scale, float offset, int period) {
  const float u = wrap_tile((x + 0.5f) / scale - 0.5f + offset, period);
  const int i0 = static_cast<int>(u);
  return {i0, i0 + 1 == period ? 0 : i0 + 1, u - i0};
}
TM_HD TileCoord tile_coord(int x, float scale, int offset, int period) {
  if (scale == 1.0f) return {(x + offset) % period, 0, 0.0f};
  return tile_coord_interpolated(x, scale, static_cast<float>(offset), period);
}

// Bilinear interpolation, horizontal first: every tile row can then be resampled to the image's
// columns once per image, and an image row is the blend of two of those (the CPU path does;
// results are identical).
TM_HD float lerp2(float a, float b, float f) { return a * (1 - f) + b * f; }

TM_HD float tile_sample(const float* tile, int period, TileCoord cx, TileCoord cy, bool exact) {
  if (exact) return tile[cy.i0 * period + cx.i0];
  const float top = lerp2(tile[cy.i0 * period + cx.i0], tile[cy.i0 * period + cx.i1], cx.f);
  const float bottom = lerp2(tile[cy.i1 * period + cx.i0], tile[cy.i1 * period + cx.i1], cx.f);
  return lerp2(top, bottom, cy.f);
}

// Value of the periodic tile (period x period floats) at image pixel (x, y): an exact lookup at
// scale 1, bilinear interpolation with wrap-around otherwise.
TM_HD float tile_at(const float* tile, int period, int x, int y, float scale, int ox, int oy) {
  return tile_sample(tile, period, tile_coord(x, scale, ox, period), tile_coord(y, scale, oy, period), scale == 1.0f);
}

// A geometry the tile is read at without interpolation: scale 1 and whole offsets.
inline bool is_exact_geometry(float scale, float offset_x, float offset_y) {
  return scale == 1.0f && offset_x == static_cast<float>(static_cast<int>(offset_x)) &&
         offset_y == static_cast<float>(static_cast<int>(offset_y));
}
// The tile at image pixel (x, y) for a given geometry (video frames: any scale, fractional
// offsets), as embed_cpu_at reads it: `exact` from is_exact_geometry.
TM_HD float tile_at_geometry(const float* tile, int period, int x, int y, float scale, float ox, float oy, bool exact) {
  if (exact) return tile_at(tile, period, x, y, 1.0f, static_cast<int>(ox), static_cast<int>(oy));
  return tile_sample(tile, period, tile_coord_interpolated(x, scale, ox, period),
                     tile_coord_interpolated(y, scale, oy, period), false);
}

// Adds a luminance delta (in 8-bit grey levels) to one sample, rounding and clipping.
// Round, then clamp in integers: the same result as clamping the float first (a sum below 0 or
// above the top rounds to a value the clamp maps to 0 or the top), and integer min/max
// vectorise where float compares against constants did not.
TM_HD int clamp_int(int v, int hi) {
  v = v < 0 ? 0 : v;
  return v > hi ? hi : v;
}
TM_HD std::uint8_t add_delta_u8(std::uint8_t s, float delta) {
  return static_cast<std::uint8_t>(clamp_int(static_cast<int>(static_cast<float>(s) + delta + 0.5f), 255));
}
TM_HD std::uint16_t add_delta_u16(std::uint16_t s, float delta) {
  return static_cast<std::uint16_t>(clamp_int(static_cast<int>(static_cast<float>(s) + delta * 257.0f + 0.5f), 65535));
}

// Final mask value from the texture activity (grey levels): gain, then clamp to [floor, ceiling].
TM_HD float mask_from_activity(float activity, float floor_, float ceiling) {
  float m = 3.0f * activity;
  return m < floor_ ? floor_ : (m > ceiling ? ceiling : m);
}

}  // namespace tidemark::shared

namespace tidemark::shared {

// Border rule of every filter: reflect without repeating the edge sample (OpenCV's default).
TM_HD int reflect101(int i, int n) {
  if (n == 1) return 0;
  while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i;
  return i;
}

}  // namespace tidemark::shared

namespace tidemark::shared {

// The texture mask is smooth, so it is computed at half resolution. Half-resolution sample (i, j)
// is the mean of (Y - low)^2 over the (up to) 2 x 2 full-resolution pixels it covers.
TM_HD float block_energy(const float* y, const float* low, int w, int h, int i, int j) {
  float sum = 0.0f;
  int n = 0;
  for (int dy = 0; dy < 2; ++dy)
    for (int dx = 0; dx < 2; ++dx) {
      const int x = 2 * i + dx, yy = 2 * j + dy;
      if (x < w && yy < h) {
        const float d = y[yy * w + x] - low[yy * w + x];
        sum += d * d;
        ++n;
      }
    }
  return sum / n;
}

// Where full-resolution coordinate x falls in the half-resolution mask of size n2.
TM_HD TileCoord mask_coord(int x, int n2) {
  float u = (x + 0.5f) * 0.5f - 0.5f;
  u = u < 0.f ? 0.f : (u > n2 - 1.f ? n2 - 1.f : u);
  const int i0 = static_cast<int>(u);
  return {i0, i0 + 1 < n2 ? i0 + 1 : i0, u - i0};
}

// Bilinear value of the half-resolution mask (w2 x h2) at full-resolution pixel (x, y).
TM_HD float mask_at(const float* m, int w2, int h2, int x, int y) {
  const TileCoord cx = mask_coord(x, w2), cy = mask_coord(y, h2);
  const float left = lerp2(m[cy.i0 * w2 + cx.i0], m[cy.i1 * w2 + cx.i0], cy.f);
  const float right = lerp2(m[cy.i0 * w2 + cx.i1], m[cy.i1 * w2 + cx.i1], cy.f);
  return lerp2(left, right, cx.f);
}

}  // namespace tidemark::shared
