#pragma once
// What every subcommand shares: key selection, limits, output naming, result printing.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "inputs.hpp"
#include "io/image_file.hpp"
#include "io/video/video_file.hpp"
#include "tidemark/key.hpp"
#include "tidemark/params.hpp"

namespace tidemark::cli {

struct KeyOptions {
  std::string key_file;
  std::string passphrase_file;
  bool allow_open_files = false;  // accept key/passphrase files every user can read
  void add_to(CLI::App& app);
  Key::KeyFileAccess access() const { return allow_open_files ? Key::KeyFileAccess::AnyMode : Key::KeyFileAccess::OwnerOnly; }
  // --key-file, then --passphrase-file, then TIDEMARK_KEY (64 hex digits), then
  // TIDEMARK_PASSPHRASE, else the public key. Keys never come from argv.
  Key resolve(std::string* source) const;
};

struct CommonOptions {
  bool json = false;
  int threads = 0;
  std::uint64_t max_pixels = io::Limits{}.max_pixels;
  std::string backend = "auto";
  std::string hwdecode = "off";
  void add_to(CLI::App& app);
  io::Limits limits() const;
  io::VideoInputOptions video_input() const;  // --max-pixels per frame, --hwdecode
  Backend backend_choice() const;
};

// Where each input's output goes: -o FILE for one input, -o DIR (or several inputs) for
// DIR/<name>, or the input itself with --in-place.
struct OutputOptions {
  std::string output;
  bool in_place = false;
  bool force = false;
  void add_to(CLI::App& app, const char* what);
  // Checks the combination and creates the directory; call once before the inputs. Outputs go
  // into a directory for several inputs, inputs named by a directory, list or pattern, or an
  // -o ending in / or naming a directory.
  void prepare(std::size_t input_count, bool from_collection, const char* command);
  // The output for an input: under a directory output, its path relative to its argument
  // (mirroring the input tree; folders are created).
  std::filesystem::path output_for(const InputFile& input) const;
  // Refuses to write over the input (without --in-place) or an existing file (without --force),
  // and a bad extension, before any work is done on the input.
  void check_writable(const std::filesystem::path& input, const std::filesystem::path& output) const;

 private:
  bool to_directory_ = false;
};

// --quality. Unset, a JPEG written from a JPEG is marked in its DCT coefficients with the input's
// own quantisation (no second quantisation, same size); set, the output is re-encoded at it.
CLI::Option* add_quality_option(CLI::App& app, int& quality);
// --png-level: a zlib level for PNG outputs; `level` keeps io::kPngRunLength when unset.
void add_png_level_option(CLI::App& app, int& level);
// How a marked file was written, for the result line: ", JPEG coefficients", ", re-encoded: WHY"
// (from the record's "jpeg" and "reencoded_because"), how a video was decoded, or nothing.
std::string how_it_was_written(const nlohmann::json& record);
// ", decoded on the GPU", ", decoded in software: WHY" (when the GPU was asked for) or nothing.
std::string how_video_was_decoded(const nlohmann::json& record);

// Exit codes (documented in --help and README).
inline constexpr int kExitOk = 0;
inline constexpr int kExitSomeFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInterrupted = 130;  // SIGINT/SIGTERM during a batch: finished files recorded

void print_error(const std::string& message);
bool stdout_is_terminal();

}  // namespace tidemark::cli
