// The detector's whitened spectrum and template search on the GPU: the formulas and loop orders
// of reference/spectrum.cpp and reference/template_search.cpp (built without FMA contraction,
// double where the reference uses double), so candidates agree with the CPU's to rounding.
#include <cuda_runtime.h>

#include <climits>

#include "search_kernels.cuh"
#include "tidemark/shared/search_ops.hpp"
#include "tidemark/shared/spectrum_ops.hpp"

namespace tidemark::kernels {
namespace {

constexpr int kBlockX = 32, kBlockY = 8;
constexpr int kFineThreads = 256;

dim3 grid_for(int w, int h) { return dim3((w + kBlockX - 1) / kBlockX, (h + kBlockY - 1) / kBlockY); }

__device__ int wrap(int i, int n) { return ((i % n) + n) % n; }

__global__ void window_pad_kernel(const float* r, int w, int h, const float* hx, const float* hy, float* out, int W,
                                  int H) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= W || y >= H) return;
  out[std::size_t(y) * W + x] = x < w && y < h ? r[std::size_t(y) * w + x] * hx[x] * hy[y] : 0.0f;
}

__global__ void magnitude_kernel(const float2* spec, int W, int H, float* mag, float* power) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= W || y >= H) return;
  const int half = W / 2 + 1, kx = (x - W / 2 + W) % W, ky = (y - H / 2 + H) % H;
  // Hermitian symmetry: F(-k) = conj F(k) for real input; the magnitude needs no conjugate.
  const float2 f = kx < half ? spec[std::size_t(ky) * half + kx] : spec[std::size_t((H - ky) % H) * half + (W - kx)];
  const float m = sqrtf(f.x * f.x + f.y * f.y);
  mag[std::size_t(y) * W + x] = m;
  power[std::size_t(y) * W + x] = m * m;
}

__global__ void wrap_rows_kernel(const float* in, float* out, int W, int H, int r) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= W || y >= H) return;
  double acc = 0;  // the reference sums in double
  for (int t = -r; t <= r; ++t) acc += in[std::size_t(y) * W + wrap(x + t, W)];
  out[std::size_t(y) * W + x] = static_cast<float>(acc);
}

__global__ void wrap_cols_kernel(const float* in, float* out, int W, int H, int r, float norm) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= W || y >= H) return;
  double acc = 0;
  for (int t = -r; t <= r; ++t) acc += in[std::size_t(wrap(y + t, H)) * W + x];
  out[std::size_t(y) * W + x] = static_cast<float>(acc) * norm;
}

__global__ void whiten_kernel(const float* mag, const float* bg, const unsigned char* gx, const unsigned char* gy, int W,
                              int H, double low_cut, float* z, float* log) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= W || y >= H) return;
  const std::size_t i = std::size_t(y) * W + x;
  const double fx = double(x - W / 2) / W, fy = double(y - H / 2) / H;
  float v = shared::whitened(mag[i], bg[i], fx, fy, low_cut);
  if (gx[x] || gy[y]) v = fminf(v, 1.0f);
  z[i] = v;
  log[i] = shared::log1p_clipped(fminf(v, shared::kSpectrumClip));
}

__global__ void pool_cols_kernel(const float* L, int W, int H, int q, float* cols, int wz) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
  if (i >= wz || y >= H) return;
  const int cx = i * q + q / 2, half = (q + 2) / 2;
  float m = 0;
  for (int x = max(0, cx - half); x <= min(W - 1, cx + half - 1); ++x) m = fmaxf(m, L[std::size_t(y) * W + x]);
  cols[std::size_t(y) * wz + i] = m;
}

__global__ void pool_rows_kernel(const float* cols, int wz, int hz, int H, int q, int spread, float* framed) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x, j = blockIdx.y * blockDim.y + threadIdx.y;
  if (i >= wz || j >= hz) return;
  const int cy = j * q + q / 2, half = (q + 2) / 2;
  const int y0 = max(0, cy - half - spread * q), y1 = min(H - 1, cy + half - 1 + spread * q);
  float m = 0;
  for (int y = y0; y <= y1; ++y) m = fmaxf(m, cols[std::size_t(y) * wz + i]);
  framed[std::size_t(j + 1) * (wz + 2) + i + 1] = m;
}

__global__ void coarse_kernel(const float* framed, int pw, int ph, const float* rx, const float* ry, int nk, int nth, int nsc,
                              const float* inv_scale, float cxq, float cyq, float* S) {
  const int it = blockIdx.x * blockDim.x + threadIdx.x, is = blockIdx.y * blockDim.y + threadIdx.y;
  if (it >= nth || is >= nsc) return;
  S[std::size_t(is) * nth + it] = shared::coarse_cell_score(framed, pw, ph, rx + std::size_t(it) * nk,
                                                             ry + std::size_t(it) * nk, nk, cxq, cyq, inv_scale[is]);
}

__global__ void rowmax_kernel(const float* S, float* rowmax, int nth, int nsc, int r) {
  const int it = blockIdx.x * blockDim.x + threadIdx.x, is = blockIdx.y * blockDim.y + threadIdx.y;
  if (it >= nth || is >= nsc) return;
  float m = 0;
  for (int d = -r; d <= r; ++d) {
    int t = it + d;
    t = t < 0 ? t + nth : (t >= nth ? t - nth : t);  // theta wraps
    m = fmaxf(m, S[std::size_t(is) * nth + t]);
  }
  rowmax[std::size_t(is) * nth + it] = m;
}

__global__ void maxima_kernel(const float* S, const float* rowmax, int nth, int nsc, int r, int combo, CoarseHit* hits,
                              int* count, int capacity) {
  const int it = blockIdx.x * blockDim.x + threadIdx.x, is = blockIdx.y * blockDim.y + threadIdx.y;
  if (it >= nth || is >= nsc) return;
  float m = 0;
  for (int d = max(0, is - r); d <= min(nsc - 1, is + r); ++d) m = fmaxf(m, rowmax[std::size_t(d) * nth + it]);
  const float v = S[std::size_t(is) * nth + it];
  if (v > 0 && v == m) {
    const int k = atomicAdd(count, 1);
    if (k < capacity) hits[k] = CoarseHit{v, is, it, combo};
  }
}

__device__ float bilinear_clamped(const float* L, int W, int H, double u, double v) {
  u = fmin(fmax(u, 0.0), W - 2.001);
  v = fmin(fmax(v, 0.0), H - 2.001);
  const int x0 = static_cast<int>(u), y0 = static_cast<int>(v);
  const float a = static_cast<float>(u - x0), b = static_cast<float>(v - y0);
  const float* p = L + std::size_t(y0) * W + x0;
  return (1 - a) * (1 - b) * p[0] + a * (1 - b) * p[1] + (1 - a) * b * p[W] + a * b * p[W + 1];
}

__device__ double fine_score(const float* L, int W, int H, const double* pk, int n, bool mirrored, double th, double sc,
                             double asp) {
  const double c = cos(th), s = sin(th);
  double sum = 0;
  for (int k = 0; k < n; ++k) {
    const double fx = mirrored ? -pk[2 * k] : pk[2 * k], fy = pk[2 * k + 1];
    const double rx = c * fx - s * fy, ry = (s * fx + c * fy) / asp;
    sum += bilinear_clamped(L, W, H, W / 2 + rx / sc * W, H / 2 + ry / sc * H);
  }
  return sum / n;
}

// Index of the block's best (value, index): the largest value, the lowest index among equals —
// the first maximum of the reference's loop.
__device__ int block_argmax(double v, int idx, double* sv, int* si) {
  sv[threadIdx.x] = v;
  si[threadIdx.x] = idx;
  __syncthreads();
  for (int stride = blockDim.x / 2; stride > 0; stride /= 2) {
    if (threadIdx.x < stride) {
      const double ov = sv[threadIdx.x + stride];
      const int oi = si[threadIdx.x + stride];
      if (ov > sv[threadIdx.x] || (ov == sv[threadIdx.x] && oi < si[threadIdx.x])) sv[threadIdx.x] = ov, si[threadIdx.x] = oi;
    }
    __syncthreads();
  }
  const int best = si[0];
  __syncthreads();
  return best;
}

__global__ void fine_kernel(const float* L, const double* peaks, const FineStart* starts, FineSetup su, FineResult* out) {
  __shared__ double sv[kFineThreads];
  __shared__ int si[kFineThreads];
  const FineStart st = starts[blockIdx.x];
  const bool mir = st.mirrored != 0;
  double th = st.theta, sc = st.scale, asp = st.aspect;
  const double rfull = su.fmax / sc * max(su.W, su.H);
  for (int stage = 0; stage < 2; ++stage) {
    const double half = stage == 0 ? 2.0 * su.dth : 0.75 / rfull, step = stage == 0 ? 0.5 / rfull : 0.125 / rfull;
    const int n = static_cast<int>(floor(half / step)), side = 2 * n + 1, nt = su.fixed_theta ? 0 : n;
    double best = -1;
    int bi = INT_MAX;
    for (int idx = threadIdx.x; idx < (2 * nt + 1) * side; idx += blockDim.x) {
      const int i = idx / side - nt, j = idx % side - n;
      const double v = fine_score(L, su.W, su.H, peaks, su.peaks, mir, th + i * step, sc * exp(j * step), asp);
      if (v > best) best = v, bi = idx;
    }
    const int w = block_argmax(best, bi, sv, si);
    th = th + (w / side - nt) * step;
    sc = sc * exp((w % side - n) * step);
    if (su.aspect_half > 0) {
      const int na = static_cast<int>(floor(shared::fine_aspect_half_at(su.aspect_half, half, stage) / step));
      best = -1, bi = INT_MAX;
      for (int idx = threadIdx.x; idx < 2 * na + 1; idx += blockDim.x) {
        const double v = fine_score(L, su.W, su.H, peaks, su.peaks, mir, th, sc, asp * exp((idx - na) * step));
        if (v > best) best = v, bi = idx;
      }
      asp = asp * exp((block_argmax(best, bi, sv, si) - na) * step);
    }
  }
  if (threadIdx.x == 0) out[blockIdx.x] = FineResult{fine_score(L, su.W, su.H, peaks, su.peaks, mir, th, sc, asp), th, sc, asp};
}

}  // namespace

cudaError_t window_pad(const float* residual, int w, int h, const float* hx, const float* hy, float* out, int W, int H,
                       cudaStream_t s) {
  window_pad_kernel<<<grid_for(W, H), dim3(kBlockX, kBlockY), 0, s>>>(residual, w, h, hx, hy, out, W, H);
  return cudaGetLastError();
}

cudaError_t centred_magnitude(const float2* half_spectrum, int W, int H, float* magnitude, float* power, cudaStream_t s) {
  magnitude_kernel<<<grid_for(W, H), dim3(kBlockX, kBlockY), 0, s>>>(half_spectrum, W, H, magnitude, power);
  return cudaGetLastError();
}

cudaError_t box_mean_wrap(float* inout, float* tmp, int W, int H, int radius, cudaStream_t s) {
  const float norm = 1.0f / float((2 * radius + 1) * (2 * radius + 1));
  wrap_rows_kernel<<<grid_for(W, H), dim3(kBlockX, kBlockY), 0, s>>>(inout, tmp, W, H, radius);
  wrap_cols_kernel<<<grid_for(W, H), dim3(kBlockX, kBlockY), 0, s>>>(tmp, inout, W, H, radius, norm);
  return cudaGetLastError();
}

cudaError_t whiten(const float* magnitude, const float* background, const unsigned char* grid_columns,
                   const unsigned char* grid_rows, int W, int H, double low_cut, float* z, float* log, cudaStream_t s) {
  whiten_kernel<<<grid_for(W, H), dim3(kBlockX, kBlockY), 0, s>>>(magnitude, background, grid_columns, grid_rows, W, H,
                                                                   low_cut, z, log);
  return cudaGetLastError();
}

cudaError_t max_pool_framed(const float* log, int W, int H, int q, int spread, float* cols, float* framed,
                            cudaStream_t s) {
  const int wz = W / q, hz = H / q;
  cudaError_t e = cudaMemsetAsync(framed, 0, std::size_t(wz + 2) * (hz + 2) * sizeof(float), s);
  if (e != cudaSuccess) return e;
  pool_cols_kernel<<<grid_for(wz, H), dim3(kBlockX, kBlockY), 0, s>>>(log, W, H, q, cols, wz);
  pool_rows_kernel<<<grid_for(wz, hz), dim3(kBlockX, kBlockY), 0, s>>>(cols, wz, hz, H, q, spread, framed);
  return cudaGetLastError();
}

cudaError_t coarse_scores(const float* framed, int pw, int ph, const float* rx, const float* ry, int peaks, int nth,
                          int nsc, const float* inverse_scale, float cxq, float cyq, float* scores, cudaStream_t s) {
  coarse_kernel<<<grid_for(nth, nsc), dim3(kBlockX, kBlockY), 0, s>>>(framed, pw, ph, rx, ry, peaks, nth, nsc,
                                                                       inverse_scale, cxq, cyq, scores);
  return cudaGetLastError();
}

cudaError_t coarse_maxima(const float* scores, float* rowmax, int nth, int nsc, int radius, int combo, CoarseHit* hits,
                          int* count, int capacity, cudaStream_t s) {
  rowmax_kernel<<<grid_for(nth, nsc), dim3(kBlockX, kBlockY), 0, s>>>(scores, rowmax, nth, nsc, radius);
  maxima_kernel<<<grid_for(nth, nsc), dim3(kBlockX, kBlockY), 0, s>>>(scores, rowmax, nth, nsc, radius, combo, hits, count,
                                                                      capacity);
  return cudaGetLastError();
}

cudaError_t fine_search(const float* log, const double* peaks, const FineStart* starts, int count, FineSetup setup,
                        FineResult* out, cudaStream_t s) {
  if (count == 0) return cudaSuccess;
  fine_kernel<<<count, kFineThreads, 0, s>>>(log, peaks, starts, setup, out);
  return cudaGetLastError();
}

}  // namespace tidemark::kernels
