// tidemark._ext video frame API: FrameMarker (host arrays or CUDA tensors) and VideoDetector (host
// arrays), for hosts that decode or generate video themselves (PyAV, decord, torchvision, OpenCV).
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>

#include "array_view.hpp"
#include "backend_names.hpp"
#include "tidemark/error.hpp"
#include "tidemark/video.hpp"
#include "video.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace tidemark::python {

nb::dict video_report_dict(const VideoDetectReport& r) {
  nb::list segments;
  for (const auto& s : r.segments) {
    nb::dict d;
    d["start"] = s.start;
    d["end"] = s.end;
    d["payload"] = s.payload ? nb::cast(s.payload->value) : nb::none();
    d["payload_hex"] = s.payload ? nb::cast(s.payload->to_hex()) : nb::none();
    d["combined"] = s.combined;
    d["frames"] = s.frames;
    d["frames_decoded"] = s.frames_decoded;
    d["best_z"] = s.best_z;
    d["p_value"] = s.p_value;
    segments.append(d);
  }
  nb::dict out;
  out["detected"] = r.detected;
  out["payload"] = r.payload ? nb::cast(r.payload->value) : nb::none();
  out["payload_hex"] = r.payload ? nb::cast(r.payload->to_hex()) : nb::none();
  out["p_value"] = r.p_value;
  out["frames_analysed"] = r.frames_analysed;
  out["frames_decoded"] = r.frames_decoded;
  out["frames_present"] = r.frames_present;
  out["segments"] = segments;
  return out;
}

namespace {

void check_host(const ImageView& v, const char* what) {
  if (v.space != MemorySpace::Host)
    throw Error(Status::Unsupported, std::string(what) + ": video frames must be in host memory in this version");
}

}  // namespace

void bind_video(nb::module_& m) {
  m.attr("video_default_strength") = VideoEmbedParams{}.embed.strength;
  m.attr("video_default_mask_floor") = VideoEmbedParams{}.embed.mask_floor;
  m.attr("video_default_cell_scale") = VideoEmbedParams{}.cell_scale;
  nb::class_<FrameMarker>(m, "FrameMarker", "Marks the frames of one clip, in display order (video profile).")
      .def("__init__",
           [](FrameMarker* self, const Key& key, std::uint64_t payload, double strength, double mask_floor,
              double cell_scale, bool follow_motion, int threads, const std::string& backend) {
             VideoEmbedParams p;
             p.backend = backend_from(backend);
             p.embed.strength = strength;
             p.embed.mask_floor = mask_floor;
             p.embed.threads = threads;
             p.cell_scale = cell_scale;
             p.follow_motion = follow_motion;
             new (self) FrameMarker(key, Payload{payload}, p);
           },
           "key"_a, "payload"_a, "strength"_a = VideoEmbedParams{}.embed.strength,
           "mask_floor"_a = VideoEmbedParams{}.embed.mask_floor, "cell_scale"_a = VideoEmbedParams{}.cell_scale,
           "follow_motion"_a = true, "threads"_a = 0, "backend"_a = "auto")
      .def("mark_inplace",
           [](FrameMarker& fm, const AnyArray& frame) {
             const ImageView v = view_of(frame, "mark");  // host or device memory
             nb::gil_scoped_release unlocked;
             const FrameMarkReport r = fm.mark(v);
             return std::make_tuple(r.geometry.scale, r.geometry.offset_x, r.geometry.offset_y, r.reanchored,
                                    r.motion_found);
           },
           "frame"_a, "Mark one frame in place; returns (scale, offset_x, offset_y, reanchored, motion_found).")
      .def_prop_ro("frames", &FrameMarker::frames);

  nb::class_<VideoDetector>(m, "VideoDetector", "Collects per-frame detections of one clip and combines them.")
      .def("__init__",
           [](VideoDetector* self, const Key& key, int threads, const std::string& backend) {
             DetectParams p;
             p.threads = threads;
             new (self) VideoDetector(key, p, {}, backend_from(backend));
           },
           "key"_a, "threads"_a = 0, "backend"_a = "auto")
      .def("add_frame",
           [](VideoDetector& d, const ReadOnlyArray& frame, double time) {
             const ImageView v = view_of(frame, "add_frame");
             check_host(v, "add_frame");
             nb::gil_scoped_release unlocked;
             return d.add_frame(v, time).result;
           },
           "frame"_a, "time"_a)
      .def("finish", [](const VideoDetector& d) { return video_report_dict(d.finish()); });
}

}  // namespace tidemark::python
