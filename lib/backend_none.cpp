// Linked when the build has no CUDA: the CPU reference is the only backend.
#include "backend_select.hpp"
#include "tidemark/error.hpp"

namespace tidemark {

int cuda_device_count() noexcept { return 0; }

Backend resolve_backend(Backend requested) {
  if (requested == Backend::Cuda) throw Error(Status::Unsupported, "this build of tidemark has no CUDA backend");
  return Backend::Cpu;
}

EmbedReport cuda_embed(const detail::KeyMaterial&, const EmbedParams&, const ImageView&, const Payload&) {
  throw Error(Status::Unsupported, "this build of tidemark has no CUDA backend (device-resident images need it)");
}

}  // namespace tidemark
