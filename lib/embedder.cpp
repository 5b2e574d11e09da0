#include "tidemark/embedder.hpp"

#include <cmath>
#include <mutex>
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
  std::mutex cuda_mutex;  // one workspace: CUDA calls on one Embedder are serialised
  CudaEmbedWorkspacePtr cuda;
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

namespace {
void check_embeddable(const ImageView& image) {
  validate(image, "embed");
  if (image.width < tm1::kTile || image.height < tm1::kTile)
    throw Error(Status::InvalidArgument, "image is " + std::to_string(image.width) + "x" + std::to_string(image.height) +
                                             ", smaller than one watermark tile (" + std::to_string(tm1::kTile) + "x" +
                                             std::to_string(tm1::kTile) + "): refusing to embed");
}
}  // namespace

EmbedReport Embedder::embed(const ImageView& image, const Payload& payload) const {
  return embed_batch({&image, 1}, {&payload, 1}).front();
}

std::vector<EmbedReport> Embedder::embed_batch(std::span<const ImageView> images, std::span<const Payload> payloads) const {
  if (images.size() != payloads.size()) throw Error(Status::InvalidArgument, "embed_batch: one payload per image");
  bool any_device = false;
  for (const auto& im : images) {
    check_embeddable(im);  // every input is checked before any work starts
    any_device |= im.space == MemorySpace::Device;
  }
  if (any_device || impl_->backend == Backend::Cuda) {
    std::lock_guard lock(impl_->cuda_mutex);
    if (!impl_->cuda) impl_->cuda = make_cuda_embed_workspace();
    return cuda_embed_batch(*impl_->cuda, impl_->km, impl_->params, images, payloads);
  }
  std::vector<EmbedReport> reports;
  for (std::size_t i = 0; i < images.size(); ++i)
    reports.push_back(detail::embed_cpu(impl_->km, impl_->params, images[i], payloads[i]));
  return reports;
}

void Embedder::embed_at(const ImageView& image, const Payload& payload, const TileGeometry& geometry) const {
  check_embeddable(image);
  if (!(geometry.scale >= 0.25 && geometry.scale <= 64))
    throw Error(Status::InvalidArgument, "tile scale must be in [0.25, 64] image pixels per tile pixel");
  if (!std::isfinite(geometry.offset_x) || !std::isfinite(geometry.offset_y))
    throw Error(Status::InvalidArgument, "tile offsets must be finite");
  // The tile is periodic: any offset is one in [0, kTile), where the exact (scale 1, whole offset)
  // lookups index it directly.
  auto wrapped = [](double o) { return o - tm1::kTile * std::floor(o / tm1::kTile); };
  const TileGeometry g{geometry.scale, wrapped(geometry.offset_x), wrapped(geometry.offset_y)};
  if (image.space == MemorySpace::Device || impl_->backend == Backend::Cuda) {
    std::lock_guard lock(impl_->cuda_mutex);
    if (!impl_->cuda) impl_->cuda = make_cuda_embed_workspace();
    cuda_embed_at(*impl_->cuda, impl_->km, impl_->params, image, payload, g);
    return;
  }
  detail::embed_cpu_at(impl_->km, impl_->params, image, payload, g);
}

}  // namespace tidemark
