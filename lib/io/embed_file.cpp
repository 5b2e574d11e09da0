#include "embed_file.hpp"

#include "core/quality.hpp"
#include "jpeg_coefficients.hpp"

namespace tidemark::io {

MarkedFile mark_image_bytes(const std::filesystem::path& input, const std::filesystem::path& output, const Limits& limits,
                            const SaveOptions& save, const FileMarker& marker) {
  const Format format = format_for_path(output);
  const std::vector<std::uint8_t> bytes = read_file(input, limits.max_file_bytes);
  MarkedFile out;
  if (marker.luma && save.jpeg_coefficients_from_quality > 0 && format == Format::Jpeg && looks_like_jpeg(bytes)) {
    LumaMarkResult m = with_file_name(input, [&] {
      return mark_jpeg_luma(bytes, input.string(), limits, marker.luma, save.jpeg_coefficients_from_quality);
    });
    if (!m.bytes.empty()) {
      out.bytes = std::move(m.bytes);
      out.input_format = Format::Jpeg;
      out.jpeg_coefficients_quality = m.quality;
      out.jpeg_coefficients_psnr_db = m.psnr_db;
      return out;
    }
    out.reencoded_because = m.declined;
  }
  ImageFile file = decode_image(bytes, input.string(), limits);
  with_file_name(input, [&] { marker.decoded(file); });
  out.input_format = file.format;
  out.bytes = encode_image(file, format, save, output.string());
  return out;
}

EmbedFileResult embed_image_file(const std::filesystem::path& input, const std::filesystem::path& output,
                                 const Embedder& embedder, const Payload& payload, const Limits& limits,
                                 const SaveOptions& save) {
  EmbedFileResult r;
  auto embed = [&](const ImageView& view) {
    r.width = view.width, r.height = view.height;
    r.report = embedder.embed(view, payload);
  };
  const MarkedFile m = mark_image_bytes(
      input, output, limits, save,
      {[&](const ImageView& luma, Metadata&) { embed(luma); },
       [&](ImageFile& file) {
         const Image original = file.image;
         embed(file.image.view());
         r.psnr_db = detail::psnr_db(original.view(), file.image.view(), file.image.type() == SampleType::U8 ? 255.0 : 65535.0);
       }});
  write_file_atomic(output, m.bytes);
  r.input_format = m.input_format;
  r.jpeg_coefficients_quality = m.jpeg_coefficients_quality;
  r.reencoded_because = m.reencoded_because;
  if (m.jpeg_coefficients_quality > 0) r.psnr_db = m.jpeg_coefficients_psnr_db;
  return r;
}

}  // namespace tidemark::io
