// tidemark._ext video files: mark a clip (decode -> mark -> encode through libav, other streams
// copied) and detect in one, as `tidemark embed` / `detect` do on videos. Built when FFmpeg's
// development files were found; otherwise has_video is False.
#include "video_files.hpp"

#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/string.h>

#include "tidemark/error.hpp"
#ifdef TIDEMARK_PY_HAS_VIDEO
#include <memory>
#include <mutex>

#include "backend_names.hpp"
#include "files.hpp"
#include "io/video/video_file.hpp"
#include "video.hpp"
#endif

namespace nb = nanobind;
using namespace nb::literals;
namespace fs = std::filesystem;

namespace tidemark::python {
#ifdef TIDEMARK_PY_HAS_VIDEO
namespace {
// "decoder": "cuda" or "software"; "decoder_note": why not on the GPU, when it was asked for.
void add_decode_report(nb::dict& info, const io::DecodeReport& decoding) {
  info["decoder"] = decoding.decoder;
  if (!decoding.note.empty()) info["decoder_note"] = decoding.note;
}
}  // namespace

nb::dict video_embed_dict(const io::VideoEmbedResult& r) {
  nb::dict info;
  info["kind"] = "video";
  info["frames"] = r.frames;
  info["width"] = r.width;
  info["height"] = r.height;
  info["duration_s"] = r.duration;
  info["input_codec"] = r.input_codec;
  info["output_codec"] = r.output_codec;
  info["pixel_format"] = r.pixel_format;
  info["bit_depth"] = r.bit_depth;
  info["psnr_db"] = r.mean_psnr;
  info["reanchors"] = r.reanchors;
  info["streams_copied"] = r.streams_copied;
  info["streams_dropped"] = r.streams_dropped;
  info["decode_errors"] = r.decode_errors;
  add_decode_report(info, r.decoding);
  info["mark_fps"] = r.mark_seconds > 0 ? r.frames / r.mark_seconds : 0.0;
  info["fps"] = r.total_seconds > 0 ? r.frames / r.total_seconds : 0.0;
  return info;
}

void configure_libav_once() {
  static std::once_flag once;
  std::call_once(once, [] { io::configure_libav_logging(); });
}

io::VideoInputOptions video_input(std::uint64_t max_pixels, const std::string& hwdecode) {
  io::VideoInputOptions options;
  if (max_pixels) options.max_pixels_per_frame = static_cast<std::int64_t>(max_pixels);
  options.decode = io::parse_hardware_decode(hwdecode);
  return options;
}

io::VideoProgressFn video_progress(nb::object progress) {
  configure_libav_once();
  // Held through a shared_ptr: the pipeline copies the function without the GIL, which must not
  // touch the callable's reference count.
  auto callable = std::make_shared<nb::object>(std::move(progress));
  return [callable](const io::VideoProgress& p) {
    nb::gil_scoped_acquire locked;
    if (PyErr_CheckSignals() != 0) throw nb::python_error();
    if (!callable->is_none()) (*callable)(p.frames, p.frames_expected, p.seconds, p.duration);
  };
}
#endif

namespace {

#ifdef TIDEMARK_PY_HAS_VIDEO
nb::dict embed_video(const Key& key, const fs::path& src, const fs::path& dst, std::uint64_t payload, double strength,
                     double mask_floor, double cell_scale, bool follow_motion, const std::string& backend,
                     const std::string& codec, int crf, std::int64_t bitrate, const std::string& preset, bool overwrite,
                     std::uint64_t max_pixels, const std::string& hwdecode, int threads, nb::object progress) {
  VideoEmbedParams params;
  params.embed.threads = threads;
  params.embed.strength = strength;
  params.embed.mask_floor = mask_floor;
  params.cell_scale = cell_scale;
  params.follow_motion = follow_motion;
  params.backend = backend_from(backend);
  io::VideoEncodeOptions encode;
  encode.codec = codec;
  if (crf >= 0) encode.crf = crf;
  if (bitrate > 0) encode.bitrate = bitrate;
  encode.preset = preset;
  io::VideoProgressFn on_progress = video_progress(std::move(progress));
  io::VideoEmbedResult r;
  {
    nb::gil_scoped_release unlocked;
    check_output_path(src, dst, overwrite);
    r = io::embed_video_file(src, dst, key, Payload{payload}, params, encode, on_progress, video_input(max_pixels, hwdecode));
  }
  nb::dict info = video_embed_dict(r);
  info["path"] = src.string();
  info["output"] = dst.string();
  info["payload"] = Payload{payload}.to_hex();
  return info;
}

nb::dict detect_video(const Key& key, const fs::path& path, int every, double per_second, std::int64_t max_frames,
                      double start, std::uint64_t max_pixels, const std::string& hwdecode, const std::string& backend, int threads,
                      nb::object progress) {
  io::VideoSampling sampling;
  sampling.every = every;
  sampling.per_second = per_second;
  sampling.max_frames = max_frames;
  sampling.start = start;
  io::VideoProgressFn on_progress = video_progress(std::move(progress));
  io::VideoDetectFileResult r;
  {
    nb::gil_scoped_release unlocked;
    DetectParams params;
    params.threads = threads;
    r = io::detect_video_file(path, key, params, sampling, on_progress, video_input(max_pixels, hwdecode), backend_from(backend));
  }
  nb::dict info = video_report_dict(r.report);
  info["path"] = path.string();
  info["width"] = r.width;
  info["height"] = r.height;
  info["duration_s"] = r.duration;
  info["fps"] = r.fps;
  info["codec"] = r.codec;
  info["decode_errors"] = r.decode_errors;
  add_decode_report(info, r.decoding);
  return info;
}
#endif

}  // namespace

void bind_video_files(nb::module_& m) {
#ifdef TIDEMARK_PY_HAS_VIDEO
  m.attr("has_video") = true;
  m.def("is_video_path", [](const fs::path& p) { return io::is_video_path(p); }, "path"_a);
  m.def("parse_bitrate", &io::parse_bitrate, "text"_a);
  m.def("embed_video", &embed_video, "key"_a, "src"_a, "dst"_a, "payload"_a, "strength"_a, "mask_floor"_a,
        "cell_scale"_a, "follow_motion"_a, "backend"_a, "codec"_a, "crf"_a, "bitrate"_a, "preset"_a, "overwrite"_a,
        "max_pixels"_a, "hwdecode"_a, "threads"_a, "progress"_a.none());
  m.def("detect_video", &detect_video, "key"_a, "path"_a, "every"_a, "per_second"_a, "max_frames"_a, "start"_a,
        "max_pixels"_a, "hwdecode"_a, "backend"_a, "threads"_a, "progress"_a.none());
#else
  m.attr("has_video") = false;
#endif
}

}  // namespace tidemark::python
