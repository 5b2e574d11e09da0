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
  int jobs_for(std::size_t inputs) const;
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

}  // namespace tidemark::cli
