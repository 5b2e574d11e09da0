#pragma once
// Video files through FFmpeg libav: mark every frame's luma plane with the video profile and
// re-encode (other streams copied untouched), or sample frames and detect.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tidemark/video.hpp"

namespace tidemark::io {

// libav's own console messages: by default only fatal ones (our errors carry the cause); the
// environment variable TIDEMARK_LIBAV_LOG=error|warning|info|debug shows more.
void configure_libav_logging();

// What this build's libav offers: library versions and which of the usual encoders exist.
struct VideoSupport {
  std::string libavformat, libavcodec;
  std::vector<std::string> encoders;  // of libx264, libx265, libvpx-vp9, libaom-av1, libsvtav1, h264_nvenc, hevc_nvenc
  // Hardware encoders among them that cannot open on this machine, with libav's reason (no driver,
  // no such engine on the GPU): listed by libav, unusable here.
  std::vector<std::pair<std::string, std::string>> unusable;
  // Why frames cannot be decoded on the GPU here (HardwareDecode::Cuda); empty when a CUDA device
  // opens for libav's decoders.
  std::string cuda_decoding_problem;
};
VideoSupport video_support();

// True for names FFmpeg containers usually carry (.mp4, .mov, .mkv, .webm, .avi, ...).
bool is_video_path(const std::filesystem::path& path);

// Drawn on a frame's luma plane before the watermark (a visible label): returns the rectangle
// whose colour is to be made neutral (the label's plate), or nothing when it drew nothing.
struct PlaneRect {
  int x = 0, y = 0, width = 0, height = 0;
};
using FrameOverlay = std::function<std::optional<PlaneRect>(const LumaPlane& luma, double seconds)>;

struct VideoEncodeOptions {
  std::string codec = "libx264";
  // Constant quality: lower is better. Unset: 18 for encoders that take a CRF (visually lossless
  // for x264/x265) and for NVENC (its -cq), the encoder's default otherwise. Ignored when a
  // bitrate is given.
  std::optional<int> crf;
  std::optional<std::int64_t> bitrate;  // bits per second
  std::string preset;  // encoder speed/size trade-off ("" = the encoder's default, medium for x264/x265)
  int threads = 0;                      // marking threads; 0 = all
  // Container metadata to set (replacing entries of the same name from the input). MP4/MOV
  // write them as `moov/udta/meta` mdta keys (FFmpeg's use_metadata_tags), where GB 45438 puts
  // its AIGC label; they are read back from the finished file before it takes the final name.
  std::vector<std::pair<std::string, std::string>> metadata;
  FrameOverlay overlay;
};

// Bits per second from "8M", "2500k" or "8000000" (10k .. 2000M); throws InvalidArgument otherwise.
std::int64_t parse_bitrate(const std::string& text);

// Container-level metadata of a media file, as libav reads it.
std::vector<std::pair<std::string, std::string>> read_container_metadata(const std::filesystem::path& path);

struct VideoProgress {
  std::int64_t frames = 0;
  std::int64_t frames_expected = 0;  // 0 when the container does not say
  double seconds = 0;                // media time reached
  double duration = 0;               // media duration, 0 when unknown
};
using VideoProgressFn = std::function<void(const VideoProgress&)>;

// Where the video stream is decoded. Cuda: on the GPU's hardware decoder (NVDEC) through libav's
// CUDA hwaccel, each frame then copied to host memory (as NV12 or P010) for marking or analysis.
// Auto: Cuda when this libav has a CUDA decoder for the codec and a CUDA device can be opened,
// software otherwise (the result says which, and why). Cuda alone: an error in those cases.
enum class HardwareDecode { Off, Auto, Cuda };

// Parses "off", "auto" or "cuda"; throws InvalidArgument otherwise.
HardwareDecode parse_hardware_decode(const std::string& text);

struct VideoInputOptions {
  std::int64_t max_pixels_per_frame = 64'000'000;  // 8K x 8K
  std::int64_t max_frames = 10'000'000;
  HardwareDecode decode = HardwareDecode::Off;
};

// How a clip's frames were decoded: "cuda" (NVDEC) or "software", and with Auto why not on the GPU.
struct DecodeReport {
  std::string decoder = "software";
  std::string note;  // empty, or why the GPU's decoder was not used
};

struct VideoEmbedResult {
  std::int64_t frames = 0;
  int width = 0, height = 0;
  std::string input_codec, output_codec, pixel_format;
  int bit_depth = 8;
  double duration = 0;
  double mean_psnr = 0;         // luma, marked vs decoded input, before encoding
  int reanchors = 0;            // tile resets (cuts, fades, long zooms)
  int streams_copied = 0;       // audio, subtitle and data streams carried over
  int streams_dropped = 0;      // streams the output container cannot hold
  int decode_errors = 0;        // damaged packets skipped by the decoder
  DecodeReport decoding;
  double mark_seconds = 0;      // time spent marking (motion + mask + tile), for throughput reports
  double total_seconds = 0;     // wall time of the whole decode -> mark -> encode pipeline
};

// Writes `output` atomically (temporary file in its folder, renamed at the end; nothing under the
// final name on failure). Throws tidemark::Error naming the file and the cause.
VideoEmbedResult embed_video_file(const std::filesystem::path& input, const std::filesystem::path& output,
                                  const Key& key, const Payload& payload, const VideoEmbedParams& params = {},
                                  const VideoEncodeOptions& encode = {}, const VideoProgressFn& progress = {},
                                  const VideoInputOptions& input_options = {});

struct VideoSampling {
  int every = 0;            // analyse every k-th frame; 0 = about `per_second` frames per second
  double per_second = 2.0;
  std::int64_t max_frames = 0;  // stop after this many analysed frames; 0 = no cap
  double start = 0;         // seconds into the clip where analysis starts
};

struct VideoDetectFileResult {
  VideoDetectReport report;
  int width = 0, height = 0;
  double duration = 0, fps = 0;
  std::string codec;
  int decode_errors = 0;
  DecodeReport decoding;
};

// Frames are analysed on `backend` (VideoDetector); decoded where `input_options.decode` says.
VideoDetectFileResult detect_video_file(const std::filesystem::path& input, const Key& key,
                                        const DetectParams& params = {}, const VideoSampling& sampling = {},
                                        const VideoProgressFn& progress = {}, const VideoInputOptions& input_options = {},
                                        Backend backend = Backend::Auto);

}  // namespace tidemark::io
