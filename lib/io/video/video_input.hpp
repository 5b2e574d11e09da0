#pragma once
// Demuxing and decoding one input file: decoded frames of its best video stream, and (when asked)
// the packets of every other stream in file order, for copying.
#include <filesystem>
#include <string>
#include <vector>

#include "av_handles.hpp"
#include "video_file.hpp"

namespace tidemark::io {

class VideoInput {
 public:
  // Throws Error naming the file: missing, not a media file, no video stream, no decoder.
  VideoInput(const std::filesystem::path& path, const VideoInputOptions& options, bool video_only);

  struct Item {
    av::FramePtr frame;    // a decoded video frame, or
    av::PacketPtr packet;  // a packet of another stream
  };
  // The next item in file order; false at the end. Throws on a read error or truncation.
  bool next(Item& item);

  AVFormatContext* format() const { return fmt_.get(); }
  AVStream* video_stream() const { return fmt_->streams[video_index_]; }
  int video_index() const { return video_index_; }
  AVCodecContext* decoder() const { return dec_.get(); }
  const std::string& name() const { return name_; }
  double duration() const;      // seconds, 0 when unknown
  double fps() const;           // average frame rate, 0 when unknown
  std::int64_t expected_frames() const;
  std::int64_t frames() const { return frames_; }
  int decode_errors() const { return decode_errors_; }
  const DecodeReport& decoding() const { return decoding_; }
  // The stream's own pixel format: what a software decoder delivers (hardware-decoded frames come
  // as NV12 or P010, which hold the same samples).
  AVPixelFormat stream_pixel_format(const AVFrame& first) const;
  // Seconds of a frame's timestamp from the start of the clip.
  double seconds(const AVFrame& frame) const;

 private:
  void check_frame(const AVFrame& f);
  void use_cuda_decoder(const AVCodec* codec, HardwareDecode mode);
  void declined_by_gpu();
  av::FramePtr to_host(av::FramePtr frame);
  std::string name_;
  VideoInputOptions options_;
  DecodeReport decoding_;
  bool video_only_;
  av::InputPtr fmt_;
  av::CodecPtr dec_;
  av::PacketPtr pkt_;
  int video_index_ = -1;
  bool draining_ = false, done_ = false;
  std::int64_t frames_ = 0, packets_ = 0, start_pts_ = AV_NOPTS_VALUE;
  int decode_errors_ = 0;
};

// The luma plane of a frame whose format keeps Y in plane 0, 8 bits per byte or 9-16 bits per
// little-endian 16-bit word (yuv4xxp, nv12, gray, yuv4xxp10le, p010le, ...); empty otherwise.
std::optional<int> luma_bit_depth(AVPixelFormat format);
LumaPlane luma_of(const AVFrame& frame, int bit_depth);

}  // namespace tidemark::io
