// What the command line asks of a file before treating it as a video: its name, and the
// container's own metadata (where GB 45438 labels live in MP4/MOV).
#include <algorithm>
#include <cctype>

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

}  // namespace tidemark::io
