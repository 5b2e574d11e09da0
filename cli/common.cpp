#include "common.hpp"

#include <unistd.h>

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
}

Key KeyOptions::resolve(std::string* source) const {
  auto said = [&](const std::string& s) {
    if (source) *source = s;
  };
  if (!key_file.empty()) {
    said("key file " + key_file);
    return Key::from_file(key_file);
  }
  if (!passphrase_file.empty()) {
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
}

io::Limits CommonOptions::limits() const {
  io::Limits l;
  l.max_pixels = max_pixels;
  return l;
}

Backend CommonOptions::backend_choice() const {
  if (backend == "cpu") return Backend::Cpu;
  if (backend == "cuda") return Backend::Cuda;
  return Backend::Auto;
}

void print_error(const std::string& message) { std::cerr << "tidemark: " << message << "\n"; }

bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }

}  // namespace tidemark::cli
