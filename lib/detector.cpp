#include "tidemark/detector.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <string>

#include "backend_select.hpp"
#include "core/ecc.hpp"
#include "reference/detect_cpu.hpp"
#include "reference/parallel.hpp"
#include "tidemark/error.hpp"

namespace tidemark {
namespace {
constexpr int kMaxCudaWorkers = 8;  // images in flight in one detect_batch call on CUDA
}  // namespace

struct Detector::Impl {
  Impl(const Key& key, const DetectParams& p, Backend b) : dk(key), params(p), backend(resolve_backend(b)) {}
  detail::DetectKey dk;
  DetectParams params;
  Backend backend;

  // CUDA workspaces (buffers and a stream each), one per call in flight: concurrent calls run on
  // their own streams, and steady-state calls allocate nothing.
  std::mutex pool_mutex;
  std::vector<CudaDetectWorkspacePtr> idle;
  struct Lease {
    Impl& impl;
    CudaDetectWorkspacePtr ws;
    ~Lease() {
      std::lock_guard lock(impl.pool_mutex);
      impl.idle.push_back(std::move(ws));
    }
  };
  Lease lease() {
    CudaDetectWorkspacePtr ws;
    {
      std::lock_guard lock(pool_mutex);
      if (!idle.empty()) {
        ws = std::move(idle.back());
        idle.pop_back();
      }
    }
    if (!ws) ws = make_cuda_detect_workspace();
    return Lease{*this, std::move(ws)};
  }

  DetectResult detect(const ImageView& image, const DetectParams& p) {
    if (image.width < tm1::kTile || image.height < tm1::kTile) return detail::too_small();
    if (backend == Backend::Cpu) {
      if (image.space == MemorySpace::Device)
        throw Error(Status::InvalidArgument, "detect: a device-resident image needs the CUDA backend (this detector uses the CPU)");
      return detail::detect_cpu(dk, p, image);
    }
    const Lease l = lease();
    const auto analysis = make_cuda_analysis(*l.ws, image, p.threads);
    return detail::detect_image(dk, p, image.width, image.height, *analysis);
  }
};

Detector::Detector(const Key& key, const DetectParams& params, Backend backend)
    : impl_(std::make_unique<Impl>(key, params, backend)) {
  if (params.candidates < 1 || params.candidates > 32)
    throw Error(Status::InvalidArgument, "candidates must be in [1, 32]");
  for (double s : params.expected_scales)
    if (!(s >= 0.25 && s <= 64))  // NaN fails too
      throw Error(Status::InvalidArgument, "expected scales must be in [0.25, 64] image pixels per tile pixel");
}
Detector::~Detector() = default;
Detector::Detector(Detector&&) noexcept = default;
Detector& Detector::operator=(Detector&&) noexcept = default;

Backend Detector::backend() const { return impl_->backend; }

DetectResult Detector::detect(const ImageView& image) const {
  validate(image, "detect");
  return impl_->detect(image, impl_->params);
}

std::vector<DetectResult> Detector::detect_batch(std::span<const ImageView> images) const {
  for (const ImageView& image : images) validate(image, "detect_batch");
  std::vector<DetectResult> out(images.size());
  const int cores = detail::resolve_threads(impl_->params.threads);
  // The CPU reference spreads each image over all cores already. On CUDA the host's share (sync
  // correlation, decoding, the template search) is serial per image: several images in flight,
  // each on its own stream, keep both the cores and the GPU busy.
  const int workers = impl_->backend == Backend::Cuda ? std::min<int>({int(images.size()), cores, kMaxCudaWorkers}) : 1;
  if (workers <= 1) {
    for (std::size_t i = 0; i < images.size(); ++i) out[i] = impl_->detect(images[i], impl_->params);
    return out;
  }
  DetectParams per_image = impl_->params;
  per_image.threads = std::max(1, cores / workers);
  std::atomic<std::size_t> next{0};
  std::vector<std::exception_ptr> errors(workers);
  std::vector<std::thread> pool;
  for (int w = 0; w < workers; ++w)
    pool.emplace_back([&, w] {
      try {
        for (std::size_t i; (i = next.fetch_add(1)) < images.size();) out[i] = impl_->detect(images[i], per_image);
      } catch (...) {
        errors[w] = std::current_exception();
        next = images.size();  // the others stop at their next image
      }
    });
  for (auto& t : pool) t.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  return out;
}

std::optional<Payload> decode_soft_bits(std::span<const float> soft_bits) {
  if (soft_bits.size() != static_cast<std::size_t>(tm1::kCodedBits))
    throw Error(Status::InvalidArgument, "decode_soft_bits: expected " + std::to_string(tm1::kCodedBits) + " soft bits");
  const auto d = detail::decode_payload(soft_bits);
  if (!d.crc_ok) return std::nullopt;
  return Payload{d.user_bits};
}

}  // namespace tidemark
