#include "filters.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "parallel.hpp"
#include "tidemark/shared/pixel_ops.hpp"

namespace tidemark::detail {
namespace {

using shared::reflect101;

}  // namespace

std::vector<float> gaussian_kernel(float sigma, int& radius) {
  radius = std::max(1, static_cast<int>(std::ceil(3.0f * sigma)));
  std::vector<float> k(2 * radius + 1);
  double sum = 0;
  for (int i = -radius; i <= radius; ++i) sum += k[i + radius] = static_cast<float>(std::exp(-0.5 * i * i / (sigma * sigma)));
  for (float& v : k) v = static_cast<float>(v / sum);
  return k;
}

namespace {

// Horizontal pass: the row is copied with reflected borders, then taps are the outer loop so the
// inner loop over pixels vectorises.
void convolve_rows(const Plane& in, Plane& out, const std::vector<float>& k, int r, int threads) {
  parallel_for(in.height, threads, [&](int y0, int y1) {
    std::vector<float> buf(in.width + 2 * r);
    for (int y = y0; y < y1; ++y) {
      const float* src = in.row(y);
      for (int i = 0; i < in.width + 2 * r; ++i) buf[i] = src[reflect101(i - r, in.width)];
      float* dst = out.row(y);
      std::fill(dst, dst + in.width, 0.0f);
      for (int t = 0; t <= 2 * r; ++t) {
        const float w = k[t];
        const float* b = buf.data() + t;
        for (int x = 0; x < in.width; ++x) dst[x] += w * b[x];
      }
    }
  });
}

void convolve_cols(const Plane& in, Plane& out, const std::vector<float>& k, int r, int threads) {
  parallel_for(in.height, threads, [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      float* dst = out.row(y);
      std::fill(dst, dst + in.width, 0.0f);
      for (int t = -r; t <= r; ++t) {
        const float w = k[t + r];
        const float* src = in.row(reflect101(y + t, in.height));
        for (int x = 0; x < in.width; ++x) dst[x] += w * src[x];
      }
    }
  });
}

}  // namespace

Plane gaussian_blur(const Plane& in, float sigma, int threads) {
  int r;
  auto k = gaussian_kernel(sigma, r);
  Plane tmp(in.width, in.height), out(in.width, in.height);
  convolve_rows(in, tmp, k, r, threads);
  convolve_cols(tmp, out, k, r, threads);
  return out;
}

Plane erode(const Plane& in, int r, int threads) {
  Plane tmp(in.width, in.height), out(in.width, in.height);
  parallel_for(in.height, threads, [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      const float* s = in.row(y);
      float* d = tmp.row(y);
      for (int x = 0; x < in.width; ++x) {
        int a = std::max(0, x - r), b = std::min(in.width - 1, x + r);
        d[x] = *std::min_element(s + a, s + b + 1);
      }
    }
  });
  parallel_for(in.height, threads, [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      float* d = out.row(y);
      std::copy(tmp.row(y), tmp.row(y) + in.width, d);
      for (int t = std::max(0, y - r); t <= std::min(in.height - 1, y + r); ++t) {
        const float* s = tmp.row(t);
        for (int x = 0; x < in.width; ++x) d[x] = std::min(d[x], s[x]);
      }
    }
  });
  return out;
}

Plane box_mean_wrap(const Plane& in, int r, int threads) {
  const int w = in.width, h = in.height;
  const float norm = 1.0f / float((2 * r + 1) * (2 * r + 1));
  Plane tmp(w, h), out(w, h);
  parallel_for(h, threads, [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      const float* s = in.row(y);
      float* d = tmp.row(y);
      double acc = 0;
      for (int t = -r; t <= r; ++t) acc += s[((t % w) + w) % w];
      for (int x = 0; x < w; ++x) {
        d[x] = static_cast<float>(acc);
        acc += s[(x + r + 1) % w] - s[((x - r) % w + w) % w];
      }
    }
  });
  parallel_for(h, threads, [&](int y0, int y1) {
    std::vector<double> acc(w, 0.0);
    for (int y = y0; y < y1; ++y) {
      std::fill(acc.begin(), acc.end(), 0.0);
      for (int t = -r; t <= r; ++t) {
        const float* s = tmp.row(((y + t) % h + h) % h);
        for (int x = 0; x < w; ++x) acc[x] += s[x];
      }
      float* d = out.row(y);
      for (int x = 0; x < w; ++x) d[x] = static_cast<float>(acc[x]) * norm;
    }
  });
  return out;
}

Plane box_downsample(const Plane& in, int f, int threads) {
  if (f <= 1) return in;
  Plane out(in.width / f, in.height / f);
  const float norm = 1.0f / float(f * f);
  parallel_for(out.height, threads, [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      float* d = out.row(y);
      std::fill(d, d + out.width, 0.0f);
      for (int j = 0; j < f; ++j) {
        const float* s = in.row(y * f + j);
        for (int x = 0; x < out.width; ++x)
          for (int i = 0; i < f; ++i) d[x] += s[x * f + i];
      }
      for (int x = 0; x < out.width; ++x) d[x] *= norm;
    }
  });
  return out;
}

Plane luminance(const ImageView& img, int threads) {
  Plane out(img.width, img.height);
  const float scale = img.type == SampleType::U8 ? 1.0f : 1.0f / 257.0f;
  parallel_for(img.height, threads, [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      float* d = out.row(y);
      auto convert = [&](auto* s) {
        if (img.channels == 1) {
          for (int x = 0; x < img.width; ++x) d[x] = s[x] * scale;
        } else {
          const int c = img.channels;
          for (int x = 0; x < img.width; ++x)
            d[x] = shared::luma601(s[c * x], s[c * x + 1], s[c * x + 2]) * scale;
        }
      };
      if (img.type == SampleType::U8) convert(img.row<const std::uint8_t>(y));
      else convert(img.row<const std::uint16_t>(y));
    }
  });
  return out;
}

}  // namespace tidemark::detail
