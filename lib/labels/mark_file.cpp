#include "labels/mark_file.hpp"

#include "io/embed_file.hpp"
#include "io/jpeg_coefficients.hpp"
#include "labels/binding.hpp"
#include "labels/file_labels.hpp"
#include "tidemark/error.hpp"

namespace tidemark::labels {
void check_request(const MarkRequest& r, const Key& key) {
  require_valid(first_write_label(r.producer, r.produce_id.empty() ? "x" : r.produce_id, r.label_value));
  if (r.sign && key.is_public_default())
    throw Error(Status::InvalidArgument, "signing the label needs a private key: with the public key anyone could forge it");
  if (r.visible && r.visible->text.empty()) throw Error(Status::InvalidArgument, "the visible label text is empty");
}

namespace {
// Everything but the pixels and the file: the ProduceID, its payload, the label (signed if asked).
MarkResult prepare(const MarkRequest& r, const Key& key, int width, int height) {
  MarkResult out;
  out.width = width;
  out.height = height;
  out.produce_id = r.produce_id.empty() ? random_produce_id() : r.produce_id;
  out.payload = payload_for_produce_id(out.produce_id);
  out.label = first_write_label(r.producer, out.produce_id, r.label_value);
  if (r.sign) out.label.reserved_code1 = sign_label(out.label, out.payload, key);
  return out;
}

// The JPEG's luma marked in its coefficients; empty bytes when declined (the reason in `result`).
std::vector<std::uint8_t> mark_jpeg_coefficients(const std::vector<std::uint8_t>& bytes, const std::filesystem::path& input,
                                                 const MarkRequest& r, const Embedder& embedder, const Key& key,
                                                 const io::Limits& limits, int min_quality, MarkResult& result) {
  const io::LumaMarkResult m = io::mark_jpeg_luma(
      bytes, input.string(), limits,
      [&](const ImageView& luma, io::Metadata& md) {
        result = prepare(r, key, luma.width, luma.height);
        embedder.embed(luma, result.payload);
        write_label(md, result.label, r.source);
      },
      min_quality);
  if (m.bytes.empty()) result.reencoded_because = m.declined;
  else result.jpeg_coefficients_quality = m.quality;
  return m.bytes;
}
}  // namespace

MarkResult mark_image(io::ImageFile& file, const MarkRequest& r, const Embedder& embedder, const Key& key) {
  check_request(r, key);
  MarkResult out = prepare(r, key, file.image.width(), file.image.height());
  if (r.visible) out.visible_box = draw_visible_label(file.image.view(), *r.visible);
  embedder.embed(file.image.view(), out.payload);
  write_label(file.metadata, out.label, r.source);
  return out;
}

MarkResult mark_file(const std::filesystem::path& input, const std::filesystem::path& output, const MarkRequest& r,
                     const Embedder& embedder, const Key& key, const io::Limits& limits, const io::SaveOptions& save) {
  const io::Format format = io::format_for_path(output);  // a bad extension fails before any work
  check_request(r, key);
  const std::vector<std::uint8_t> bytes = io::read_file(input, limits.max_file_bytes);
  MarkResult result;
  std::vector<std::uint8_t> written;
  if (!r.visible && io::marks_jpeg_coefficients(bytes, format, save))
    written = io::with_file_name(input, [&] {
      return mark_jpeg_coefficients(bytes, input, r, embedder, key, limits, save.jpeg_coefficients_from_quality, result);
    });
  if (written.empty()) {
    const std::string because = result.reencoded_because;
    io::ImageFile file = io::decode_image(bytes, input.string(), limits);
    result = io::with_file_name(input, [&] { return mark_image(file, r, embedder, key); });
    result.reencoded_because = because;
    written = io::encode_image(file, format, save, output.string());
  }
  // The label is read back from the bytes about to be written: a file whose label does not read
  // back is never written.
  const FileLabels found = read_labels(io::decode_metadata(written, output.string(), limits));
  if (found.labels.size() != 1 || !found.labels[0].parsed.label || *found.labels[0].parsed.label != result.label)
    throw Error(Status::Internal, output.string() + ": the AIGC label did not read back as written (" +
                                      std::to_string(found.labels.size()) + " label(s) found); nothing written");
  io::write_file_atomic(output, written);
  return result;
}

}  // namespace tidemark::labels
