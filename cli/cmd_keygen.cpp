// tidemark keygen: a new private key file, mode 0600, never printed.
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "common.hpp"
#include "tidemark/error.hpp"

namespace tidemark::cli {

Runner setup_keygen(CLI::App& app) {
  struct Options {
    std::string output;
    std::string passphrase_file;
  };
  auto o = std::make_shared<Options>();
  app.description("Write a new random 256-bit key file (mode 0600). Only its fingerprint is printed.");
  app.add_option("-o,--output", o->output, "Key file to create (never replaced)")->required();
  app.add_option("--passphrase-file", o->passphrase_file,
                 "Derive the key from the passphrase on this file's first line (PBKDF2-HMAC-SHA256) instead")
      ->check(CLI::ExistingFile);
  return [o]() -> int {
    KeyOptions from;
    from.passphrase_file = o->passphrase_file;
    const Key key = o->passphrase_file.empty() ? Key::generate() : from.resolve(nullptr);
    write_key_file(key, o->output);
    std::cout << "wrote " << o->output << " (key fingerprint " << key.fingerprint() << ")\n";
    return kExitOk;
  };
}

}  // namespace tidemark::cli
