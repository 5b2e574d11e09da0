#pragma once
// The video profile of TM1 (DESIGN.md section 3), frame by frame, without any codec: hosts that
// decode video themselves (the libav layer in lib/io, Python) push luma planes through these.
//
// Marking: the tile is drawn `cell_scale` times larger than on a still image (8 px cells at
// 720p instead of 2 px, so the chips live where codecs spend bits), and it follows the picture:
// the global motion between frames (zoom + translation) moves and scales the tile with the
// content, so a motion-compensated encoder predicts the mark along with the picture instead of
// having to pay to re-draw it on every frame. When the zoom has drifted too far, or the motion
// cannot be measured (a cut, a fade), the tile is re-anchored.
//
// Detection: every analysed frame is run through the still-image detector (the geometry search
// finds the moved tile); frames are grouped into segments by payload and each segment's soft bits
// are summed, so a clip whose single frames are too damaged to decode can still be read.
#include <memory>
#include <optional>
#include <vector>

#include "tidemark/detector.hpp"
#include "tidemark/embedder.hpp"

namespace tidemark {

struct VideoEmbedParams {
  // A higher floor than images: flat areas are most of many frames, and the codec erases weaker
  // marks there (8 px cells, 44 dB mean PSNR on the corpus clip; see docs/VIDEO.md).
  // The strength is 0.55 up to 720p; larger frames get less (video_strength_factor).
  EmbedParams embed = [] {
    EmbedParams p;
    p.strength = 0.55;
    p.mask_floor = 3.0;
    return p;
  }();
  // Video cells relative to the image profile's (2 px per cell up to 720p, then proportional).
  double cell_scale = 4.0;
  bool follow_motion = true;  // false: a frame-fixed tile (only for still content)
  // Where each frame's mask and tile are computed: Auto takes CUDA when a device is present (the
  // frame is copied there and back; the motion is measured on the host either way).
  Backend backend = Backend::Auto;
};

// A luma plane: 8-bit samples in a U8 view, or `bit_depth`-bit samples (9-16) in a U16 view,
// stored in the low bits (yuv420p10le) or already scaled to 16 bits (p010: bit_depth 16).
struct LumaPlane {
  ImageView view;  // channels == 1
  int bit_depth = 8;
};

struct FrameMarkReport {
  TileGeometry geometry;
  bool reanchored = false;  // the tile was reset to its base scale on this frame
  bool motion_found = false;
};

// Marks the frames of one clip, in display order. Not thread-safe; one per clip.
class FrameMarker {
 public:
  FrameMarker(const Key& key, const Payload& payload, const VideoEmbedParams& params = {});
  ~FrameMarker();
  FrameMarker(FrameMarker&&) noexcept;
  FrameMarker& operator=(FrameMarker&&) noexcept;

  FrameMarkReport mark(const LumaPlane& luma);
  // A whole decoded frame (gray, RGB or RGBA; 8 or 16 bit): the luminance delta goes equally into
  // R, G and B, as for images. A frame in device memory is marked there, on CUDA whatever the
  // backend; the motion is measured on a host copy of it (one download per frame).
  FrameMarkReport mark(const ImageView& frame);
  int frames() const;

  struct Impl;

 private:
  // Marks `frame` (host or device memory); `view` is a host view of the same pixels.
  FrameMarkReport mark_view(const ImageView& frame, const ImageView& view);
  std::unique_ptr<Impl> impl_;
};

// What the video profile multiplies the strength by on a frame of this size: 1 up to 720p,
// sqrt(720 / short side) above, not below 0.82 (0.82 at 1080p).
double video_strength_factor(int width, int height);

// Image pixels per tile pixel of the video profile on a frame of this size.
double video_tile_scale(int width, int height, double cell_scale = VideoEmbedParams{}.cell_scale);

struct FrameDetection {
  double time = 0;  // seconds from the start of the clip
  DetectResult result;
};

struct VideoSegment {
  double start = 0, end = 0;   // seconds: first and last analysed frame of the segment
  std::optional<Payload> payload;
  bool combined = false;       // payload read from the summed soft bits of the segment's frames
  int frames = 0;              // analysed frames in the segment
  int frames_decoded = 0;      // of those, frames that decoded the payload on their own
  double best_z = 0;
  double p_value = 1;          // chance of this segment's claim on an unmarked clip
};

struct VideoDetectReport {
  // A payload was read, or (zero-bit, as for images) frames synchronised with z > kPresentZ.
  bool detected = false;
  std::optional<Payload> payload;  // the payload of the longest marked segment
  double p_value = 1;
  int frames_analysed = 0;
  int frames_decoded = 0;
  int frames_present = 0;          // frames whose mark was found, decoded or not
  std::vector<VideoSegment> segments;  // marked and unmarked stretches, in time order
  std::vector<FrameDetection> frames;
};

// Collects per-frame detections of one clip and combines them. Each frame is reduced on the host
// to a short side of about 300 rows and analysed on `backend` (Auto: CUDA when a device is
// present; Cuda without a device throws here).
class VideoDetector {
 public:
  VideoDetector(const Key& key, const DetectParams& params = {}, const VideoEmbedParams& profile = {},
                Backend backend = Backend::Auto);
  ~VideoDetector();
  VideoDetector(VideoDetector&&) noexcept;
  VideoDetector& operator=(VideoDetector&&) noexcept;

  const FrameDetection& add_frame(const LumaPlane& luma, double time);
  const FrameDetection& add_frame(const ImageView& frame, double time);  // gray, RGB or RGBA
  VideoDetectReport finish() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tidemark
