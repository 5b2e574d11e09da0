#pragma once
// Backend choice and the entry points of the CUDA backend. Without CUDA in the build the CUDA
// entry points throw Error(Unsupported) and Auto resolves to the CPU.
#include <memory>
#include <span>
#include <vector>

#include "core/key_material.hpp"
#include "tidemark/embedder.hpp"
#include "tidemark/foreign_marks.hpp"

namespace tidemark {

Backend resolve_backend(Backend requested);

// Device buffers and a stream owned by one Embedder (defined by the CUDA backend).
struct CudaEmbedWorkspace;
struct CudaEmbedWorkspaceDeleter {
  void operator()(CudaEmbedWorkspace* ws) const noexcept;
};
using CudaEmbedWorkspacePtr = std::unique_ptr<CudaEmbedWorkspace, CudaEmbedWorkspaceDeleter>;
CudaEmbedWorkspacePtr make_cuda_embed_workspace();

// Marks every image (host or device views) on the workspace's stream; returns after one sync.
std::vector<EmbedReport> cuda_embed_batch(CudaEmbedWorkspace& ws, const detail::KeyMaterial& km,
                                          const EmbedParams& params, std::span<const ImageView> images,
                                          std::span<const Payload> payloads);

// dwtDct votes of every image (host or device views) on one stream; unusable images (gray,
// under 256 x 256) get usable = false.
std::vector<DwtDctVotes> cuda_dwtdct_votes(std::span<const ImageView> images, bool swapped);

}  // namespace tidemark
