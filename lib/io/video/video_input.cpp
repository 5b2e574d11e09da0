#include "video_input.hpp"

#include <cmath>

extern "C" {
#include <libavutil/pixdesc.h>
}

namespace tidemark::io {
namespace {

bool has_cuda_hwaccel(const AVCodec* codec) {
  for (int i = 0;; ++i) {
    const AVCodecHWConfig* config = avcodec_get_hw_config(codec, i);
    if (!config) return false;
    if ((config->methods & AV_CODEC_HW_CONFIG_METHOD_HW_DEVICE_CTX) && config->device_type == AV_HWDEVICE_TYPE_CUDA)
      return true;
  }
}

// Frames on the GPU when the decoder offers them there (the stream's profile is one NVDEC takes);
// libav's software choice otherwise. If the hardware decoder then fails to start, libav asks
// again without the CUDA format and the clip decodes in software.
AVPixelFormat prefer_cuda_frames(AVCodecContext* ctx, const AVPixelFormat* formats) {
  for (const AVPixelFormat* f = formats; *f != AV_PIX_FMT_NONE; ++f)
    if (*f == AV_PIX_FMT_CUDA) return *f;
  return avcodec_default_get_format(ctx, formats);
}

}  // namespace

HardwareDecode parse_hardware_decode(const std::string& text) {
  if (text == "off") return HardwareDecode::Off;
  if (text == "auto") return HardwareDecode::Auto;
  if (text == "cuda") return HardwareDecode::Cuda;
  throw Error(Status::InvalidArgument, "hardware decoding '" + text + "': use off, auto or cuda");
}

VideoInput::VideoInput(const std::filesystem::path& path, const VideoInputOptions& options, bool video_only)
    : name_(path.string()), options_(options), video_only_(video_only), pkt_(av::make_packet()) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error(Status::IoError, name_ + ": no such file");
  if (std::filesystem::is_directory(path, ec)) throw Error(Status::IoError, name_ + ": is a directory");
  AVFormatContext* raw = nullptr;
  const int rc = avformat_open_input(&raw, name_.c_str(), nullptr, nullptr);
  if (rc < 0)
    throw Error(rc == AVERROR(ENOENT) || rc == AVERROR(EACCES) ? Status::IoError : Status::DecodeError,
                name_ + ": cannot open as a video: " + av::error_text(rc));
  fmt_.reset(raw);
  av::check(avformat_find_stream_info(fmt_.get(), nullptr), name_, "cannot read the stream layout");
  const AVCodec* codec = nullptr;
  video_index_ = av_find_best_stream(fmt_.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (video_index_ == AVERROR_STREAM_NOT_FOUND) throw Error(Status::DecodeError, name_ + ": has no video stream");
  if (video_index_ < 0 || !codec) {
    const AVCodecParameters* par = video_index_ >= 0 ? fmt_->streams[video_index_]->codecpar : nullptr;
    throw Error(Status::Unsupported, name_ + ": no decoder for its video codec" +
                                         (par ? std::string(" (") + avcodec_get_name(par->codec_id) + ")" : ""));
  }
  AVStream* st = fmt_->streams[video_index_];
  if (std::int64_t(st->codecpar->width) * st->codecpar->height > options_.max_pixels_per_frame)
    throw Error(Status::LimitExceeded, name_ + ": frames of " + std::to_string(st->codecpar->width) + "x" +
                                           std::to_string(st->codecpar->height) + " exceed the limit of " +
                                           std::to_string(options_.max_pixels_per_frame) + " pixels");
  dec_.reset(avcodec_alloc_context3(codec));
  if (!dec_) throw Error(Status::Internal, name_ + ": out of memory");
  av::check(avcodec_parameters_to_context(dec_.get(), st->codecpar), name_, "bad codec parameters");
  dec_->thread_count = 0;
  dec_->pkt_timebase = st->time_base;
  if (options_.decode != HardwareDecode::Off) use_cuda_decoder(codec, options_.decode);
  av::check(avcodec_open2(dec_.get(), codec, nullptr), name_, "cannot open the video decoder", Status::Unsupported);
  for (unsigned i = 0; i < fmt_->nb_streams; ++i)
    if (video_only_ && int(i) != video_index_) fmt_->streams[i]->discard = AVDISCARD_ALL;
}

void VideoInput::use_cuda_decoder(const AVCodec* codec, HardwareDecode mode) {
  const bool required = mode == HardwareDecode::Cuda;
  if (!has_cuda_hwaccel(codec)) {
    decoding_.note = std::string("libav has no CUDA decoder for ") + codec->name;
    if (required) throw Error(Status::Unsupported, name_ + ": " + decoding_.note + "; hardware decoding 'auto' decodes it in software");
    return;
  }
  av::BufferPtr device = av::cuda_device(decoding_.note);
  if (!device) {
    if (required) throw Error(Status::Unsupported, name_ + ": cannot decode on the GPU: " + decoding_.note);
    return;
  }
  dec_->hw_device_ctx = device.release();  // the decoder context owns it from here
  dec_->get_format = prefer_cuda_frames;
}

// The device opened but libav decoded the first frame in software: NVDEC lacks the stream's
// profile, size or chroma format, or its decoder failed to start.
void VideoInput::declined_by_gpu() {
  const char* format = av_get_pix_fmt_name(dec_->sw_pix_fmt);
  decoding_.note = "the GPU's decoder did not take this stream (" + std::string(format ? format : "unknown format") +
                   ", " + std::to_string(dec_->width) + "x" + std::to_string(dec_->height) + ")";
  if (options_.decode == HardwareDecode::Cuda) throw Error(Status::Unsupported, name_ + ": " + decoding_.note);
}

// A frame in GPU memory, copied into host memory (the hardware frames' software format).
av::FramePtr VideoInput::to_host(av::FramePtr frame) {
  auto host = av::make_frame();
  av::check(av_hwframe_transfer_data(host.get(), frame.get(), 0), name_, "cannot copy a decoded frame from the GPU",
            Status::Internal);
  av::check(av_frame_copy_props(host.get(), frame.get()), name_, "frame properties", Status::Internal);
  decoding_.decoder = "cuda";
  return host;
}

AVPixelFormat VideoInput::stream_pixel_format(const AVFrame& first) const {
  if (decoding_.decoder == "cuda" && dec_->sw_pix_fmt != AV_PIX_FMT_NONE) return dec_->sw_pix_fmt;
  return AVPixelFormat(first.format);
}

double VideoInput::duration() const {
  const AVStream* st = video_stream();
  if (st->duration > 0) return st->duration * av_q2d(st->time_base);
  return fmt_->duration > 0 ? double(fmt_->duration) / AV_TIME_BASE : 0.0;
}

double VideoInput::fps() const {
  const AVRational r = av_guess_frame_rate(fmt_.get(), video_stream(), nullptr);
  return r.num > 0 && r.den > 0 ? av_q2d(r) : 0.0;
}

std::int64_t VideoInput::expected_frames() const {
  if (video_stream()->nb_frames > 0) return video_stream()->nb_frames;
  return static_cast<std::int64_t>(std::lround(duration() * fps()));
}

double VideoInput::seconds(const AVFrame& frame) const {
  const std::int64_t pts = frame.best_effort_timestamp;
  if (pts == AV_NOPTS_VALUE || start_pts_ == AV_NOPTS_VALUE) return fps() > 0 ? (frames_ - 1) / fps() : 0.0;
  return (pts - start_pts_) * av_q2d(video_stream()->time_base);
}

void VideoInput::check_frame(const AVFrame& f) {
  if (std::int64_t(f.width) * f.height > options_.max_pixels_per_frame)
    throw Error(Status::LimitExceeded, name_ + ": a frame of " + std::to_string(f.width) + "x" + std::to_string(f.height) +
                                           " exceeds the pixel limit");
  if (++frames_ > options_.max_frames)
    throw Error(Status::LimitExceeded, name_ + ": more than " + std::to_string(options_.max_frames) + " frames");
  if (start_pts_ == AV_NOPTS_VALUE) start_pts_ = f.best_effort_timestamp;
}

bool VideoInput::next(Item& item) {
  item = {};
  while (!done_) {
    auto frame = av::make_frame();
    const int rc = avcodec_receive_frame(dec_.get(), frame.get());
    if (rc == 0) {
      if (frame->format == AV_PIX_FMT_CUDA) frame = to_host(std::move(frame));
      else if (frames_ == 0 && dec_->hw_device_ctx) declined_by_gpu();
      check_frame(*frame);
      item.frame = std::move(frame);
      return true;
    }
    if (rc == AVERROR_EOF) {
      done_ = true;
      break;
    }
    if (rc != AVERROR(EAGAIN)) {
      ++decode_errors_;  // a damaged frame: the decoder resynchronises on the next one
      continue;
    }
    if (draining_) {  // EAGAIN while draining should not happen; stop rather than spin
      done_ = true;
      break;
    }
    const int rd = av_read_frame(fmt_.get(), pkt_.get());
    if (rd == AVERROR_EOF) {
      draining_ = true;
      avcodec_send_packet(dec_.get(), nullptr);
      continue;
    }
    if (rd < 0) throw Error(Status::DecodeError, name_ + ": read error after " + std::to_string(frames_) + " frames: " +
                                                     av::error_text(rd));
    if (pkt_->stream_index == video_index_) {
      ++packets_;
      const int sp = avcodec_send_packet(dec_.get(), pkt_.get());
      av_packet_unref(pkt_.get());
      if (sp == AVERROR_INVALIDDATA) ++decode_errors_;
      else if (sp < 0 && sp != AVERROR(EAGAIN)) av::check(sp, name_, "video decoder failed");
      continue;
    }
    if (video_only_ || fmt_->streams[pkt_->stream_index]->discard == AVDISCARD_ALL) {
      av_packet_unref(pkt_.get());
      continue;
    }
    item.packet = av::make_packet();
    av_packet_move_ref(item.packet.get(), pkt_.get());
    return true;
  }
  // An MP4/MOV sample table lists every packet: fewer read means the file was cut short. (Other
  // containers count differently: AVI indexes empty 'repeat' entries its demuxer skips.)
  const bool sample_table = std::string(fmt_->iformat->name).find("mp4") != std::string::npos;
  const std::int64_t stated = video_stream()->nb_frames;
  if (sample_table && stated > 0 && packets_ < stated)
    throw Error(Status::DecodeError, name_ + ": truncated or corrupt: only " + std::to_string(packets_) + " of " +
                                         std::to_string(stated) + " video frames could be read");
  if (frames_ == 0) throw Error(Status::DecodeError, name_ + ": no video frame could be decoded");
  return false;
}

std::optional<int> luma_bit_depth(AVPixelFormat format) {
  const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(format);
  if (!d || d->nb_components < 1) return std::nullopt;
  constexpr auto kUnusable = AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL | AV_PIX_FMT_FLAG_BITSTREAM |
                             AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_BE | AV_PIX_FMT_FLAG_FLOAT;
  if (d->flags & kUnusable) return std::nullopt;
  const AVComponentDescriptor& y = d->comp[0];
  if (y.plane != 0 || y.offset != 0) return std::nullopt;
  if (y.depth == 8 && y.step == 1 && y.shift == 0) return 8;
  if (y.depth > 8 && y.depth <= 16 && y.step == 2) return y.shift == 0 ? y.depth : 16;  // p010: MSB-aligned
  return std::nullopt;
}

LumaPlane luma_of(const AVFrame& frame, int bit_depth) {
  LumaPlane p;
  p.bit_depth = bit_depth;
  p.view = ImageView{frame.data[0], frame.width, frame.height, static_cast<std::size_t>(frame.linesize[0]), 1,
                     bit_depth == 8 ? SampleType::U8 : SampleType::U16, MemorySpace::Host};
  return p;
}

}  // namespace tidemark::io
