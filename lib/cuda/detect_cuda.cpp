// The detection front end on the GPU (reference/analysis.hpp's stages): luminance, residuals and
// folds stay on the device; only the folded tile (2 x 128 x 128 floats) comes back per fold. The
// whitened spectrum for the template search is made on the host from the downloaded residual.
#include <cuda_runtime_api.h>

#include <cstring>
#include <memory>

#include "backend_select.hpp"
#include "cuda_support.hpp"
#include "detect_kernels.cuh"
#include "reference/analysis.hpp"

namespace tidemark {

using cuda_support::check;
using cuda_support::DeviceBuffer;
using cuda_support::PinnedBuffer;

struct CudaDetectWorkspace {
  cuda_support::Stream stream;
  PinnedBuffer<unsigned char> staging;  // host images pass through here
  DeviceBuffer<unsigned char> image;
  DeviceBuffer<float> y, level_y, residual, wide, t1, t2, acc;
  PinnedBuffer<float> host_acc, host_plane;
  kernels::Taps g1 = cuda_support::taps_for(1.0f), g2 = cuda_support::taps_for(2.0f);
};

void CudaDetectWorkspaceDeleter::operator()(CudaDetectWorkspace* ws) const noexcept { delete ws; }

CudaDetectWorkspacePtr make_cuda_detect_workspace() {
  if (cuda_device_count() == 0) throw Error(Status::Unsupported, "no CUDA device is present");
  return CudaDetectWorkspacePtr(new CudaDetectWorkspace());
}

namespace {

constexpr int P = tm1::kTile;
constexpr int kNormRadius = 4;  // reference/spectrum.cpp: local RMS over two 9 x 9 box passes

class CudaAnalysis final : public detail::LevelAnalysis {
 public:
  CudaAnalysis(CudaDetectWorkspace& ws, const ImageView& image, int threads)
      : ws_(ws), s_(ws.stream.get()), width_(image.width), height_(image.height), threads_(threads) {
    const std::size_t pixels = std::size_t(width_) * height_;
    for (auto* b : {&ws.y, &ws.level_y, &ws.residual, &ws.wide, &ws.t1, &ws.t2}) b->reserve(pixels);
    ws.acc.reserve(2 * P * P);
    ws.host_acc.reserve(2 * P * P);
    kernels::DeviceImage img{image.data, width_, height_, image.pitch, image.channels, image.type == SampleType::U16};
    if (image.space == MemorySpace::Host) {
      // Rows into page-locked staging, then one asynchronous copy.
      const std::size_t row = image.row_bytes(), bytes = row * height_;
      ws.staging.reserve(bytes);
      ws.image.reserve(bytes);
      for (int r = 0; r < height_; ++r)
        std::memcpy(ws.staging.get() + row * r, static_cast<const unsigned char*>(image.data) + image.pitch * r, row);
      check(cudaMemcpyAsync(ws.image.get(), ws.staging.get(), bytes, cudaMemcpyHostToDevice, s_), "image upload");
      img.data = ws.image.get();
      img.pitch = row;
    }
    check(kernels::luminance(img, ws.y.get(), s_), "luminance");
  }

  void set_level(int level) override {
    lw_ = level > 1 ? width_ / level : width_;
    lh_ = level > 1 ? height_ / level : height_;
    level_y_ = ws_.y.get();
    if (level > 1) {
      check(kernels::box_downsample(ws_.y.get(), ws_.level_y.get(), width_, height_, level, s_), "downsample");
      level_y_ = ws_.level_y.get();
    }
    residual(ws_.g1, ws_.residual.get());
    wide_ready_ = false;
  }

  detail::Folded fold(bool wide, const detail::Affine& a, bool nearest) override {
    if (wide && !wide_ready_) {
      residual(ws_.g2, ws_.wide.get());
      wide_ready_ = true;
    }
    check(cudaMemsetAsync(ws_.acc.get(), 0, 2 * P * P * sizeof(float), s_), "fold clear");
    check(kernels::fold(wide ? ws_.wide.get() : ws_.residual.get(), lw_, lh_, kernels::FoldMap{a.a, a.b, a.c, a.d}, nearest,
                        ws_.acc.get(), s_),
          "fold");
    check(cudaMemcpyAsync(ws_.host_acc.get(), ws_.acc.get(), 2 * P * P * sizeof(float), cudaMemcpyDeviceToHost, s_),
          "fold download");
    check(cudaStreamSynchronize(s_), "fold");
    const float* sum = ws_.host_acc.get();
    const float* weight = sum + P * P;
    detail::Folded out{detail::Plane(P, P, 0.0f), 0.0};
    double total = 0;
    for (int k = 0; k < P * P; ++k) {
      out.tile.px[k] = weight[k] > 0 ? sum[k] / weight[k] : 0.0f;
      total += weight[k];
    }
    out.coverage = total / (P * P);
    return out;
  }

  detail::Spectrum spectrum(double grid_period) override {
    const std::size_t n = std::size_t(lw_) * lh_;
    ws_.host_plane.reserve(n);
    check(cudaMemcpyAsync(ws_.host_plane.get(), ws_.residual.get(), n * sizeof(float), cudaMemcpyDeviceToHost, s_),
          "residual download");
    check(cudaStreamSynchronize(s_), "residual download");
    detail::Plane r(lw_, lh_);
    std::memcpy(r.px.data(), ws_.host_plane.get(), n * sizeof(float));
    return detail::whitened_spectrum(r, grid_period, threads_);
  }

 private:
  // reference/spectrum.cpp's normalised_residual of the current level into `out`.
  void residual(const kernels::Taps& taps, float* out) {
    const int n = lw_ * lh_;
    check(kernels::gaussian(level_y_, ws_.t1.get(), ws_.t2.get(), lw_, lh_, taps, s_), "blur");
    check(kernels::residual_and_square(level_y_, ws_.t2.get(), out, ws_.t1.get(), n, s_), "residual");
    check(kernels::box_blur(ws_.t1.get(), ws_.t2.get(), lw_, lh_, kNormRadius, 2, s_), "local energy");
    check(kernels::normalise_residual(out, ws_.t1.get(), n, s_), "normalise");
  }

  CudaDetectWorkspace& ws_;
  cudaStream_t s_;
  int width_, height_, threads_;
  int lw_ = 0, lh_ = 0;
  const float* level_y_ = nullptr;
  bool wide_ready_ = false;
};

}  // namespace

std::unique_ptr<detail::LevelAnalysis> make_cuda_analysis(CudaDetectWorkspace& ws, const ImageView& image, int threads) {
  return std::make_unique<CudaAnalysis>(ws, image, threads);
}

}  // namespace tidemark
