#pragma once
// What the commands accept as inputs: files, directories (walked recursively, in sorted order),
// glob patterns (for shells that pass them unexpanded), @LIST files (one path per line) and "-"
// (paths on standard input). Each input keeps its path relative to the argument it came from,
// so that outputs can mirror the input tree under -o DIR.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tidemark::cli {

// One input: its path, and the part of it under the directory argument it was found in (else its
// file name). One string per file, not two std::filesystem::path objects (which also hold every
// component): a batch of a million files keeps a million of these.
class InputFile {
 public:
  InputFile(std::string path, std::size_t relative_from) : path_(std::move(path)), relative_from_(relative_from) {}
  std::filesystem::path path() const { return path_; }
  std::filesystem::path relative() const { return path_.substr(relative_from_); }
  const std::string& path_string() const { return path_; }

 private:
  std::string path_;
  std::size_t relative_from_;
};

struct InputOptions {
  std::vector<std::string> args;
  std::vector<std::string> include{"*.png", "*.jpg", "*.jpeg", "*.webp", "*.PNG", "*.JPG", "*.JPEG", "*.WEBP"};
  std::vector<std::string> exclude;
  void add_to(CLI::App& app, const char* what);
  // Expands the arguments. Arguments that name nothing are reported in `missing` (the batch goes
  // on without them); patterns apply to files found in directories, not to files named directly.
  std::vector<InputFile> expand(std::vector<std::string>& missing) const;
  // True when an argument names a collection (directory, @LIST, -, pattern) rather than a file.
  bool names_collections() const;
};

// Names each input that named nothing on stderr (and as a JSON line with `extra` fields when
// json_lines); returns how many there were.
int report_missing(const std::vector<std::string>& missing, bool json_lines, const nlohmann::json& extra = {});

}  // namespace tidemark::cli
