#include "image_file.hpp"
#include "jpeg_coefficients.hpp"
#include "temp_output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "tidemark/error.hpp"

namespace tidemark::io {
namespace fs = std::filesystem;

const char* to_string(Format f) noexcept {
  switch (f) {
    case Format::Png: return "png";
    case Format::Jpeg: return "jpeg";
    case Format::Webp: return "webp";
  }
  return "?";
}

void check_dimensions(std::uint64_t w, std::uint64_t h, const Limits& limits, const std::string& name) {
  if (w == 0 || h == 0) throw Error(Status::DecodeError, name + ": image has zero width or height");
  if (w * h > limits.max_pixels)
    throw Error(Status::LimitExceeded, name + ": image is " + std::to_string(w) + "x" + std::to_string(h) +
                                           " pixels, over the limit of " + std::to_string(limits.max_pixels) +
                                           " (raise it with --max-pixels)");
}

std::vector<std::uint8_t> read_file(const fs::path& path, std::uint64_t max_bytes) {
  const std::string name = path.string();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(Status::IoError, name + ": cannot open: " + std::strerror(errno));
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(Status::IoError, name + ": not a regular file");
  }
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    ::close(fd);
    throw Error(Status::LimitExceeded, name + ": file is " + std::to_string(st.st_size) + " bytes, over the limit of " +
                                           std::to_string(max_bytes));
  }
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  while (got < bytes.size()) {
    ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      throw Error(Status::IoError, name + ": read failed: " + (n == 0 ? "file shrank while reading" : std::strerror(err)));
    }
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return bytes;
}

ImageFile decode_image(const std::vector<std::uint8_t>& b, const std::string& name, const Limits& limits) {
  if (b.empty()) throw Error(Status::DecodeError, name + ": file is empty");
  static const std::uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (b.size() >= 8 && std::equal(png_sig, png_sig + 8, b.begin())) return decode_png(b, name, limits);
  if (looks_like_jpeg(b)) return decode_jpeg(b, name, limits);
  if (b.size() >= 12 && std::memcmp(b.data(), "RIFF", 4) == 0 && std::memcmp(b.data() + 8, "WEBP", 4) == 0)
    return decode_webp(b, name, limits);
  throw Error(Status::DecodeError, name + ": not a PNG, JPEG or WebP image (unrecognised file signature)");
}

Metadata decode_metadata(const std::vector<std::uint8_t>& b, const std::string& name, const Limits& limits) {
  return looks_like_jpeg(b) ? decode_jpeg_metadata(b, name) : decode_image(b, name, limits).metadata;
}

ImageFile load_image(const fs::path& path, const Limits& limits) {
  return decode_image(read_file(path, limits.max_file_bytes), path.string(), limits);
}

Format format_for_path(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".png") return Format::Png;
  if (ext == ".jpg" || ext == ".jpeg") return Format::Jpeg;
  if (ext == ".webp") return Format::Webp;
  throw Error(Status::InvalidArgument, path.string() + ": cannot tell the output format from the extension '" + ext +
                                           "' (use .png, .jpg, .jpeg or .webp)");
}

std::vector<std::uint8_t> encode_image(const ImageFile& file, Format format, const SaveOptions& o, const std::string& name) {
  switch (format) {
    case Format::Png: return encode_png(file, name, o.png_level);
    case Format::Jpeg: return encode_jpeg(file, o.jpeg_quality, name);
    case Format::Webp: return encode_webp(file, o.webp_quality, o.webp_lossless, name);
  }
  throw Error(Status::Internal, name + ": unknown output format");
}

void save_image(const fs::path& path, const ImageFile& file, const SaveOptions& options) {
  write_file_atomic(path, encode_image(file, format_for_path(path), options, path.string()));
}

void write_file_atomic(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  const std::string name = path.string();
  TempOutput out(path);  // removed unless committed
  const int fd = ::open(out.path().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(Status::IoError, name + ": cannot create output: " + std::strerror(errno));
  std::size_t done = 0;
  int err = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      err = n < 0 ? errno : ENOSPC;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0 && !err) err = errno;
  if (err) throw Error(Status::IoError, name + ": cannot write output: " + std::strerror(err));
  out.commit();  // fsync, rename
}

}  // namespace tidemark::io
