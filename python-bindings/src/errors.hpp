#pragma once
// tidemark::Error -> Python exceptions: ValueError for bad arguments, OSError for files, and
// three subclasses that name the cause (tidemark.DecodeError, LimitError, UnsupportedError).
#include <nanobind/nanobind.h>

namespace tidemark::python {

void register_errors(nanobind::module_& m);

}  // namespace tidemark::python
