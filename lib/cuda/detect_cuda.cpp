// The detection front end on the GPU (reference/analysis.hpp's stages): luminance, residuals,
// folds, the whitened spectrum (cuFFT) and the template search run on the device; what comes back
// is small: the folded tile (2 x 128 x 128 floats) per fold, the coarse maxima and the fine
// optima of the search, and the whitened spectrum once per level for the affine refinement.
#include <cuda_runtime_api.h>
#include <cufft.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>

#include "backend_select.hpp"
#include "cuda_support.hpp"
#include "detect_kernels.cuh"
#include "reference/fft.hpp"
#include "search_kernels.cuh"
#include "reference/analysis.hpp"

namespace tidemark {

using cuda_support::check;
using cuda_support::DeviceBuffer;
using cuda_support::PinnedBuffer;

namespace {

void check_fft(cufftResult r, const char* what) {
  if (r != CUFFT_SUCCESS) throw Error(Status::Internal, std::string("cuFFT ") + what + ": error " + std::to_string(int(r)));
}

// A cuFFT real-to-complex plan for one spectrum size, remade when the size changes.
class FftPlan {
 public:
  FftPlan() = default;
  FftPlan(const FftPlan&) = delete;
  FftPlan& operator=(const FftPlan&) = delete;
  ~FftPlan() { release(); }
  cufftHandle get(int W, int H, cudaStream_t s) {
    if (W != w_ || H != h_) {
      release();
      check_fft(cufftPlan2d(&plan_, H, W, CUFFT_R2C), "plan");
      w_ = W, h_ = H;
    }
    check_fft(cufftSetStream(plan_, s), "stream");
    return plan_;
  }

 private:
  void release() {
    if (w_) cufftDestroy(plan_);
    w_ = h_ = 0;
  }
  cufftHandle plan_{};
  int w_ = 0, h_ = 0;
};

}  // namespace

struct CudaDetectWorkspace {
  cuda_support::Stream stream;
  PinnedBuffer<unsigned char> staging;  // host images pass through here
  DeviceBuffer<unsigned char> image;
  DeviceBuffer<float> y, level_y, residual, wide, t1, t2, acc;
  PinnedBuffer<float> host_acc, host_plane;
  kernels::Taps g1 = cuda_support::taps_for(1.0f), g2 = cuda_support::taps_for(2.0f);
  // Spectrum and search.
  FftPlan fft;
  DeviceBuffer<float> pad, mag, bg, tmp, z, log, hx, hy, cols, framed, scores, rowmax, rx, ry, inv_scale;
  DeviceBuffer<float2> half;
  DeviceBuffer<unsigned char> grid_x, grid_y;
  DeviceBuffer<kernels::CoarseHit> hits;
  DeviceBuffer<int> hit_count;
  DeviceBuffer<double> peaks;
  DeviceBuffer<kernels::FineStart> starts;
  DeviceBuffer<kernels::FineResult> results;
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
      // Rows into page-locked staging (free: every call ends synchronised, but a call that threw
      // may not have), then one asynchronous copy.
      check(cudaStreamSynchronize(s_), "staging");
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
    spectrum_ready_ = false;
    host_z_ = detail::Spectrum{};
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
    make_spectrum(grid_period);
    return detail::Spectrum{download(ws_.z.get(), W_, H_), download(ws_.log.get(), W_, H_)};
  }

  std::vector<detail::Candidate> search(double grid_period, const std::vector<detail::Vec2>& peaks,
                                        const detail::SearchPass& pass) override {
    make_spectrum(grid_period);
    if (host_z_.z.px.empty()) host_z_.z = download(ws_.z.get(), W_, H_);  // for the affine refinement
    const detail::SearchGrid g = detail::search_grid(W_, H_, peaks, pass);
    const int nk = static_cast<int>(peaks.size()), wz = W_ / g.q, hz = H_ / g.q, pw = wz + 2, ph = hz + 2;
    std::vector<bool> mirrors{false};
    if (pass.mirror) mirrors.push_back(true);
    const int combos = static_cast<int>(mirrors.size() * pass.aspects.size());
    const std::size_t cells = std::size_t(g.nth) * g.nsc;
    const int capacity = static_cast<int>(std::max<std::size_t>(65536, cells * combos / 8));
    ws_.cols.reserve(std::size_t(wz) * H_);
    ws_.framed.reserve(std::size_t(pw) * ph);
    ws_.scores.reserve(cells);
    ws_.rowmax.reserve(cells);
    ws_.rx.reserve(std::size_t(g.nth) * nk);
    ws_.ry.reserve(std::size_t(g.nth) * nk);
    ws_.inv_scale.reserve(g.nsc);
    ws_.hits.reserve(capacity);
    ws_.hit_count.reserve(1);
    check(kernels::max_pool_framed(ws_.log.get(), W_, H_, g.q, pass.spread, ws_.cols.get(), ws_.framed.get(), s_), "pooling");
    std::vector<float> inv(g.nsc);
    for (int is = 0; is < g.nsc; ++is) inv[is] = detail::coarse_inverse_scale(g, is);
    upload(ws_.inv_scale.get(), inv);
    check(cudaMemsetAsync(ws_.hit_count.get(), 0, sizeof(int), s_), "search");
    // Coarse stage: every (mirror, aspect) combination scores its own grid; maxima pile up in one list.
    const float cxq = float(W_ / 2) / g.q + 1.5f, cyq = float(H_ / 2) / g.q + 1.5f;  // +1 frame, +0.5 rounding
    std::vector<float> rx, ry;
    for (int combo = 0; combo < combos; ++combo) {
      const bool mirrored = mirrors[combo / pass.aspects.size()];
      detail::rotated_peaks(detail::oriented(peaks, mirrored), g, pass, W_, H_, pass.aspects[combo % pass.aspects.size()], rx,
                            ry);
      upload(ws_.rx.get(), rx);  // pageable: consumed before the call returns
      upload(ws_.ry.get(), ry);
      check(kernels::coarse_scores(ws_.framed.get(), pw, ph, ws_.rx.get(), ws_.ry.get(), nk, g.nth, g.nsc,
                                   ws_.inv_scale.get(), cxq, cyq, ws_.scores.get(), s_),
            "coarse scores");
      check(kernels::coarse_maxima(ws_.scores.get(), ws_.rowmax.get(), g.nth, g.nsc, detail::kNmsRadius, combo,
                                   ws_.hits.get(), ws_.hit_count.get(), capacity, s_),
            "coarse maxima");
    }
    int count = 0;
    check(cudaMemcpyAsync(&count, ws_.hit_count.get(), sizeof(int), cudaMemcpyDeviceToHost, s_), "search");
    check(cudaStreamSynchronize(s_), "search");
    std::vector<kernels::CoarseHit> hits(std::min(count, capacity));
    if (!hits.empty()) {
      check(cudaMemcpyAsync(hits.data(), ws_.hits.get(), hits.size() * sizeof(kernels::CoarseHit), cudaMemcpyDeviceToHost, s_),
            "search");
      check(cudaStreamSynchronize(s_), "search");
    }
    // Best first; ties in a fixed order (the atomics appended them in any order).
    std::sort(hits.begin(), hits.end(), [](const kernels::CoarseHit& a, const kernels::CoarseHit& b) {
      if (a.score != b.score) return a.score > b.score;
      return std::tie(a.combo, a.is, a.it) < std::tie(b.combo, b.is, b.it);
    });
    const std::size_t maxima = detail::coarse_keep(W_, H_);
    if (hits.size() > maxima) hits.resize(maxima);
    if (hits.empty()) return {};
    // Fine stage, one block per coarse maximum.
    std::vector<kernels::FineStart> starts;
    for (const auto& h : hits) {
      const detail::GridPoint p = detail::grid_point(g, pass, h.it, h.is, pass.aspects[h.combo % pass.aspects.size()]);
      starts.push_back({p.theta, p.scale, p.aspect, mirrors[h.combo / pass.aspects.size()] ? 1 : 0});
    }
    std::vector<double> xy;
    for (const auto& p : peaks) xy.push_back(p.x), xy.push_back(p.y);
    ws_.peaks.reserve(xy.size());
    ws_.starts.reserve(starts.size());
    ws_.results.reserve(starts.size());
    upload(ws_.peaks.get(), xy);
    upload(ws_.starts.get(), starts);
    const double aspect_half = detail::fine_aspect_half(g, pass);
    check(kernels::fine_search(ws_.log.get(), ws_.peaks.get(), ws_.starts.get(), static_cast<int>(starts.size()),
                               kernels::FineSetup{W_, H_, g.dth, g.fmax, aspect_half, nk, pass.axis_aligned ? 1 : 0}, ws_.results.get(), s_),
          "fine search");
    std::vector<kernels::FineResult> fine(starts.size());
    check(cudaMemcpyAsync(fine.data(), ws_.results.get(), fine.size() * sizeof(kernels::FineResult), cudaMemcpyDeviceToHost, s_),
          "search");
    check(cudaStreamSynchronize(s_), "search");
    std::vector<detail::Candidate> out;
    for (std::size_t i = 0; i < fine.size(); ++i)
      out.push_back(detail::finish_candidate(host_z_, peaks, fine[i].score, fine[i].theta, fine[i].scale, fine[i].aspect,
                                             starts[i].mirrored != 0));
    std::stable_sort(out.begin(), out.end(), [](const detail::Candidate& a, const detail::Candidate& b) { return a.score > b.score; });
    if (out.size() > std::size_t(pass.verify)) out.resize(pass.verify);
    return out;
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

  // reference/spectrum.cpp's whitened_spectrum of the current level into ws_.z and ws_.log.
  void make_spectrum(double grid_period) {
    if (spectrum_ready_ && grid_period == grid_period_) return;
    W_ = detail::fft_size_at_least(lw_), H_ = detail::fft_size_at_least(lh_);
    const std::size_t n = std::size_t(W_) * H_;
    for (auto* b : {&ws_.pad, &ws_.mag, &ws_.bg, &ws_.tmp, &ws_.z, &ws_.log}) b->reserve(n);
    ws_.half.reserve(std::size_t(W_ / 2 + 1) * H_);
    ws_.hx.reserve(lw_);
    ws_.hy.reserve(lh_);
    ws_.grid_x.reserve(W_);
    ws_.grid_y.reserve(H_);
    upload(ws_.hx.get(), detail::hann_window(lw_));
    upload(ws_.hy.get(), detail::hann_window(lh_));
    const detail::GridLines grid = detail::jpeg_grid_lines(grid_period, W_, H_);
    upload(ws_.grid_x.get(), grid.columns);
    upload(ws_.grid_y.get(), grid.rows);
    check(kernels::window_pad(ws_.residual.get(), lw_, lh_, ws_.hx.get(), ws_.hy.get(), ws_.pad.get(), W_, H_, s_), "window");
    check_fft(cufftExecR2C(ws_.fft.get(W_, H_, s_), ws_.pad.get(), reinterpret_cast<cufftComplex*>(ws_.half.get())), "transform");
    check(kernels::centred_magnitude(ws_.half.get(), W_, H_, ws_.mag.get(), ws_.bg.get(), s_), "magnitude");
    check(kernels::box_mean_wrap(ws_.bg.get(), ws_.tmp.get(), W_, H_, detail::kWhitenRadius, s_), "background");
    check(kernels::whiten(ws_.mag.get(), ws_.bg.get(), ws_.grid_x.get(), ws_.grid_y.get(), W_, H_, detail::kLowCut,
                          ws_.z.get(), ws_.log.get(), s_),
          "whitening");
    spectrum_ready_ = true;
    grid_period_ = grid_period;
    host_z_ = detail::Spectrum{};
  }

  // Host to device on the stream; the source may be pageable and temporary (such copies have
  // consumed it when they return).
  template <class T>
  void upload(T* dst, const std::vector<T>& src) {
    if (!src.empty()) check(cudaMemcpyAsync(dst, src.data(), src.size() * sizeof(T), cudaMemcpyHostToDevice, s_), "upload");
  }

  detail::Plane download(const float* src, int w, int h) {
    const std::size_t n = std::size_t(w) * h;
    ws_.host_plane.reserve(n);
    check(cudaMemcpyAsync(ws_.host_plane.get(), src, n * sizeof(float), cudaMemcpyDeviceToHost, s_), "download");
    check(cudaStreamSynchronize(s_), "download");
    detail::Plane p(w, h);
    std::memcpy(p.px.data(), ws_.host_plane.get(), n * sizeof(float));
    return p;
  }

  CudaDetectWorkspace& ws_;
  cudaStream_t s_;
  int width_, height_, threads_;
  int lw_ = 0, lh_ = 0;
  const float* level_y_ = nullptr;
  bool wide_ready_ = false;
  bool spectrum_ready_ = false;
  double grid_period_ = 0;
  int W_ = 0, H_ = 0;        // spectrum size
  detail::Spectrum host_z_;  // the whitened spectrum on the host (z only), made on first search
};

}  // namespace

std::unique_ptr<detail::LevelAnalysis> make_cuda_analysis(CudaDetectWorkspace& ws, const ImageView& image, int threads) {
  return std::make_unique<CudaAnalysis>(ws, image, threads);
}

}  // namespace tidemark
