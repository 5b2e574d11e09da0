#include "labels/mark_file.hpp"

#include "io/embed_file.hpp"
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
  check_request(r, key);
  MarkResult result;
  io::FileMarker marker;
  // A visible label is drawn on the decoded pixels: such a file is always re-encoded.
  if (!r.visible)
    marker.luma = [&](const ImageView& luma, io::Metadata& md) {
      result = prepare(r, key, luma.width, luma.height);
      embedder.embed(luma, result.payload);
      write_label(md, result.label, r.source);
    };
  marker.decoded = [&](io::ImageFile& file) { result = mark_image(file, r, embedder, key); };
  const io::MarkedFile m = io::mark_image_bytes(input, output, limits, save, marker);
  const std::vector<std::uint8_t>& written = m.bytes;
  result.jpeg_coefficients_quality = m.jpeg_coefficients_quality;
  result.reencoded_because = m.reencoded_because;
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
