#pragma once
// Image files: PNG (libpng), JPEG (libjpeg-turbo), WebP (libwebp). Formats are recognised by
// their bytes, not their names; outputs are chosen by extension and written atomically.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tidemark/error.hpp"
#include "tidemark/image_view.hpp"

namespace tidemark::io {

enum class Format { Png, Jpeg, Webp };
const char* to_string(Format f) noexcept;

// Metadata carried across a re-save: ICC profile, EXIF and XMP as raw bytes, plus other text
// and marker segments in their format's own form.
struct Metadata {
  std::vector<std::uint8_t> icc, exif, xmp;
  struct TextChunk {  // PNG tEXt/iTXt/zTXt (other than XMP)
    std::string key, text;
  };
  std::vector<TextChunk> png_text;
  struct Marker {  // JPEG APPn / COM segments other than EXIF, XMP and ICC
    int code;
    std::vector<std::uint8_t> data;
  };
  std::vector<Marker> jpeg_markers;
};

// A colour JPEG's luma sampling factors against its chroma: 2 x 2 is 4:2:0, 2 x 1 4:2:2, 1 x 1 4:4:4.
struct JpegSampling {
  int h = 1, v = 1;
};

struct ImageFile {
  Image image;
  Metadata metadata;
  Format format = Format::Png;
  bool lossless = true;  // WebP input: was it lossless
  // A colour JPEG input's chroma sampling, kept when it is written as JPEG again (otherwise:
  // 4:4:4 at quality 90 and up, 4:2:0 below).
  std::optional<JpegSampling> jpeg_sampling;
};

struct Limits {
  std::uint64_t max_pixels = 100'000'000;      // decompression bombs stop here
  std::uint64_t max_file_bytes = 1ull << 30;
};

// PNG's default: zlib's run-length strategy over libpng's adaptive row filters. A marked picture
// carries fine noise everywhere, which leaves LZ77 little to match: files within 2 % of zlib
// level 6 in a third to a quarter of the time (level 6 spent 85 % of a PNG batch in zlib); a flat
// logo 13 % larger (bench/png_levels.py).
inline constexpr int kPngRunLength = -1;

struct SaveOptions {
  int jpeg_quality = 95;
  int png_level = kPngRunLength;  // else a zlib level, 0 (stored) to 9 (smallest, slowest)
  int webp_quality = 95;
  bool webp_lossless = false;
  // JPEG to JPEG (where the caller supports it): mark in the input's DCT coefficients, keeping its
  // quality, when that is estimated at least this (0: always decode and re-encode at jpeg_quality).
  int jpeg_coefficients_from_quality = 0;
};

// Throws tidemark::Error with "<path>: <cause>".
ImageFile load_image(const std::filesystem::path& path, const Limits& limits = {});
ImageFile decode_image(const std::vector<std::uint8_t>& bytes, const std::string& name, const Limits& limits = {});
// The metadata alone: JPEG headers are read without decoding the picture.
Metadata decode_metadata(const std::vector<std::uint8_t>& bytes, const std::string& name, const Limits& limits = {});

std::vector<std::uint8_t> encode_image(const ImageFile& file, Format format, const SaveOptions& options,
                                       const std::string& name);
// Format from the output name's extension (.png, .jpg/.jpeg, .webp); throws for anything else.
Format format_for_path(const std::filesystem::path& path);
// Encodes for the extension of `path` and writes atomically (temporary file, fsync, rename).
void save_image(const std::filesystem::path& path, const ImageFile& file, const SaveOptions& options = {});

// Write bytes to `path` through a temporary file in the same folder, then rename over it.
void write_file_atomic(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes);
std::vector<std::uint8_t> read_file(const std::filesystem::path& path, std::uint64_t max_bytes);

// Codec entry points (one file each).
ImageFile decode_png(const std::vector<std::uint8_t>& bytes, const std::string& name, const Limits& limits);
ImageFile decode_jpeg(const std::vector<std::uint8_t>& bytes, const std::string& name, const Limits& limits);
Metadata decode_jpeg_metadata(const std::vector<std::uint8_t>& bytes, const std::string& name);
ImageFile decode_webp(const std::vector<std::uint8_t>& bytes, const std::string& name, const Limits& limits);
std::vector<std::uint8_t> encode_png(const ImageFile& file, const std::string& name, int level = kPngRunLength);
std::vector<std::uint8_t> encode_jpeg(const ImageFile& file, int quality, const std::string& name);
std::vector<std::uint8_t> encode_webp(const ImageFile& file, int quality, bool lossless, const std::string& name);

// Runs f(); a tidemark::Error it throws gets "<path>: " in front unless it already starts so.
// The library's pixel functions do not know file names; callers that read a file add it.
template <class F>
auto with_file_name(const std::filesystem::path& path, F&& f) {
  try {
    return f();
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.rfind(path.string(), 0) == 0) throw;
    throw Error(e.status(), path.string() + ": " + what);
  }
}

// Shared by the codecs: refuse dimensions over the limit before any pixel buffer is allocated.
void check_dimensions(std::uint64_t width, std::uint64_t height, const Limits& limits, const std::string& name);

}  // namespace tidemark::io
