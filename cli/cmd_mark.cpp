// tidemark mark: the one-pass job of labels/mark_file.hpp over many files, with the CLI's output
// naming, overwrite rules and reporting.
#include <cstdio>
#include <iostream>

#include "batch.hpp"
#include "commands.hpp"
#include "labels/mark_video.hpp"
#include "video.hpp"
#include "common.hpp"
#include "io/embed_file.hpp"
#include "labels/mark_file.hpp"
#include "tidemark/embedder.hpp"
#include "tidemark/error.hpp"

namespace tidemark::cli {
namespace fs = std::filesystem;
namespace {

struct MarkOptions {
  InputOptions inputs;
  BatchOptions batch;
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
  CLI::Option* strength_option = nullptr;
  int quality = 95;
  CLI::Option* quality_option = nullptr;
  int png_level = io::kPngRunLength;
  double visible_seconds = labels::VideoMarkOptions{}.visible_seconds;
  VideoEncodeCliOptions video;
  OutputOptions out;
  KeyOptions key;
  CommonOptions common;
};

}  // namespace

Runner setup_mark(CLI::App& app) {
  auto o = std::make_shared<MarkOptions>();
  app.description(
      "Mark AI-generated images in one pass: optional visible label (--visible), invisible watermark,\n"
      "and the GB 45438-2025 implicit label (XMP TC260:AIGC) with IPTC DigitalSourceType.\n"
      "The watermark payload is the first 64 bits of SHA-256(\"tidemark ProduceID v1\\0\" + ProduceID),\n"
      "so `tidemark verify` can tell whether a label and a watermark belong together.\n"
      "Without --produce-id each file gets a fresh one (tm-<16 hex digits>), printed for your records.\n"
      "Videos: the video watermark on every frame, the AIGC label in the container (MP4/MOV\n"
      "moov/udta/meta keys/ilst as GB 45438 Annex E and the TC260 video guide describe; Matroska tags),\n"
      "and with --visible the text on the first --visible-seconds (default 2 s, GB 45438 5.4).");
  o->inputs.include.insert(o->inputs.include.end(), video_patterns().begin(), video_patterns().end());
  o->inputs.add_to(app, "Images (PNG, JPEG, WebP) and videos (MP4, MOV, MKV, ...) to mark");
  o->batch.add_to(app);
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
  app.add_option("--visible-seconds", o->visible_seconds,
                 "Videos: how long the visible label shows from the start (default 2; 0 = the whole clip)")
      ->check(CLI::Range(0.0, 1e6));
  o->strength_option = app.add_option("--strength", o->strength, "Watermark strength (default 0.62; videos 0.55, times 0.82 at 1080p and above)")
                           ->check(CLI::Range(0.05, 4.0));
  o->quality_option = add_quality_option(app, o->quality);
  add_png_level_option(app, o->png_level);
  o->out.add_to(app, "marked");
  o->video.add_to(app);
  o->key.add_to(app);
  o->common.add_to(app);

  return [o]() -> int {
    std::vector<std::string> missing;
    const std::vector<InputFile> inputs = o->inputs.expand(missing);
    o->out.prepare(inputs.size() + missing.size(), o->inputs.names_collections(), "mark");
    o->out.force |= o->batch.resume;  // outputs a killed run left unrecorded are redone
    if (!o->produce_id.empty() && inputs.size() + missing.size() > 1)
      throw Error(Status::InvalidArgument, "mark: --produce-id names one content item; give one input, or omit it");
    o->visible_options.placement = labels::placement_from(o->position);
    if (o->cn_check && o->visible) {
      if (!labels::has_required_elements(o->visible_options.text))
        throw Error(Status::InvalidArgument, "mark --cn: the visible text must contain AI (or 人工智能) and 生成 or 合成");
      if (o->visible_options.height_fraction < 0.05)
        throw Error(Status::InvalidArgument, "mark --cn: --visible-height must be at least 0.05");
    }
    const Key key = o->key.resolve(nullptr);
    labels::MarkRequest request;
    request.producer = o->producer;
    request.produce_id = o->produce_id;
    request.label_value = o->label_value;
    request.source = o->composite ? labels::DigitalSource::CompositeWithTrainedAlgorithmicMedia
                                  : labels::DigitalSource::TrainedAlgorithmicMedia;
    request.sign = o->sign;
    if (o->visible) request.visible = o->visible_options;
    labels::check_request(request, key);  // before any file is touched
    EmbedParams params;
    params.strength = o->strength;
    params.threads = threads_per_file(o->common.threads, o->batch.jobs, inputs.size());
    const Embedder embedder(key, params, o->common.backend_choice());
    io::SaveOptions save;
    save.jpeg_quality = save.webp_quality = o->quality;
    save.png_level = o->png_level;
    if (!o->quality_option->count()) save.jpeg_coefficients_from_quality = io::kJpegCoefficientsFromQuality;
    BatchHooks hooks;
    hooks.output_of = [&](const InputFile& in) { return o->out.output_for(in); };
    hooks.work = [&](const InputFile& in, const fs::path& out) {
      o->out.check_writable(in.path(), out);
      nlohmann::json video_json;
      labels::MarkResult r;
      if (io::is_video_path(in.path())) {
        labels::VideoMarkOptions vo;
        if (o->strength_option->count()) vo.embed.embed.strength = o->strength;
        vo.embed.embed.threads = o->common.threads;
        vo.embed.cell_scale = o->video.cell_scale;
        vo.embed.follow_motion = !o->video.frame_fixed;
        vo.encode = o->video.encode_options();
        vo.visible_seconds = o->visible_seconds;
        const auto v = labels::mark_video_file(in.path(), out, request, key, vo,
                                               terminal_progress(in.path_string(), inputs.size() == 1),
                                               o->common.video_input());
        r = v.mark;
        video_json = embed_video_json(v.video);
      } else {
        r = labels::mark_file(in.path(), out, request, embedder, key, o->common.limits(), save);
      }
      nlohmann::json j{{"produce_id", r.produce_id}, {"payload", r.payload.to_hex()}, {"aigc", labels::to_bare_json(r.label)},
                       {"digital_source_type", labels::digital_source_uri(request.source)},
                       {"width", r.width}, {"height", r.height}};
      if (r.jpeg_coefficients_quality) j["jpeg"] = "coefficients", j["jpeg_quality"] = r.jpeg_coefficients_quality;
      if (!r.reencoded_because.empty()) j["reencoded_because"] = r.reencoded_because;
      if (r.visible_box)
        j["visible_label"] = {{"x", r.visible_box->x}, {"y", r.visible_box->y}, {"width", r.visible_box->width},
                              {"height", r.visible_box->height}, {"glyph_height_px", r.visible_box->glyph_height}};
      if (!video_json.is_null()) {
        j.update(video_json);
        j.erase("digital_source_type");  // IPTC rides in XMP, which video outputs do not carry yet
      }
      return j;
    };
    hooks.print_text = [](const nlohmann::json& r) {
      const std::string how = (r.contains("visible_label") ? ", visible label" : "") + how_it_was_written(r);
      std::printf("marked  %s -> %s  (ProduceID %s, payload %s%s)\n", r["input"].get<std::string>().c_str(),
                  r["output"].get<std::string>().c_str(), r["produce_id"].get<std::string>().c_str(),
                  r["payload"].get<std::string>().c_str(), how.c_str());
    };
    hooks.verb = "marked";
    return run_batch(inputs, missing, o->batch, o->common.json, hooks);
  };
}

}  // namespace tidemark::cli
