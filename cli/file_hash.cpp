#include "file_hash.hpp"

#include <openssl/evp.h>

#include <array>
#include <fstream>
#include <memory>
#include <vector>

#include "core/hex.hpp"
#include "tidemark/error.hpp"

namespace tidemark::cli {

std::string file_sha256(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(Status::IoError, path.string() + ": cannot read it to hash it");
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
    throw Error(Status::Internal, "cannot set up SHA-256 (OpenSSL)");
  std::vector<char> buf(1 << 18);
  while (in.read(buf.data(), std::streamsize(buf.size())) || in.gcount() > 0)
    EVP_DigestUpdate(ctx.get(), buf.data(), std::size_t(in.gcount()));
  if (in.bad()) throw Error(Status::IoError, path.string() + ": read error while hashing it");
  std::array<std::uint8_t, 32> digest{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest.data(), &length);
  return detail::to_hex(digest);
}

}  // namespace tidemark::cli
