// PNG through libpng. libpng reports errors by longjmp, so the setjmp frames below hold no
// objects with destructors; everything they fill lives in the caller.
#include <png.h>
#include <zlib.h>

#include <csetjmp>
#include <cstring>

#include "image_file.hpp"
#include "tidemark/error.hpp"

namespace tidemark::io {
namespace {

struct PngContext {
  const std::uint8_t* data;
  std::size_t size, pos;
  char message[256];
  std::vector<std::uint8_t>* out;
};

void on_error(png_structp png, png_const_charp msg) {
  auto* ctx = static_cast<PngContext*>(png_get_error_ptr(png));
  std::snprintf(ctx->message, sizeof ctx->message, "%s", msg);
  png_longjmp(png, 1);
}
void on_warning(png_structp, png_const_charp) {}

void read_bytes(png_structp png, png_bytep dst, png_size_t n) {
  auto* ctx = static_cast<PngContext*>(png_get_io_ptr(png));
  if (ctx->size - ctx->pos < n) png_error(png, "file is truncated");
  std::memcpy(dst, ctx->data + ctx->pos, n);
  ctx->pos += n;
}
void write_bytes(png_structp png, png_bytep src, png_size_t n) {
  auto* ctx = static_cast<PngContext*>(png_get_io_ptr(png));
  ctx->out->insert(ctx->out->end(), src, src + n);
}
void flush_nothing(png_structp) {}

struct Header {
  png_uint_32 width = 0, height = 0;
  int channels = 0, depth = 0;
};

// Phase 1: header and transforms. Returns false on a libpng error (message in ctx).
bool read_header(png_structp png, png_infop info, Header& h) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_set_read_fn(png, png_get_error_ptr(png), read_bytes);
  png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
  png_set_chunk_malloc_max(png, 64u << 20);
  png_read_info(png, info);
  int color = png_get_color_type(png, info);
  int depth = png_get_bit_depth(png, info);
  if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
  if (color == PNG_COLOR_TYPE_GRAY_ALPHA || (color == PNG_COLOR_TYPE_GRAY && png_get_valid(png, info, PNG_INFO_tRNS)))
    png_set_gray_to_rgb(png);  // gray + alpha becomes RGBA: the mark never touches alpha
  if (depth == 16) png_set_swap(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  h.width = png_get_image_width(png, info);
  h.height = png_get_image_height(png, info);
  h.channels = png_get_channels(png, info);
  h.depth = png_get_bit_depth(png, info);
  return true;
}

bool read_pixels(png_structp png, png_infop info, png_bytepp rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_image(png, rows);
  png_read_end(png, info);
  return true;
}

bool write_all(png_structp png, png_infop info, const ImageFile& f, int level, png_bytepp rows, png_textp texts,
               int ntext) {
  if (setjmp(png_jmpbuf(png))) return false;
  const Image& im = f.image;
  png_set_write_fn(png, png_get_error_ptr(png), write_bytes, flush_nothing);
  const int color = im.channels() == 1 ? PNG_COLOR_TYPE_GRAY : im.channels() == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGBA;
  png_set_IHDR(png, info, im.width(), im.height(), im.type() == SampleType::U8 ? 8 : 16, color, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (level == kPngRunLength) {
    png_set_compression_strategy(png, Z_RLE);
  } else {
    png_set_compression_level(png, level);
  }
  if (!f.metadata.icc.empty())
    png_set_iCCP(png, info, "ICC Profile", 0, f.metadata.icc.data(), static_cast<png_uint_32>(f.metadata.icc.size()));
  if (!f.metadata.exif.empty())
    png_set_eXIf_1(png, info, static_cast<png_uint_32>(f.metadata.exif.size()), const_cast<png_bytep>(f.metadata.exif.data()));
  if (ntext > 0) png_set_text(png, info, texts, ntext);
  png_write_info(png, info);
  if (im.type() == SampleType::U16) png_set_swap(png);
  png_write_image(png, rows);
  png_write_end(png, nullptr);  // every chunk went before IDAT
  return true;
}

struct ReadStructs {
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~ReadStructs() { png_destroy_read_struct(&png, &info, nullptr); }
};
struct WriteStructs {
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~WriteStructs() { png_destroy_write_struct(&png, &info); }
};

constexpr const char* kXmpKey = "XML:com.adobe.xmp";

}  // namespace

ImageFile decode_png(const std::vector<std::uint8_t>& bytes, const std::string& name, const Limits& limits) {
  // IHDR sits at a fixed place: check the claimed size before libpng reads further chunks.
  if (bytes.size() >= 24 && std::memcmp(bytes.data() + 12, "IHDR", 4) == 0) {
    auto be32 = [&](std::size_t i) {
      return std::uint64_t(bytes[i]) << 24 | std::uint64_t(bytes[i + 1]) << 16 | std::uint64_t(bytes[i + 2]) << 8 | bytes[i + 3];
    };
    check_dimensions(be32(16), be32(20), limits, name);
  }
  PngContext ctx{bytes.data(), bytes.size(), 0, {0}, nullptr};
  ReadStructs s;
  s.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &ctx, on_error, on_warning);
  if (!s.png || !(s.info = png_create_info_struct(s.png))) throw Error(Status::Internal, name + ": out of memory");
  Header h;
  if (!read_header(s.png, s.info, h)) throw Error(Status::DecodeError, name + ": corrupt PNG: " + ctx.message);
  check_dimensions(h.width, h.height, limits, name);
  if (h.channels == 2) throw Error(Status::Unsupported, name + ": unsupported PNG channel layout");
  ImageFile f;
  f.format = Format::Png;
  f.image = Image(static_cast<int>(h.width), static_cast<int>(h.height), h.channels, h.depth == 16 ? SampleType::U16 : SampleType::U8);
  std::vector<png_bytep> rows(h.height);
  for (png_uint_32 y = 0; y < h.height; ++y) rows[y] = f.image.bytes().data() + y * f.image.row_bytes();
  if (!read_pixels(s.png, s.info, rows.data())) throw Error(Status::DecodeError, name + ": corrupt PNG: " + ctx.message);

  png_charp icc_name;
  int compression;
  png_bytep icc;
  png_uint_32 icc_len;
  if (png_get_iCCP(s.png, s.info, &icc_name, &compression, &icc, &icc_len) == PNG_INFO_iCCP)
    f.metadata.icc.assign(icc, icc + icc_len);
  png_bytep exif;
  png_uint_32 exif_len;
  if (png_get_eXIf_1(s.png, s.info, &exif_len, &exif) == PNG_INFO_eXIf) f.metadata.exif.assign(exif, exif + exif_len);
  png_textp text;
  int ntext = 0;
  png_get_text(s.png, s.info, &text, &ntext);
  for (int i = 0; i < ntext; ++i) {
    std::string key = text[i].key, value = text[i].text ? text[i].text : "";
    if (key == kXmpKey) f.metadata.xmp.assign(value.begin(), value.end());
    else f.metadata.png_text.push_back({key, value});
  }
  return f;
}

std::vector<std::uint8_t> encode_png(const ImageFile& f, const std::string& name, int level) {
  if (level != kPngRunLength && (level < 0 || level > 9))
    throw Error(Status::InvalidArgument, name + ": PNG compression level " + std::to_string(level) + " is not in [0, 9]");
  std::vector<std::uint8_t> out;
  PngContext ctx{nullptr, 0, 0, {0}, &out};
  WriteStructs s;
  s.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &ctx, on_error, on_warning);
  if (!s.png || !(s.info = png_create_info_struct(s.png))) throw Error(Status::Internal, name + ": out of memory");
  std::vector<png_bytep> rows(f.image.height());
  for (int y = 0; y < f.image.height(); ++y)
    rows[y] = const_cast<png_bytep>(f.image.bytes().data() + y * f.image.row_bytes());
  std::vector<std::string> keys, values;
  for (const auto& t : f.metadata.png_text) keys.push_back(t.key), values.push_back(t.text);
  if (!f.metadata.xmp.empty()) keys.push_back(kXmpKey), values.emplace_back(f.metadata.xmp.begin(), f.metadata.xmp.end());
  std::vector<png_text> texts(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    texts[i] = {};
    const bool xmp = keys[i] == kXmpKey;
    texts[i].compression = xmp ? PNG_ITXT_COMPRESSION_NONE : (values[i].size() > 1024 ? PNG_TEXT_COMPRESSION_zTXt : PNG_TEXT_COMPRESSION_NONE);
    texts[i].key = keys[i].data();
    texts[i].text = values[i].data();
    texts[i].text_length = xmp ? 0 : values[i].size();
    texts[i].itxt_length = xmp ? values[i].size() : 0;
  }
  if (!write_all(s.png, s.info, f, level, rows.data(), texts.data(), static_cast<int>(texts.size())))
    throw Error(Status::IoError, name + ": cannot encode PNG: " + ctx.message);
  return out;
}

}  // namespace tidemark::io
