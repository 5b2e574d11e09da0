// What the command line asks of a file before treating it as a video: its name, and the
// container's own metadata (where GB 45438 labels live in MP4/MOV).
#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "av_handles.hpp"
#include "video_file.hpp"

namespace tidemark::io {
namespace {

const std::vector<std::string>& video_extensions() {
  static const std::vector<std::string> ext{".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".ts",  ".mts", ".m2ts",
                                            ".flv", ".wmv", ".mpg", ".mpeg", ".3gp", ".ogv", ".mxf", ".y4m"};
  return ext;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> read_container_metadata(const std::filesystem::path& path) {
  AVFormatContext* raw = nullptr;
  av::check(avformat_open_input(&raw, path.string().c_str(), nullptr, nullptr), path.string(), "cannot open as a video");
  av::InputPtr fmt(raw);
  std::vector<std::pair<std::string, std::string>> out;
  const AVDictionaryEntry* e = nullptr;
  while ((e = av_dict_get(fmt->metadata, "", e, AV_DICT_IGNORE_SUFFIX))) out.emplace_back(e->key, e->value);
  return out;
}

bool is_video_path(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto& all = video_extensions();
  return std::find(all.begin(), all.end(), ext) != all.end();
}

std::int64_t parse_bitrate(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  double mult = 1;
  const std::string unit = end ? std::string(end) : "";
  if (unit == "k" || unit == "K") mult = 1e3;
  else if (unit == "M" || unit == "m") mult = 1e6;
  else if (!unit.empty() || end == text.c_str()) mult = -1;
  if (mult < 0 || !(v > 0) || v * mult < 10e3 || v * mult > 2e9)
    throw Error(Status::InvalidArgument, "bad --bitrate '" + text + "': use bits per second like 8M, 2500k (10k .. 2000M)");
  return static_cast<std::int64_t>(v * mult);
}

}  // namespace tidemark::io
