#pragma once
// The backend names Python callers pass ("auto", "cpu", "cuda") and read back.
#include <string>

#include "tidemark/embedder.hpp"

namespace tidemark::python {

Backend backend_from(const std::string& name);  // ValueError for any other name
const char* backend_name(Backend b);

}  // namespace tidemark::python
