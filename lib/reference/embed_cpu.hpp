#pragma once
#include "../core/key_material.hpp"
#include "tidemark/embedder.hpp"

namespace tidemark::detail {

// Image pixels per tile pixel: 1 up to the reference size, then proportional to the short side.
double tile_scale_for(int width, int height);
// Per-image tile offset in tile pixels, from the key and a sparse sample of the pixels.
void content_offset(const KeyMaterial& km, const ImageView& image, std::uint32_t* seed_override,
                    int& ox, int& oy);

EmbedReport embed_cpu(const KeyMaterial& km, const EmbedParams& params, const ImageView& image,
                      const Payload& payload);
// The same with the tile's scale and (fractional) offset given: video frames whose tile follows
// the picture's motion.
void embed_cpu_at(const KeyMaterial& km, const EmbedParams& params, const ImageView& image, const Payload& payload,
                  const TileGeometry& geometry);

}  // namespace tidemark::detail
