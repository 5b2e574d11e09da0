#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "../backend_select.hpp"
#include "../core/key_material.hpp"
#include "../reference/embed_cpu.hpp"
#include "../reference/filters.hpp"
#include "cell_scale.hpp"
#include "luma_plane.hpp"
#include "motion.hpp"
#include "tidemark/error.hpp"
#include "tidemark/video.hpp"

namespace tidemark {
namespace {

// Re-anchor when the followed zoom has changed the tile's size by more than this factor: the
// detector's search is centred on the base scale.
constexpr double kMaxZoomDrift = 1.25;
// Tiles across the short side of the frame, at least: 1.25 from 720p up, up to 1.5 times as many
// below. A 50 % crop keeps 0.71 of the short side; at 720p the 0.88 tiles left still decode, at 480p
// they did not (cut_480p30 in bench/video_eval.py: 0 of 20 frames), nor did 1.06 tiles; 1.33 did.
constexpr double kMinTilesAcross = 1.25;
constexpr double kSmallFrameShortSide = 720;
constexpr double kMaxSmallFrameFactor = 1.5;
// The extra tiles are not bought with cells below this scale: towards 1 the mark's energy rises
// (320 x 240 tree clip: 39.3 dB at scale 1, 40.1 dB at 1.25).
constexpr double kMinSmallFrameScale = 1.25;

double min_tiles_across(int short_side) {
  return kMinTilesAcross * std::clamp(kSmallFrameShortSide / short_side, 1.0, kMaxSmallFrameFactor);
}

// Frames above 720p are marked at up to 0.82 times the strength. The fold gathers every chip from
// the whole frame, so the evidence a strength buys grows with the frame's area (in white noise,
// as the square root of it), and 1080p frames kept a wide margin at a bitrate cost: on the 1080p
// clips of bench/video_eval.py, 0.82 times 0.55 still decoded every analysed frame after x264
// CRF 35, downscaling to 480p and 720p at 2 Mbit/s (the pan 11 of 12 after CRF 35, 12 of 12 before)
// and took the pan's overhead when marked at CRF 35 from 18.5 to about 15 %. The factor is the
// square root of the short sides' ratio, not the full white-noise ratio: codec noise is not white.
constexpr double kLargeFrameStrength = 0.82;

double wrap_offset(double o) {
  o = std::fmod(o, double(tm1::kTile));
  return o < 0 ? o + tm1::kTile : o;
}

}  // namespace

double video_strength_factor(int width, int height) {
  const double short_side = std::max(1, std::min(width, height));
  return std::clamp(std::sqrt(kSmallFrameShortSide / short_side), kLargeFrameStrength, 1.0);
}

double video_tile_scale(int width, int height, double cell_scale) {
  // Small frames must still hold more than one tile: the fold needs every tile pixel covered.
  const int short_side = std::min(width, height);
  const double fits = std::max(short_side / (min_tiles_across(short_side) * tm1::kTile),
                               std::min(short_side / (kMinTilesAcross * tm1::kTile), kMinSmallFrameScale));
  // Above 720p the cells grow only slowly with the frame: codecs work in blocks of fixed pixel
  // size, and a frame must still hold more than a tile after a 50 % crop (1080p: 8.9 px cells,
  // measured better than 12 px on crops and CRF 35 alike).
  const double growth = std::pow(detail::tile_scale_for(width, height), 0.25);
  return std::max(1.0, std::min(cell_scale * growth, fits));
}

struct FrameMarker::Impl {
  Impl(const Key& key, const Payload& p, const VideoEmbedParams& vp)
      : key(key), km(key), embedder(key, vp.embed, vp.backend), payload(p), params(vp) {
    detail::require_valid_cell_scale(vp.cell_scale);
  }
  Key key;
  detail::KeyMaterial km;
  Embedder embedder;               // at the strength for the current frame size
  double strength_factor = 1.0;    // video_strength_factor the embedder was made with
  Payload payload;
  VideoEmbedParams params;
  detail::MotionEstimator motion;
  TileGeometry geometry;
  int width = 0, height = 0, frames = 0;
};

FrameMarker::FrameMarker(const Key& key, const Payload& payload, const VideoEmbedParams& params)
    : impl_(std::make_unique<Impl>(key, payload, params)) {}
FrameMarker::~FrameMarker() = default;
FrameMarker::FrameMarker(FrameMarker&&) noexcept = default;
FrameMarker& FrameMarker::operator=(FrameMarker&&) noexcept = default;
int FrameMarker::frames() const { return impl_->frames; }

FrameMarkReport FrameMarker::mark(const LumaPlane& luma) {
  detail::ScaledLuma plane(luma, "video frame");
  const FrameMarkReport report = mark_view(plane.view(), plane.view());
  plane.write_back();
  return report;
}

FrameMarkReport FrameMarker::mark(const ImageView& frame) {
  validate(frame, "video frame");
  if (frame.space == MemorySpace::Host) return mark_view(frame, frame);
  // The motion is measured on a host copy; the frame is marked where it is, on the GPU.
  const Image host = cuda_copy_to_host(frame);
  return mark_view(frame, host.view());
}

FrameMarkReport FrameMarker::mark_view(const ImageView& frame, const ImageView& view) {
  auto& s = *impl_;
  const double base = video_tile_scale(view.width, view.height, s.params.cell_scale);
  FrameMarkReport report;
  const bool first = s.frames == 0 || view.width != s.width || view.height != s.height;
  if (first) {
    int ox = 0, oy = 0;
    detail::content_offset(s.km, view, nullptr, ox, oy);
    s.geometry = {base, double(ox), double(oy)};
    s.width = view.width, s.height = view.height;
    if (const double factor = video_strength_factor(view.width, view.height); factor != s.strength_factor) {
      EmbedParams sized = s.params.embed;
      sized.strength *= factor;
      s.embedder = Embedder(s.key, sized, s.params.backend);
      s.strength_factor = factor;
    }
    report.reanchored = true;
  }
  if (s.params.follow_motion) {
    const auto m = s.motion.next(view, s.params.embed.threads);
    if (m && !first) {
      // The content point at X moves to s X + t; keep its tile coordinate X / g + o.
      report.motion_found = true;
      TileGeometry& g = s.geometry;
      const double scale = g.scale * m->scale;
      g.offset_x = wrap_offset(g.offset_x - m->tx / scale);
      g.offset_y = wrap_offset(g.offset_y - m->ty / scale);
      g.scale = scale;
      if (scale > base * kMaxZoomDrift || scale < base / kMaxZoomDrift) {
        // Back to the base size, keeping the tile coordinate of the frame's centre.
        const double cx = view.width / 2.0, cy = view.height / 2.0;
        g.offset_x = wrap_offset(cx / scale + g.offset_x - cx / base);
        g.offset_y = wrap_offset(cy / scale + g.offset_y - cy / base);
        g.scale = base;
        report.reanchored = true;
      }
    }
  }
  s.embedder.embed_at(frame, s.payload, s.geometry);
  report.geometry = s.geometry;
  ++s.frames;
  return report;
}

}  // namespace tidemark
