#include "batch.hpp"

#include <signal.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include "batch_progress.hpp"
#include "common.hpp"
#include "file_hash.hpp"
#include "ordered_jobs.hpp"
#include "tidemark/error.hpp"

namespace tidemark::cli {
namespace fs = std::filesystem;
namespace {

using nlohmann::json;

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
  add_jobs_option(app, jobs, "Files processed at once (default: one per core; each is then marked on one thread)");
  app.add_flag("--resume", resume,
               "With --manifest: skip files it records as done whose output is intact; redo the others, replacing "
               "outputs a killed run left unrecorded");
}

void add_jobs_option(CLI::App& app, int& jobs, const char* what) {
  app.add_option("--jobs", jobs, what)->check(CLI::Range(0, 256));
}

int files_at_once(int jobs, std::size_t inputs) {
  const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  return int(std::max<std::size_t>(1, std::min<std::size_t>(inputs, jobs > 0 ? jobs : cores)));
}

int threads_per_file(int threads, int jobs, std::size_t inputs) {
  return threads ? threads : (files_at_once(jobs, inputs) > 1 ? 1 : 0);
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
  const InterruptGuard guard;
  BatchProgress progress(inputs.size(), {hooks.verb, BatchProgress::kFailed, "already done"});
  std::size_t reported = 0;
  run_in_order<json>(
      inputs.size(), std::size_t(files_at_once(o.jobs, inputs.size())),
      [&](std::size_t i) { return process(inputs[i], done, hooks, hashes); },
      [&](std::size_t, json& record) {
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
        progress.step(status == "ok" ? hooks.verb : status == "error" ? BatchProgress::kFailed : "already done",
                      megapixels_of(record));
        ++reported;
      },
      [] { return interrupted.load(); });
  if (inputs.size() + missing.size() > 1) progress.summary(missing.size());
  if (interrupted) {
    std::fprintf(stderr, "\ntidemark: interrupted after %zu of %zu files%s\n", reported, inputs.size(),
                 manifest.is_open() ? "; run the same command with --resume to finish" : "");
    return kExitInterrupted;
  }
  return failed ? kExitSomeFailed : kExitOk;
}

int run_reading_batch(const std::vector<InputFile>& inputs, const std::vector<std::string>& missing, int jobs,
                      bool json_lines, const ReadHooks& hooks) {
  int failed = report_missing(missing, json_lines);
  std::vector<std::string> outcomes = hooks.outcomes;
  outcomes.push_back(BatchProgress::kFailed);
  BatchProgress progress(inputs.size(), outcomes);
  run_in_order<ReadResult>(
      inputs.size(), std::size_t(files_at_once(jobs, inputs.size())),
      [&](std::size_t i) {
        const std::string in = inputs[i].path_string();
        try {
          ReadResult r = hooks.read(inputs[i]);
          r.record["path"] = in;
          return r;
        } catch (const Error& e) {
          return ReadResult{{{"path", in}, {"error", e.what()}}, BatchProgress::kFailed, 0};
        } catch (const std::exception& e) {  // not ours (the file system, memory): named with the file
          return ReadResult{{{"path", in}, {"error", in + ": " + e.what()}}, BatchProgress::kFailed, 0};
        }
      },
      [&](std::size_t, ReadResult& r) {
        if (r.record.contains("error")) {
          ++failed;
          print_error(r.record["error"]);
          if (json_lines) std::cout << r.record.dump() << "\n";
        } else if (json_lines) {
          std::cout << r.record.dump() << "\n";
        } else {
          hooks.print_text(r.record);
        }
        std::cout.flush();
        progress.step(r.outcome, r.megapixels);
      },
      [] { return false; });
  if (inputs.size() + missing.size() > 1) progress.summary(missing.size());
  return failed ? kExitSomeFailed : kExitOk;
}

}  // namespace tidemark::cli
