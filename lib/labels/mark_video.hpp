#pragma once
// The one-pass job on one video: visible label on the first seconds (optional, drawn before the
// watermark), the video watermark carrying the ProduceID's payload on every frame, and the
// GB 45438 AIGC label in the container (MP4/MOV `moov/udta/meta` keys/ilst, Matroska tags), read
// back before the file takes its final name.
#include <filesystem>

#include "io/video/video_file.hpp"
#include "labels/mark_file.hpp"

namespace tidemark::labels {

struct VideoMarkOptions {
  VideoEmbedParams embed;
  io::VideoEncodeOptions encode;
  // GB 45438 5.4: the explicit label shows from the first frame for at least 2 s; 0 or less
  // keeps it on the whole clip.
  double visible_seconds = 2.0;
};

struct VideoMarkResult {
  MarkResult mark;
  io::VideoEmbedResult video;
};

VideoMarkResult mark_video_file(const std::filesystem::path& input, const std::filesystem::path& output,
                                const MarkRequest& request, const Key& key, const VideoMarkOptions& options,
                                const io::VideoProgressFn& progress = {}, const io::VideoInputOptions& input_options = {});

}  // namespace tidemark::labels
