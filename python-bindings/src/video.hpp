#pragma once
#include <nanobind/nanobind.h>

namespace tidemark::python {
void bind_video(nanobind::module_& m);
}
