#pragma once
// Launchers for the detector's spectrum and template search on the GPU: the formulas of
// reference/spectrum.cpp and reference/template_search.cpp. The FFT itself is cuFFT's (called by
// the backend). Host-callable, never throw: they return cudaError_t.
#include <cuda_runtime_api.h>

namespace tidemark::kernels {

// ---- Whitened spectrum ----
// out (W x H) = residual (w x h) times the window hx[x] hy[y], zero-padded.
cudaError_t window_pad(const float* residual, int w, int h, const float* hx, const float* hy, float* out, int W, int H,
                       cudaStream_t s);
// Centred magnitude (DC at W/2, H/2) of the half spectrum cuFFT's R2C wrote (H rows of W/2 + 1
// complex values), and its square.
cudaError_t centred_magnitude(const float2* half_spectrum, int W, int H, float* magnitude, float* power, cudaStream_t s);
// Mean over a (2r+1)^2 window with wrap-around, in place (tmp: a W x H scratch plane).
cudaError_t box_mean_wrap(float* inout, float* tmp, int W, int H, int radius, cudaStream_t s);
// z = whitened magnitude (capped at 1 on the flagged grid columns and rows), log = log1p(min(z, clip)).
cudaError_t whiten(const float* magnitude, const float* background, const unsigned char* grid_columns,
                   const unsigned char* grid_rows, int W, int H, double low_cut, float* z, float* log, cudaStream_t s);

// ---- Template search ----
// Max-pooled log spectrum (q x q cells, widened by `spread` cells vertically) into a map framed
// by one row and column of zeros ((W/q + 2) x (H/q + 2)); cols: a (W/q) x H scratch plane.
cudaError_t max_pool_framed(const float* log, int W, int H, int q, int spread, float* cols, float* framed,
                            cudaStream_t s);
// Coarse scores S[is * nth + it]: mean of the framed map at the predicted peaks.
cudaError_t coarse_scores(const float* framed, int pw, int ph, const float* rx, const float* ry, int peaks, int nth,
                          int nsc, const float* inverse_scale, float cxq, float cyq, float* scores, cudaStream_t s);

struct CoarseHit {
  float score;
  int is, it, combo;
};
// Appends every positive local maximum (over +-radius thetas, wrapping, and scales) of the nth x nsc
// scores to hits (count: an int counter; entries past `capacity` are dropped).
cudaError_t coarse_maxima(const float* scores, float* rowmax, int nth, int nsc, int radius, int combo, CoarseHit* hits,
                          int* count, int capacity, cudaStream_t s);

struct FineStart {
  double theta, scale, aspect;
  int mirrored;
};
struct FineResult {
  double score, theta, scale, aspect;
};
struct FineSetup {
  int W, H;
  double dth, fmax;
  double aspect_half;  // half-width of the aspect line search (0: aspect kept)
  int peaks;
  int fixed_theta;     // 1: rotation kept (an axis-aligned pass), only scale and aspect refined
};
// The fine stage for each start (one block each): (theta, scale) on two ever finer grids, aspect
// refined after each when asked, as reference/template_search.cpp does. peaks: x, y pairs.
cudaError_t fine_search(const float* log, const double* peaks, const FineStart* starts, int count, FineSetup setup,
                        FineResult* out, cudaStream_t s);

}  // namespace tidemark::kernels
