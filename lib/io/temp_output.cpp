#include "temp_output.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#include "tidemark/error.hpp"

namespace tidemark::io {

TempOutput::TempOutput(std::filesystem::path final_path) : final_(std::move(final_path)) {
  static std::atomic<unsigned> counter{0};
  std::string name = ".";
  name += final_.stem().string();
  name += ".tmp";
  name += std::to_string(::getpid());
  name += '_';
  name += std::to_string(counter++);
  name += final_.extension().string();
  temp_ = final_.parent_path() / name;
}

TempOutput::~TempOutput() {
  if (!committed_) {
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
  }
}

void TempOutput::commit() {
  // On disk before it takes the final name: a crash then leaves the old file or the whole new one.
  const int fd = ::open(temp_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    throw Error(Status::IoError, final_.string() + ": cannot write output: " + std::strerror(err));
  }
  ::close(fd);
  if (::rename(temp_.c_str(), final_.c_str()) != 0)
    throw Error(Status::IoError, final_.string() + ": cannot move the finished file into place: " + std::strerror(errno));
  committed_ = true;
}

}  // namespace tidemark::io
