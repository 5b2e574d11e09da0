// tidemark embed: mark images and write them next to, never over, their inputs.
#include <cmath>
#include <cstdio>
#include <iostream>

#include "batch.hpp"
#include "commands.hpp"
#include "common.hpp"
#include "io/embed_file.hpp"
#include "tidemark/embedder.hpp"
#include "tidemark/error.hpp"
#include "video.hpp"

namespace tidemark::cli {
namespace fs = std::filesystem;
namespace {

// "marked  IN -> OUT  (payload P, PSNR Q dB, how a JPEG was written)".
void print_marked(const nlohmann::json& r) {
  const std::string how = how_it_was_written(r);
  std::printf("marked  %s -> %s  (payload %s, PSNR %.1f dB%s)\n", r["input"].get<std::string>().c_str(),
              r["output"].get<std::string>().c_str(), r["payload"].get<std::string>().c_str(), r["psnr_db"].get<double>(),
              how.c_str());
}

struct EmbedOptions {
  InputOptions inputs;
  BatchOptions batch;
  std::string payload = "0000000000000000";
  double strength = EmbedParams{}.strength;
  double floor_ = EmbedParams{}.mask_floor;
  CLI::Option* floor_option = nullptr;
  CLI::Option* strength_option = nullptr;
  int quality = 95;
  CLI::Option* quality_option = nullptr;
  int png_level = io::kPngRunLength;
  bool webp_lossless = false;
  OutputOptions out;
  VideoEncodeCliOptions video;
  KeyOptions key;
  CommonOptions common;
};

}  // namespace

Runner setup_embed(CLI::App& app) {
  auto o = std::make_shared<EmbedOptions>();
  app.description(
      "Mark images and videos with an invisible watermark carrying a 64-bit payload.\n"
      "One input and -o FILE writes that file; several inputs, directories, @LISTs or patterns write\n"
      "under -o DIR, mirroring the input tree.\n"
      "Images: the output format follows the output's extension; metadata (ICC, EXIF, XMP) is kept.\n"
      "Videos (anything FFmpeg reads): the luma of every frame is marked with the video profile, which\n"
      "follows the picture's motion so that the mark survives re-encoding; the clip is re-encoded\n"
      "(--codec, --crf, --bitrate, --preset), audio, subtitles, timestamps, colour and rotation kept.\n"
      "Example: tidemark embed clip.mp4 -o marked.mp4 --payload 00000000000000a1 --crf 18");
  o->inputs.include.insert(o->inputs.include.end(), video_patterns().begin(), video_patterns().end());
  o->inputs.add_to(app, "Images (PNG, JPEG, WebP) and videos (MP4, MOV, MKV, WebM, AVI, ...) to mark");
  o->batch.add_to(app);
  o->out.add_to(app, "marked");
  app.add_option("--payload", o->payload, "64-bit payload as 16 hex digits (default 0000000000000000)");
  o->strength_option =
      app.add_option("--strength", o->strength,
                     "Watermark strength (default 0.62; videos 0.55, times 0.82 at 1080p and above; higher is more robust and more visible)")
          ->check(CLI::Range(0.05, 4.0));
  o->floor_option = app.add_option("--floor", o->floor_, "Strength floor in flat areas, grey levels (default 1.5; videos 3)")
                        ->check(CLI::Range(0.25, 6.0));
  o->quality_option = add_quality_option(app, o->quality);
  add_png_level_option(app, o->png_level);
  app.add_flag("--webp-lossless", o->webp_lossless, "Write WebP losslessly");
  o->video.add_to(app);
  o->key.add_to(app);
  o->common.add_to(app);

  return [o]() -> int {
    std::vector<std::string> missing;
    const std::vector<InputFile> inputs = o->inputs.expand(missing);
    o->out.prepare(inputs.size() + missing.size(), o->inputs.names_collections(), "embed");
    o->out.force |= o->batch.resume;  // outputs a killed run left unrecorded are redone
    const Payload payload = Payload::from_hex(o->payload);
    std::string key_source;
    const Key key = o->key.resolve(&key_source);
    EmbedParams params;
    params.strength = o->strength;
    params.mask_floor = o->floor_;
    params.threads = threads_per_file(o->common.threads, o->batch.jobs, inputs.size());
    const Embedder embedder(key, params, o->common.backend_choice());
    if (!o->common.json && stdout_is_terminal())
      std::cerr << "tidemark: marking " << inputs.size() << " image(s) with the " << key_source << "\n";
    io::SaveOptions save;
    save.jpeg_quality = save.webp_quality = o->quality;
    save.png_level = o->png_level;
    save.webp_lossless = o->webp_lossless;
    if (!o->quality_option->count()) save.jpeg_coefficients_from_quality = io::kJpegCoefficientsFromQuality;
    BatchHooks hooks;
    hooks.output_of = [&](const InputFile& in) { return o->out.output_for(in); };
    VideoEmbedParams video_params;
    if (o->strength_option->count()) video_params.embed.strength = params.strength;
    if (o->floor_option->count()) video_params.embed.mask_floor = params.mask_floor;
    video_params.embed.threads = o->common.threads;
    video_params.cell_scale = o->video.cell_scale;
    video_params.follow_motion = !o->video.frame_fixed;
    video_params.backend = o->common.backend_choice();
    const io::VideoEncodeOptions encode = o->video.encode_options();
    const bool video_progress = inputs.size() == 1;
    hooks.work = [&](const InputFile& in, const fs::path& out) {
      o->out.check_writable(in.path(), out);
      if (io::is_video_path(in.path())) {
        const io::VideoEmbedResult r = io::embed_video_file(
            in.path(), out, key, payload, video_params, encode, terminal_progress(in.path_string(), video_progress),
            o->common.video_input());
        nlohmann::json j = embed_video_json(r);
        j["payload"] = payload.to_hex();
        return j;
      }
      const io::EmbedFileResult r = io::embed_image_file(in.path(), out, embedder, payload, o->common.limits(), save);
      nlohmann::json j{{"payload", payload.to_hex()}, {"psnr_db", r.psnr_db}, {"tile_scale", r.report.tile_scale},
                       {"width", r.width}, {"height", r.height}};
      if (r.jpeg_coefficients_quality) j["jpeg"] = "coefficients", j["jpeg_quality"] = r.jpeg_coefficients_quality;
      if (!r.reencoded_because.empty()) j["reencoded_because"] = r.reencoded_because;
      return j;
    };
    hooks.print_text = print_marked;
    hooks.verb = "marked";
    return run_batch(inputs, missing, o->batch, o->common.json, hooks);
  };
}

}  // namespace tidemark::cli
