#include "files.hpp"

#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/string.h>

#include "tidemark/detector.hpp"
#include "tidemark/embedder.hpp"
#include "tidemark/error.hpp"
#ifdef TIDEMARK_PY_HAS_IO
#include "io/image_file.hpp"
#endif

namespace nb = nanobind;
using namespace nb::literals;
namespace fs = std::filesystem;

namespace tidemark::python {
namespace {

#ifdef TIDEMARK_PY_HAS_IO
io::Limits limits_with(std::uint64_t max_pixels) {
  io::Limits limits;
  if (max_pixels) limits.max_pixels = max_pixels;
  return limits;
}

// The library does not know file names; errors from it get the path in front, as in the CLI.
template <class F>
auto naming(const fs::path& path, F&& f) {
  try {
    return f();
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.rfind(path.string(), 0) == 0) throw;
    throw Error(e.status(), path.string() + ": " + what);
  }
}

struct Marked {
  io::ImageFile file;
  EmbedReport report;
};

Marked mark_and_save(const Embedder& embedder, const fs::path& src, const fs::path& dst, std::uint64_t payload,
                     int quality, bool webp_lossless, bool overwrite, std::uint64_t max_pixels) {
  std::error_code ec;
  if (fs::exists(dst)) {
    if (fs::equivalent(src, dst, ec))
      throw Error(Status::InvalidArgument, dst.string() + ": this is the input; refusing to overwrite it");
    if (!overwrite) throw Error(Status::IoError, dst.string() + ": exists; pass overwrite=True to replace it");
  }
  if (quality < 1 || quality > 100) throw Error(Status::InvalidArgument, "quality must be in [1, 100]");
  io::format_for_path(dst);  // a bad extension fails before any work
  Marked m{io::load_image(src, limits_with(max_pixels)), {}};
  m.report = naming(src, [&] { return embedder.embed(m.file.image.view(), Payload{payload}); });
  io::SaveOptions save;
  save.jpeg_quality = save.webp_quality = quality;
  save.webp_lossless = webp_lossless;
  io::save_image(dst, m.file, save);
  return m;
}

nb::dict embed_file(const Embedder& embedder, const fs::path& src, const fs::path& dst, std::uint64_t payload,
                    int quality, bool webp_lossless, bool overwrite, std::uint64_t max_pixels) {
  Marked m;
  {
    nb::gil_scoped_release unlocked;
    m = mark_and_save(embedder, src, dst, payload, quality, webp_lossless, overwrite, max_pixels);
  }
  nb::dict info;
  info["path"] = src.string();
  info["output"] = dst.string();
  info["width"] = m.file.image.width();
  info["height"] = m.file.image.height();
  info["format"] = std::string(io::to_string(m.file.format));
  info["tile_scale"] = m.report.tile_scale;
  return info;
}

DetectResult detect_file(const Detector& detector, const fs::path& path, std::uint64_t max_pixels) {
  nb::gil_scoped_release unlocked;
  const io::ImageFile file = io::load_image(path, limits_with(max_pixels));
  return naming(path, [&] { return detector.detect(file.image.view()); });
}
#else
[[noreturn]] void no_io() {
  throw Error(Status::Unsupported, "this build of tidemark has no image I/O (libpng, libjpeg, libwebp were not found "
                                   "when it was built); load the image yourself and pass an array");
}
nb::dict embed_file(const Embedder&, const fs::path&, const fs::path&, std::uint64_t, int, bool, bool, std::uint64_t) {
  no_io();
}
DetectResult detect_file(const Detector&, const fs::path&, std::uint64_t) { no_io(); }
#endif

}  // namespace

void bind_files(nb::module_& m) {
#ifdef TIDEMARK_PY_HAS_IO
  m.attr("has_io") = true;
#else
  m.attr("has_io") = false;
#endif
  m.def("embed_file", &embed_file, "embedder"_a, "src"_a, "dst"_a, "payload"_a, "quality"_a, "webp_lossless"_a,
        "overwrite"_a, "max_pixels"_a);
  m.def("detect_file", &detect_file, "detector"_a, "path"_a, "max_pixels"_a);
}

}  // namespace tidemark::python
