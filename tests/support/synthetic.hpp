#pragma once
// Deterministic test images with photo-like statistics (multi-octave texture, flat areas, edges)
// and the geometric edits the detector must survive.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "tidemark/image_view.hpp"

namespace tidemark::testing {

inline Image natural_image(int w, int h, int channels, std::uint32_t seed, SampleType type = SampleType::U8) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0, 1);
  // Value noise at several octaves, bilinearly interpolated.
  auto octave = [&](int cell) {
    const int gw = w / cell + 2, gh = h / cell + 2;
    std::vector<float> g(std::size_t(gw) * gh);
    for (auto& v : g) v = u(rng) - 0.5f;
    return [g, gw, cell](int x, int y) {
      float fx = float(x) / cell, fy = float(y) / cell;
      int x0 = int(fx), y0 = int(fy);
      float a = fx - x0, b = fy - y0;
      auto at = [&](int i, int j) { return g[std::size_t(j) * gw + i]; };
      return (at(x0, y0) * (1 - a) + at(x0 + 1, y0) * a) * (1 - b) + (at(x0, y0 + 1) * (1 - a) + at(x0 + 1, y0 + 1) * a) * b;
    };
  };
  auto o1 = octave(97), o2 = octave(31), o3 = octave(9), o4 = octave(3);
  const float tint[3] = {1.0f, 0.9f, 0.7f};
  Image img(w, h, channels, type);
  const float peak = type == SampleType::U8 ? 255.f : 65535.f;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      // Left third is a smooth sky; the rest carries texture.
      float tex = x < w / 3 ? 0.f : 40 * o2(x, y) + 25 * o3(x, y) + 12 * o4(x, y);
      float base = 128 + 120 * o1(x, y) + tex + (y > h / 2 ? 30.f : 0.f);
      for (int c = 0; c < channels; ++c) {
        float v = c == 3 ? 200.f : base * (channels == 1 ? 1.f : tint[c]);
        v = std::clamp(v, 0.f, 255.f) / 255.f * peak;
        const std::size_t i = (std::size_t(y) * w + x) * channels + c;
        if (type == SampleType::U8) img.bytes()[i] = static_cast<std::uint8_t>(v + 0.5f);
        else reinterpret_cast<std::uint16_t*>(img.bytes().data())[i] = static_cast<std::uint16_t>(v + 0.5f);
      }
    }
  return img;
}

// Geometric edits on 8-bit images.
inline Image crop(const Image& in, int x0, int y0, int w, int h) {
  Image out(w, h, in.channels(), SampleType::U8);
  for (int y = 0; y < h; ++y)
    std::copy_n(in.bytes().data() + (std::size_t(y + y0) * in.width() + x0) * in.channels(), std::size_t(w) * in.channels(),
                out.bytes().data() + std::size_t(y) * w * in.channels());
  return out;
}

inline Image flip_horizontal(const Image& in) {
  Image out(in.width(), in.height(), in.channels(), SampleType::U8);
  const int c = in.channels();
  for (int y = 0; y < in.height(); ++y)
    for (int x = 0; x < in.width(); ++x)
      for (int k = 0; k < c; ++k)
        out.bytes()[(std::size_t(y) * in.width() + x) * c + k] = in.bytes()[(std::size_t(y) * in.width() + in.width() - 1 - x) * c + k];
  return out;
}

// Rotation by `degrees` about the centre and scale (`aspect` times as much vertically), bilinear,
// same canvas size unless given, with the corners filled from the border (as an editor's
// rotate-and-crop does).
inline Image warp(const Image& in, double degrees, double scale, int out_w = 0, int out_h = 0, double aspect = 1.0) {
  const int w = out_w ? out_w : in.width(), h = out_h ? out_h : in.height(), c = in.channels();
  Image out(w, h, c, SampleType::U8);
  const double th = degrees * 3.14159265358979 / 180, cs = std::cos(th), sn = std::sin(th);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const double dx = (x + 0.5 - w / 2.0) / scale, dy = (y + 0.5 - h / 2.0) / (scale * aspect);
      double sx = cs * dx + sn * dy + in.width() / 2.0 - 0.5, sy = -sn * dx + cs * dy + in.height() / 2.0 - 0.5;
      sx = std::clamp(sx, 0.0, in.width() - 1.001);
      sy = std::clamp(sy, 0.0, in.height() - 1.001);
      const int x0 = int(sx), y0 = int(sy);
      const double a = sx - x0, b = sy - y0;
      for (int k = 0; k < c; ++k) {
        auto at = [&](int i, int j) { return double(in.bytes()[(std::size_t(j) * in.width() + i) * c + k]); };
        double v = (at(x0, y0) * (1 - a) + at(x0 + 1, y0) * a) * (1 - b) + (at(x0, y0 + 1) * (1 - a) + at(x0 + 1, y0 + 1) * a) * b;
        out.bytes()[(std::size_t(y) * w + x) * c + k] = static_cast<std::uint8_t>(std::clamp(v + 0.5, 0.0, 255.0));
      }
    }
  return out;
}

// Downscale by an integer factor with box averaging (what thumbnailers do).
inline Image box_shrink(const Image& in, int f) {
  const int w = in.width() / f, h = in.height() / f, c = in.channels();
  Image out(w, h, c, SampleType::U8);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int k = 0; k < c; ++k) {
        int s = 0;
        for (int j = 0; j < f; ++j)
          for (int i = 0; i < f; ++i) s += in.bytes()[(std::size_t(y * f + j) * in.width() + x * f + i) * c + k];
        out.bytes()[(std::size_t(y) * w + x) * c + k] = static_cast<std::uint8_t>((s + f * f / 2) / (f * f));
      }
  return out;
}

inline double psnr8(const Image& a, const Image& b) {
  double se = 0;
  for (std::size_t i = 0; i < a.bytes().size(); ++i) {
    double d = double(a.bytes()[i]) - b.bytes()[i];
    se += d * d;
  }
  return 10 * std::log10(255.0 * 255.0 * a.bytes().size() / std::max(se, 1e-9));
}

// A camera pan over a larger one-channel picture: `frames` frames of w x h, frame i the window at
// (dx i, dy i) (the content moves left and up).
inline std::vector<Image> pan_clip(int w, int h, int dx, int dy, int frames, std::uint32_t seed) {
  const Image scene = natural_image(w + dx * frames, h + dy * frames, 1, seed);
  std::vector<Image> clip;
  for (int i = 0; i < frames; ++i) {
    clip.emplace_back(w, h, 1, SampleType::U8);
    for (int y = 0; y < h; ++y)
      std::memcpy(clip.back().view().row<std::uint8_t>(y), scene.view().row<const std::uint8_t>(y + dy * i) + dx * i, w);
  }
  return clip;
}

}  // namespace tidemark::testing
