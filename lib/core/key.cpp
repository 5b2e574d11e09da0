#include "tidemark/key.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "hex.hpp"
#include "sha256.hpp"
#include "tidemark/error.hpp"

namespace tidemark {
namespace {

constexpr std::string_view kPassphraseSalt = "tidemark TM1 passphrase v1";
constexpr std::uint32_t kPassphraseIterations = 100000;
constexpr std::string_view kPublicKeySeed = "tidemark TM1 public key v1";

}  // namespace

Key Key::generate() {
  Bytes b{};
  std::size_t got = 0;
  while (got < b.size()) {
    ssize_t n = getrandom(b.data() + got, b.size() - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(Status::Internal, std::string("cannot read the system random source: ") + std::strerror(errno));
    }
    got += static_cast<std::size_t>(n);
  }
  return Key(b);
}

Key Key::from_passphrase(std::string_view passphrase) {
  if (passphrase.empty()) throw Error(Status::InvalidArgument, "the passphrase is empty");
  Bytes b{};
  detail::pbkdf2_hmac_sha256({reinterpret_cast<const std::uint8_t*>(passphrase.data()), passphrase.size()},
                             {reinterpret_cast<const std::uint8_t*>(kPassphraseSalt.data()), kPassphraseSalt.size()},
                             kPassphraseIterations, b);
  return Key(b);
}

Key Key::from_hex(std::string_view hex) {
  auto bytes = detail::parse_hex(detail::trim(hex), kBytes);
  if (!bytes) throw Error(Status::InvalidArgument, "a key must be 64 hex digits");
  Bytes b{};
  std::copy(bytes->begin(), bytes->end(), b.begin());
  return Key(b);
}

void require_private_file(const std::filesystem::path& path) {
  // A secret others can read is a secret others have: refuse it, as ssh does for private keys.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IROTH | S_IWOTH)))
    throw Error(Status::InvalidArgument,
                path.string() + ": readable or writable by every user (mode " + std::to_string((st.st_mode >> 6) & 7) +
                    std::to_string((st.st_mode >> 3) & 7) + std::to_string(st.st_mode & 7) +
                    "); run `chmod 600` on it, or allow it explicitly");
}

Key Key::from_file(const std::filesystem::path& path, KeyFileAccess access) {
  if (access == KeyFileAccess::OwnerOnly) require_private_file(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(Status::IoError, path.string() + ": cannot open key file: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text.size() > 4096) throw Error(Status::InvalidArgument, path.string() + ": not a key file (too large)");
  try {
    return from_hex(text);
  } catch (const Error&) {
    throw Error(Status::InvalidArgument, path.string() + ": not a key file (expected 64 hex digits, as `tidemark keygen` writes)");
  }
}

Key Key::public_default() {
  auto d = detail::sha256({reinterpret_cast<const std::uint8_t*>(kPublicKeySeed.data()), kPublicKeySeed.size()});
  return Key(d);
}

std::string Key::to_hex() const { return detail::to_hex(bytes_); }

std::string Key::fingerprint() const {
  std::string_view label = "tidemark key fingerprint";
  detail::Sha256 s;
  s.update(label);
  s.update(bytes_);
  auto d = s.finish();
  return detail::to_hex(std::span(d).first(8));
}

bool Key::is_public_default() const { return bytes_ == public_default().bytes_; }

void write_key_file(const Key& key, const std::filesystem::path& path) {
  std::string text = key.to_hex() + "\n";
  // O_EXCL: never replace an existing key; mode 0600 from the start, not chmod afterwards.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw Error(Status::IoError, path.string() + ": cannot create key file: " + std::strerror(errno));
  }
  ssize_t n = ::write(fd, text.data(), text.size());
  bool ok = n == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    throw Error(Status::IoError, path.string() + ": cannot write key file: " + std::strerror(err));
  }
}

}  // namespace tidemark
