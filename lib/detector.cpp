#include "tidemark/detector.hpp"

#include <string>

#include "core/ecc.hpp"
#include "reference/detect_cpu.hpp"
#include "tidemark/error.hpp"

namespace tidemark {

struct Detector::Impl {
  // Detection runs on the CPU reference in every build for now; asking for CUDA says so.
  Impl(const Key& key, const DetectParams& p, Backend b) : dk(key), params(p), backend(Backend::Cpu) {
    if (b == Backend::Cuda)
      throw Error(Status::Unsupported, "detection has no CUDA backend yet: use --backend cpu or auto");
  }
  detail::DetectKey dk;
  DetectParams params;
  Backend backend;
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
  if (image.space == MemorySpace::Device)
    throw Error(Status::Unsupported, "detect: device-resident images are not supported by this build's detector yet");
  return detail::detect_cpu(impl_->dk, impl_->params, image);
}

std::optional<Payload> decode_soft_bits(std::span<const float> soft_bits) {
  if (soft_bits.size() != static_cast<std::size_t>(tm1::kCodedBits))
    throw Error(Status::InvalidArgument, "decode_soft_bits: expected " + std::to_string(tm1::kCodedBits) + " soft bits");
  const auto d = detail::decode_payload(soft_bits);
  if (!d.crc_ok) return std::nullopt;
  return Payload{d.user_bits};
}

}  // namespace tidemark
