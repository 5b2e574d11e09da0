#pragma once
// What a batch of files tells people as it goes: a progress line on a terminal (files/s, MP/s,
// ETA, failures so far) and, for several files, a summary at the end with what became of them.
// Both on standard error, so that standard output stays the results.
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace tidemark::cli {

class BatchProgress {
 public:
  // `outcomes`: what a file can come to, in the summary's order ("marked", "failed", ...). The
  // summary names those that happened, and always how many failed.
  BatchProgress(std::size_t total, std::vector<std::string> outcomes);
  void step(const std::string& outcome, double megapixels);
  // "tidemark: 14 files in 2.1 s: 12 marked, 1 failed, 1 already done; 6.7 files/s, 21.5 MP/s".
  // `missing`: inputs that named nothing, counted as failed.
  void summary(std::size_t missing) const;

  static constexpr const char* kFailed = "failed";

 private:
  double seconds() const;
  std::size_t total_, done_ = 0;
  std::vector<std::string> outcomes_;
  std::vector<std::size_t> counts_;
  double megapixels_ = 0;
  bool on_terminal_;
  std::chrono::steady_clock::time_point start_, last_{};
};

}  // namespace tidemark::cli
