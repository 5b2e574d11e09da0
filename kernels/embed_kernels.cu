// TM1 embed on the GPU: the same formulas as the CPU reference (shared/ headers, same filter
// taps and summation order; built without FMA contraction so results match bit for bit).
#include <cuda_runtime.h>

#include "embed_kernels.cuh"
#include "tidemark/shared/content_hash.hpp"
#include "tidemark/shared/pixel_ops.hpp"

namespace tidemark::kernels {
namespace {

constexpr int kBlockX = 32, kBlockY = 8;

dim3 grid_for(int w, int h) { return dim3((w + kBlockX - 1) / kBlockX, (h + kBlockY - 1) / kBlockY); }

template <class T>
__device__ const T* row_ptr(const DeviceImage& img, int y) {
  return reinterpret_cast<const T*>(static_cast<const unsigned char*>(img.data) + img.pitch * y);
}

template <class T>
__global__ void luminance_kernel(DeviceImage img, float* y, float scale) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x, r = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= img.width || r >= img.height) return;
  const T* p = row_ptr<T>(img, r) + x * img.channels;
  const float v = img.channels == 1 ? float(p[0]) : shared::luma601(float(p[0]), float(p[1]), float(p[2]));
  y[r * img.width + x] = v * scale;
}

__global__ void blur_rows_kernel(const float* in, float* out, int w, int h, Taps taps) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= w || y >= h) return;
  const float* row = in + y * w;
  float acc = 0.0f;
  for (int t = 0; t <= 2 * taps.radius; ++t) acc += taps.w[t] * row[shared::reflect101(x + t - taps.radius, w)];
  out[y * w + x] = acc;
}

__global__ void blur_cols_kernel(const float* in, float* out, int w, int h, Taps taps) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= w || y >= h) return;
  float acc = 0.0f;
  for (int t = -taps.radius; t <= taps.radius; ++t) acc += taps.w[t + taps.radius] * in[shared::reflect101(y + t, h) * w + x];
  out[y * w + x] = acc;
}

__global__ void block_energy_kernel(const float* y, const float* low, float* out, int w, int h) {
  const int w2 = (w + 1) / 2, h2 = (h + 1) / 2;
  const int i = blockIdx.x * blockDim.x + threadIdx.x, j = blockIdx.y * blockDim.y + threadIdx.y;
  if (i >= w2 || j >= h2) return;
  out[j * w2 + i] = shared::block_energy(y, low, w, h, i, j);
}

__global__ void sqrt_kernel(float* v, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) v[i] = sqrtf(v[i]);
}

__global__ void erode_rows_kernel(const float* in, float* out, int w, int h, int r) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= w || y >= h) return;
  float m = in[y * w + max(0, x - r)];
  for (int i = max(0, x - r) + 1; i <= min(w - 1, x + r); ++i) m = fminf(m, in[y * w + i]);
  out[y * w + x] = m;
}

__global__ void erode_cols_kernel(const float* in, float* out, int w, int h, int r) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= w || y >= h) return;
  float m = in[y * w + x];
  for (int j = max(0, y - r); j <= min(h - 1, y + r); ++j) m = fminf(m, in[j * w + x]);
  out[y * w + x] = m;
}

__global__ void mask_kernel(float* v, int n, float lo, float hi) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) v[i] = shared::mask_from_activity(v[i], lo, hi);
}

constexpr int kSamples = shared::kOffsetSamplesPerSide * shared::kOffsetSamplesPerSide;

__global__ void content_offset_kernel(DeviceImage img, shared::SipKey key, int period, int* offset) {
  __shared__ unsigned long long part[kSamples];
  const int i = threadIdx.x;
  int x, y;
  shared::offset_sample_position(i, img.width, img.height, x, y);
  const int bps = img.channels * (img.u16 ? 2 : 1);
  const unsigned char* p = static_cast<const unsigned char*>(img.data) + img.pitch * y + std::size_t(bps) * x;
  std::uint64_t v = 0;
  for (int b = 0; b < bps; ++b) v |= std::uint64_t(p[b]) << (8 * b);  // little-endian, as memcpy on the host
  part[i] = shared::offset_sample_hash(key, img.width, img.height, i, v);
  __syncthreads();
  for (int stride = kSamples / 2; stride > 0; stride /= 2) {
    if (i < stride) part[i] ^= part[i + stride];
    __syncthreads();
  }
  if (i == 0) shared::offset_from_hash(key, part[0], period, offset[0], offset[1]);
}

// Where the tile is read: the image path's whole offsets, which content_offset left on the device...
struct OffsetOnDevice {
  float scale;
  const int* offset;
  __device__ float operator()(const float* tile, int period, int x, int y) const {
    return shared::tile_at(tile, period, x, y, scale, offset[0], offset[1]);
  }
};
// ...or a geometry given by the caller (video frames whose tile follows the picture).
struct GivenGeometry {
  float scale, ox, oy;
  bool exact;
  __device__ float operator()(const float* tile, int period, int x, int y) const {
    return shared::tile_at_geometry(tile, period, x, y, scale, ox, oy, exact);
  }
};

template <class T, class TileAt>
__global__ void apply_kernel(DeviceImage img, const float* mask, const float* tile, int period, float strength,
                             TileAt tile_at) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= img.width || y >= img.height) return;
  const float m = shared::mask_at(mask, (img.width + 1) / 2, (img.height + 1) / 2, x, y);
  const float d = strength * m * tile_at(tile, period, x, y);
  T* p = reinterpret_cast<T*>(static_cast<unsigned char*>(img.data) + img.pitch * y) + x * img.channels;
  const int colour = img.channels == 1 ? 1 : 3;
  for (int k = 0; k < colour; ++k) {
    if constexpr (sizeof(T) == 1) p[k] = shared::add_delta_u8(p[k], d);
    else p[k] = shared::add_delta_u16(p[k], d);
  }
}

int blocks_1d(int n) { return (n + 255) / 256; }

}  // namespace

cudaError_t luminance(const DeviceImage& img, float* y, cudaStream_t s) {
  if (img.u16) luminance_kernel<std::uint16_t><<<grid_for(img.width, img.height), dim3(kBlockX, kBlockY), 0, s>>>(img, y, 1.0f / 257.0f);
  else luminance_kernel<std::uint8_t><<<grid_for(img.width, img.height), dim3(kBlockX, kBlockY), 0, s>>>(img, y, 1.0f);
  return cudaGetLastError();
}

cudaError_t gaussian(const float* in, float* tmp, float* out, int w, int h, const Taps& taps, cudaStream_t s) {
  blur_rows_kernel<<<grid_for(w, h), dim3(kBlockX, kBlockY), 0, s>>>(in, tmp, w, h, taps);
  blur_cols_kernel<<<grid_for(w, h), dim3(kBlockX, kBlockY), 0, s>>>(tmp, out, w, h, taps);
  return cudaGetLastError();
}

cudaError_t block_energy(const float* y, const float* low, float* out, int w, int h, cudaStream_t s) {
  block_energy_kernel<<<grid_for((w + 1) / 2, (h + 1) / 2), dim3(kBlockX, kBlockY), 0, s>>>(y, low, out, w, h);
  return cudaGetLastError();
}

cudaError_t square_root(float* v, int w, int h, cudaStream_t s) {
  sqrt_kernel<<<blocks_1d(w * h), 256, 0, s>>>(v, w * h);
  return cudaGetLastError();
}

cudaError_t erode(const float* in, float* tmp, float* out, int w, int h, int r, cudaStream_t s) {
  erode_rows_kernel<<<grid_for(w, h), dim3(kBlockX, kBlockY), 0, s>>>(in, tmp, w, h, r);
  erode_cols_kernel<<<grid_for(w, h), dim3(kBlockX, kBlockY), 0, s>>>(tmp, out, w, h, r);
  return cudaGetLastError();
}

cudaError_t mask_from_activity(float* v, int w, int h, float lo, float hi, cudaStream_t s) {
  mask_kernel<<<blocks_1d(w * h), 256, 0, s>>>(v, w * h, lo, hi);
  return cudaGetLastError();
}

cudaError_t content_offset(const DeviceImage& img, std::uint64_t k0, std::uint64_t k1, int period, int* offset,
                           cudaStream_t s) {
  content_offset_kernel<<<1, kSamples, 0, s>>>(img, shared::SipKey{k0, k1}, period, offset);
  return cudaGetLastError();
}

namespace {
template <class TileAt>
cudaError_t launch_apply(const DeviceImage& img, const float* mask, const float* tile, int period, float strength,
                         TileAt tile_at, cudaStream_t s) {
  const dim3 grid = grid_for(img.width, img.height), block(kBlockX, kBlockY);
  if (img.u16) apply_kernel<std::uint16_t><<<grid, block, 0, s>>>(img, mask, tile, period, strength, tile_at);
  else apply_kernel<std::uint8_t><<<grid, block, 0, s>>>(img, mask, tile, period, strength, tile_at);
  return cudaGetLastError();
}
}  // namespace

cudaError_t apply_delta(const DeviceImage& img, const float* mask, const float* tile, int period, float scale,
                        float strength, const int* offset, cudaStream_t s) {
  return launch_apply(img, mask, tile, period, strength, OffsetOnDevice{scale, offset}, s);
}

cudaError_t apply_delta_at(const DeviceImage& img, const float* mask, const float* tile, int period, float scale,
                           float offset_x, float offset_y, float strength, cudaStream_t s) {
  const bool exact = shared::is_exact_geometry(scale, offset_x, offset_y);
  return launch_apply(img, mask, tile, period, strength, GivenGeometry{scale, offset_x, offset_y, exact}, s);
}

}  // namespace tidemark::kernels
