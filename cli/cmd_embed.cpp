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
  std::string output;
  std::string payload = "0000000000000000";
  double strength = EmbedParams{}.strength;
  double floor_ = EmbedParams{}.mask_floor;
  int quality = 95;
  bool webp_lossless = false;
  bool in_place = false;
  bool force = false;
  KeyOptions key;
  CommonOptions common;
};

double psnr(const Image& a, const Image& b) {
  double se = 0;
  std::size_t n = 0;
  const int colour = a.channels() == 4 ? 3 : a.channels();
  const double peak = a.type() == SampleType::U8 ? 255.0 : 65535.0;
  const std::size_t pixels = std::size_t(a.width()) * a.height();
  for (std::size_t p = 0; p < pixels; ++p)
    for (int k = 0; k < colour; ++k) {
      const std::size_t i = p * a.channels() + k;
      double d = a.type() == SampleType::U8
                     ? double(a.bytes()[i]) - b.bytes()[i]
                     : double(reinterpret_cast<const std::uint16_t*>(a.bytes().data())[i]) -
                           reinterpret_cast<const std::uint16_t*>(b.bytes().data())[i];
      se += d * d;
      ++n;
    }
  return se == 0 ? 99.0 : 10 * std::log10(peak * peak * n / se);
}

fs::path output_for(const EmbedOptions& o, const fs::path& input, bool to_directory) {
  if (o.in_place) return input;
  if (!to_directory) return o.output;
  return fs::path(o.output) / input.filename();
}

}  // namespace

Runner setup_embed(CLI::App& app) {
  auto o = std::make_shared<EmbedOptions>();
  app.description(
      "Mark images with an invisible watermark carrying a 64-bit payload.\n"
      "One input and -o FILE writes that file; several inputs (or -o DIR/) write DIR/<name>.\n"
      "The output format follows the output's extension; metadata (ICC, EXIF, XMP) is kept.");
  app.add_option("inputs", o->inputs, "Images to mark (PNG, JPEG, WebP)")->required()->check(CLI::ExistingFile);
  app.add_option("-o,--output", o->output, "Output file (one input) or directory");
  app.add_option("--payload", o->payload, "64-bit payload as 16 hex digits (default 0000000000000000)");
  app.add_option("--strength", o->strength, "Watermark strength (default 0.55; higher is more robust and more visible)")
      ->check(CLI::Range(0.05, 4.0));
  app.add_option("--floor", o->floor_, "Strength floor in flat areas, grey levels (default 1.5)")->check(CLI::Range(0.25, 6.0));
  app.add_option("--quality", o->quality, "JPEG/WebP output quality (default 95)")->check(CLI::Range(1, 100));
  app.add_flag("--webp-lossless", o->webp_lossless, "Write WebP losslessly");
  app.add_flag("--in-place", o->in_place, "Replace each input with its marked version (atomically)");
  app.add_flag("--force", o->force, "Replace existing output files");
  o->key.add_to(app);
  o->common.add_to(app);

  return [o]() -> int {
    if (o->output.empty() && !o->in_place) throw Error(Status::InvalidArgument, "embed: give -o OUTPUT or --in-place");
    if (!o->output.empty() && o->in_place) throw Error(Status::InvalidArgument, "embed: -o and --in-place exclude each other");
    const Payload payload = Payload::from_hex(o->payload);
    std::string key_source;
    const Key key = o->key.resolve(&key_source);
    EmbedParams params;
    params.strength = o->strength;
    params.mask_floor = o->floor_;
    params.threads = o->common.threads;
    const Embedder embedder(key, params, o->common.backend_choice());
    const bool to_directory = !o->in_place && (o->inputs.size() > 1 || fs::is_directory(o->output) ||
                                               o->output.ends_with('/'));
    if (to_directory) fs::create_directories(o->output);
    if (!o->common.json && stdout_is_terminal())
      std::cerr << "tidemark: marking " << o->inputs.size() << " image(s) with the " << key_source << "\n";
    io::SaveOptions save;
    save.jpeg_quality = save.webp_quality = o->quality;
    save.webp_lossless = o->webp_lossless;
    int failed = 0;
    for (const auto& in : o->inputs) {
      const fs::path out = output_for(*o, in, to_directory);
      try {
        std::error_code ec;
        if (!o->in_place && fs::exists(out)) {
          if (fs::equivalent(out, in, ec))
            throw Error(Status::InvalidArgument, out.string() + ": this is the input; use --in-place to replace inputs");
          if (!o->force) throw Error(Status::IoError, out.string() + ": exists; use --force to replace it");
        }
        io::format_for_path(out);  // fail on a bad extension before any work
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
