// TM1 detection front end on the GPU: the formulas of reference/filters.cpp, spectrum.cpp and
// fold.cpp (the fold's coordinates come from shared/fold_ops.hpp). Sums run in another order than
// on the CPU (direct window sums instead of running sums, atomics in the fold), so planes agree
// to float rounding, not bit for bit; the decisions made on them agree.
#include <cuda_runtime.h>

#include "detect_kernels.cuh"
#include "tidemark/shared/fold_ops.hpp"
#include "tidemark/shared/pixel_ops.hpp"

namespace tidemark::kernels {
namespace {

constexpr int kBlockX = 32, kBlockY = 8;

dim3 grid_for(int w, int h) { return dim3((w + kBlockX - 1) / kBlockX, (h + kBlockY - 1) / kBlockY); }
int blocks_1d(int n) { return (n + 255) / 256; }

__global__ void downsample_kernel(const float* in, float* out, int w, int f, int ow, int oh, float norm) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= ow || y >= oh) return;
  float acc = 0.0f;  // rows outer, columns inner: the reference's order
  for (int j = 0; j < f; ++j) {
    const float* s = in + std::size_t(y * f + j) * w + x * f;
    for (int i = 0; i < f; ++i) acc += s[i];
  }
  out[std::size_t(y) * ow + x] = acc * norm;
}

__global__ void residual_kernel(const float* y, const float* low, float* r, float* r2, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const float v = y[i] - low[i];
  r[i] = v;
  r2[i] = v * v;
}

__global__ void box_rows_kernel(const float* in, float* out, int w, int h, int r, float norm) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= w || y >= h) return;
  const float* row = in + std::size_t(y) * w;
  float acc = 0.0f;
  for (int t = -r; t <= r; ++t) acc += row[shared::reflect101(x + t, w)];
  out[std::size_t(y) * w + x] = acc * norm;
}

__global__ void box_cols_kernel(const float* in, float* out, int w, int h, int r, float norm) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= w || y >= h) return;
  float acc = 0.0f;
  for (int t = -r; t <= r; ++t) acc += in[std::size_t(shared::reflect101(y + t, h)) * w + x];
  out[std::size_t(y) * w + x] = acc * norm;
}

__global__ void normalise_kernel(float* r, const float* e, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  r[i] = fminf(fmaxf(r[i] / (sqrtf(fmaxf(e[i], 0.0f)) + 0.5f), -3.0f), 3.0f);
}

// One thread per pixel; the row's start coordinates are computed in double exactly as the host
// does, then stepped in fixed point.
__global__ void fold_kernel(const float* res, int w, int h, FoldMap m, bool nearest, float* acc) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= w || y >= h) return;
  constexpr int P2 = shared::kFoldTile * shared::kFoldTile;
  const std::uint64_t u = (shared::to_fixed(m.c * y) + std::uint64_t(x) * shared::to_fixed(m.a)) & shared::kFixedMask;
  const std::uint64_t v = (shared::to_fixed(m.d * y) + std::uint64_t(x) * shared::to_fixed(m.b)) & shared::kFixedMask;
  const float val = res[std::size_t(y) * w + x];
  if (nearest) {
    const int bin = shared::fold_nearest_bin(u, v);
    atomicAdd(acc + bin, val);
    atomicAdd(acc + P2 + bin, 1.0f);
    return;
  }
  const shared::FoldSplat sp = shared::fold_splat(u, v);
  for (int k = 0; k < 4; ++k) {
    atomicAdd(acc + sp.bin[k], sp.weight[k] * val);
    atomicAdd(acc + P2 + sp.bin[k], sp.weight[k]);
  }
}

}  // namespace

cudaError_t box_downsample(const float* in, float* out, int w, int h, int f, cudaStream_t s) {
  const int ow = w / f, oh = h / f;
  downsample_kernel<<<grid_for(ow, oh), dim3(kBlockX, kBlockY), 0, s>>>(in, out, w, f, ow, oh, 1.0f / float(f * f));
  return cudaGetLastError();
}

cudaError_t residual_and_square(const float* y, const float* low, float* r, float* r2, int n, cudaStream_t s) {
  residual_kernel<<<blocks_1d(n), 256, 0, s>>>(y, low, r, r2, n);
  return cudaGetLastError();
}

cudaError_t box_blur(float* inout, float* tmp, int w, int h, int radius, int passes, cudaStream_t s) {
  const float norm = 1.0f / float(2 * radius + 1);
  for (int p = 0; p < passes; ++p) {
    box_rows_kernel<<<grid_for(w, h), dim3(kBlockX, kBlockY), 0, s>>>(inout, tmp, w, h, radius, norm);
    box_cols_kernel<<<grid_for(w, h), dim3(kBlockX, kBlockY), 0, s>>>(tmp, inout, w, h, radius, norm);
  }
  return cudaGetLastError();
}

cudaError_t normalise_residual(float* r, const float* energy, int n, cudaStream_t s) {
  normalise_kernel<<<blocks_1d(n), 256, 0, s>>>(r, energy, n);
  return cudaGetLastError();
}

cudaError_t fold(const float* residual, int w, int h, FoldMap map, bool nearest, float* acc, cudaStream_t s) {
  fold_kernel<<<grid_for(w, h), dim3(kBlockX, kBlockY), 0, s>>>(residual, w, h, map, nearest, acc);
  return cudaGetLastError();
}

}  // namespace tidemark::kernels
