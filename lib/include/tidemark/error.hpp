#pragma once
// Errors at the API edge: one exception type carrying a status code and a message that names
// the file (when there is one) and the cause. Messages are set where the error is found and
// propagated unchanged.
#include <stdexcept>
#include <string>

namespace tidemark {

enum class Status {
  InvalidArgument,  // bad parameters, image too small, malformed key or payload text
  IoError,          // cannot open, read or write a file
  DecodeError,      // the file's bytes are not a valid image of the claimed type
  Unsupported,      // valid input that this build cannot handle
  LimitExceeded,    // input larger than the configured limits
  Internal,         // a broken invariant or a failed backend call
};

const char* to_string(Status s) noexcept;

class Error : public std::runtime_error {
 public:
  Error(Status status, const std::string& message) : std::runtime_error(message), status_(status) {}
  Status status() const noexcept { return status_; }

 private:
  Status status_;
};

}  // namespace tidemark
