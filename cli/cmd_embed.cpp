// tidemark embed: mark images and write them next to, never over, their inputs.
#include <cmath>
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "common.hpp"
#include "tidemark/embedder.hpp"
#include "tidemark/error.hpp"

namespace tidemark::cli {
namespace fs = std::filesystem;
namespace {

struct EmbedOptions {
  std::vector<std::string> inputs;
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
      "One input and -o FILE writes that file; several inputs (or -o DIR/) write DIR/<name>.\n"
      "The output format follows the output's extension; metadata (ICC, EXIF, XMP) is kept.");
  app.add_option("inputs", o->inputs, "Images to mark (PNG, JPEG, WebP)")->required()->check(CLI::ExistingFile);
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
    o->out.prepare(o->inputs.size(), "embed");
    const Payload payload = Payload::from_hex(o->payload);
    std::string key_source;
    const Key key = o->key.resolve(&key_source);
    EmbedParams params;
    params.strength = o->strength;
    params.mask_floor = o->floor_;
    params.threads = o->common.threads;
    const Embedder embedder(key, params, o->common.backend_choice());
    if (!o->common.json && stdout_is_terminal())
      std::cerr << "tidemark: marking " << o->inputs.size() << " image(s) with the " << key_source << "\n";
    io::SaveOptions save;
    save.jpeg_quality = save.webp_quality = o->quality;
    save.webp_lossless = o->webp_lossless;
    int failed = 0;
    for (const auto& in : o->inputs) {
      const fs::path out = o->out.output_for(in);
      try {
        o->out.check_writable(in, out);
        io::ImageFile file = io::load_image(in, o->common.limits());
        const Image original = file.image;
        EmbedReport rep;
        try {
          rep = embedder.embed(file.image.view(), payload);
        } catch (const Error& e) {
          throw Error(e.status(), in + ": " + e.what());  // the library does not know the file name
        }
        const double q = psnr(original, file.image);
        io::save_image(out, file, save);
        if (o->common.json) {
          nlohmann::json j{{"path", in}, {"output", out.string()}, {"payload", payload.to_hex()}, {"psnr_db", q},
                           {"tile_scale", rep.tile_scale}, {"status", "ok"}};
          std::cout << j.dump() << "\n";
        } else {
          std::printf("marked  %s -> %s  (payload %s, PSNR %.1f dB)\n", in.c_str(), out.c_str(), payload.to_hex().c_str(), q);
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
