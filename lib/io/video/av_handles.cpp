#include "av_handles.hpp"

#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

extern "C" {
#include <libavutil/hwcontext.h>
#include <libavutil/log.h>
}

#include "video_file.hpp"

namespace tidemark::io {
namespace {
thread_local std::string last_logged_error;

// Keeps error-level messages for LoggedError, then prints as libav would at the level set.
void keep_errors_callback(void* context, int level, const char* format, va_list args) {
  if (level <= AV_LOG_ERROR) {
    char line[1024];
    int print_prefix = 0;  // the message alone, without "[h264_nvenc @ 0x...]"
    va_list copy;
    va_copy(copy, args);
    av_log_format_line2(context, level, format, copy, line, sizeof line, &print_prefix);
    va_end(copy);
    std::string text(line);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (!text.empty()) last_logged_error = std::move(text);
  }
  av_log_default_callback(context, level, format, args);
}
}  // namespace

void configure_libav_logging() {
  av_log_set_callback(keep_errors_callback);
  int level = AV_LOG_FATAL;
  if (const char* env = std::getenv("TIDEMARK_LIBAV_LOG")) {
    if (!std::strcmp(env, "error")) level = AV_LOG_ERROR;
    else if (!std::strcmp(env, "warning")) level = AV_LOG_WARNING;
    else if (!std::strcmp(env, "info")) level = AV_LOG_INFO;
    else if (!std::strcmp(env, "debug")) level = AV_LOG_DEBUG;
  }
  av_log_set_level(level);
}

namespace {
// Why a hardware encoder cannot run here (libav's logged cause), or nothing when a small
// encoder opens.
std::optional<std::string> hardware_encoder_problem(const AVCodec* codec) {
  av::CodecPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) return "out of memory";
  ctx->width = 256, ctx->height = 256, ctx->time_base = {1, 25}, ctx->framerate = {25, 1};
  ctx->pix_fmt = codec->pix_fmts ? codec->pix_fmts[0] : AV_PIX_FMT_YUV420P;
  const av::LoggedError logged;
  const int rc = avcodec_open2(ctx.get(), codec, nullptr);
  if (rc >= 0) return std::nullopt;
  return logged.explain(rc);
}
}  // namespace

VideoSupport video_support() {
  auto version = [](unsigned v) { return std::to_string(v >> 16) + "." + std::to_string((v >> 8) & 255) + "." + std::to_string(v & 255); };
  VideoSupport s{version(avformat_version()), version(avcodec_version()), {}, {}};
  for (const char* name : {"libx264", "libx265", "libvpx-vp9", "libaom-av1", "libsvtav1", "h264_nvenc", "hevc_nvenc"}) {
    const AVCodec* codec = avcodec_find_encoder_by_name(name);
    if (!codec) continue;
    s.encoders.emplace_back(name);
    if (codec->capabilities & AV_CODEC_CAP_HARDWARE)
      if (auto problem = hardware_encoder_problem(codec)) s.unusable.emplace_back(name, std::move(*problem));
  }
  av::cuda_device(s.cuda_decoding_problem);
  return s;
}

}  // namespace tidemark::io

namespace tidemark::io::av {

FramePtr make_frame() {
  FramePtr f(av_frame_alloc());
  if (!f) throw Error(Status::Internal, "out of memory allocating a video frame");
  return f;
}
PacketPtr make_packet() {
  PacketPtr p(av_packet_alloc());
  if (!p) throw Error(Status::Internal, "out of memory allocating a packet");
  return p;
}

std::string error_text(int averr) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(averr, buf, sizeof buf);
  return buf;
}

LoggedError::LoggedError() { last_logged_error.clear(); }

std::string LoggedError::explain(int averr) const {
  std::string text = error_text(averr);
  if (!last_logged_error.empty()) text += " (" + last_logged_error + ")";
  return text;
}

BufferPtr cuda_device(std::string& why) {
  struct Opened {
    BufferPtr device;
    std::string problem;
  };
  static const Opened opened = [] {
    Opened o;
    AVBufferRef* device = nullptr;
    const LoggedError logged;
    if (const int rc = av_hwdevice_ctx_create(&device, AV_HWDEVICE_TYPE_CUDA, nullptr, nullptr, 0); rc < 0)
      o.problem = "no CUDA device: " + logged.explain(rc);
    o.device.reset(device);
    return o;
  }();
  if (!opened.device) {
    why = opened.problem;
    return nullptr;
  }
  return BufferPtr(av_buffer_ref(opened.device.get()));
}

int check(int averr, const std::string& name, const char* what, Status status) {
  if (averr < 0) throw Error(status, name + ": " + what + ": " + error_text(averr));
  return averr;
}

}  // namespace tidemark::io::av
