#pragma once
#include <memory>

#include "tidemark/image_view.hpp"
#include "tidemark/key.hpp"
#include "tidemark/params.hpp"
#include "tidemark/payload.hpp"

namespace tidemark {

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
  Backend backend() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tidemark
