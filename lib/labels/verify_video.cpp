#include "labels/verify_video.hpp"

#include <algorithm>
#include <cctype>

#include "labels/mp4_boxes.hpp"
#include "labels/verify_report.hpp"

namespace tidemark::labels {
namespace {

using nlohmann::json;

bool is_aigc_key(const std::string& key) {
  std::string k = key;
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return std::toupper(c); });
  return k == "AIGC";
}

FoundLabel found(std::string location, std::string raw) {
  FoundLabel f{std::move(location), std::move(raw), {}};
  f.parsed = parse_label_json(f.raw);
  return f;
}

}  // namespace

json detect_video_json(const io::VideoDetectFileResult& r) {
  const VideoDetectReport& v = r.report;
  json segments = json::array();
  for (const auto& s : v.segments)
    segments.push_back({{"start_s", s.start},
                        {"end_s", s.end},
                        {"payload", s.payload ? json(s.payload->to_hex()) : json(nullptr)},
                        {"combined", s.combined},
                        {"frames", s.frames},
                        {"frames_decoded", s.frames_decoded},
                        {"best_z", s.best_z},
                        {"p_value", s.p_value}});
  json j{{"kind", "video"},
          {"detected", v.detected},
          {"verdict", v.detected ? (v.payload ? "detected" : "detected (no payload)") : "not-detected"},
          {"payload", v.payload ? json(v.payload->to_hex()) : json(nullptr)},
          {"p_value", v.p_value},
          {"frames_analysed", v.frames_analysed},
          {"frames_decoded", v.frames_decoded},
          {"frames_present", v.frames_present},
          {"segments", segments},
          {"width", r.width},
          {"height", r.height},
          {"duration_s", r.duration},
          {"fps", r.fps},
          {"codec", r.codec},
          {"decode_errors", r.decode_errors}};
  add_decode_report(j, r.decoding);
  return j;
}

void add_decode_report(json& record, const io::DecodeReport& decoding) {
  record["decoder"] = decoding.decoder;
  if (!decoding.note.empty()) record["decoder_note"] = decoding.note;
}

json verify_video_file(const std::filesystem::path& path, const std::vector<KeyedDetector>& detectors,
                       const io::VideoSampling& sampling, const io::VideoInputOptions& input_options) {
  json report{{"path", path.string()}, {"kind", "video"}};
  Evidence e;
  // Watermark: the first key that finds one wins (each key is a pass over the clip).
  std::optional<io::VideoDetectFileResult> best;
  for (const auto& kd : detectors) {
    io::VideoDetectFileResult r = io::detect_video_file(path, kd.key, {}, sampling, {}, input_options, kd.detector.backend());
    const bool better = !best || (r.report.detected && !best->report.detected);
    if (better) {
      best = std::move(r);
      e.key = &kd.key;
    }
    if (best->report.detected) break;
  }
  e.watermark = detect_video_json(*best);
  e.watermark["key"] = e.key->fingerprint();
  e.watermark["public_key"] = e.key->is_public_default();
  e.payload = best->report.payload;
  e.watermark_detected = best->report.detected;

  // Labels: our own box walk for MP4/MOV (every copy and variant), libav's reading otherwise.
  const std::vector<std::uint8_t> top = read_bmff_top_level(path);
  if (!top.empty()) {
    for (const auto& m : read_mp4_metadata(top))
      if (is_aigc_key(m.key)) e.labels.labels.push_back(found(m.where + " " + m.key, m.value));
    e.c2pa = scan_c2pa(top);
  } else {
    for (const auto& [k, v] : io::read_container_metadata(path))
      if (is_aigc_key(k)) e.labels.labels.push_back(found("container tag " + k, v));
    e.c2pa_note = "C2PA is looked for in MP4/MOV only";
  }
  if (e.labels.labels.size() > 1)
    e.labels.problems.push_back("more than one AIGC label (GB 45438 6.1 c allows one per file)");
  e.foreign_marks = {{"checked", false}, {"found", json::array()},
                     {"note", "image generators' marks (dwtDct) are not looked for in videos"}};
  return assemble_report(std::move(report), e);
}

}  // namespace tidemark::labels
