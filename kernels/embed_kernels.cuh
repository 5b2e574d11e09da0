#pragma once
// Launchers for the TM1 embed kernels. Host-callable, never throw: they return cudaError_t
// (CUB's convention); the backend turns errors into tidemark::Error. Inputs are validated by the
// caller before any launch.
#include <cuda_runtime_api.h>

#include <cstdint>

namespace tidemark::kernels {

struct Taps {  // a symmetric filter, passed by value
  int radius;
  float w[32];
};

struct DeviceImage {
  void* data;
  int width, height;
  std::size_t pitch;
  int channels;
  bool u16;
};

// Y plane (width x height floats, 8-bit grey levels).
cudaError_t luminance(const DeviceImage& img, float* y, cudaStream_t s);
// Separable Gaussian: rows into tmp, columns into out.
cudaError_t gaussian(const float* in, float* tmp, float* out, int w, int h, const Taps& taps, cudaStream_t s);
// Half-resolution (ceil(w/2) x ceil(h/2)) mean of (y - low)^2 over 2 x 2 blocks.
cudaError_t block_energy(const float* y, const float* low, float* out, int w, int h, cudaStream_t s);
cudaError_t square_root(float* inout, int w, int h, cudaStream_t s);
// (2r+1)^2 minimum, window clipped at the borders: rows into tmp, columns into out.
cudaError_t erode(const float* in, float* tmp, float* out, int w, int h, int radius, cudaStream_t s);
cudaError_t mask_from_activity(float* inout, int w, int h, float floor_, float ceiling, cudaStream_t s);
// Per-image tile offset from the key and the pixels (see shared/content_hash.hpp) into offset[2].
cudaError_t content_offset(const DeviceImage& img, std::uint64_t k0, std::uint64_t k1, int period, int* offset,
                           cudaStream_t s);
// Adds strength * mask(x, y) * tile(x, y) to the colour channels (alpha untouched); the mask is
// half resolution, read bilinearly.
cudaError_t apply_delta(const DeviceImage& img, const float* mask, const float* tile, int period, float scale,
                        float strength, const int* offset, cudaStream_t s);
// The same with the tile's geometry given (any scale, fractional offsets): embed_cpu_at.
cudaError_t apply_delta_at(const DeviceImage& img, const float* mask, const float* tile, int period, float scale,
                           float offset_x, float offset_y, float strength, cudaStream_t s);

}  // namespace tidemark::kernels
