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
  const std::string name = "." + final_.stem().string() + ".tmp" + std::to_string(::getpid()) + "_" +
                           std::to_string(counter++) + final_.extension().string();
  temp_ = final_.parent_path() / name;
}

TempOutput::~TempOutput() {
  if (!committed_) {
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
  }
}

void TempOutput::commit() {
  const int fd = ::open(temp_.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  if (::rename(temp_.c_str(), final_.c_str()) != 0)
    throw Error(Status::IoError, final_.string() + ": cannot move the finished file into place: " + std::strerror(errno));
  committed_ = true;
}

}  // namespace tidemark::io
