#include "jpeg_support.hpp"

#include <cstring>
#include <vector>

namespace tidemark::io::jpeg {
namespace {

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

void write_tagged(jpeg_compress_struct* c, const void* tag, std::size_t tag_len, const std::vector<std::uint8_t>& body) {
  std::vector<std::uint8_t> seg(static_cast<const std::uint8_t*>(tag), static_cast<const std::uint8_t*>(tag) + tag_len);
  seg.insert(seg.end(), body.begin(), body.end());
  if (seg.size() <= 65533) jpeg_write_marker(c, JPEG_APP0 + 1, seg.data(), static_cast<unsigned>(seg.size()));
}

}  // namespace

void install(ErrorManager& err, jpeg_common_struct* c) {
  c->err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  err.pub.emit_message = on_message;
}

Decompressor::Decompressor(ErrorManager& err) {
  install(err, reinterpret_cast<jpeg_common_struct*>(&c));
  jpeg_create_decompress(&c);
}
Compressor::Compressor(ErrorManager& err) {
  install(err, reinterpret_cast<jpeg_common_struct*>(&c));
  jpeg_create_compress(&c);
}

void save_markers(jpeg_decompress_struct* c) {
  jpeg_save_markers(c, JPEG_COM, 0xFFFF);
  for (int m = 1; m < 16; ++m) jpeg_save_markers(c, JPEG_APP0 + m, 0xFFFF);
}

Metadata read_metadata(jpeg_decompress_struct* c) {
  Metadata md;
  JOCTET* icc = nullptr;
  unsigned icc_len = 0;
  if (jpeg_read_icc_profile(c, &icc, &icc_len)) {
    md.icc.assign(icc, icc + icc_len);
    std::free(icc);
  }
  for (auto m = c->marker_list; m; m = m->next) {
    if (m->marker == JPEG_APP0 + 1 && starts_with(m, kExifTag, 6)) {
      md.exif.assign(m->data + 6, m->data + m->data_length);
    } else if (m->marker == JPEG_APP0 + 1 && starts_with(m, kXmpTag, sizeof kXmpTag)) {
      md.xmp.assign(m->data + sizeof kXmpTag, m->data + m->data_length);
    } else if (m->marker == JPEG_APP0 + 2 && starts_with(m, kIccTag, sizeof kIccTag)) {
      continue;  // reassembled above
    } else {
      md.jpeg_markers.push_back({m->marker, std::vector<std::uint8_t>(m->data, m->data + m->data_length)});
    }
  }
  return md;
}

void write_metadata(jpeg_compress_struct* c, const Metadata& md) {
  if (!md.exif.empty()) write_tagged(c, kExifTag, sizeof kExifTag, md.exif);
  if (!md.xmp.empty()) write_tagged(c, kXmpTag, sizeof kXmpTag, md.xmp);
  if (!md.icc.empty()) jpeg_write_icc_profile(c, md.icc.data(), static_cast<unsigned>(md.icc.size()));
  for (const auto& m : md.jpeg_markers) jpeg_write_marker(c, m.code, m.data.data(), static_cast<unsigned>(m.data.size()));
}

}  // namespace tidemark::io::jpeg
