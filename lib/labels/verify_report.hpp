#pragma once
// The verification report's common part, for images and videos alike: what each reader found is
// gathered here, and assemble_report turns it into the JSON sections (labels, C2PA, foreign
// marks, agreement between label and watermark, the suggested GB 45438 label).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "labels/c2pa_scan.hpp"
#include "labels/file_labels.hpp"
#include "tidemark/key.hpp"
#include "tidemark/payload.hpp"

namespace tidemark::labels {

struct Evidence {
  nlohmann::json watermark;           // the "watermark" section
  std::optional<Payload> payload;     // decoded watermark payload
  bool watermark_detected = false;
  const Key* key = nullptr;           // the key that found it (or the best result)
  FileLabels labels;
  C2paPresence c2pa;
  std::string c2pa_note = "presence only: the manifest's signature and bindings are not validated";
  nlohmann::json foreign_marks;       // the "foreign_marks" section
  std::string foreign_trace;          // name of the first foreign mark found, if any
};

nlohmann::json assemble_report(nlohmann::json report, const Evidence& evidence);

}  // namespace tidemark::labels
