#pragma once
// Launchers for the TM1 detection front end: the stages of reference/analysis.hpp on the device.
// Host-callable, never throw: they return cudaError_t; the backend turns errors into
// tidemark::Error.
#include <cuda_runtime_api.h>

#include "embed_kernels.cuh"

namespace tidemark::kernels {

// Mean of each factor x factor block of `in` (w x h) into out ((w / factor) x (h / factor)),
// partial blocks dropped, summed in the CPU reference's order.
cudaError_t box_downsample(const float* in, float* out, int w, int h, int factor, cudaStream_t s);
// r = y - low, r2 = r * r.
cudaError_t residual_and_square(const float* y, const float* low, float* r, float* r2, int n, cudaStream_t s);
// `passes` rounds of a (2 radius + 1)^2 mean with reflected borders: rows into tmp, columns back
// into inout.
cudaError_t box_blur(float* inout, float* tmp, int w, int h, int radius, int passes, cudaStream_t s);
// r = clamp(r / (sqrt(max(energy, 0)) + 0.5), -3, 3).
cudaError_t normalise_residual(float* r, const float* energy, int n, cudaStream_t s);

// A geometry hypothesis for the fold: tile position of pixel (x, y) is (a x + c y, b x + d y)
// modulo the tile (reference/fold.cpp, in the same 32.32 fixed point).
struct FoldMap {
  double a, b, c, d;
};
// Accumulates value and weight sums of the residual into acc[0 .. 2 P^2) (P = tile side; the
// caller zeroes acc): bilinear splat, or whole to the nearest tile pixel when `nearest`.
cudaError_t fold(const float* residual, int w, int h, FoldMap map, bool nearest, float* acc, cudaStream_t s);

}  // namespace tidemark::kernels
