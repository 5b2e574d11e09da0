#include "embed_file.hpp"

#include "core/quality.hpp"
#include "jpeg_coefficients.hpp"

namespace tidemark::io {

bool marks_jpeg_coefficients(const std::vector<std::uint8_t>& input, Format output_format, const SaveOptions& save) {
  return save.jpeg_coefficients_from_quality > 0 && output_format == Format::Jpeg && looks_like_jpeg(input);
}

EmbedFileResult embed_image_file(const std::filesystem::path& input, const std::filesystem::path& output,
                                 const Embedder& embedder, const Payload& payload, const Limits& limits,
                                 const SaveOptions& save) {
  const Format format = format_for_path(output);  // a bad extension fails before any work
  const std::vector<std::uint8_t> bytes = read_file(input, limits.max_file_bytes);
  EmbedFileResult r;
  if (marks_jpeg_coefficients(bytes, format, save)) {
    const LumaMarkResult m = with_file_name(input, [&] {
      return mark_jpeg_luma(
          bytes, input.string(), limits,
          [&](const ImageView& luma, Metadata&) {
            r.width = luma.width, r.height = luma.height;
            r.report = embedder.embed(luma, payload);
          },
          save.jpeg_coefficients_from_quality);
    });
    if (!m.bytes.empty()) {
      write_file_atomic(output, m.bytes);
      r.input_format = Format::Jpeg;
      r.psnr_db = m.psnr_db;
      r.jpeg_coefficients_quality = m.quality;
      return r;
    }
    r.reencoded_because = m.declined;
  }
  ImageFile file = decode_image(bytes, input.string(), limits);
  const Image original = file.image;
  r.report = with_file_name(input, [&] { return embedder.embed(file.image.view(), payload); });
  r.width = file.image.width(), r.height = file.image.height();
  r.input_format = file.format;
  r.psnr_db = detail::psnr_db(original.view(), file.image.view(), file.image.type() == SampleType::U8 ? 255.0 : 65535.0);
  write_file_atomic(output, encode_image(file, format, save, output.string()));
  return r;
}

}  // namespace tidemark::io
