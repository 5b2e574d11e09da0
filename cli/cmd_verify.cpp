// tidemark verify: everything a platform needs to know about one file, in one report: tidemark
// watermark, GB 45438 metadata label (checked against the standard), IPTC digital source type,
// C2PA manifest presence, whether they agree, and the GB 45438 Label value to record.
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "common.hpp"
#include "labels/binding.hpp"
#include "labels/c2pa_scan.hpp"
#include "labels/file_labels.hpp"
#include "tidemark/detector.hpp"
#include "tidemark/error.hpp"

namespace tidemark::cli {
namespace {

using nlohmann::json;

struct VerifyOptions {
  std::vector<std::string> inputs;
  std::vector<std::string> key_files;
  KeyOptions key;  // --passphrase-file and the environment, when no --key-file is given
  CommonOptions common;
};

struct KeyedDetector {
  Key key;
  Detector detector;
};

bool says_ai(const std::optional<std::string>& source_type) {
  if (!source_type) return false;
  const std::string prefix = labels::kDigitalSourceTypeVocabulary;
  return *source_type == prefix + "trainedAlgorithmicMedia" || *source_type == prefix + "compositeWithTrainedAlgorithmicMedia";
}

json verify_one(const std::string& path, const std::vector<KeyedDetector>& detectors, const io::Limits& limits) {
  const auto bytes = io::read_file(path, limits.max_file_bytes);
  const io::ImageFile file = io::decode_image(bytes, path, limits);
  json report{{"path", path}};

  // Watermark: the first key that finds one wins; otherwise the strongest result is reported.
  std::optional<DetectResult> best;
  const Key* best_key = nullptr;
  for (const auto& kd : detectors) {
    DetectResult r;
    try {
      r = kd.detector.detect(file.image.view());
    } catch (const Error& e) {
      throw Error(e.status(), path + ": " + e.what());
    }
    if (!best || (r.detected && !best->detected) || (r.detected == best->detected && r.z > best->z)) {
      best = r;
      best_key = &kd.key;
    }
    if (r.detected) break;
  }
  json wm = detect_result_json(*best);
  wm["key"] = best_key->fingerprint();
  wm["public_key"] = best_key->is_public_default();
  report["watermark"] = wm;

  // Metadata labels.
  const labels::FileLabels found = labels::read_labels(file.metadata);
  json aigc{{"present", !found.labels.empty()}, {"count", found.labels.size()}, {"problems", found.problems}};
  json list = json::array();
  const labels::AigcLabel* label = nullptr;
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
  const labels::C2paPresence c2pa = labels::scan_c2pa(bytes);
  report["c2pa"] = {{"present", c2pa.present},
                    {"carrier", c2pa.present ? json(c2pa.carrier) : json(nullptr)},
                    {"note", "presence only: the manifest's signature and bindings are not validated"}};

  // Agreement between label and watermark.
  json agreement{{"produce_id_matches_watermark", nullptr}, {"signature", "not checked"}};
  if (label && best->payload) {
    const Payload expected = labels::payload_for_produce_id(label->produce_id);
    agreement["produce_id_matches_watermark"] = expected == *best->payload;
    const auto sig = labels::check_signature(*label, *best->payload, *best_key);
    agreement["signature"] = best_key->is_public_default() && sig == labels::SignatureCheck::Valid
                                 ? "valid under the public key (anyone can make it; proves nothing)"
                                 : labels::to_string(sig);
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
  else if (best->detected)
    suggestion = {{"label", "3"}, {"why", "no metadata label, but a tidemark watermark was found (a generation trace)"}};
  else
    suggestion = {{"label", nullptr}, {"why", "no AI signal found; \"2\" applies only when the uploader declares AI"}};
  report["suggested_label"] = suggestion;
  return report;
}

void print_report(const json& r) {
  std::printf("%s\n", r["path"].get<std::string>().c_str());
  const auto& wm = r["watermark"];
  std::printf("  watermark    %s", wm["verdict"].get<std::string>().c_str());
  if (!wm["payload"].is_null()) std::printf(", payload %s", wm["payload"].get<std::string>().c_str());
  std::printf(", z %.2f, p %.2g (%s %s)\n", wm["z"].get<double>(), wm["p_value"].get<double>(),
              wm["public_key"].get<bool>() ? "public key" : "key", wm["key"].get<std::string>().c_str());
  const auto& aigc = r["aigc"];
  if (aigc["labels"].empty()) std::printf("  AIGC label   none\n");
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
      "Label value a platform should record. Exit: 0 every file read, 1 some could not be read, 2 usage.");
  app.add_option("inputs", o->inputs, "Files to verify")->required();
  app.add_option("--key-file", o->key_files, "Key files to try (repeatable); the public key is always tried")
      ->check(CLI::ExistingFile);
  app.add_option("--passphrase-file", o->key.passphrase_file, "File whose first line is a passphrase to derive a key from")
      ->check(CLI::ExistingFile);
  o->common.add_to(app);
  return [o]() -> int {
    std::vector<Key> keys;
    for (const auto& f : o->key_files) keys.push_back(Key::from_file(f));
    if (keys.empty()) keys.push_back(o->key.resolve(nullptr));  // passphrase file or environment, else public
    if (std::none_of(keys.begin(), keys.end(), [](const Key& k) { return k.is_public_default(); }))
      keys.push_back(Key::public_default());
    DetectParams params;
    params.threads = o->common.threads;
    std::vector<KeyedDetector> detectors;
    for (const auto& k : keys) detectors.push_back({k, Detector(k, params, o->common.backend_choice())});
    int failed = 0;
    for (const auto& in : o->inputs) {
      try {
        const json r = verify_one(in, detectors, o->common.limits());
        if (o->common.json)
          std::cout << r.dump() << "\n";
        else
          print_report(r);
      } catch (const Error& e) {
        ++failed;
        print_error(e.what());
        if (o->common.json) std::cout << json{{"path", in}, {"error", e.what()}}.dump() << "\n";
      }
      std::cout.flush();
    }
    return failed ? kExitSomeFailed : kExitOk;
  };
}

}  // namespace tidemark::cli
