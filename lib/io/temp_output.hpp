#pragma once
// An output written under a temporary name in its final folder and renamed into place only when
// complete; removed when abandoned, so a failed or interrupted run never leaves a partial file
// under the final name. The temporary name keeps the extension (libav picks muxers by it).
#include <filesystem>

namespace tidemark::io {

class TempOutput {
 public:
  explicit TempOutput(std::filesystem::path final_path);
  ~TempOutput();
  TempOutput(const TempOutput&) = delete;
  TempOutput& operator=(const TempOutput&) = delete;

  const std::filesystem::path& path() const { return temp_; }
  // fsync, then rename over the final path. Throws Error(IoError) naming the final path.
  void commit();

 private:
  std::filesystem::path final_, temp_;
  bool committed_ = false;
};

}  // namespace tidemark::io
