#pragma once
// The one-pass job on one image file, shared by `tidemark mark` and the Python package: visible
// label (optional, first, so that the watermark covers the final pixels), watermark carrying the
// ProduceID's payload, GB 45438 label and IPTC source type in XMP, atomic write, read-back check.
#include <filesystem>
#include <optional>
#include <string>

#include "io/image_file.hpp"
#include "labels/aigc_label.hpp"
#include "labels/visible_label.hpp"
#include "labels/xmp_label.hpp"
#include "tidemark/embedder.hpp"

namespace tidemark::labels {

struct MarkRequest {
  std::string producer;                  // ContentProducer
  std::string produce_id;                // empty: a fresh tm-<16 hex> id
  std::string label_value = "1";
  DigitalSource source = DigitalSource::TrainedAlgorithmicMedia;
  bool sign = false;                     // HMAC in ReservedCode1, keyed by the watermark key
  std::optional<VisibleLabelOptions> visible;
};

struct MarkResult {
  std::string produce_id;
  Payload payload;
  AigcLabel label;
  std::optional<LabelBox> visible_box;
  int width = 0, height = 0;
  // JPEG to JPEG with SaveOptions::jpeg_coefficients_from_quality: marked in the coefficients at
  // this estimated quality, or the reason it was re-encoded instead.
  int jpeg_coefficients_quality = 0;
  std::string reencoded_because;
};

// Checks what can be checked before any file is read: field values, --sign with a private key.
void check_request(const MarkRequest& request, const Key& key);

// Marks `file` in memory (pixels and metadata). Errors carry no file name.
MarkResult mark_image(io::ImageFile& file, const MarkRequest& request, const Embedder& embedder, const Key& key);

// Loads `input`, marks it, writes `output` atomically and reads the label back. Errors name the
// file. Does not check whether `output` may be replaced: the caller decides that. A JPEG written
// as JPEG without a visible label is marked in its DCT coefficients when `save` allows it.
MarkResult mark_file(const std::filesystem::path& input, const std::filesystem::path& output, const MarkRequest& request,
                     const Embedder& embedder, const Key& key, const io::Limits& limits, const io::SaveOptions& save);

}  // namespace tidemark::labels
