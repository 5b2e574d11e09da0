// tidemark._ext: the compiled half of the Python package. Thin: keys, the embedder and detector
// objects, results, and file entry points. Array normalisation (PIL, floats, BGR, batches) lives
// in the pure-Python package, which is easier to read and to extend.
#include <nanobind/nanobind.h>
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/vector.h>

#include <chrono>
#include <functional>

#include "array_view.hpp"
#include "errors.hpp"
#include "files.hpp"
#include "video.hpp"
#include "video_files.hpp"
#include "tidemark/detector.hpp"
#include "backend_names.hpp"
#include "tidemark/embedder.hpp"
#include "tidemark/error.hpp"
#include "tidemark/foreign_marks.hpp"
#include "tidemark/key.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace tidemark::python {
namespace {

void bind_key(nb::module_& m) {
  nb::class_<Key>(m, "Key",
                  "A 256-bit watermark key. Build one with Key.generate(), Key.from_file(), "
                  "Key.from_passphrase(), Key.from_hex() or Key.public(); its repr shows only the fingerprint.")
      .def_static("generate", &Key::generate, "256 random bits from the operating system.")
      .def_static("from_passphrase", &Key::from_passphrase, "passphrase"_a, nb::call_guard<nb::gil_scoped_release>(),
                  "PBKDF2-HMAC-SHA256 (100,000 iterations, fixed documented salt): the same key as "
                  "`tidemark --passphrase-file`.")
      .def_static("from_hex", &Key::from_hex, "hex"_a, "64 hex digits.")
      .def_static("from_file",
                  [](const std::filesystem::path& p, bool allow_open) {
                    return Key::from_file(p, allow_open ? Key::KeyFileAccess::AnyMode : Key::KeyFileAccess::OwnerOnly);
                  },
                  "path"_a, "allow_open"_a = false,
                  "A key file as `tidemark keygen` writes it; refused when every user can read it unless allow_open.")
      .def_static("public", &Key::public_default,
                  "The documented public key: anyone can detect 'marked as AI-generated' with it.")
      .def_prop_ro("fingerprint", &Key::fingerprint, "16 hex digits that identify the key without revealing it.")
      .def_prop_ro("is_public", &Key::is_public_default)
      .def("hex", &Key::to_hex, "The secret key as 64 hex digits (handle with care).")
      .def("write", [](const Key& k, const std::filesystem::path& p) { write_key_file(k, p); }, "path"_a,
           "Write a key file (mode 0600); refuses to replace an existing file.")
      .def("__eq__", [](const Key& a, const Key& b) { return a.bytes() == b.bytes(); })
      .def("__hash__", [](const Key& k) { return std::hash<std::string>{}(k.fingerprint()); })
      .def("__repr__", [](const Key& k) {
        return "Key(fingerprint='" + k.fingerprint() + "'" + (k.is_public_default() ? ", public" : "") + ")";
      });
}

void bind_result(nb::module_& m) {
  nb::class_<DetectResult>(m, "DetectResult", "What detect() found in one image.")
      .def_ro("detected", &DetectResult::detected, "A payload decoded, or the mark is present beyond doubt.")
      .def_prop_ro("verdict", [](const DetectResult& r) { return std::string(to_string(r.verdict)); },
                   "'detected', 'likely', 'not detected' or 'too small'.")
      .def_prop_ro("payload",
                   [](const DetectResult& r) -> std::optional<std::uint64_t> {
                     if (!r.payload) return std::nullopt;
                     return r.payload->value;
                   },
                   "The 64-bit payload as an int, or None when none was decoded.")
      .def_prop_ro("payload_hex",
                   [](const DetectResult& r) -> std::optional<std::string> {
                     if (!r.payload) return std::nullopt;
                     return r.payload->to_hex();
                   })
      .def_ro("z", &DetectResult::z, "Sync correlation z-score of the best candidate.")
      .def_ro("p_value", &DetectResult::p_value, "Chance of a result this strong on an unmarked image.")
      .def_ro("rotation_deg", &DetectResult::rotation_deg)
      .def_ro("scale", &DetectResult::scale)
      .def_ro("aspect", &DetectResult::aspect)
      .def_ro("mirrored", &DetectResult::mirrored)
      .def_ro("candidates_tried", &DetectResult::candidates_tried)
      .def("__bool__", [](const DetectResult& r) { return r.detected; })
      .def("__repr__", [](const DetectResult& r) {
        std::string s = "DetectResult(verdict='" + std::string(to_string(r.verdict)) + "'";
        if (r.payload) s += ", payload=0x" + r.payload->to_hex();
        char tail[96];
        std::snprintf(tail, sizeof tail, ", z=%.2f, p_value=%.3g)", r.z, r.p_value);
        return s + tail;
      });
}

std::vector<ImageView> views_of(const std::vector<AnyArray>& arrays, const char* what) {
  std::vector<ImageView> views;
  views.reserve(arrays.size());
  for (const auto& a : arrays) views.push_back(view_of(a, what));
  return views;
}

void bind_embedder(nb::module_& m) {
  m.attr("default_strength") = EmbedParams{}.strength;
  m.attr("default_mask_floor") = EmbedParams{}.mask_floor;
  nb::class_<Embedder>(m, "Embedder", "Low-level embedder: marks uint8/uint16 arrays in place.")
      .def("__init__",
           [](Embedder* self, const Key& key, double strength, double mask_floor, const std::string& backend,
              int threads) {
             EmbedParams p;
             p.strength = strength;
             p.mask_floor = mask_floor;
             p.threads = threads;
             new (self) Embedder(key, p, backend_from(backend));
           },
           "key"_a, "strength"_a = EmbedParams{}.strength, "mask_floor"_a = EmbedParams{}.mask_floor,
           "backend"_a = "auto", "threads"_a = 0)
      .def_prop_ro("backend", [](const Embedder& e) { return backend_name(e.backend()); })
      .def("mark_inplace",
           [](const Embedder& e, const std::vector<AnyArray>& arrays, const std::vector<std::uint64_t>& payloads) {
             const auto views = views_of(arrays, "embed");
             std::vector<Payload> p(payloads.size());
             for (std::size_t i = 0; i < p.size(); ++i) p[i].value = payloads[i];
             nb::gil_scoped_release unlocked;
             e.embed_batch(views, p);
           },
           "arrays"_a, "payloads"_a,
           "Mark each array in place (host or CUDA memory), one payload per array, in one batch.");
}

void bind_detector(nb::module_& m) {
  nb::class_<Detector>(m, "Detector", "Low-level detector over uint8/uint16 host arrays.")
      .def("__init__",
           [](Detector* self, const Key& key, bool aspect_pass, bool mirror, int candidates, const std::string& backend,
              int threads) {
             DetectParams p;
             p.aspect_pass = aspect_pass;
             p.mirror = mirror;
             p.candidates = candidates;
             p.threads = threads;
             new (self) Detector(key, p, backend_from(backend));
           },
           "key"_a, "aspect_pass"_a = true, "mirror"_a = true, "candidates"_a = DetectParams{}.candidates,
           "backend"_a = "auto", "threads"_a = 0)
      .def_prop_ro("backend", [](const Detector& d) { return backend_name(d.backend()); })
      .def("detect",
           [](const Detector& d, const ReadOnlyArray& array) {
             const ImageView v = view_of(array, "detect");
             nb::gil_scoped_release unlocked;
             return d.detect(v);
           },
           "array"_a);
}

void bind_foreign_marks(nb::module_& m) {
  m.def(
      "dwtdct_bits",
      [](const ReadOnlyArray& array, int length, bool chroma_swapped) {
        const ImageView v = view_of(array, "dwtDct");
        DwtDctBits bits;
        {
          nb::gil_scoped_release unlocked;
          const DwtDctVotes votes = dwtdct_votes(v, chroma_swapped);
          if (!votes.usable)
            throw Error(Status::InvalidArgument, "dwtDct: needs an RGB image of at least 256 x 256 pixels");
          bits = dwtdct_bits(votes, length);
        }
        return std::make_pair(bits.bits, bits.mean_votes);
      },
      "array"_a, "length"_a, "chroma_swapped"_a);
  m.def(
      "detect_foreign_marks",
      [](const ReadOnlyArray& array) {
        const ImageView v = view_of(array, "foreign marks");
        ForeignMarkReport r;
        {
          nb::gil_scoped_release unlocked;
          r = detect_foreign_marks(v);
        }
        auto as_dict = [](const ForeignMark& f) {
          nb::dict d;
          d["name"] = f.name;
          d["chroma_swapped"] = f.chroma_swapped;
          d["matched"] = f.matched;
          d["bits"] = f.bits;
          d["p_value"] = f.p_value;
          return d;
        };
        nb::list found;
        for (const auto& f : r.found) found.append(as_dict(f));
        nb::dict out;
        out["checked"] = r.checked;
        out["found"] = found;
        out["closest"] = r.checked ? nb::object(as_dict(r.closest)) : nb::none();
        return out;
      },
      "array"_a);
}

// Seconds per Embedder call on one array, timed inside C++: the baseline against which the
// Python layer's overhead is measured (bench/python_overhead.py). No warm-up call: the caller
// interleaves these with Python calls, so both see the same cache and thread state.
double time_native_embed(const Embedder& e, const AnyArray& array, std::uint64_t payload, int repeats) {
  const ImageView v = view_of(array, "embed");
  const Payload p{payload};
  nb::gil_scoped_release unlocked;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeats; ++i) e.embed(v, p);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / repeats;
}

}  // namespace

}  // namespace tidemark::python

NB_MODULE(_ext, m) {
  using namespace tidemark;
  using namespace tidemark::python;
  m.doc() = "Compiled core of tidemark (use the tidemark package, not this module).";
  register_errors(m);
  bind_key(m);
  bind_result(m);
  bind_embedder(m);
  bind_detector(m);
  bind_files(m);
  bind_foreign_marks(m);
  bind_video(m);
  bind_video_files(m);
  m.def("cuda_device_count", &cuda_device_count, "Usable CUDA devices (0 without CUDA in this build).");
  m.def("_time_native_embed", &time_native_embed, "embedder"_a, "array"_a, "payload"_a, "repeats"_a);
}

