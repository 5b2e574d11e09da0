#pragma once
// File entry points: load, mark and save through the library's I/O layer (metadata kept, atomic
// writes), so Python and the CLI produce the same bytes from the same file.
#include <nanobind/nanobind.h>

namespace tidemark::python {

void bind_files(nanobind::module_& m);

}  // namespace tidemark::python
