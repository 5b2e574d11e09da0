#pragma once
// Marking a JPEG without re-encoding it: the luma is decoded from the file's DCT coefficients, a
// marker changes it, and the change, transformed and quantised with the file's own tables, is
// added to the luma coefficients. Chroma and the picture's own coefficients are written back as
// they were, so nothing is lost to a second quantisation, the file keeps its size, and the work
// is a fraction of a decode and an encode.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "image_file.hpp"

namespace tidemark::io {

// Receives the luma as one channel of 16-bit samples (8-bit level x 257, fractions kept) to
// change in place, and the file's metadata to change as well.
using LumaMarker = std::function<void(const ImageView& luma16, Metadata& metadata)>;

struct LumaMarkResult {
  std::vector<std::uint8_t> bytes;  // the marked file; empty when declined
  std::string declined;             // why this file was not marked this way (then re-encode pixels)
  int quality = 0;                  // the file's quality, estimated from its luma quantisation table
  double psnr_db = 0;               // of the luma change written, over the picture
  double kept = 0;                  // correlation of the written change with the marker's (1: all of it)
};

// Declines 12-bit and CMYK files, files whose luma is subsampled, and files whose estimated
// quality is below `min_quality`: their quantisation would keep too little of a mark. Throws
// tidemark::Error for corrupt or truncated files, as decode_jpeg does.
LumaMarkResult mark_jpeg_luma(const std::vector<std::uint8_t>& bytes, const std::string& name, const Limits& limits,
                              const LumaMarker& mark, int min_quality);

// JPEG files start with SOI and a marker.
bool looks_like_jpeg(const std::vector<std::uint8_t>& bytes);

}  // namespace tidemark::io
