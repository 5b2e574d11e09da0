// tidemark embed: mark images and write them next to, never over, their inputs.
#include <cmath>
#include <cstdio>
#include <iostream>

#include "batch.hpp"
#include "commands.hpp"
#include "common.hpp"
#include "tidemark/embedder.hpp"
#include "tidemark/error.hpp"

namespace tidemark::cli {
namespace fs = std::filesystem;
namespace {

struct EmbedOptions {
  InputOptions inputs;
  BatchOptions batch;
  std::string payload = "0000000000000000";
  double strength = EmbedParams{}.strength;
  double floor_ = EmbedParams{}.mask_floor;
  int quality = 95;
  bool webp_lossless = false;
  OutputOptions out;
  KeyOptions key;
  CommonOptions common;
};

}  // namespace

Runner setup_embed(CLI::App& app) {
  auto o = std::make_shared<EmbedOptions>();
  app.description(
      "Mark images with an invisible watermark carrying a 64-bit payload.\n"
      "One input and -o FILE writes that file; several inputs, directories, @LISTs or patterns write\n"
      "under -o DIR, mirroring the input tree.\n"
      "The output format follows the output's extension; metadata (ICC, EXIF, XMP) is kept.");
  o->inputs.add_to(app, "Images to mark (PNG, JPEG, WebP)");
  o->batch.add_to(app);
  o->out.add_to(app, "marked");
  app.add_option("--payload", o->payload, "64-bit payload as 16 hex digits (default 0000000000000000)");
  app.add_option("--strength", o->strength, "Watermark strength (default 0.55; higher is more robust and more visible)")
      ->check(CLI::Range(0.05, 4.0));
  app.add_option("--floor", o->floor_, "Strength floor in flat areas, grey levels (default 1.5)")->check(CLI::Range(0.25, 6.0));
  app.add_option("--quality", o->quality, "JPEG/WebP output quality (default 95)")->check(CLI::Range(1, 100));
  app.add_flag("--webp-lossless", o->webp_lossless, "Write WebP losslessly");
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
    // Several files at once: each marked on one thread unless --threads says otherwise.
    params.threads = o->common.threads ? o->common.threads : (o->batch.jobs_for(inputs.size()) > 1 ? 1 : 0);
    const Embedder embedder(key, params, o->common.backend_choice());
    if (!o->common.json && stdout_is_terminal())
      std::cerr << "tidemark: marking " << inputs.size() << " image(s) with the " << key_source << "\n";
    io::SaveOptions save;
    save.jpeg_quality = save.webp_quality = o->quality;
    save.webp_lossless = o->webp_lossless;
    BatchHooks hooks;
    hooks.output_of = [&](const InputFile& in) { return o->out.output_for(in); };
    hooks.work = [&](const InputFile& in, const fs::path& out) {
      o->out.check_writable(in.path, out);
      io::ImageFile file = io::load_image(in.path, o->common.limits());
      const Image original = file.image;
      const EmbedReport rep = io::with_file_name(in.path, [&] { return embedder.embed(file.image.view(), payload); });
      const double q = psnr(original, file.image);
      io::save_image(out, file, save);
      return nlohmann::json{{"payload", payload.to_hex()}, {"psnr_db", q}, {"tile_scale", rep.tile_scale}};
    };
    hooks.print_text = [](const nlohmann::json& r) {
      std::printf("marked  %s -> %s  (payload %s, PSNR %.1f dB)\n", r["input"].get<std::string>().c_str(),
                  r["output"].get<std::string>().c_str(), r["payload"].get<std::string>().c_str(), r["psnr_db"].get<double>());
    };
    return run_batch(inputs, missing, o->batch, o->common.json, hooks);
  };
}

}  // namespace tidemark::cli
