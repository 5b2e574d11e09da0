#include "batch.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>

#include "common.hpp"
#include "file_hash.hpp"
#include "tidemark/error.hpp"

namespace tidemark::cli {
namespace fs = std::filesystem;
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// Completed files recorded by an earlier run: input path -> its last record.
std::map<std::string, json> done_in(const std::string& manifest) {
  std::map<std::string, json> done;
  std::ifstream in(manifest);
  for (std::string line; std::getline(in, line);) {
    const json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("input")) continue;  // a line cut by a kill: ignored
    if (j.value("status", "") == "ok")
      done[j["input"].get<std::string>()] = j;
    else
      done.erase(j["input"].get<std::string>());
  }
  return done;
}

bool still_intact(const json& record) {
  std::error_code ec;
  const fs::path out = record.value("output", "");
  return !out.empty() && fs::is_regular_file(out, ec) && record.value("output_sha256", "") == file_sha256(out);
}

// Megapixels a record's file held: every frame of a video, the picture of an image.
double megapixels_of(const json& record) {
  const double frames = std::max(1.0, record.value("frames", 1.0));
  return record.value("width", 0.0) * record.value("height", 0.0) * frames / 1e6;
}

// Counts and rates of a batch: the progress line on a terminal, and the summary at the end.
class Progress {
 public:
  explicit Progress(std::size_t total) : total_(total), enabled_(::isatty(STDERR_FILENO) == 1 && total > 1) {}
  void step(const std::string& status, double megapixels) {
    ++done_;
    failed_ += status == "error";
    skipped_ += status == "skipped";
    megapixels_ += megapixels;
    const auto now = Clock::now();
    if (!enabled_ || (done_ < total_ && now - last_ < std::chrono::milliseconds(200))) return;
    last_ = now;
    const double rate = done_ / seconds();
    const double eta = (total_ - done_) / std::max(rate, 1e-9);
    std::fprintf(stderr, "\r[%zu/%zu] %.1f files/s, %.1f MP/s, ETA %dm%02ds, %zu failed ", done_, total_, rate,
                 megapixels_ / seconds(), int(eta) / 60, int(eta) % 60, failed_);
    if (done_ == total_) std::fprintf(stderr, "\n");
  }
  // "tidemark: 14 files in 2.1 s: 12 marked, 1 failed, 1 already done; 6.7 files/s, 21.5 MP/s".
  void summary(const char* verb, std::size_t missing) const {
    const std::size_t files = done_ + missing, failed = failed_ + missing, ok = done_ - failed_ - skipped_;
    std::fprintf(stderr, "tidemark: %zu file%s in %.1f s: %zu %s, %zu failed", files, files == 1 ? "" : "s", seconds(),
                 ok, verb, failed);
    if (skipped_) std::fprintf(stderr, ", %zu already done", skipped_);
    std::fprintf(stderr, "; %.1f files/s, %.1f MP/s\n", done_ / seconds(), megapixels_ / seconds());
  }

 private:
  double seconds() const { return std::max(std::chrono::duration<double>(Clock::now() - start_).count(), 1e-3); }
  std::size_t total_, done_ = 0, failed_ = 0, skipped_ = 0;
  double megapixels_ = 0;
  bool enabled_;
  Clock::time_point start_ = Clock::now(), last_{};
};

// SIGINT / SIGTERM during a batch: finish the files in flight, record them, start no more.
std::atomic<bool> interrupted{false};
extern "C" void on_interrupt(int) { interrupted.store(true); }

struct InterruptGuard {
  struct sigaction old_int {}, old_term {};
  InterruptGuard() {
    interrupted.store(false);
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
  }
  ~InterruptGuard() {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
  }
};

}  // namespace

void BatchOptions::add_to(CLI::App& app) {
  app.add_option("--manifest", manifest, "Append one JSON line per file to this manifest (paths, SHA-256, status, error)");
  app.add_option("--jobs", jobs, "Files processed at once (default: one per core; each is then marked on one thread)")
      ->check(CLI::Range(0, 256));
  app.add_flag("--resume", resume,
               "With --manifest: skip files it records as done whose output is intact; redo the others, replacing "
               "outputs a killed run left unrecorded");
}

int BatchOptions::jobs_for(std::size_t inputs) const {
  const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  return int(std::max<std::size_t>(1, std::min<std::size_t>(inputs, jobs > 0 ? jobs : cores)));
}

namespace {

// One file, on a worker thread: the record the manifest and the output lines get.
json process(const InputFile& in, const std::map<std::string, json>& done, const BatchHooks& hooks, bool hashes) {
  const std::string input = in.path_string();
  if (auto it = done.find(input); it != done.end() && still_intact(it->second))
    return {{"input", input}, {"status", "skipped"}, {"output", it->second["output"]}};
  json record{{"input", input}};
  try {
    const fs::path out = hooks.output_of(in);
    record["output"] = out.string();
    if (hashes) record["input_sha256"] = file_sha256(in.path());
    record.update(hooks.work(in, out));
    if (hashes) record["output_sha256"] = file_sha256(out);
    record["status"] = "ok";
  } catch (const Error& e) {
    record["status"] = "error";
    record["error"] = e.what();
  } catch (const std::exception& e) {  // e.g. a folder that cannot be created
    record["status"] = "error";
    record["error"] = input + ": " + e.what();
  }
  return record;
}

}  // namespace

int run_batch(const std::vector<InputFile>& inputs, const std::vector<std::string>& missing, const BatchOptions& o,
              bool json_lines, const BatchHooks& hooks) {
  if (o.resume && o.manifest.empty()) throw Error(Status::InvalidArgument, "--resume needs --manifest");
  std::ofstream manifest;
  std::map<std::string, json> done;
  if (!o.manifest.empty()) {
    if (o.resume) done = done_in(o.manifest);
    manifest.open(o.manifest, std::ios::app);
    if (!manifest) throw Error(Status::IoError, o.manifest + ": cannot open the manifest for appending");
  }
  int failed = report_missing(missing, json_lines, {{"status", "error"}});

  const bool hashes = manifest.is_open() || json_lines;  // hashing costs a read of both files
  // Workers take files in order, at most `window` ahead of the last one reported, so memory stays
  // bounded however many files there are; results are reported in input order.
  const std::size_t n = inputs.size(), jobs = std::size_t(o.jobs_for(n)), window = 2 * jobs;
  std::mutex mutex;
  std::condition_variable changed;
  std::map<std::size_t, json> finished;
  std::size_t next = 0, reported = 0;
  const InterruptGuard guard;
  std::vector<std::jthread> workers;
  for (std::size_t w = 0; w < jobs; ++w)
    workers.emplace_back([&] {
      for (;;) {
        std::size_t i;
        {
          std::unique_lock lock(mutex);
          changed.wait(lock, [&] { return next >= n || interrupted || next < reported + window; });
          if (next >= n || interrupted) return;
          i = next++;
        }
        json record = process(inputs[i], done, hooks, hashes);
        {
          std::lock_guard lock(mutex);
          finished.emplace(i, std::move(record));
        }
        changed.notify_all();
      }
    });

  Progress progress(n);
  while (reported < n) {
    json record;
    {
      std::unique_lock lock(mutex);
      // Interrupted: everything started is reported, then the loop ends (next stops moving).
      changed.wait_for(lock, std::chrono::milliseconds(100), [&] { return finished.count(reported) > 0; });
      if (!finished.count(reported)) {
        if (interrupted && reported == next) break;
        continue;
      }
      record = std::move(finished.at(reported));
      finished.erase(reported);
    }
    const std::string status = record["status"];
    if (status == "error") {
      ++failed;
      print_error(record["error"]);
    }
    if (manifest.is_open() && status != "skipped") {
      manifest << record.dump() << "\n";
      manifest.flush();  // a killed run leaves every finished file recorded
    }
    if (json_lines) {
      json line = record;
      line["path"] = record["input"];
      line.erase("input");
      std::cout << line.dump() << "\n";
    } else if (status == "ok") {
      hooks.print_text(record);
    }
    std::cout.flush();
    progress.step(status, megapixels_of(record));
    {
      std::lock_guard lock(mutex);
      ++reported;
    }
    changed.notify_all();
  }
  if (n + missing.size() > 1) progress.summary(hooks.verb, missing.size());
  if (interrupted) {
    std::fprintf(stderr, "\ntidemark: interrupted after %zu of %zu files%s\n", reported, n,
                 manifest.is_open() ? "; run the same command with --resume to finish" : "");
    return kExitInterrupted;
  }
  return failed ? kExitSomeFailed : kExitOk;
}

}  // namespace tidemark::cli
