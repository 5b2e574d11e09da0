// WebP through libwebp (decode/encode) and its mux/demux libraries (ICC, EXIF, XMP chunks).
#include <webp/decode.h>
#include <webp/demux.h>
#include <webp/encode.h>
#include <webp/mux.h>

#include <memory>

#include "image_file.hpp"
#include "tidemark/error.hpp"

namespace tidemark::io {
namespace {

struct DemuxDeleter {
  void operator()(WebPDemuxer* d) const { WebPDemuxDelete(d); }
};
struct MuxDeleter {
  void operator()(WebPMux* m) const { WebPMuxDelete(m); }
};

void copy_chunk(WebPDemuxer* demux, const char* fourcc, std::vector<std::uint8_t>& out) {
  WebPChunkIterator it;
  if (WebPDemuxGetChunk(demux, fourcc, 1, &it)) {
    out.assign(it.chunk.bytes, it.chunk.bytes + it.chunk.size);
    WebPDemuxReleaseChunkIterator(&it);
  }
}

}  // namespace

ImageFile decode_webp(const std::vector<std::uint8_t>& bytes, const std::string& name, const Limits& limits) {
  WebPBitstreamFeatures feat;
  if (WebPGetFeatures(bytes.data(), bytes.size(), &feat) != VP8_STATUS_OK)
    throw Error(Status::DecodeError, name + ": corrupt WebP header");
  if (feat.has_animation) throw Error(Status::Unsupported, name + ": animated WebP is not supported");
  check_dimensions(static_cast<std::uint64_t>(feat.width), static_cast<std::uint64_t>(feat.height), limits, name);
  ImageFile f;
  f.format = Format::Webp;
  f.lossless = feat.format == 2;
  const int ch = feat.has_alpha ? 4 : 3;
  f.image = Image(feat.width, feat.height, ch, SampleType::U8);
  auto& px = f.image.bytes();
  const int stride = static_cast<int>(f.image.row_bytes());
  const bool ok = ch == 4 ? WebPDecodeRGBAInto(bytes.data(), bytes.size(), px.data(), px.size(), stride) != nullptr
                          : WebPDecodeRGBInto(bytes.data(), bytes.size(), px.data(), px.size(), stride) != nullptr;
  if (!ok) throw Error(Status::DecodeError, name + ": corrupt or truncated WebP image data");
  WebPData data{bytes.data(), bytes.size()};
  std::unique_ptr<WebPDemuxer, DemuxDeleter> demux(WebPDemux(&data));
  if (demux) {
    copy_chunk(demux.get(), "ICCP", f.metadata.icc);
    copy_chunk(demux.get(), "EXIF", f.metadata.exif);
    copy_chunk(demux.get(), "XMP ", f.metadata.xmp);
  }
  return f;
}

std::vector<std::uint8_t> encode_webp(const ImageFile& f, int quality, bool lossless, const std::string& name) {
  if (quality < 0 || quality > 100) throw Error(Status::InvalidArgument, name + ": WebP quality must be 0-100");
  const Image& in = f.image;
  // WebP holds 8-bit RGB or RGBA.
  Image rgb(in.width(), in.height(), in.channels() == 4 ? 4 : 3, SampleType::U8);
  for (std::size_t p = 0; p < std::size_t(in.width()) * in.height(); ++p)
    for (int k = 0; k < rgb.channels(); ++k) {
      const std::size_t src = p * in.channels() + (in.channels() == 1 ? 0 : k);
      rgb.bytes()[p * rgb.channels() + k] =
          in.type() == SampleType::U8 ? in.bytes()[src]
                                      : static_cast<std::uint8_t>((reinterpret_cast<const std::uint16_t*>(in.bytes().data())[src] + 128) / 257);
    }
  std::uint8_t* out = nullptr;
  const int stride = static_cast<int>(rgb.row_bytes());
  std::size_t len;
  if (lossless)
    len = rgb.channels() == 4 ? WebPEncodeLosslessRGBA(rgb.bytes().data(), rgb.width(), rgb.height(), stride, &out)
                              : WebPEncodeLosslessRGB(rgb.bytes().data(), rgb.width(), rgb.height(), stride, &out);
  else
    len = rgb.channels() == 4 ? WebPEncodeRGBA(rgb.bytes().data(), rgb.width(), rgb.height(), stride, float(quality), &out)
                              : WebPEncodeRGB(rgb.bytes().data(), rgb.width(), rgb.height(), stride, float(quality), &out);
  if (len == 0) {
    WebPFree(out);
    throw Error(Status::IoError, name + ": cannot encode WebP");
  }
  std::vector<std::uint8_t> plain(out, out + len);
  WebPFree(out);
  const auto& md = f.metadata;
  if (md.icc.empty() && md.exif.empty() && md.xmp.empty()) return plain;

  WebPData image{plain.data(), plain.size()};
  std::unique_ptr<WebPMux, MuxDeleter> mux(WebPMuxCreate(&image, 1));
  if (!mux) throw Error(Status::Internal, name + ": cannot build WebP container");
  auto set = [&](const char* fourcc, const std::vector<std::uint8_t>& v) {
    if (v.empty()) return;
    WebPData chunk{v.data(), v.size()};
    if (WebPMuxSetChunk(mux.get(), fourcc, &chunk, 1) != WEBP_MUX_OK)
      throw Error(Status::Internal, name + std::string(": cannot add WebP chunk ") + fourcc);
  };
  set("ICCP", md.icc);
  set("EXIF", md.exif);
  set("XMP ", md.xmp);
  WebPData assembled{};
  if (WebPMuxAssemble(mux.get(), &assembled) != WEBP_MUX_OK) throw Error(Status::Internal, name + ": cannot assemble WebP");
  std::vector<std::uint8_t> result(assembled.bytes, assembled.bytes + assembled.size);
  WebPDataClear(&assembled);
  return result;
}

}  // namespace tidemark::io
