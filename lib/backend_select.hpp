#pragma once
// Backend choice and the entry points of the CUDA backend. Without CUDA in the build the CUDA
// entry points throw Error(Unsupported) and Auto resolves to the CPU.
#include <memory>
#include <span>
#include <vector>

#include "core/key_material.hpp"
#include "reference/analysis.hpp"
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

// Marks one image (host or device view) with the tile at a given geometry (Embedder::embed_at);
// returns when the pixels are written.
void cuda_embed_at(CudaEmbedWorkspace& ws, const detail::KeyMaterial& km, const EmbedParams& params,
                   const ImageView& image, const Payload& payload, const TileGeometry& geometry);

// A host copy of an image in device memory (the video marker measures motion on the host).
Image cuda_copy_to_host(const ImageView& device_image);

// Device buffers, staging and a stream for one Detector's calls (one at a time).
struct CudaDetectWorkspace;
struct CudaDetectWorkspaceDeleter {
  void operator()(CudaDetectWorkspace* ws) const noexcept;
};
using CudaDetectWorkspacePtr = std::unique_ptr<CudaDetectWorkspace, CudaDetectWorkspaceDeleter>;
CudaDetectWorkspacePtr make_cuda_detect_workspace();
// The detection stages of one image (host or device view) on the GPU; `threads` bound the host
// work (the spectrum for the template search). Holds the workspace until destroyed.
std::unique_ptr<detail::LevelAnalysis> make_cuda_analysis(CudaDetectWorkspace& ws, const ImageView& image, int threads);

// dwtDct votes of every image (host or device views) on one stream; unusable images (gray,
// under 256 x 256) get usable = false.
std::vector<DwtDctVotes> cuda_dwtdct_votes(std::span<const ImageView> images, bool swapped);

}  // namespace tidemark
