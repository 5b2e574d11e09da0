// JPEG through libjpeg-turbo: pixels in and out. APPn and COM segments are kept and written back
// on save (jpeg_support.hpp).
#include <cstring>
#include <optional>

#include "image_file.hpp"
#include "jpeg_support.hpp"
#include "tidemark/error.hpp"

namespace tidemark::io {
namespace {
using jpeg::ErrorManager;

struct Decoded {
  int width, height, channels;
};

enum class HeaderResult { Ok, Corrupt, Cmyk };

HeaderResult read_header(jpeg_decompress_struct* c, ErrorManager* err, const std::vector<std::uint8_t>& bytes, Decoded& d) {
  if (setjmp(err->jump)) return HeaderResult::Corrupt;
  jpeg_mem_src(c, bytes.data(), static_cast<unsigned long>(bytes.size()));
  jpeg::save_markers(c);
  jpeg_read_header(c, TRUE);
  if (c->jpeg_color_space == JCS_CMYK || c->jpeg_color_space == JCS_YCCK) return HeaderResult::Cmyk;
  c->out_color_space = c->num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
  d = {static_cast<int>(c->image_width), static_cast<int>(c->image_height), c->num_components == 1 ? 1 : 3};
  return HeaderResult::Ok;
}

bool read_pixels(jpeg_decompress_struct* c, ErrorManager* err, Image* im) {
  if (setjmp(err->jump)) return false;
  jpeg_start_decompress(c);
  while (c->output_scanline < c->output_height) {
    JSAMPROW row = im->bytes().data() + c->output_scanline * im->row_bytes();
    jpeg_read_scanlines(c, &row, 1);
  }
  jpeg_finish_decompress(c);
  return true;
}

// The input's chroma sampling when it is a usual one: chroma at one sample per block, luma at 1-2.
std::optional<JpegSampling> sampling_of(const jpeg_decompress_struct& c) {
  if (c.num_components != 3) return std::nullopt;
  const jpeg_component_info* comp = c.comp_info;
  for (int i = 1; i < 3; ++i)
    if (comp[i].h_samp_factor != 1 || comp[i].v_samp_factor != 1) return std::nullopt;
  if (comp[0].h_samp_factor > 2 || comp[0].v_samp_factor > 2) return std::nullopt;
  return JpegSampling{comp[0].h_samp_factor, comp[0].v_samp_factor};
}

// `sampling`: the chroma sampling to write (libjpeg's default, 4:2:0, when empty).
bool write_all(jpeg::Compressor& out, ErrorManager* err, const Metadata& md, const Image* rgb, int quality,
               const std::optional<JpegSampling>& sampling) {
  jpeg_compress_struct* c = &out.c;
  if (setjmp(err->jump)) return false;
  jpeg_mem_dest(c, &out.buf, &out.len);
  c->image_width = rgb->width();
  c->image_height = rgb->height();
  c->input_components = rgb->channels();
  c->in_color_space = rgb->channels() == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(c);
  jpeg_set_quality(c, quality, TRUE);
  if (sampling && rgb->channels() == 3) {
    c->comp_info[0].h_samp_factor = sampling->h;
    c->comp_info[0].v_samp_factor = sampling->v;
    for (int i = 1; i < 3; ++i) c->comp_info[i].h_samp_factor = c->comp_info[i].v_samp_factor = 1;
  }
  c->optimize_coding = TRUE;
  jpeg_start_compress(c, TRUE);
  jpeg::write_metadata(c, md);
  for (int y = 0; y < rgb->height(); ++y) {
    JSAMPROW row = const_cast<JSAMPROW>(rgb->bytes().data() + y * rgb->row_bytes());
    jpeg_write_scanlines(c, &row, 1);
  }
  jpeg_finish_compress(c);
  return true;
}

// JPEG holds 8-bit samples: 16-bit images are reduced (8-bit ones are written as they are).
Image to_8bit(const Image& in) {
  Image out(in.width(), in.height(), in.channels(), SampleType::U8);
  const auto* src = reinterpret_cast<const std::uint16_t*>(in.bytes().data());
  for (std::size_t i = 0; i < out.bytes().size(); ++i) out.bytes()[i] = static_cast<std::uint8_t>((src[i] + 128) / 257);
  return out;
}
}  // namespace

ImageFile decode_jpeg(const std::vector<std::uint8_t>& bytes, const std::string& name, const Limits& limits) {
  ErrorManager err{};
  jpeg::Decompressor d(err);
  Decoded h{};
  switch (read_header(&d.c, &err, bytes, h)) {
    case HeaderResult::Corrupt: throw Error(Status::DecodeError, name + ": corrupt JPEG: " + err.message);
    case HeaderResult::Cmyk: throw Error(Status::Unsupported, name + ": CMYK JPEG is not supported (convert it to RGB first)");
    case HeaderResult::Ok: break;
  }
  check_dimensions(h.width, h.height, limits, name);
  ImageFile f;
  f.format = Format::Jpeg;
  f.lossless = false;
  f.image = Image(h.width, h.height, h.channels, SampleType::U8);
  f.metadata = jpeg::read_metadata(&d.c);
  f.jpeg_sampling = sampling_of(d.c);
  if (!read_pixels(&d.c, &err, &f.image)) throw Error(Status::DecodeError, name + ": corrupt JPEG: " + err.message);
  if (err.warnings > 0) throw Error(Status::DecodeError, name + ": corrupt or truncated JPEG: " + err.message);

  return f;
}

Metadata decode_jpeg_metadata(const std::vector<std::uint8_t>& bytes, const std::string& name) {
  ErrorManager err{};
  jpeg::Decompressor d(err);
  Decoded h{};
  switch (read_header(&d.c, &err, bytes, h)) {
    case HeaderResult::Corrupt: throw Error(Status::DecodeError, name + ": corrupt JPEG: " + err.message);
    case HeaderResult::Cmyk:
    case HeaderResult::Ok: break;
  }
  return jpeg::read_metadata(&d.c);
}

std::vector<std::uint8_t> encode_jpeg(const ImageFile& f, int quality, const std::string& name) {
  if (quality < 1 || quality > 100) throw Error(Status::InvalidArgument, name + ": JPEG quality must be 1-100");
  if (f.image.channels() == 4)
    throw Error(Status::Unsupported, name + ": JPEG cannot store the alpha channel of this image; write .png or .webp");
  std::optional<Image> reduced;
  if (f.image.type() != SampleType::U8) reduced = to_8bit(f.image);
  const Image& rgb = reduced ? *reduced : f.image;
  ErrorManager err{};
  jpeg::Compressor c(err);
  // A JPEG input keeps its chroma sampling (4:2:0 files re-encoded at 4:4:4 and quality 95 came
  // out a fifth larger, for chroma detail they never had); other images get full chroma at high
  // quality.
  const std::optional<JpegSampling> sampling =
      f.jpeg_sampling ? f.jpeg_sampling : (quality >= 90 ? std::optional(JpegSampling{1, 1}) : std::nullopt);
  if (!write_all(c, &err, f.metadata, &rgb, quality, sampling)) throw Error(Status::IoError, name + ": cannot encode JPEG: " + err.message);
  return std::vector<std::uint8_t>(c.buf, c.buf + c.len);
}

}  // namespace tidemark::io
