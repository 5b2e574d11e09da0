#pragma once
// Backend choice and the entry points of the CUDA backend. Without CUDA in the build the CUDA
// entry points throw Error(Unsupported) and Auto resolves to the CPU.
#include "core/key_material.hpp"
#include "tidemark/embedder.hpp"

namespace tidemark {

Backend resolve_backend(Backend requested);

EmbedReport cuda_embed(const detail::KeyMaterial& km, const EmbedParams& params, const ImageView& image,
                       const Payload& payload);

}  // namespace tidemark
