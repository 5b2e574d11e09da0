#pragma once
// What every subcommand shares: key selection, limits, output naming, result printing.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "io/image_file.hpp"
#include "tidemark/key.hpp"
#include "tidemark/params.hpp"

namespace tidemark::cli {

struct KeyOptions {
  std::string key_file;
  std::string passphrase_file;
  void add_to(CLI::App& app);
  // --key-file, then --passphrase-file, then TIDEMARK_KEY (64 hex digits), then
  // TIDEMARK_PASSPHRASE, else the public key. Keys never come from argv.
  Key resolve(std::string* source) const;
};

struct CommonOptions {
  bool json = false;
  int threads = 0;
  std::uint64_t max_pixels = io::Limits{}.max_pixels;
  std::string backend = "auto";
  void add_to(CLI::App& app);
  io::Limits limits() const;
  Backend backend_choice() const;
};

// Exit codes (documented in --help and README).
inline constexpr int kExitOk = 0;
inline constexpr int kExitSomeFailed = 1;
inline constexpr int kExitUsage = 2;

void print_error(const std::string& message);
bool stdout_is_terminal();

}  // namespace tidemark::cli
