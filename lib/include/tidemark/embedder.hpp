#pragma once
#include <memory>
#include <span>
#include <vector>

#include "tidemark/image_view.hpp"
#include "tidemark/key.hpp"
#include "tidemark/params.hpp"
#include "tidemark/payload.hpp"

namespace tidemark {

// Where the tile lies on an image: image pixels per tile pixel, and the shift in tile pixels
// (fractional for video frames, whose tile follows the picture's motion).
struct TileGeometry {
  double scale = 1.0;
  double offset_x = 0.0, offset_y = 0.0;
};

struct EmbedReport {
  double tile_scale = 1.0;  // image pixels per tile pixel
  int offset_x = 0, offset_y = 0;
};

// Built once per (key, parameters), called per image. Marks in place: the luminance delta is
// added equally to R, G and B (or to the gray plane); alpha is untouched.
class Embedder {
 public:
  Embedder(const Key& key, const EmbedParams& params = {}, Backend backend = Backend::Auto);
  ~Embedder();
  Embedder(Embedder&&) noexcept;
  Embedder& operator=(Embedder&&) noexcept;

  // Throws Error(InvalidArgument) for images smaller than one tile.
  EmbedReport embed(const ImageView& image, const Payload& payload) const;
  // Many images (any sizes; host or device views) in one call: on the CUDA backend they are
  // queued on one stream with a single synchronisation; on the CPU one after another.
  std::vector<EmbedReport> embed_batch(std::span<const ImageView> images, std::span<const Payload> payloads) const;
  // Marks with the geometry given instead of the one derived from the image (the video profile
  // draws its tile larger and moves it with the picture). Host or device images, on the backend
  // chosen at construction (device images always on CUDA); one image, synchronously.
  void embed_at(const ImageView& image, const Payload& payload, const TileGeometry& geometry) const;
  Backend backend() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tidemark
