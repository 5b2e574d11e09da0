#pragma once
// The loop every writing command runs over its inputs, several files at once (--jobs), results
// reported in input order: a failed file never stops the batch and
// never leaves a partial output (outputs are written atomically); a JSONL manifest records each
// file (input and output paths and SHA-256, status, error, and what the command adds); --resume
// skips files the manifest records as done whose output is still intact; a progress line on a
// terminal, and a summary at the end of a batch of several files (on standard error).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "inputs.hpp"

namespace tidemark::cli {

struct BatchOptions {
  std::string manifest;
  bool resume = false;
  int jobs = 0;  // files in flight at once; 0: one per core
  void add_to(CLI::App& app);
};

struct BatchHooks {
  // Processes one input and writes its output; returns what the manifest and --json add. Called
  // from several threads at once (one file each).
  std::function<nlohmann::json(const InputFile& in, const std::filesystem::path& out)> work;
  std::function<std::filesystem::path(const InputFile& in)> output_of;
  std::function<void(const nlohmann::json& record)> print_text;  // one line for people
  const char* verb = "done";  // what the summary calls a file processed: "12 marked"
};

// Returns the exit code: 0 all done (or skipped as already done), 1 some failed.
int run_batch(const std::vector<InputFile>& inputs, const std::vector<std::string>& missing, const BatchOptions& options,
              bool json_lines, const BatchHooks& hooks);

// --jobs for the commands that only read (detect, verify): files analysed at once.
void add_jobs_option(CLI::App& app, int& jobs, const char* what);
// Files at once for `inputs` inputs: --jobs, else one per core, never more than there are inputs.
int files_at_once(int jobs, std::size_t inputs);
// Threads each file is worked on with: --threads when given, else one when several files are
// worked on at once (the files share the cores), else 0 (all cores for the one file at a time).
int threads_per_file(int threads, int jobs, std::size_t inputs);

// What a reading command makes of one file: its record (a JSON line with --json, else printed
// for people), what the summary counts it as, and the megapixels analysed.
struct ReadResult {
  nlohmann::json record;
  std::string outcome;
  double megapixels = 0;
};

struct ReadHooks {
  // Reads one file; throws tidemark::Error when it cannot (the batch goes on). Called from several
  // threads at once (one file each).
  std::function<ReadResult(const InputFile& in)> read;
  std::function<void(const nlohmann::json& record)> print_text;
  std::vector<std::string> outcomes;  // for the summary, in its order
};

// The loop of detect and verify: `jobs` files at once, results in input order (a file that cannot
// be read is named on stderr and, with --json, gets {"path", "error"}), a progress line on a
// terminal and a summary for several files. Returns the exit code: 0 every file read, 1 some not.
int run_reading_batch(const std::vector<InputFile>& inputs, const std::vector<std::string>& missing, int jobs,
                      bool json_lines, const ReadHooks& hooks);

}  // namespace tidemark::cli
