#pragma once
// The watermark-only job on one image file, shared by `tidemark embed` and the Python package:
// read, mark, write atomically. A JPEG written as JPEG is marked in its DCT coefficients when
// SaveOptions::jpeg_coefficients_from_quality allows it (jpeg_coefficients.hpp).
#include <filesystem>
#include <string>
#include <vector>

#include "image_file.hpp"
#include "tidemark/embedder.hpp"

namespace tidemark::io {

// The quality from which `tidemark embed`/`mark` and the Python package mark JPEG files in their
// coefficients by default. Marked that way, corpus images at quality 80 survive the robustness
// suite as well as marked pixels do; at 70, images under 0.5 MP start to fail.
inline constexpr int kJpegCoefficientsFromQuality = 80;

// Whether `input` (its bytes), written as `output_format` under `save`, is to be marked in its
// DCT coefficients: both ends JPEG and SaveOptions::jpeg_coefficients_from_quality set.
bool marks_jpeg_coefficients(const std::vector<std::uint8_t>& input, Format output_format, const SaveOptions& save);

struct EmbedFileResult {
  int width = 0, height = 0;
  Format input_format = Format::Png;
  EmbedReport report;
  double psnr_db = 0;                 // of the marked picture against the input's
  int jpeg_coefficients_quality = 0;  // marked in the coefficients at this estimated quality; 0: not
  std::string reencoded_because;      // a JPEG that could have been, and why it was re-encoded
};

// Errors name the file. Does not check whether `output` may be replaced: the caller decides.
EmbedFileResult embed_image_file(const std::filesystem::path& input, const std::filesystem::path& output,
                                 const Embedder& embedder, const Payload& payload, const Limits& limits,
                                 const SaveOptions& save);

}  // namespace tidemark::io
