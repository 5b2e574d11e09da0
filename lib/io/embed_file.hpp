#pragma once
// The watermark-only job on one image file, shared by `tidemark embed` and the Python package:
// read, mark, write atomically. A JPEG written as JPEG is marked in its DCT coefficients when
// SaveOptions::jpeg_coefficients_from_quality allows it (jpeg_coefficients.hpp).
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "image_file.hpp"
#include "tidemark/embedder.hpp"

namespace tidemark::io {

// The quality from which `tidemark embed`/`mark` and the Python package mark JPEG files in their
// coefficients by default. Marked that way, corpus images at quality 80 survive the robustness
// suite as well as marked pixels do; at 70, images under 0.5 MP start to fail.
inline constexpr int kJpegCoefficientsFromQuality = 80;

// How one image file is marked. A JPEG written as JPEG, when SaveOptions::jpeg_coefficients_from_quality
// allows it and `luma` is set, is marked in its DCT coefficients (`luma` changes the 16-bit luma
// plane and the metadata, as jpeg_coefficients.hpp's LumaMarker); any other file, or a JPEG
// declined there, is decoded, changed by `decoded` and encoded.
struct FileMarker {
  std::function<void(const ImageView& luma16, Metadata& metadata)> luma;  // empty: never in the coefficients
  std::function<void(ImageFile& file)> decoded;
};

struct MarkedFile {
  std::vector<std::uint8_t> bytes;  // the output file, not yet written
  Format input_format = Format::Png;
  int jpeg_coefficients_quality = 0;  // marked in the coefficients at this estimated quality; 0: not
  double jpeg_coefficients_psnr_db = 0;
  std::string reencoded_because;      // a JPEG that could have been, and why it was re-encoded
};

// Reads `input` and marks it as `marker` says, encoded for `output`'s format (a bad extension
// fails before any work). Errors name the input.
MarkedFile mark_image_bytes(const std::filesystem::path& input, const std::filesystem::path& output, const Limits& limits,
                            const SaveOptions& save, const FileMarker& marker);

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
