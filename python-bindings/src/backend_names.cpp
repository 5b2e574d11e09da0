#include "backend_names.hpp"

#include "tidemark/error.hpp"

namespace tidemark::python {

Backend backend_from(const std::string& name) {
  if (name == "auto") return Backend::Auto;
  if (name == "cpu") return Backend::Cpu;
  if (name == "cuda") return Backend::Cuda;
  throw Error(Status::InvalidArgument, "backend must be 'auto', 'cpu' or 'cuda', not '" + name + "'");
}

const char* backend_name(Backend b) { return b == Backend::Cuda ? "cuda" : "cpu"; }

}  // namespace tidemark::python
