// tidemark info: what this build can do.
#include <cstddef>
#include <cstdio>
// jpeglib.h needs size_t and FILE declared before it.
#include <jpeglib.h>
#include <png.h>
#include <webp/decode.h>

#include <iostream>
#include <thread>

#include "commands.hpp"
#include "io/video/video_file.hpp"
#include "labels/visible_label.hpp"
#include "common.hpp"
#include "tidemark/key.hpp"
#include "tidemark/params.hpp"

namespace tidemark::cli {

Runner setup_info(CLI::App& app) {
  auto json = std::make_shared<bool>(false);
  app.add_flag("--json", *json, "Machine-readable output");
  return [json]() -> int {
    const int v = WebPGetDecoderVersion();
    const std::string webp = std::to_string(v >> 16) + "." + std::to_string((v >> 8) & 255) + "." + std::to_string(v & 255);
#ifdef TIDEMARK_HAS_CUDA
    const bool cuda_built = true;
#else
    const bool cuda_built = false;
#endif
    const io::VideoSupport video = io::video_support();
    std::string encoders;
    nlohmann::json unusable = nlohmann::json::object();
    for (const auto& e : video.encoders) {
      encoders += (encoders.empty() ? "" : ", ") + e;
      for (const auto& [name, why] : video.unusable)
        if (name == e) encoders += " (cannot run here: " + why + ")", unusable[name] = why;
    }
    nlohmann::json j{
        {"version", "0.1.0"},
        {"scheme", "TM1"},
        {"backends", {{"cpu", {{"threads", std::thread::hardware_concurrency()}}},
                      {"cuda", {{"built", cuda_built}, {"devices", cuda_device_count()}}}}},
        {"codecs", {{"png", png_get_libpng_ver(nullptr)}, {"jpeg", std::to_string(LIBJPEG_TURBO_VERSION_NUMBER)}, {"webp", webp}}},
        {"video", {{"libavformat", video.libavformat}, {"libavcodec", video.libavcodec}, {"encoders", video.encoders}, {"unusable_encoders", unusable},
                   {"cuda_decoding", video.cuda_decoding_problem.empty()}}},
        {"public_key_fingerprint", Key::public_default().fingerprint()},
        {"labels", {{"metadata", "GB 45438 TC260:AIGC + IPTC DigitalSourceType in XMP (Exiv2)"},
                    {"visible_font", labels::default_font_path()},
                    {"foreign_marks", "invisible-watermark dwtDct: SD 1.x, SD 2.x, SDXL, FLUX.1"}}}};
    if (!video.cuda_decoding_problem.empty()) j["video"]["cuda_decoding_problem"] = video.cuda_decoding_problem;
    if (*json) {
      std::cout << j.dump() << "\n";
    } else {
      std::cout << "tidemark 0.1.0 (scheme TM1)\n"
                << "  cpu backend   " << std::thread::hardware_concurrency() << " threads\n"
                << "  cuda backend  " << (cuda_built ? "built, " + std::to_string(cuda_device_count()) + " device(s)" : "not built")
                << "\n  codecs        PNG (libpng " << png_get_libpng_ver(nullptr) << "), JPEG (libjpeg-turbo), WebP (libwebp "
                << webp << ")\n  video         FFmpeg libavformat " << video.libavformat << ", libavcodec " << video.libavcodec
                << "; encoders " << (encoders.empty() ? "none of the usual" : encoders) << "; decoding on the GPU (--hwdecode) "
                << (video.cuda_decoding_problem.empty() ? "available" : "unavailable: " + video.cuda_decoding_problem)
                << "\n  public key    fingerprint " << Key::public_default().fingerprint()
                << "\n  labels        GB 45438 AIGC + IPTC in XMP; visible label font "
                << (labels::default_font_path().empty() ? "none found (install fonts-noto-cjk)" : labels::default_font_path())
                << "\n  other marks   invisible-watermark dwtDct (SD 1.x, SD 2.x, SDXL, FLUX.1)\n";
    }
    return kExitOk;
  };
}

}  // namespace tidemark::cli
