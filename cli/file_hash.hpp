#pragma once
#include <filesystem>
#include <string>

namespace tidemark::cli {

// SHA-256 of a file's bytes as 64 lowercase hex digits, for manifests. OpenSSL's libcrypto does
// the hashing: it uses the CPU's SHA extensions where present, which makes the hash of a marked
// JPEG cost a tenth of what a portable implementation does. Throws tidemark::Error naming the
// file when it cannot be read.
std::string file_sha256(const std::filesystem::path& path);

}  // namespace tidemark::cli
