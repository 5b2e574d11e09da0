#include "labels/mark_file.hpp"

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

MarkResult mark_image(io::ImageFile& file, const MarkRequest& r, const Embedder& embedder, const Key& key) {
  check_request(r, key);
  MarkResult out;
  out.width = file.image.width();
  out.height = file.image.height();
  if (r.visible) out.visible_box = draw_visible_label(file.image.view(), *r.visible);
  out.produce_id = r.produce_id.empty() ? random_produce_id() : r.produce_id;
  out.payload = payload_for_produce_id(out.produce_id);
  embedder.embed(file.image.view(), out.payload);
  out.label = first_write_label(r.producer, out.produce_id, r.label_value);
  if (r.sign) out.label.reserved_code1 = sign_label(out.label, out.payload, key);
  write_label(file.metadata, out.label, r.source);
  return out;
}

MarkResult mark_file(const std::filesystem::path& input, const std::filesystem::path& output, const MarkRequest& r,
                     const Embedder& embedder, const Key& key, const io::Limits& limits, const io::SaveOptions& save) {
  io::format_for_path(output);  // a bad extension fails before any work
  io::ImageFile file = io::load_image(input, limits);
  const MarkResult result = io::with_file_name(input, [&] { return mark_image(file, r, embedder, key); });
  io::save_image(output, file, save);
  const io::ImageFile back = io::load_image(output, limits);
  const FileLabels found = read_labels(back.metadata);
  if (found.labels.size() != 1 || !found.labels[0].parsed.label || *found.labels[0].parsed.label != result.label)
    throw Error(Status::Internal, output.string() + ": the AIGC label did not read back as written (" +
                                      std::to_string(found.labels.size()) + " label(s) found)");
  return result;
}

}  // namespace tidemark::labels
