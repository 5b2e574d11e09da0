#pragma once
// Video in the embed and detect commands: the encoder and sampling options, the per-file work,
// and a live progress line (frames, fps, ETA) for long clips on a terminal.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "io/video/video_file.hpp"

namespace tidemark::cli {

// Patterns a directory walk adds for commands that take videos.
const std::vector<std::string>& video_patterns();

struct VideoEncodeCliOptions {
  std::string codec = io::VideoEncodeOptions{}.codec;
  int crf = -1;
  std::string bitrate;
  std::string preset = io::VideoEncodeOptions{}.preset;
  double cell_scale = VideoEmbedParams{}.cell_scale;
  bool frame_fixed = false;
  void add_to(CLI::App& app);
  io::VideoEncodeOptions encode_options() const;
};

struct VideoSamplingCliOptions {
  int every = 0;
  double per_second = io::VideoSampling{}.per_second;
  std::int64_t max_frames = 0;
  void add_to(CLI::App& app);
  io::VideoSampling sampling() const;
};

// Prints "\r<file>  frame N/M  F fps  ETA m:ss" to stderr at most a few times a second.
io::VideoProgressFn terminal_progress(const std::string& label, bool enabled);

nlohmann::json embed_video_json(const io::VideoEmbedResult& r);

}  // namespace tidemark::cli
