#include "batch_progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace tidemark::cli {

using Clock = std::chrono::steady_clock;

BatchProgress::BatchProgress(std::size_t total, std::vector<std::string> outcomes)
    : total_(total),
      outcomes_(std::move(outcomes)),
      counts_(outcomes_.size(), 0),
      on_terminal_(::isatty(STDERR_FILENO) == 1 && total > 1),
      start_(Clock::now()) {}

double BatchProgress::seconds() const {
  return std::max(std::chrono::duration<double>(Clock::now() - start_).count(), 1e-3);
}

void BatchProgress::step(const std::string& outcome, double megapixels) {
  ++done_;
  megapixels_ += megapixels;
  const auto known = std::find(outcomes_.begin(), outcomes_.end(), outcome);
  if (known != outcomes_.end()) ++counts_[std::size_t(known - outcomes_.begin())];
  const auto now = Clock::now();
  if (!on_terminal_ || (done_ < total_ && now - last_ < std::chrono::milliseconds(200))) return;
  last_ = now;
  const double rate = done_ / seconds();
  const double eta = (total_ - done_) / std::max(rate, 1e-9);
  const auto failed = std::find(outcomes_.begin(), outcomes_.end(), kFailed);
  std::fprintf(stderr, "\r[%zu/%zu] %.1f files/s, %.1f MP/s, ETA %dm%02ds, %zu failed ", done_, total_, rate,
               megapixels_ / seconds(), int(eta) / 60, int(eta) % 60,
               failed == outcomes_.end() ? 0 : counts_[std::size_t(failed - outcomes_.begin())]);
  if (done_ == total_) std::fprintf(stderr, "\n");
}

void BatchProgress::summary(std::size_t missing) const {
  const std::size_t files = done_ + missing;
  std::string what;
  for (std::size_t k = 0; k < outcomes_.size(); ++k) {
    const bool failed = outcomes_[k] == kFailed;
    const std::size_t n = counts_[k] + (failed ? missing : 0);
    if (n == 0 && !failed) continue;
    what += (what.empty() ? "" : ", ") + std::to_string(n) + " " + outcomes_[k];
  }
  // Short batches in hundredths: "0.0 s" next to a rate reads as a broken clock.
  std::fprintf(stderr, "tidemark: %zu file%s in %.*f s: %s; %.1f files/s", files, files == 1 ? "" : "s",
               seconds() < 1 ? 2 : 1, seconds(), what.c_str(), done_ / seconds());
  if (megapixels_ > 0) std::fprintf(stderr, ", %.1f MP/s", megapixels_ / seconds());
  std::fprintf(stderr, "\n");
}

}  // namespace tidemark::cli
