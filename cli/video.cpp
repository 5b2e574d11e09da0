#include "video.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "labels/verify_file.hpp"
#include "labels/verify_video.hpp"
#include "tidemark/error.hpp"

namespace tidemark::cli {

const std::vector<std::string>& video_patterns() {
  static const std::vector<std::string> p{"*.mp4", "*.mov", "*.mkv", "*.webm", "*.avi", "*.m4v",
                                          "*.MP4", "*.MOV", "*.MKV", "*.WEBM", "*.AVI", "*.M4V"};
  return p;
}

void VideoEncodeCliOptions::add_to(CLI::App& app) {
  const char* g = "Video";
  app.add_option("--codec", codec, "Video encoder for marked clips (default libx264; libx265, libvpx-vp9, libaom-av1, h264_nvenc, ...)")
      ->group(g);
  app.add_option("--crf", crf, "Constant quality for the encoder (default 18: visually lossless for x264/x265; NVENC: its -cq)")
      ->check(CLI::Range(0, 63))
      ->group(g);
  app.add_option("--bitrate", bitrate, "Target bitrate instead of constant quality, e.g. 8M or 2500k")->group(g);
  app.add_option("--preset", preset, "Encoder speed preset (x264/x265: ultrafast ... veryslow, default medium; NVENC: p1 ... p7)")->group(g);
  app.add_option("--cell-scale", cell_scale, "Video watermark cell size relative to images (default 4: 8 px cells at 720p)")
      ->check(CLI::Range(1.0, 16.0))
      ->group(g);
  app.add_flag("--frame-fixed", frame_fixed, "Keep the video watermark fixed to the frame instead of following motion "
                                             "(only for still content; moving content then loses it on re-encoding)")
      ->group(g);
}

io::VideoEncodeOptions VideoEncodeCliOptions::encode_options() const {
  io::VideoEncodeOptions e;
  e.codec = codec;
  if (crf >= 0) e.crf = crf;
  if (!bitrate.empty()) e.bitrate = io::parse_bitrate(bitrate);
  e.preset = preset;
  return e;
}

void VideoSamplingCliOptions::add_to(CLI::App& app) {
  const char* g = "Video";
  app.add_option("--every", every, "Video: analyse every N-th frame (default: about --per-second frames a second)")
      ->check(CLI::PositiveNumber)
      ->group(g);
  app.add_option("--per-second", per_second, "Video: frames analysed per second of footage (default 2)")
      ->check(CLI::Range(0.01, 240.0))
      ->group(g);
  app.add_option("--max-frames", max_frames, "Video: stop after analysing this many frames (a time budget)")
      ->check(CLI::PositiveNumber)
      ->group(g);
}

io::VideoSampling VideoSamplingCliOptions::sampling() const {
  io::VideoSampling s;
  s.every = every;
  s.per_second = per_second;
  s.max_frames = max_frames;
  return s;
}

io::VideoProgressFn terminal_progress(const std::string& label, bool enabled) {
  if (!enabled || !::isatty(STDERR_FILENO)) return {};
  using clock = std::chrono::steady_clock;
  struct State {
    clock::time_point start = clock::now(), last{};
  };
  auto st = std::make_shared<State>();
  return [st, label](const io::VideoProgress& p) {
    const auto now = clock::now();
    const bool done = p.frames_expected && p.frames >= p.frames_expected;
    if (!done && now - st->last < std::chrono::milliseconds(250)) return;
    st->last = now;
    const double secs = std::chrono::duration<double>(now - st->start).count();
    const double fps = secs > 0 ? p.frames / secs : 0;
    std::fprintf(stderr, "\r\033[K%s  frame %lld", label.c_str(), static_cast<long long>(p.frames));
    if (p.frames_expected) std::fprintf(stderr, "/%lld", static_cast<long long>(p.frames_expected));
    std::fprintf(stderr, "  %.1f fps", fps);
    if (p.frames_expected && fps > 0 && !done) {
      const int eta = static_cast<int>((p.frames_expected - p.frames) / fps);
      std::fprintf(stderr, "  ETA %d:%02d", eta / 60, eta % 60);
    }
    if (done) std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  };
}

nlohmann::json embed_video_json(const io::VideoEmbedResult& r) {
  nlohmann::json j{{"kind", "video"},
          {"frames", r.frames},
          {"width", r.width},
          {"height", r.height},
          {"duration_s", r.duration},
          {"input_codec", r.input_codec},
          {"output_codec", r.output_codec},
          {"pixel_format", r.pixel_format},
          {"bit_depth", r.bit_depth},
          {"psnr_db", r.mean_psnr},
          {"reanchors", r.reanchors},
          {"streams_copied", r.streams_copied},
          {"streams_dropped", r.streams_dropped},
          {"decode_errors", r.decode_errors},
          {"mark_fps", r.mark_seconds > 0 ? r.frames / r.mark_seconds : 0.0},
          {"fps", r.total_seconds > 0 ? r.frames / r.total_seconds : 0.0}};
  labels::add_decode_report(j, r.decoding);
  return j;
}

}  // namespace tidemark::cli
