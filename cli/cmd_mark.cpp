// tidemark mark: the one-pass job a generation service runs on every output. Visible label
// (optional, first, so that the watermark covers the final pixels), watermark carrying a payload
// derived from the ProduceID, then the GB 45438 metadata label and IPTC digital source type in
// XMP, written atomically and read back.
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "common.hpp"
#include "labels/binding.hpp"
#include "labels/file_labels.hpp"
#include "labels/visible_label.hpp"
#include "tidemark/embedder.hpp"
#include "tidemark/error.hpp"

namespace tidemark::cli {
namespace fs = std::filesystem;
namespace {

struct MarkOptions {
  std::vector<std::string> inputs;
  std::string producer;
  std::string produce_id;
  std::string label_value = "1";
  bool composite = false;
  bool sign = false;
  bool visible = false;
  bool cn_check = false;
  labels::VisibleLabelOptions visible_options;
  std::string position = "bottom-right";
  double strength = EmbedParams{}.strength;
  int quality = 95;
  OutputOptions out;
  KeyOptions key;
  CommonOptions common;
};

// The label as it reads back from the written file: exactly one, equal to what was written.
void confirm_written(const fs::path& out, const labels::AigcLabel& written, const io::Limits& limits) {
  const io::ImageFile back = io::load_image(out, limits);
  const labels::FileLabels found = labels::read_labels(back.metadata);
  if (found.labels.size() != 1 || !found.labels[0].parsed.label || *found.labels[0].parsed.label != written)
    throw Error(Status::Internal, out.string() + ": the AIGC label did not read back as written (" +
                                      std::to_string(found.labels.size()) + " label(s) found)");
}

}  // namespace

Runner setup_mark(CLI::App& app) {
  auto o = std::make_shared<MarkOptions>();
  app.description(
      "Mark AI-generated images in one pass: optional visible label (--visible), invisible watermark,\n"
      "and the GB 45438-2025 implicit label (XMP TC260:AIGC) with IPTC DigitalSourceType.\n"
      "The watermark payload is the first 64 bits of SHA-256(\"tidemark ProduceID v1\\0\" + ProduceID),\n"
      "so `tidemark verify` can tell whether a label and a watermark belong together.\n"
      "Without --produce-id each file gets a fresh one (tm-<16 hex digits>), printed for your records.");
  app.add_option("inputs", o->inputs, "Images to mark (PNG, JPEG, WebP)")->required()->check(CLI::ExistingFile);
  app.add_option("--producer", o->producer, "ContentProducer: your provider code (printable ASCII, no spaces)")->required();
  app.add_option("--produce-id", o->produce_id, "ProduceID for this content (one input only); default: generated per file");
  app.add_option("--label", o->label_value, "GB 45438 Label value: 1 AI-generated (default), 2 possibly, 3 suspected")
      ->check(CLI::IsMember({"1", "2", "3"}));
  app.add_flag("--composite", o->composite,
               "AI-edited rather than AI-generated content (IPTC compositeWithTrainedAlgorithmicMedia)");
  app.add_flag("--sign", o->sign, "Put an HMAC of the label and payload, keyed by the watermark key, in ReservedCode1");
  app.add_flag("--visible", o->visible, "Burn a visible label into the pixels (default text AI生成)");
  app.add_option("--visible-text", o->visible_options.text, "Visible label text (UTF-8)");
  app.add_option("--visible-position", o->position, "bottom-right (default), bottom-left, top-right, top-left, bottom, top");
  app.add_option("--visible-height", o->visible_options.height_fraction,
                 "Glyph height as a fraction of the shortest side (default 0.06; GB 45438 asks >= 0.05)")
      ->check(CLI::Range(0.01, 0.5));
  app.add_option("--font", o->visible_options.font_path, "Font file for the visible label (default: Noto Sans CJK)")
      ->check(CLI::ExistingFile);
  app.add_flag("--cn", o->cn_check,
               "Check the visible label against GB 45438 5.2 (AI element + 生成/合成, height >= 5 %)");
  app.add_option("--strength", o->strength, "Watermark strength (default 0.55)")->check(CLI::Range(0.05, 4.0));
  app.add_option("--quality", o->quality, "JPEG/WebP output quality (default 95)")->check(CLI::Range(1, 100));
  o->out.add_to(app, "marked");
  o->key.add_to(app);
  o->common.add_to(app);

  return [o]() -> int {
    o->out.prepare(o->inputs.size(), "mark");
    if (!o->produce_id.empty() && o->inputs.size() > 1)
      throw Error(Status::InvalidArgument, "mark: --produce-id names one content item; give one input, or omit it");
    o->visible_options.placement = labels::placement_from(o->position);
    if (o->cn_check && o->visible) {
      if (!labels::has_required_elements(o->visible_options.text))
        throw Error(Status::InvalidArgument, "mark --cn: the visible text must contain AI (or 人工智能) and 生成 or 合成");
      if (o->visible_options.height_fraction < 0.05)
        throw Error(Status::InvalidArgument, "mark --cn: --visible-height must be at least 0.05");
    }
    std::string key_source;
    const Key key = o->key.resolve(&key_source);
    if (o->sign && key.is_public_default())
      throw Error(Status::InvalidArgument, "mark --sign: the public key cannot sign (anyone could forge it); give a private key");
    // The label is checked before any file is touched.
    labels::require_valid(labels::first_write_label(o->producer, o->produce_id.empty() ? "x" : o->produce_id, o->label_value));
    EmbedParams params;
    params.strength = o->strength;
    params.threads = o->common.threads;
    const Embedder embedder(key, params, o->common.backend_choice());
    const auto source = o->composite ? labels::DigitalSource::CompositeWithTrainedAlgorithmicMedia
                                     : labels::DigitalSource::TrainedAlgorithmicMedia;
    io::SaveOptions save;
    save.jpeg_quality = save.webp_quality = o->quality;
    int failed = 0;
    for (const auto& in : o->inputs) {
      const fs::path out = o->out.output_for(in);
      try {
        o->out.check_writable(in, out);
        io::ImageFile file = io::load_image(in, o->common.limits());
        const Image original = file.image;
        const auto with_name = [&](auto&& step) {
          try {
            return step();
          } catch (const Error& e) {
            throw Error(e.status(), in + ": " + e.what());
          }
        };
        labels::LabelBox box;
        if (o->visible) box = with_name([&] { return labels::draw_visible_label(file.image.view(), o->visible_options); });
        const std::string produce_id = o->produce_id.empty() ? labels::random_produce_id() : o->produce_id;
        const Payload payload = labels::payload_for_produce_id(produce_id);
        with_name([&] { return embedder.embed(file.image.view(), payload); });
        labels::AigcLabel label = labels::first_write_label(o->producer, produce_id, o->label_value);
        if (o->sign) label.reserved_code1 = labels::sign_label(label, payload, key);
        with_name([&] {
          labels::write_label(file.metadata, label, source);
          return 0;
        });
        io::save_image(out, file, save);
        confirm_written(out, label, o->common.limits());
        const double q = psnr(original, file.image);
        if (o->common.json) {
          nlohmann::json j{{"path", in}, {"output", out.string()}, {"status", "ok"}, {"produce_id", produce_id},
                           {"payload", payload.to_hex()}, {"aigc", labels::to_bare_json(label)},
                           {"digital_source_type", labels::digital_source_uri(source)}, {"psnr_db", q}};
          if (o->visible)
            j["visible_label"] = {{"x", box.x}, {"y", box.y}, {"width", box.width}, {"height", box.height},
                                  {"glyph_height_px", box.glyph_height}};
          std::cout << j.dump() << "\n";
        } else {
          std::printf("marked  %s -> %s  (ProduceID %s, payload %s%s)\n", in.c_str(), out.c_str(), produce_id.c_str(),
                      payload.to_hex().c_str(), o->visible ? ", visible label" : "");
        }
      } catch (const Error& e) {
        ++failed;
        print_error(e.what());
        if (o->common.json) std::cout << nlohmann::json{{"path", in}, {"status", "error"}, {"error", e.what()}}.dump() << "\n";
      }
      std::cout.flush();
    }
    return failed ? kExitSomeFailed : kExitOk;
  };
}

}  // namespace tidemark::cli
