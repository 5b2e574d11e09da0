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

// Value of the periodic tile (period x period floats) at image pixel (x, y) when the tile is
// drawn at `scale` image pixels per tile pixel, shifted by (ox, oy) tile pixels. Scale 1 is an
// exact lookup; other scales use bilinear interpolation with wrap-around.
TM_HD float tile_at(const float* tile, int period, int x, int y, float scale, int ox, int oy) {
  if (scale == 1.0f) {
    int tx = (x + ox) % period;
    int ty = (y + oy) % period;
    return tile[ty * period + tx];
  }
  float u = wrap_tile((x + 0.5f) / scale - 0.5f + ox, period);
  float v = wrap_tile((y + 0.5f) / scale - 0.5f + oy, period);
  int x0 = static_cast<int>(u), y0 = static_cast<int>(v);
  float fx = u - x0, fy = v - y0;
  int x1 = x0 + 1 == period ? 0 : x0 + 1;
  int y1 = y0 + 1 == period ? 0 : y0 + 1;
  float a = tile[y0 * period + x0], b = tile[y0 * period + x1];
  float c = tile[y1 * period + x0], d = tile[y1 * period + x1];
  return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
}

// Adds a luminance delta (in 8-bit grey levels) to one sample, rounding and clipping.
TM_HD std::uint8_t add_delta_u8(std::uint8_t s, float delta) {
  float v = static_cast<float>(s) + delta;
  v = v < 0.f ? 0.f : (v > 255.f ? 255.f : v);
  return static_cast<std::uint8_t>(v + 0.5f);
}
TM_HD std::uint16_t add_delta_u16(std::uint16_t s, float delta) {
  float v = static_cast<float>(s) + delta * 257.0f;
  v = v < 0.f ? 0.f : (v > 65535.f ? 65535.f : v);
  return static_cast<std::uint16_t>(v + 0.5f);
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
