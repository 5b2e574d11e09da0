// tidemark detect: one result per input; JSON lines for machines, a table for people.
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "inputs.hpp"
#include "common.hpp"
#include "labels/verify_file.hpp"
#include "tidemark/detector.hpp"
#include "tidemark/error.hpp"

namespace tidemark::cli {
namespace {

struct DetectOptions {
  InputOptions inputs;
  bool no_mirror = false;
  bool fast = false;
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
      "on an unmarked image.");
  o->inputs.add_to(app, "Images to check");
  app.add_flag("--no-mirror", o->no_mirror, "Skip the search for horizontally flipped marks");
  app.add_flag("--fast", o->fast, "Skip the aspect-ratio search pass (faster on unmarked images)");
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
      const std::string in = input.path.string();
      try {
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
