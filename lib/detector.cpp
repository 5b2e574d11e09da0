#include "tidemark/detector.hpp"

#include <mutex>
#include <string>

#include "backend_select.hpp"
#include "core/ecc.hpp"
#include "reference/detect_cpu.hpp"
#include "tidemark/error.hpp"

namespace tidemark {

struct Detector::Impl {
  Impl(const Key& key, const DetectParams& p, Backend b) : dk(key), params(p), backend(resolve_backend(b)) {}
  detail::DetectKey dk;
  DetectParams params;
  Backend backend;
  std::mutex cuda_mutex;  // one workspace: CUDA calls on one Detector are serialised
  CudaDetectWorkspacePtr cuda;
};

Detector::Detector(const Key& key, const DetectParams& params, Backend backend)
    : impl_(std::make_unique<Impl>(key, params, backend)) {
  if (params.candidates < 1 || params.candidates > 32)
    throw Error(Status::InvalidArgument, "candidates must be in [1, 32]");
}
Detector::~Detector() = default;
Detector::Detector(Detector&&) noexcept = default;
Detector& Detector::operator=(Detector&&) noexcept = default;

Backend Detector::backend() const { return impl_->backend; }

DetectResult Detector::detect(const ImageView& image) const {
  validate(image, "detect");
  if (image.width < tm1::kTile || image.height < tm1::kTile) return detail::too_small();
  if (impl_->backend == Backend::Cpu) {
    if (image.space == MemorySpace::Device)
      throw Error(Status::InvalidArgument, "detect: a device-resident image needs the CUDA backend (this detector uses the CPU)");
    return detail::detect_cpu(impl_->dk, impl_->params, image);
  }
  std::lock_guard lock(impl_->cuda_mutex);
  if (!impl_->cuda) impl_->cuda = make_cuda_detect_workspace();
  const auto analysis = make_cuda_analysis(*impl_->cuda, image, impl_->params.threads);
  return detail::detect_image(impl_->dk, impl_->params, image.width, image.height, *analysis);
}

std::vector<DetectResult> Detector::detect_batch(std::span<const ImageView> images) const {
  std::vector<DetectResult> out;
  out.reserve(images.size());
  for (const ImageView& image : images) out.push_back(detect(image));
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
