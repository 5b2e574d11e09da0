#include "files.hpp"

#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/string.h>

#include "tidemark/detector.hpp"
#include "tidemark/embedder.hpp"
#include "tidemark/error.hpp"
#ifdef TIDEMARK_PY_HAS_IO
#include "io/embed_file.hpp"
#include "io/image_file.hpp"
#endif
#ifdef TIDEMARK_PY_HAS_LABELS
#include <nanobind/stl/vector.h>

#include "labels/mark_file.hpp"
#include "labels/verify_file.hpp"
#ifdef TIDEMARK_PY_HAS_VIDEO
#include "labels/mark_video.hpp"
#include "labels/verify_video.hpp"
#include "video_files.hpp"
#endif
#endif

namespace nb = nanobind;
using namespace nb::literals;
namespace fs = std::filesystem;

namespace tidemark::python {

void check_output_path(const fs::path& src, const fs::path& dst, bool overwrite) {
  std::error_code ec;
  if (fs::exists(dst, ec)) {
    if (fs::equivalent(src, dst, ec))
      throw Error(Status::InvalidArgument, dst.string() + ": this is the input; refusing to overwrite it");
    if (!overwrite) throw Error(Status::IoError, dst.string() + ": exists; pass overwrite=True to replace it");
  }
}

namespace {

#ifdef TIDEMARK_PY_HAS_IO
io::Limits limits_with(std::uint64_t max_pixels) {
  io::Limits limits;
  if (max_pixels) limits.max_pixels = max_pixels;
  return limits;
}


// check_output_path, and nothing for a bad extension or quality.
void check_destination(const fs::path& src, const fs::path& dst, bool overwrite, int quality) {
  check_output_path(src, dst, overwrite);
  if (quality < 0 || quality > 100) throw Error(Status::InvalidArgument, "quality must be in [1, 100]");
  io::format_for_path(dst);
}

// quality 0 (None in Python): 95 where the output is encoded, and a JPEG written from a JPEG is
// marked in its coefficients at its own quality, as the command line does without --quality.
io::SaveOptions save_options(int quality, bool webp_lossless, int png_level) {
  io::SaveOptions save;
  save.png_level = png_level;
  if (quality) save.jpeg_quality = save.webp_quality = quality;
  else save.jpeg_coefficients_from_quality = io::kJpegCoefficientsFromQuality;
  save.webp_lossless = webp_lossless;
  return save;
}

nb::dict embed_file(const Embedder& embedder, const fs::path& src, const fs::path& dst, std::uint64_t payload,
                    int quality, bool webp_lossless, int png_level, bool overwrite, std::uint64_t max_pixels) {
  io::EmbedFileResult r;
  {
    nb::gil_scoped_release unlocked;
    check_destination(src, dst, overwrite, quality);
    r = io::embed_image_file(src, dst, embedder, Payload{payload}, limits_with(max_pixels),
                             save_options(quality, webp_lossless, png_level));
  }
  nb::dict info;
  info["path"] = src.string();
  info["output"] = dst.string();
  info["width"] = r.width;
  info["height"] = r.height;
  info["format"] = std::string(io::to_string(r.input_format));
  info["tile_scale"] = r.report.tile_scale;
  info["psnr_db"] = r.psnr_db;
  if (r.jpeg_coefficients_quality) info["jpeg_coefficients_quality"] = r.jpeg_coefficients_quality;
  if (!r.reencoded_because.empty()) info["reencoded_because"] = r.reencoded_because;
  return info;
}

DetectResult detect_file(const Detector& detector, const fs::path& path, std::uint64_t max_pixels) {
  nb::gil_scoped_release unlocked;
  const io::ImageFile file = io::load_image(path, limits_with(max_pixels));
  return io::with_file_name(path, [&] { return detector.detect(file.image.view()); });
}
#endif

#ifdef TIDEMARK_PY_HAS_LABELS
nb::dict mark_file(const Embedder& embedder, const Key& key, const fs::path& src, const fs::path& dst,
                   const labels::MarkRequest& request, int quality, int png_level, bool overwrite,
                   std::uint64_t max_pixels) {
  labels::MarkResult r;
  {
    nb::gil_scoped_release unlocked;
    labels::check_request(request, key);
    check_destination(src, dst, overwrite, quality);
    r = labels::mark_file(src, dst, request, embedder, key, limits_with(max_pixels), save_options(quality, false, png_level));
  }
  nb::dict info;
  info["path"] = src.string();
  info["output"] = dst.string();
  info["produce_id"] = r.produce_id;
  info["payload"] = r.payload.to_hex();
  info["aigc"] = labels::to_bare_json(r.label);
  info["digital_source_type"] = labels::digital_source_uri(request.source);
  if (r.visible_box) info["visible_label_glyph_height"] = r.visible_box->glyph_height;
  if (r.jpeg_coefficients_quality) info["jpeg_coefficients_quality"] = r.jpeg_coefficients_quality;
  if (!r.reencoded_because.empty()) info["reencoded_because"] = r.reencoded_because;
  return info;
}

#ifdef TIDEMARK_PY_HAS_VIDEO
// A clip: visible label on its first seconds, the video watermark, the AIGC label in the container.
nb::dict mark_video(const Key& key, const fs::path& src, const fs::path& dst, const labels::MarkRequest& request,
                    double strength, double visible_seconds, bool overwrite, std::uint64_t max_pixels,
                    const std::string& hwdecode,
                    nb::object progress) {
  labels::VideoMarkOptions options;
  if (strength > 0) options.embed.embed.strength = strength;
  options.visible_seconds = visible_seconds;
  io::VideoProgressFn on_progress = video_progress(std::move(progress));
  labels::VideoMarkResult r;
  {
    nb::gil_scoped_release unlocked;
    labels::check_request(request, key);
    check_output_path(src, dst, overwrite);
    r = labels::mark_video_file(src, dst, request, key, options, on_progress, video_input(max_pixels, hwdecode));
  }
  nb::dict info = video_embed_dict(r.video);
  info["path"] = src.string();
  info["output"] = dst.string();
  info["produce_id"] = r.mark.produce_id;
  info["payload"] = r.mark.payload.to_hex();
  info["aigc"] = labels::to_bare_json(r.mark.label);
  return info;
}
#endif

nb::dict mark_file_binding(const Embedder& embedder, const Key& key, const fs::path& src, const fs::path& dst,
                           const std::string& producer, const std::string& produce_id, const std::string& label,
                           bool composite, bool sign, bool visible, const std::string& visible_text,
                           const std::string& visible_position, double visible_height, const std::string& font,
                           int quality, int png_level, bool overwrite, std::uint64_t max_pixels, double video_strength,
                           double visible_seconds, const std::string& hwdecode, nb::object progress) {
  labels::MarkRequest request;
  request.producer = producer;
  request.produce_id = produce_id;
  request.label_value = label;
  request.source = composite ? labels::DigitalSource::CompositeWithTrainedAlgorithmicMedia
                             : labels::DigitalSource::TrainedAlgorithmicMedia;
  request.sign = sign;
  if (visible) {
    labels::VisibleLabelOptions v;
    if (!visible_text.empty()) v.text = visible_text;
    v.placement = labels::placement_from(visible_position);
    v.height_fraction = visible_height;
    v.font_path = font;
    request.visible = v;
  }
#ifdef TIDEMARK_PY_HAS_VIDEO
  if (io::is_video_path(src))
    return mark_video(key, src, dst, request, video_strength, visible_seconds, overwrite, max_pixels, hwdecode, progress);
#else
  (void)video_strength, (void)visible_seconds, (void)hwdecode, (void)progress;
#endif
  return mark_file(embedder, key, src, dst, request, quality, png_level, overwrite, max_pixels);
}

// The report as JSON text; the Python layer turns it into a dict.
std::string verify_file(const fs::path& path, const std::vector<Key>& keys, std::uint64_t max_pixels,
                        const std::string& hwdecode) {
  nb::gil_scoped_release unlocked;
  const auto detectors = labels::detectors_for(keys, DetectParams{}, Backend::Auto);
#ifdef TIDEMARK_PY_HAS_VIDEO
  if (io::is_video_path(path)) {
    configure_libav_once();
    return labels::verify_video_file(path, detectors, {}, video_input(max_pixels, hwdecode)).dump();
  }
#else
  (void)hwdecode;
#endif
  return labels::verify_file(path, detectors, limits_with(max_pixels)).dump();
}
#endif

#ifndef TIDEMARK_PY_HAS_IO
[[noreturn]] void no_io() {
  throw Error(Status::Unsupported, "this build of tidemark has no image I/O (libpng, libjpeg, libwebp were not found "
                                   "when it was built); load the image yourself and pass an array");
}
nb::dict embed_file(const Embedder&, const fs::path&, const fs::path&, std::uint64_t, int, bool, int, bool,
                    std::uint64_t) {
  no_io();
}
DetectResult detect_file(const Detector&, const fs::path&, std::uint64_t) { no_io(); }
#endif

}  // namespace

void bind_files(nb::module_& m) {
#ifdef TIDEMARK_PY_HAS_IO
  m.attr("has_io") = true;
  m.attr("png_run_length") = io::kPngRunLength;  // png_level meaning zlib's run-length strategy
#else
  m.attr("has_io") = false;
#endif
  m.def("embed_file", &embed_file, "embedder"_a, "src"_a, "dst"_a, "payload"_a, "quality"_a, "webp_lossless"_a,
        "png_level"_a, "overwrite"_a, "max_pixels"_a);
  m.def("detect_file", &detect_file, "detector"_a, "path"_a, "max_pixels"_a);
#ifdef TIDEMARK_PY_HAS_LABELS
  m.attr("has_labels") = true;
  m.def("mark_file", &mark_file_binding, "embedder"_a, "key"_a, "src"_a, "dst"_a, "producer"_a, "produce_id"_a,
        "label"_a, "composite"_a, "sign"_a, "visible"_a, "visible_text"_a, "visible_position"_a, "visible_height"_a,
        "font"_a, "quality"_a, "png_level"_a, "overwrite"_a, "max_pixels"_a, "video_strength"_a, "visible_seconds"_a,
        "hwdecode"_a, "progress"_a.none());
  m.def("verify_file", &verify_file, "path"_a, "keys"_a, "max_pixels"_a, "hwdecode"_a);
#else
  m.attr("has_labels") = false;
#endif
}

}  // namespace tidemark::python
