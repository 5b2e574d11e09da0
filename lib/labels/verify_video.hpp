#pragma once
// `verify` for a video: the video watermark (sampled frames, segments), the GB 45438 AIGC label
// in the container (every copy, MP4 `meta` variants included), C2PA presence in MP4/MOV, and the
// same conclusions as for images. The JSON has the image report's shape plus "kind": "video".
#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "io/video/video_file.hpp"
#include "labels/verify_file.hpp"

namespace tidemark::labels {

nlohmann::json verify_video_file(const std::filesystem::path& path, const std::vector<KeyedDetector>& detectors,
                                 const io::VideoSampling& sampling = {}, const io::VideoInputOptions& input_options = {});

// JSON of a video detection, shared by `detect` and `verify`.
nlohmann::json detect_video_json(const io::VideoDetectFileResult& r);

// "decoder": "cuda" or "software", and "decoder_note" (why not on the GPU) when there is one.
void add_decode_report(nlohmann::json& record, const io::DecodeReport& decoding);

}  // namespace tidemark::labels
