// tidemark detect: one result per input; JSON lines for machines, a table for people.
#include <cstdio>
#include <iostream>

#include "batch.hpp"
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
  int jobs = 0;
  VideoSamplingCliOptions sampling;
  KeyOptions key;
  CommonOptions common;
};

// The table's row for a file (and a video's segments when the mark changes or stops).
void print_row(const nlohmann::json& r) {
  const std::string path = r["path"], payload = r["payload"].is_null() ? "-" : r["payload"].get<std::string>();
  if (r.value("kind", "") != "video") {
    std::printf("%-12s %-16s %7.2f %9.2g  %s\n", r["verdict"].get<std::string>().c_str(), payload.c_str(),
                r["z"].get<double>(), r["p_value"].get<double>(), path.c_str());
    return;
  }
  std::printf("%-12s %-16s %7s %9.2g  %s  (%d of %d frames decoded, %d with the mark%s)\n",
              r["detected"].get<bool>() ? "detected" : "not-detected", payload.c_str(), "video", r["p_value"].get<double>(),
              path.c_str(), r["frames_decoded"].get<int>(), r["frames_analysed"].get<int>(), r["frames_present"].get<int>(),
              how_video_was_decoded(r).c_str());
  const auto& segments = r["segments"];
  if (segments.size() > 1 || (segments.size() == 1 && segments[0]["combined"].get<bool>()))
    for (const auto& seg : segments)
      std::printf("  %8.2f-%-8.2fs %-16s %s\n", seg["start_s"].get<double>(), seg["end_s"].get<double>(),
                  seg["payload"].is_null() ? "no mark" : seg["payload"].get<std::string>().c_str(),
                  seg["combined"].get<bool>() ? "(combined frames)" : "");
}

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
  add_jobs_option(app, o->jobs, "Files analysed at once (default: one per core; each is then analysed on one thread)");
  return [o]() -> int {
    const Key key = o->key.resolve(nullptr);
    std::vector<std::string> missing;
    const std::vector<InputFile> inputs = o->inputs.expand(missing);
    DetectParams params;
    params.mirror = !o->no_mirror;
    params.aspect_pass = !o->fast;
    params.threads = threads_per_file(o->common.threads, o->jobs, inputs.size());
    const Detector detector(key, params, o->common.backend_choice());
    const bool table = !o->common.json;
    if (table && !inputs.empty())
      std::printf("%-12s %-16s %7s %9s  %s\n", "verdict", "payload", "z", "p-value", "file");
    ReadHooks hooks;
    hooks.outcomes = {"detected", "likely", "not detected", "too small"};
    hooks.read = [&](const InputFile& input) {
      const std::string in = input.path_string();
      if (io::is_video_path(input.path())) {
        const io::VideoDetectFileResult v = io::detect_video_file(
            input.path(), key, params, o->sampling.sampling(), terminal_progress(in, inputs.size() == 1),
            o->common.video_input(), detector.backend());
        return ReadResult{labels::detect_video_json(v), v.report.detected ? "detected" : "not detected",
                          double(v.width) * v.height * v.report.frames_analysed / 1e6};
      }
      io::ImageFile file = io::load_image(in, o->common.limits());
      const DetectResult r = io::with_file_name(in, [&] { return detector.detect(file.image.view()); });
      nlohmann::json j = labels::detect_result_json(r);
      j["width"] = file.image.width(), j["height"] = file.image.height();
      return ReadResult{std::move(j), to_string(r.verdict), double(file.image.width()) * file.image.height() / 1e6};
    };
    hooks.print_text = print_row;
    return run_reading_batch(inputs, missing, o->jobs, o->common.json, hooks);
  };
}

}  // namespace tidemark::cli
