// tidemark detect: one result per input; JSON lines for machines, a table for people.
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "inputs.hpp"
#include "common.hpp"
#include "labels/verify_file.hpp"
#include "labels/verify_video.hpp"
#include "tidemark/detector.hpp"
#include "tidemark/error.hpp"
#include "video.hpp"

namespace tidemark::cli {
namespace {

struct DetectOptions {
  InputOptions inputs;
  bool no_mirror = false;
  bool fast = false;
  VideoSamplingCliOptions sampling;
  KeyOptions key;
  CommonOptions common;
};

}  // namespace

Runner setup_detect(CLI::App& app) {
  auto o = std::make_shared<DetectOptions>();
  app.description(
      "Look for a tidemark watermark and read its payload. Survives JPEG, resizing, cropping, rotation,\n"
      "colour edits and flips. A payload is reported only when its CRC checks and z > 5.5; 'detected'\n"
      "without a payload means z > 7 (zero-bit detection). p_value is the chance of so strong a result\n"
      "on an unmarked image.\n"
      "Videos: frames are sampled (--every, --per-second, --max-frames) and analysed; frames that agree\n"
      "form segments (a spliced clip shows where the mark starts and stops), and the soft bits of\n"
      "frames too damaged to decode alone are summed and decoded together.");
  o->inputs.include.insert(o->inputs.include.end(), video_patterns().begin(), video_patterns().end());
  o->inputs.add_to(app, "Images and videos to check");
  app.add_flag("--no-mirror", o->no_mirror, "Skip the search for horizontally flipped marks");
  app.add_flag("--fast", o->fast, "Skip the aspect-ratio search pass (faster on unmarked images)");
  o->sampling.add_to(app);
  o->key.add_to(app);
  o->common.add_to(app);
  return [o]() -> int {
    const Key key = o->key.resolve(nullptr);
    DetectParams params;
    params.mirror = !o->no_mirror;
    params.aspect_pass = !o->fast;
    params.threads = o->common.threads;
    const Detector detector(key, params, o->common.backend_choice());
    int failed = 0;
    const bool table = !o->common.json;
    if (table) std::printf("%-12s %-16s %7s %9s  %s\n", "verdict", "payload", "z", "p-value", "file");
    std::vector<std::string> missing;
    const std::vector<InputFile> inputs = o->inputs.expand(missing);
    failed += report_missing(missing, o->common.json);
    for (const auto& input : inputs) {
      const std::string in = input.path_string();
      try {
        if (io::is_video_path(input.path())) {
          const io::VideoDetectFileResult v = io::detect_video_file(input.path(), key, params, o->sampling.sampling(),
                                                                    terminal_progress(in, inputs.size() == 1),
                                                                    io::VideoLimits{.max_pixels_per_frame = o->common.max_frame_pixels()},
                                                                    detector.backend());
          if (o->common.json) {
            nlohmann::json j{{"path", in}};
            j.update(labels::detect_video_json(v));
            std::cout << j.dump() << "\n";
          } else {
            const auto& r = v.report;
            std::printf("%-12s %-16s %7s %9.2g  %s  (%d of %d frames decoded, %d with the mark)\n",
                        r.detected ? "detected" : "not-detected", r.payload ? r.payload->to_hex().c_str() : "-", "video",
                        r.p_value, in.c_str(), r.frames_decoded, r.frames_analysed, r.frames_present);
            if (r.segments.size() > 1 || (r.segments.size() == 1 && r.segments[0].combined))
              for (const auto& seg : r.segments)
                std::printf("  %8.2f-%-8.2fs %-16s %s\n", seg.start, seg.end,
                            seg.payload ? seg.payload->to_hex().c_str() : "no mark", seg.combined ? "(combined frames)" : "");
          }
          std::cout.flush();
          continue;
        }
        io::ImageFile file = io::load_image(in, o->common.limits());
        const DetectResult r = io::with_file_name(in, [&] { return detector.detect(file.image.view()); });
        if (o->common.json) {
          nlohmann::json j{{"path", in}};
          j.update(labels::detect_result_json(r));
          std::cout << j.dump() << "\n";
        } else {
          std::printf("%-12s %-16s %7.2f %9.2g  %s\n", to_string(r.verdict), r.payload ? r.payload->to_hex().c_str() : "-",
                      r.verdict == Verdict::TooSmall ? 0.0 : r.z, r.p_value, in.c_str());
        }
      } catch (const Error& e) {
        ++failed;
        print_error(e.what());
        if (o->common.json) std::cout << nlohmann::json{{"path", in}, {"error", e.what()}}.dump() << "\n";
      }
      std::cout.flush();
    }
    return failed ? kExitSomeFailed : kExitOk;
  };
}

}  // namespace tidemark::cli
