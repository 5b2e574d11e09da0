#include "tidemark/embedder.hpp"

#include <string>

#include "backend_select.hpp"
#include "core/key_material.hpp"
#include "reference/embed_cpu.hpp"
#include "tidemark/error.hpp"

namespace tidemark {

struct Embedder::Impl {
  Impl(const Key& key, const EmbedParams& p, Backend b) : km(key), params(p), backend(resolve_backend(b)) {}
  detail::KeyMaterial km;
  EmbedParams params;
  Backend backend;
};

Embedder::Embedder(const Key& key, const EmbedParams& params, Backend backend)
    : impl_(std::make_unique<Impl>(key, params, backend)) {
  if (!(params.strength > 0 && params.strength <= 10))
    throw Error(Status::InvalidArgument, "strength must be in (0, 10]");
  if (!(params.mask_floor > 0 && params.mask_floor <= params.mask_ceiling))
    throw Error(Status::InvalidArgument, "mask floor must be positive and not above the ceiling");
}
Embedder::~Embedder() = default;
Embedder::Embedder(Embedder&&) noexcept = default;
Embedder& Embedder::operator=(Embedder&&) noexcept = default;

Backend Embedder::backend() const { return impl_->backend; }

EmbedReport Embedder::embed(const ImageView& image, const Payload& payload) const {
  validate(image, "embed");
  if (image.width < tm1::kTile || image.height < tm1::kTile)
    throw Error(Status::InvalidArgument, "image is " + std::to_string(image.width) + "x" + std::to_string(image.height) +
                                             ", smaller than one watermark tile (" + std::to_string(tm1::kTile) + "x" +
                                             std::to_string(tm1::kTile) + "): refusing to embed");
  if (image.space == MemorySpace::Device || impl_->backend == Backend::Cuda)
    return cuda_embed(impl_->km, impl_->params, image, payload);
  return detail::embed_cpu(impl_->km, impl_->params, image, payload);
}

}  // namespace tidemark
