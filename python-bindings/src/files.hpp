#pragma once
// File entry points: load, mark and save through the library's I/O layer (metadata kept, atomic
// writes), so Python and the CLI produce the same bytes from the same file.
#include <nanobind/nanobind.h>

#include <filesystem>

namespace tidemark::python {

void bind_files(nanobind::module_& m);

// Never over the input; over an existing output only when `overwrite`.
void check_output_path(const std::filesystem::path& src, const std::filesystem::path& dst, bool overwrite);

}  // namespace tidemark::python
