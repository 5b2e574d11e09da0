#include "labels/verify_file.hpp"

#include "labels/verify_report.hpp"

#include <algorithm>

#include "labels/binding.hpp"
#include "labels/c2pa_scan.hpp"
#include "labels/file_labels.hpp"
#include "tidemark/error.hpp"
#include "tidemark/foreign_marks.hpp"

namespace tidemark::labels {
using nlohmann::json;
namespace {

bool says_ai(const std::optional<std::string>& source_type) {
  if (!source_type) return false;
  const std::string prefix = kDigitalSourceTypeVocabulary;
  return *source_type == prefix + "trainedAlgorithmicMedia" || *source_type == prefix + "compositeWithTrainedAlgorithmicMedia";
}

}  // namespace

std::vector<KeyedDetector> detectors_for(std::vector<Key> keys, const DetectParams& params, Backend backend) {
  if (std::none_of(keys.begin(), keys.end(), [](const Key& k) { return k.is_public_default(); }))
    keys.push_back(Key::public_default());
  std::vector<KeyedDetector> out;
  for (const auto& k : keys) out.push_back({k, Detector(k, params, backend)});
  return out;
}

nlohmann::json detect_result_json(const DetectResult& r) {
  json j{{"detected", r.detected},
         {"verdict", to_string(r.verdict)},
         {"payload", r.payload ? json(r.payload->to_hex()) : json(nullptr)},
         {"z", r.verdict == Verdict::TooSmall ? 0.0 : r.z},
         {"p_value", r.p_value}};
  if (r.detected || r.verdict == Verdict::Likely)
    j["geometry"] = {{"rotation_deg", r.rotation_deg}, {"scale", r.scale}, {"aspect", r.aspect}, {"mirrored", r.mirrored}};
  j["candidates_tried"] = r.candidates_tried;
  return j;
}

json assemble_report(json report, const Evidence& e) {
  report["watermark"] = e.watermark;
  const FileLabels& found = e.labels;
  // Metadata labels.
  json aigc{{"present", !found.labels.empty()}, {"count", found.labels.size()}, {"problems", found.problems}};
  json list = json::array();
  const AigcLabel* label = nullptr;
  bool label_conforms = false;
  for (const auto& f : found.labels) {
    json item{{"location", f.location}, {"form", f.parsed.wrapped ? "wrapped" : "bare"}, {"problems", f.parsed.problems}};
    if (f.parsed.label) {
      const auto& l = *f.parsed.label;
      item["fields"] = {{"Label", l.label},         {"ContentProducer", l.content_producer},
                        {"ProduceID", l.produce_id}, {"ReservedCode1", l.reserved_code1},
                        {"ContentPropagator", l.content_propagator}, {"PropagateID", l.propagate_id},
                        {"ReservedCode2", l.reserved_code2}};
      if (!label) {
        label = &l;
        label_conforms = f.parsed.problems.empty() && found.problems.empty();
      }
    } else {
      item["raw"] = f.raw.substr(0, 200);
    }
    list.push_back(item);
  }
  aigc["labels"] = list;
  aigc["conforms"] = label && label_conforms;
  report["aigc"] = aigc;
  report["digital_source_type"] = {{"value", found.digital_source_type ? json(*found.digital_source_type) : json(nullptr)},
                                   {"says_ai", says_ai(found.digital_source_type)}};
  report["c2pa"] = {{"present", e.c2pa.present},
                    {"carrier", e.c2pa.present ? json(e.c2pa.carrier) : json(nullptr)},
                    {"note", e.c2pa_note}};
  report["foreign_marks"] = e.foreign_marks;
  // Agreement between label and watermark.
  json agreement{{"produce_id_matches_watermark", nullptr}, {"signature", "not checked"}};
  if (label && e.payload) {
    const Payload expected = payload_for_produce_id(label->produce_id);
    agreement["produce_id_matches_watermark"] = expected == *e.payload;
    const auto sig = check_signature(*label, *e.payload, *e.key);
    agreement["signature"] = e.key->is_public_default() && sig == SignatureCheck::Valid
                                 ? "valid under the public key (anyone can make it; proves nothing)"
                                 : to_string(sig);
  } else if (label && !label->reserved_code1.empty()) {
    agreement["signature"] = "not checkable without a decoded watermark payload";
  }
  report["agreement"] = agreement;

  // GB 45438 / Measures Art. 6: metadata says AI -> "1"; only traces found -> "3".
  const bool metadata_ai = (label && label->label == "1") || says_ai(found.digital_source_type);
  json suggestion;
  if (metadata_ai)
    suggestion = {{"label", "1"}, {"why", "the file's metadata declares AI-generated content"}};
  else if (label && (label->label == "2" || label->label == "3"))
    suggestion = {{"label", label->label}, {"why", "the file's metadata label says so"}};
  else if (e.watermark_detected)
    suggestion = {{"label", "3"}, {"why", "no metadata label, but a tidemark watermark was found (a generation trace)"}};
  else if (!e.foreign_trace.empty())
    suggestion = {{"label", "3"},
                  {"why", "no metadata label, but a generation trace was found: " + e.foreign_trace}};
  else
    suggestion = {{"label", nullptr}, {"why", "no AI signal found; \"2\" applies only when the uploader declares AI"}};
  report["suggested_label"] = suggestion;
  return report;
}

json verify_file(const std::filesystem::path& file_path, const std::vector<KeyedDetector>& detectors,
                 const io::Limits& limits) {
  const std::string path = file_path.string();
  const auto bytes = io::read_file(path, limits.max_file_bytes);
  const io::ImageFile file = io::decode_image(bytes, path, limits);
  json report{{"path", path}};

  // Watermark: the first key that finds one wins; otherwise the strongest result is reported.
  std::optional<DetectResult> best;
  const Key* best_key = nullptr;
  for (const auto& kd : detectors) {
    const DetectResult r = io::with_file_name(file_path, [&] { return kd.detector.detect(file.image.view()); });
    if (!best || (r.detected && !best->detected) || (r.detected == best->detected && r.z > best->z)) {
      best = r;
      best_key = &kd.key;
    }
    if (r.detected) break;
  }
  Evidence e;
  e.watermark = detect_result_json(*best);
  e.watermark["key"] = best_key->fingerprint();
  e.watermark["public_key"] = best_key->is_public_default();
  e.payload = best->payload;
  e.watermark_detected = best->detected;
  e.key = best_key;
  e.labels = read_labels(file.metadata);
  e.c2pa = scan_c2pa(bytes);
  // Marks other generators' reference code adds (invisible-watermark dwtDct).
  const ForeignMarkReport foreign = detect_foreign_marks(file.image.view());
  json found_marks = json::array();
  for (const auto& f : foreign.found)
    found_marks.push_back({{"name", f.name},
                           {"variant", f.chroma_swapped ? "chroma-swapped" : "standard"},
                           {"matched", f.matched},
                           {"bits", f.bits},
                           {"p_value", f.p_value}});
  if (!foreign.found.empty()) e.foreign_trace = foreign.found.front().name;
  e.foreign_marks = {{"checked", foreign.checked},
                             {"found", found_marks},
                             {"note", "dwtDct marks do not survive JPEG or resizing: their absence proves little"}};

  return assemble_report(std::move(report), e);
}

}  // namespace tidemark::labels
