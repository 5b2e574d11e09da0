#include "common.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "tidemark/error.hpp"

namespace tidemark::cli {

void KeyOptions::add_to(CLI::App& app) {
  app.add_option("--key-file", key_file, "Key file written by `tidemark keygen` (else env TIDEMARK_KEY, else the public key)")
      ->check(CLI::ExistingFile);
  app.add_option("--passphrase-file", passphrase_file, "File whose first line is a passphrase to derive the key from")
      ->check(CLI::ExistingFile);
  app.add_flag("--allow-open-key-file", allow_open_files,
               "Accept a key or passphrase file that every user can read (refused by default: chmod 600 it)");
}

Key KeyOptions::resolve(std::string* source) const {
  auto said = [&](const std::string& s) {
    if (source) *source = s;
  };
  if (!key_file.empty()) {
    said("key file " + key_file);
    return Key::from_file(key_file, access());
  }
  if (!passphrase_file.empty()) {
    if (!allow_open_files) require_private_file(passphrase_file);
    std::ifstream in(passphrase_file);
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) throw Error(Status::InvalidArgument, passphrase_file + ": no passphrase on the first line");
    said("passphrase file " + passphrase_file);
    return Key::from_passphrase(line);
  }
  if (const char* env = std::getenv("TIDEMARK_KEY"); env && *env) {
    said("TIDEMARK_KEY");
    try {
      return Key::from_hex(env);
    } catch (const Error&) {
      throw Error(Status::InvalidArgument, "TIDEMARK_KEY: expected 64 hex digits");
    }
  }
  if (const char* env = std::getenv("TIDEMARK_PASSPHRASE"); env && *env) {
    said("TIDEMARK_PASSPHRASE");
    return Key::from_passphrase(env);
  }
  said("public key");
  return Key::public_default();
}

void CommonOptions::add_to(CLI::App& app) {
  app.add_flag("--json", json, "One JSON object per line, for machines");
  app.add_option("--threads", threads, "CPU threads (default: all cores)")->check(CLI::Range(0, 1024));
  app.add_option("--max-pixels", max_pixels, "Refuse images with more pixels than this (default 100000000)");
  app.add_option("--backend", backend, "cpu, cuda or auto (CUDA when a device is present)")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  app.add_option("--hwdecode", hwdecode,
                 "Decode videos on the GPU's decoder (NVDEC, through libav's CUDA hwaccel): off (default); auto: "
                 "when a CUDA device and a decoder for the codec are there, else in software; cuda: an error otherwise")
      ->check(CLI::IsMember({"off", "auto", "cuda"}))
      ->group("Video");
}

io::Limits CommonOptions::limits() const {
  io::Limits l;
  l.max_pixels = max_pixels;
  return l;
}

io::VideoInputOptions CommonOptions::video_input() const {
  return {.max_pixels_per_frame = static_cast<std::int64_t>(max_pixels), .decode = io::parse_hardware_decode(hwdecode)};
}

Backend CommonOptions::backend_choice() const {
  if (backend == "cpu") return Backend::Cpu;
  if (backend == "cuda") return Backend::Cuda;
  return Backend::Auto;
}

void OutputOptions::add_to(CLI::App& app, const char* what) {
  app.add_option("-o,--output", output, "Output file (one input) or directory (several inputs, or ending in /)");
  app.add_flag("--in-place", in_place, std::string("Replace each input with its ") + what + " version (atomically)");
  app.add_flag("--force", force, "Replace existing output files");
}

void OutputOptions::prepare(std::size_t input_count, bool from_collection, const char* command) {
  if (output.empty() && !in_place) throw Error(Status::InvalidArgument, std::string(command) + ": give -o OUTPUT or --in-place");
  if (!output.empty() && in_place) throw Error(Status::InvalidArgument, std::string(command) + ": -o and --in-place exclude each other");
  to_directory_ = !in_place && (input_count > 1 || from_collection || std::filesystem::is_directory(output) ||
                                output.ends_with('/'));
  std::error_code ec;
  if (to_directory_ && !std::filesystem::create_directories(output, ec) && ec)
    throw Error(Status::IoError, output + ": cannot create the output directory (" + ec.message() + ")");
}

std::filesystem::path OutputOptions::output_for(const InputFile& input) const {
  if (in_place) return input.path();
  if (!to_directory_) return output;
  const std::filesystem::path out = std::filesystem::path(output) / input.relative();
  std::error_code ec;
  if (!std::filesystem::create_directories(out.parent_path(), ec) && ec)
    throw Error(Status::IoError, out.parent_path().string() + ": cannot create this output folder (" + ec.message() + ")");
  return out;
}

void OutputOptions::check_writable(const std::filesystem::path& in, const std::filesystem::path& out) const {
  std::error_code ec;
  if (!in_place && std::filesystem::exists(out)) {
    if (std::filesystem::equivalent(out, in, ec))
      throw Error(Status::InvalidArgument, out.string() + ": this is the input; use --in-place to replace inputs");
    if (!force) throw Error(Status::IoError, out.string() + ": exists; use --force to replace it");
  }
  // Fail on a bad extension before any work; a video stays a video and an image an image.
  const bool video_in = io::is_video_path(in), video_out = io::is_video_path(out);
  if (video_in != video_out)
    throw Error(Status::InvalidArgument, out.string() + ": " + (video_in ? "a video input needs a video output name (.mp4, .mov, .mkv, .webm, .avi)"
                                                                         : "an image input needs an image output name (.png, .jpg, .webp)"));
  if (!video_out) io::format_for_path(out);
}

CLI::Option* add_quality_option(CLI::App& app, int& quality) {
  return app
      .add_option("--quality", quality,
                  "JPEG/WebP output quality (default 95). Unset, a JPEG input of quality 80 or more written "
                  "as JPEG keeps its own quality: the mark goes into its DCT coefficients and the picture "
                  "is not re-encoded")
      ->check(CLI::Range(1, 100));
}

void add_png_level_option(CLI::App& app, int& level) {
  app.add_option("--png-level", level,
                 "PNG output: a zlib level, 0 (stored) to 9 (smallest, slowest). Unset, PNGs use zlib's run-length "
                 "strategy: on marked pictures within about 2 % of level 6 in a third of the time")
      ->check(CLI::Range(0, 9));
}

std::string how_it_was_written(const nlohmann::json& record) {
  if (record.contains("reencoded_because")) return ", re-encoded: " + record["reencoded_because"].get<std::string>();
  if (record.contains("jpeg")) return ", JPEG coefficients";
  return how_video_was_decoded(record);
}

std::string how_video_was_decoded(const nlohmann::json& record) {
  if (record.value("decoder", "") == "cuda") return ", decoded on the GPU";
  if (record.contains("decoder_note")) return ", decoded in software: " + record["decoder_note"].get<std::string>();
  return "";
}

void print_error(const std::string& message) { std::cerr << "tidemark: " << message << "\n"; }

bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }

}  // namespace tidemark::cli
