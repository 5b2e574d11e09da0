// JPEG through libjpeg-turbo. Its error handler longjmps back here; the setjmp frames hold no
// objects with destructors. APPn and COM segments are kept and written back on save.
#include <cstddef>
#include <cstdio>
#include <optional>
// jpeglib.h needs size_t and FILE declared before it.
#include <jpeglib.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>

#include "image_file.hpp"
#include "tidemark/error.hpp"

namespace tidemark::io {
namespace {

struct ErrorManager {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  int warnings;
};

void on_error(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}
void on_message(j_common_ptr cinfo, int level) {
  // Corrupt-data warnings (premature end, bad Huffman codes) count: a truncated file is an error.
  if (level < 0) {
    auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
    if (err->warnings++ == 0) (*cinfo->err->format_message)(cinfo, err->message);
  }
}

constexpr std::uint8_t kExifTag[] = {'E', 'x', 'i', 'f', 0, 0};
constexpr char kXmpTag[] = "http://ns.adobe.com/xap/1.0/";  // followed by a NUL
constexpr std::uint8_t kIccTag[] = {'I', 'C', 'C', '_', 'P', 'R', 'O', 'F', 'I', 'L', 'E', 0};

bool starts_with(const jpeg_saved_marker_ptr m, const void* tag, std::size_t n) {
  return m->data_length >= n && std::memcmp(m->data, tag, n) == 0;
}

struct Decoded {
  int width, height, channels;
};

enum class HeaderResult { Ok, Corrupt, Cmyk };

HeaderResult read_header(jpeg_decompress_struct* c, ErrorManager* err, const std::vector<std::uint8_t>& bytes, Decoded& d) {
  if (setjmp(err->jump)) return HeaderResult::Corrupt;
  jpeg_mem_src(c, bytes.data(), static_cast<unsigned long>(bytes.size()));
  jpeg_save_markers(c, JPEG_COM, 0xFFFF);
  for (int m = 1; m < 16; ++m) jpeg_save_markers(c, JPEG_APP0 + m, 0xFFFF);
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

bool write_all(jpeg_compress_struct* c, ErrorManager* err, const ImageFile& f, const Image* rgb, int quality,
               unsigned char** buf, unsigned long* len) {
  if (setjmp(err->jump)) return false;
  jpeg_mem_dest(c, buf, len);
  c->image_width = rgb->width();
  c->image_height = rgb->height();
  c->input_components = rgb->channels();
  c->in_color_space = rgb->channels() == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(c);
  jpeg_set_quality(c, quality, TRUE);
  if (quality >= 90 && rgb->channels() == 3)  // keep full chroma at high quality
    for (int i = 0; i < 3; ++i) c->comp_info[i].h_samp_factor = c->comp_info[i].v_samp_factor = 1;
  c->optimize_coding = TRUE;
  jpeg_start_compress(c, TRUE);
  const auto& md = f.metadata;
  if (!md.exif.empty()) {
    std::vector<std::uint8_t> seg(kExifTag, kExifTag + 6);
    seg.insert(seg.end(), md.exif.begin(), md.exif.end());
    if (seg.size() <= 65533) jpeg_write_marker(c, JPEG_APP0 + 1, seg.data(), static_cast<unsigned>(seg.size()));
  }
  if (!md.xmp.empty()) {
    std::vector<std::uint8_t> seg(kXmpTag, kXmpTag + sizeof kXmpTag);
    seg.insert(seg.end(), md.xmp.begin(), md.xmp.end());
    if (seg.size() <= 65533) jpeg_write_marker(c, JPEG_APP0 + 1, seg.data(), static_cast<unsigned>(seg.size()));
  }
  if (!md.icc.empty()) jpeg_write_icc_profile(c, md.icc.data(), static_cast<unsigned>(md.icc.size()));
  for (const auto& m : md.jpeg_markers) jpeg_write_marker(c, m.code, m.data.data(), static_cast<unsigned>(m.data.size()));
  for (int y = 0; y < rgb->height(); ++y) {
    JSAMPROW row = const_cast<JSAMPROW>(rgb->bytes().data() + y * rgb->row_bytes());
    jpeg_write_scanlines(c, &row, 1);
  }
  jpeg_finish_compress(c);
  return true;
}

struct Decompressor {
  jpeg_decompress_struct c{};
  ~Decompressor() { jpeg_destroy_decompress(&c); }
};
struct Compressor {
  jpeg_compress_struct c{};
  unsigned char* buf = nullptr;
  ~Compressor() {
    jpeg_destroy_compress(&c);
    std::free(buf);
  }
};

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
  Decompressor d;
  d.c.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  err.pub.emit_message = on_message;
  jpeg_create_decompress(&d.c);
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
  // Saved markers live in libjpeg's image pool, which finish_decompress frees: copy them now.
  JOCTET* icc = nullptr;
  unsigned icc_len = 0;
  if (jpeg_read_icc_profile(&d.c, &icc, &icc_len)) {
    f.metadata.icc.assign(icc, icc + icc_len);
    std::free(icc);
  }
  for (auto m = d.c.marker_list; m; m = m->next) {
    if (m->marker == JPEG_APP0 + 1 && starts_with(m, kExifTag, 6)) {
      f.metadata.exif.assign(m->data + 6, m->data + m->data_length);
    } else if (m->marker == JPEG_APP0 + 1 && starts_with(m, kXmpTag, sizeof kXmpTag)) {
      f.metadata.xmp.assign(m->data + sizeof kXmpTag, m->data + m->data_length);
    } else if (m->marker == JPEG_APP0 + 2 && starts_with(m, kIccTag, sizeof kIccTag)) {
      continue;  // reassembled above
    } else {
      f.metadata.jpeg_markers.push_back({m->marker, std::vector<std::uint8_t>(m->data, m->data + m->data_length)});
    }
  }
  if (!read_pixels(&d.c, &err, &f.image)) throw Error(Status::DecodeError, name + ": corrupt JPEG: " + err.message);
  if (err.warnings > 0) throw Error(Status::DecodeError, name + ": corrupt or truncated JPEG: " + err.message);

  return f;
}

std::vector<std::uint8_t> encode_jpeg(const ImageFile& f, int quality, const std::string& name) {
  if (quality < 1 || quality > 100) throw Error(Status::InvalidArgument, name + ": JPEG quality must be 1-100");
  if (f.image.channels() == 4)
    throw Error(Status::Unsupported, name + ": JPEG cannot store the alpha channel of this image; write .png or .webp");
  std::optional<Image> reduced;
  if (f.image.type() != SampleType::U8) reduced = to_8bit(f.image);
  const Image& rgb = reduced ? *reduced : f.image;
  ErrorManager err{};
  Compressor c;
  c.c.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  jpeg_create_compress(&c.c);
  unsigned long len = 0;
  if (!write_all(&c.c, &err, f, &rgb, quality, &c.buf, &len)) throw Error(Status::IoError, name + ": cannot encode JPEG: " + err.message);
  return std::vector<std::uint8_t>(c.buf, c.buf + len);
}

}  // namespace tidemark::io
