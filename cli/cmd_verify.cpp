// tidemark verify: the report of labels/verify_file.hpp per file, as JSON lines or for people.
#include <cstdio>
#include <iostream>

#include "batch.hpp"
#include "commands.hpp"
#include "labels/verify_video.hpp"
#include "video.hpp"
#include "inputs.hpp"
#include "common.hpp"
#include "labels/verify_file.hpp"
#include "tidemark/error.hpp"

namespace tidemark::cli {
namespace {

using nlohmann::json;

struct VerifyOptions {
  InputOptions inputs;
  std::vector<std::string> key_files;
  KeyOptions key;  // --passphrase-file and the environment, when no --key-file is given
  VideoSamplingCliOptions sampling;
  CommonOptions common;
  int jobs = 0;
};

void print_report(const json& r) {
  std::printf("%s\n", r["path"].get<std::string>().c_str());
  const auto& wm = r["watermark"];
  std::printf("  watermark    %s", wm["verdict"].get<std::string>().c_str());
  if (!wm["payload"].is_null()) std::printf(", payload %s", wm["payload"].get<std::string>().c_str());
  const bool video = r.value("kind", "") == "video";
  if (video)
    std::printf(", %d of %d frames decoded, p %.2g (%s %s%s)\n", wm["frames_decoded"].get<int>(),
                wm["frames_analysed"].get<int>(), wm["p_value"].get<double>(),
                wm["public_key"].get<bool>() ? "public key" : "key", wm["key"].get<std::string>().c_str(),
                how_video_was_decoded(wm).c_str());
  else
    std::printf(", z %.2f, p %.2g (%s %s)\n", wm["z"].get<double>(), wm["p_value"].get<double>(),
                wm["public_key"].get<bool>() ? "public key" : "key", wm["key"].get<std::string>().c_str());
  const auto& aigc = r["aigc"];
  if (aigc["labels"].empty()) std::printf("  AIGC label   none\n");
  // (video reports carry the same sections; IPTC and dwtDct are image-only for now)
  for (const auto& l : aigc["labels"]) {
    std::printf("  AIGC label   %s (%s)", l["location"].get<std::string>().c_str(), l["form"].get<std::string>().c_str());
    if (l.contains("fields"))
      std::printf(": Label=%s ContentProducer=%s ProduceID=%s", l["fields"]["Label"].get<std::string>().c_str(),
                  l["fields"]["ContentProducer"].get<std::string>().c_str(), l["fields"]["ProduceID"].get<std::string>().c_str());
    std::printf("\n");
    for (const auto& p : l["problems"]) std::printf("               problem: %s\n", p.get<std::string>().c_str());
  }
  for (const auto& p : aigc["problems"]) std::printf("  metadata     problem: %s\n", p.get<std::string>().c_str());
  const auto& dst = r["digital_source_type"]["value"];
  std::printf("  IPTC source  %s\n", dst.is_null() ? "none" : dst.get<std::string>().c_str());
  std::printf("  C2PA         %s\n", r["c2pa"]["present"].get<bool>()
                                         ? ("manifest present in " + r["c2pa"]["carrier"].get<std::string>() + " (not validated)").c_str()
                                         : "no manifest found");
  const auto& fm = r["foreign_marks"];
  if (video)
    std::printf("  SD/FLUX mark not looked for in videos\n");
  else if (!fm["checked"].get<bool>())
    std::printf("  SD/FLUX mark not checkable (gray, or under 256 x 256 pixels)\n");
  else if (fm["found"].empty())
    std::printf("  SD/FLUX mark none found (fragile mark: absence proves little)\n");
  for (const auto& f : fm["found"])
    std::printf("  SD/FLUX mark %s%s, %d/%d bits, p = %.2g\n", f["name"].get<std::string>().c_str(),
                f["variant"] == "chroma-swapped" ? " (chroma-swapped)" : "", f["matched"].get<int>(), f["bits"].get<int>(),
                f["p_value"].get<double>());
  const auto& a = r["agreement"];
  if (!a["produce_id_matches_watermark"].is_null())
    std::printf("  agreement    ProduceID %s the watermark payload; signature %s\n",
                a["produce_id_matches_watermark"].get<bool>() ? "matches" : "DOES NOT match",
                a["signature"].get<std::string>().c_str());
  const auto& s = r["suggested_label"];
  std::printf("  GB 45438     %s (%s)\n",
              s["label"].is_null() ? "no label to record" : ("record Label \"" + s["label"].get<std::string>() + "\"").c_str(),
              s["why"].get<std::string>().c_str());
}

}  // namespace

Runner setup_verify(CLI::App& app) {
  auto o = std::make_shared<VerifyOptions>();
  app.description(
      "Report every AI-content signal of each file: tidemark watermark (with each --key-file and the\n"
      "public key), GB 45438 AIGC metadata label (checked against the standard), IPTC DigitalSourceType,\n"
      "C2PA manifest presence (not validated), whether label and watermark agree, and the GB 45438\n"
      "Label value a platform should record. Exit: 0 every file read, 1 some could not be read, 2 usage.\n"
      "Videos: the watermark over sampled frames (--every, --per-second, --max-frames), the AIGC label\n"
      "in the container (every copy in MP4/MOV meta boxes), C2PA presence in MP4/MOV.");
  o->inputs.include.insert(o->inputs.include.end(), video_patterns().begin(), video_patterns().end());
  o->inputs.add_to(app, "Files to verify (images and videos)");
  app.add_option("--key-file", o->key_files, "Key files to try (repeatable); the public key is always tried")
      ->check(CLI::ExistingFile);
  app.add_option("--passphrase-file", o->key.passphrase_file, "File whose first line is a passphrase to derive a key from")
      ->check(CLI::ExistingFile);
  app.add_flag("--allow-open-key-file", o->key.allow_open_files,
               "Accept key or passphrase files that every user can read (refused by default)");
  o->sampling.add_to(app);
  o->common.add_to(app);
  add_jobs_option(app, o->jobs, "Files verified at once (default: one per core; each is then analysed on one thread)");
  return [o]() -> int {
    std::vector<Key> keys;
    for (const auto& f : o->key_files) keys.push_back(Key::from_file(f, o->key.access()));
    if (keys.empty()) keys.push_back(o->key.resolve(nullptr));  // passphrase file or environment, else public
    std::vector<std::string> missing;
    const std::vector<InputFile> inputs = o->inputs.expand(missing);
    DetectParams params;
    params.threads = threads_per_file(o->common.threads, o->jobs, inputs.size());
    const auto detectors = labels::detectors_for(std::move(keys), params, o->common.backend_choice());
    ReadHooks hooks;
    hooks.outcomes = {"Label 1", "Label 2", "Label 3", "no AI signal"};  // GB 45438 values to record
    hooks.read = [&](const InputFile& input) {
      json r = io::is_video_path(input.path())
                   ? labels::verify_video_file(input.path(), detectors, o->sampling.sampling(),
                                               o->common.video_input())
                   : labels::verify_file(input.path_string(), detectors, o->common.limits());
      const json& label = r["suggested_label"]["label"];
      std::string outcome = label.is_null() ? "no AI signal" : "Label " + label.get<std::string>();
      return ReadResult{std::move(r), std::move(outcome), 0.0};
    };
    hooks.print_text = print_report;
    return run_reading_batch(inputs, missing, o->jobs, o->common.json, hooks);
  };
}

}  // namespace tidemark::cli
