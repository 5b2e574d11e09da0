#pragma once
// Owning handles for libav objects, and errors that carry libav's own explanation.
#include <memory>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
}

#include "tidemark/error.hpp"

namespace tidemark::io::av {

struct InputCloser {
  void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
struct OutputCloser {
  void operator()(AVFormatContext* c) const {
    if (c && !(c->oformat->flags & AVFMT_NOFILE) && c->pb) avio_closep(&c->pb);
    avformat_free_context(c);
  }
};
struct CodecFreer {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFreer {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFreer {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsFreer {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
struct BufferUnref {
  void operator()(AVBufferRef* b) const { av_buffer_unref(&b); }
};

using InputPtr = std::unique_ptr<AVFormatContext, InputCloser>;
using OutputPtr = std::unique_ptr<AVFormatContext, OutputCloser>;
using CodecPtr = std::unique_ptr<AVCodecContext, CodecFreer>;
using FramePtr = std::unique_ptr<AVFrame, FrameFreer>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFreer>;
using SwsPtr = std::unique_ptr<SwsContext, SwsFreer>;
using BufferPtr = std::unique_ptr<AVBufferRef, BufferUnref>;

FramePtr make_frame();
PacketPtr make_packet();

std::string error_text(int averr);

// libav's last error-level log message on this thread since construction: some causes reach only
// the log (an NVENC encoder that cannot load the NVIDIA driver returns EPERM and logs "Cannot load
// libcuda.so.1"). Needs configure_libav_logging()'s callback; empty without it.
class LoggedError {
 public:
  LoggedError();
  // error_text(averr), followed by the logged message in parentheses when there is one.
  std::string explain(int averr) const;
};
// A reference to the process's CUDA device context for hardware decoding, opened on first use
// and shared by every clip after (a context costs a GPU a fraction of a second to create); null,
// with libav's reason in `why`, when none opens (no NVIDIA driver, no device, or a libav built
// without CUDA). The outcome of the first attempt stands for the process.
BufferPtr cuda_device(std::string& why);

// Throws Error(status, "<name>: <what>: <libav's message>") when averr < 0.
int check(int averr, const std::string& name, const char* what, Status status = Status::DecodeError);

}  // namespace tidemark::io::av
