#pragma once
// Everything a platform needs to know about one file, as one JSON report shared by
// `tidemark verify` and the Python package: tidemark watermark, GB 45438 metadata labels (checked
// against the standard), IPTC digital source type, C2PA manifest presence, whether they agree,
// and the GB 45438 Label value to record. docs/LABELS.md describes every field.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "io/image_file.hpp"
#include "tidemark/detector.hpp"
#include "tidemark/key.hpp"

namespace tidemark::labels {

struct KeyedDetector {
  Key key;
  Detector detector;
};

// Detectors for the given keys, followed by the public key's when it is not among them.
std::vector<KeyedDetector> detectors_for(std::vector<Key> keys, const DetectParams& params, Backend backend);

// Throws Error naming the file when it cannot be read or decoded.
nlohmann::json verify_file(const std::filesystem::path& path, const std::vector<KeyedDetector>& detectors,
                           const io::Limits& limits);

// The detector's result as the JSON contract gives it (DESIGN.md section 6).
nlohmann::json detect_result_json(const DetectResult& r);

}  // namespace tidemark::labels
