// Linked when the build has no CUDA: the CPU reference is the only backend.
#include "backend_select.hpp"
#include "tidemark/error.hpp"

namespace tidemark {

int cuda_device_count() noexcept { return 0; }

Backend resolve_backend(Backend requested) {
  if (requested == Backend::Cuda) throw Error(Status::Unsupported, "this build of tidemark has no CUDA backend");
  return Backend::Cpu;
}

struct CudaEmbedWorkspace {};
void CudaEmbedWorkspaceDeleter::operator()(CudaEmbedWorkspace* ws) const noexcept { delete ws; }

CudaEmbedWorkspacePtr make_cuda_embed_workspace() {
  throw Error(Status::Unsupported, "this build of tidemark has no CUDA backend (device-resident images need it)");
}

std::vector<EmbedReport> cuda_embed_batch(CudaEmbedWorkspace&, const detail::KeyMaterial&, const EmbedParams&,
                                          std::span<const ImageView>, std::span<const Payload>) {
  throw Error(Status::Unsupported, "this build of tidemark has no CUDA backend");
}

void cuda_embed_at(CudaEmbedWorkspace&, const detail::KeyMaterial&, const EmbedParams&, const ImageView&, const Payload&,
                   const TileGeometry&) {
  throw Error(Status::Unsupported, "this build of tidemark has no CUDA backend");
}

Image cuda_copy_to_host(const ImageView&) {
  throw Error(Status::Unsupported, "this build of tidemark has no CUDA backend (device-resident images need it)");
}

struct CudaDetectWorkspace {};
void CudaDetectWorkspaceDeleter::operator()(CudaDetectWorkspace* ws) const noexcept { delete ws; }

CudaDetectWorkspacePtr make_cuda_detect_workspace() {
  throw Error(Status::Unsupported, "this build of tidemark has no CUDA backend (device-resident images need it)");
}

std::unique_ptr<detail::LevelAnalysis> make_cuda_analysis(CudaDetectWorkspace&, const ImageView&, int) {
  throw Error(Status::Unsupported, "this build of tidemark has no CUDA backend");
}

std::vector<DwtDctVotes> cuda_dwtdct_votes(std::span<const ImageView>, bool) {
  throw Error(Status::Unsupported, "this build of tidemark has no CUDA backend");
}

}  // namespace tidemark
