#pragma once
// Video file entry points (FFmpeg libav through the library's video layer), when it was built.
#include <nanobind/nanobind.h>

#include <cstdint>

#ifdef TIDEMARK_PY_HAS_VIDEO
#include "io/video/video_file.hpp"
#endif

namespace tidemark::python {

void bind_video_files(nanobind::module_& m);

#ifdef TIDEMARK_PY_HAS_VIDEO
// What marking a clip did, as a dict (the fields of `tidemark embed --json` on a video).
nanobind::dict video_embed_dict(const io::VideoEmbedResult& result);
// Quiets libav's console messages for the process (io::configure_libav_logging;
// TIDEMARK_LIBAV_LOG shows them), once: called by the video functions on first use, not at
// import, so that importing tidemark leaves a host's own libav logging alone.
void configure_libav_once();
// Reports progress(frames, frames_expected, seconds, duration) when `progress` is not None, and
// lets Ctrl-C stop the job; called without the GIL. Calls configure_libav_once().
io::VideoProgressFn video_progress(nanobind::object progress);
// How clips are read: max_pixels per frame (the library's default for 0) and hardware decoding
// ("off", "auto" or "cuda").
io::VideoInputOptions video_input(std::uint64_t max_pixels, const std::string& hwdecode);
#endif

}  // namespace tidemark::python
