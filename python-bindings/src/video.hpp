#pragma once
#include <nanobind/nanobind.h>

#include "tidemark/video.hpp"

namespace tidemark::python {
void bind_video(nanobind::module_& m);
// A clip's detection report as a dict (payload, p_value, frame counts, segments).
nanobind::dict video_report_dict(const VideoDetectReport& report);
}
