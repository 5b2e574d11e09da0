#include <algorithm>
#include <cmath>

extern "C" {
#include <libavutil/pixdesc.h>
}

#include "video_input.hpp"

namespace tidemark::io {
namespace {

// Gray copy of a frame whose luma cannot be read in place (RGB, palette, packed YUV).
struct GrayConverter {
  av::SwsPtr sws;
  av::FramePtr gray;
  LumaPlane operator()(const AVFrame& f, const std::string& name) {
    sws.reset(sws_getCachedContext(sws.release(), f.width, f.height, AVPixelFormat(f.format), f.width, f.height,
                                   AV_PIX_FMT_GRAY8, SWS_POINT, nullptr, nullptr, nullptr));
    if (!sws) throw Error(Status::Unsupported, name + ": cannot read the luma of its pixel format");
    if (!gray || gray->width != f.width || gray->height != f.height) {
      gray = av::make_frame();
      gray->format = AV_PIX_FMT_GRAY8, gray->width = f.width, gray->height = f.height;
      av::check(av_frame_get_buffer(gray.get(), 0), name, "out of memory", Status::Internal);
    }
    sws_scale(sws.get(), f.data, f.linesize, 0, f.height, gray->data, gray->linesize);
    return luma_of(*gray, 8);
  }
};

}  // namespace

VideoDetectFileResult detect_video_file(const std::filesystem::path& input, const Key& key, const DetectParams& params,
                                        const VideoSampling& sampling, const VideoProgressFn& progress,
                                        const VideoInputOptions& input_options, Backend backend) {
  if (sampling.every < 0 || sampling.per_second <= 0 || sampling.max_frames < 0)
    throw Error(Status::InvalidArgument, "video sampling: every >= 0, per_second > 0 and max_frames >= 0");
  VideoInput in(input, input_options, true);
  VideoDetectFileResult out;
  out.fps = in.fps();
  out.duration = in.duration();
  out.codec = avcodec_get_name(in.video_stream()->codecpar->codec_id);
  // Every k-th frame when asked; else by time, one frame per 1/per_second seconds of footage, so
  // that variable-rate and sparse clips (frames missing from a nominal rate) get what they ask.
  const double interval = 1.0 / sampling.per_second, slack = out.fps > 0 ? 0.25 / out.fps : 1e-3;
  double next_time = sampling.start;
  VideoDetector detector(key, params, {}, backend);
  GrayConverter convert;
  VideoProgress prog{0, in.expected_frames(), 0, out.duration};
  std::int64_t index = 0, analysed = 0;
  for (VideoInput::Item item; in.next(item); ++index) {
    const AVFrame& f = *item.frame;
    const double t = in.seconds(f);
    prog.frames = index + 1, prog.seconds = t;
    if (progress) progress(prog);
    if (t + 1e-9 < sampling.start) continue;
    if (sampling.every > 0 ? index % sampling.every != 0 : t + slack < next_time) continue;
    next_time = std::max(next_time + interval, t + interval - slack);
    out.width = f.width, out.height = f.height;
    const auto depth = luma_bit_depth(AVPixelFormat(f.format));
    detector.add_frame(depth ? luma_of(f, *depth) : convert(f, in.name()), t);
    if (sampling.max_frames && ++analysed >= sampling.max_frames) break;
  }
  out.report = detector.finish();
  out.decode_errors = in.decode_errors();
  out.decoding = in.decoding();
  return out;
}

}  // namespace tidemark::io
