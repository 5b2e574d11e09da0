#include <algorithm>
#include <cmath>
#include <string>

#include "../backend_select.hpp"
#include "../core/ecc.hpp"
#include "../reference/filters.hpp"
#include "cell_scale.hpp"
#include "luma_plane.hpp"
#include "tidemark/error.hpp"
#include "tidemark/video.hpp"

namespace tidemark {
namespace {

// Frames are analysed reduced to a short side of about this many pixels: the video tile, which
// grows with the frame, then appears at 1.3-2.3 analysed pixels per tile pixel whatever the
// clip's resolution (and after downscaling or cropping it), inside the detector's search range,
// and the analysis costs the same for 480p and 4K.
constexpr double kAnalysisShortSide = 300.0;

// Short sides of common video sizes (240p ... 4K).
constexpr int kStandardShortSides[] = {240, 360, 480, 540, 720, 1080, 1440, 2160};

using FrameIndex = std::vector<std::size_t>;

// A stretch of analysed frames and what it carries.
struct Run {
  std::optional<Payload> payload;
  FrameIndex frames;
  bool combined = false;
};

}  // namespace

struct VideoDetector::Impl {
  Impl(const Key& k, const DetectParams& p, const VideoEmbedParams& v, Backend b)
      : key(k), params(p), profile(v), backend(resolve_backend(b)) {}
  Key key;
  DetectParams params;
  VideoEmbedParams profile;
  Backend backend;
  int detector_width = 0, detector_height = 0;
  std::optional<Detector> detector;
  std::vector<FrameDetection> frames;

  // The frame reduced by an integer factor, in the core's 16-bit convention (sub-level precision
  // of the averaging is kept).
  Image reduce(const ImageView& view, int factor) const {
    const detail::Plane y = detail::downsampled_luminance(view, factor, params.threads);
    Image out(y.width, y.height, 1, SampleType::U16);
    auto* px = reinterpret_cast<std::uint16_t*>(out.bytes().data());
    for (std::size_t i = 0; i < y.px.size(); ++i)
      px[i] = static_cast<std::uint16_t>(std::clamp(y.px[i] * 257.0f + 0.5f, 0.0f, 65535.0f));
    return out;
  }
};

VideoDetector::VideoDetector(const Key& key, const DetectParams& params, const VideoEmbedParams& profile,
                             Backend backend)
    : impl_(std::make_unique<Impl>(key, params, profile, backend)) {
  detail::require_valid_cell_scale(profile.cell_scale);
}
VideoDetector::~VideoDetector() = default;
VideoDetector::VideoDetector(VideoDetector&&) noexcept = default;
VideoDetector& VideoDetector::operator=(VideoDetector&&) noexcept = default;

const FrameDetection& VideoDetector::add_frame(const LumaPlane& luma, double time) {
  detail::ScaledLuma plane(luma, "video frame");
  return add_frame(plane.view(), time);
}

const FrameDetection& VideoDetector::add_frame(const ImageView& view, double time) {
  auto& s = *impl_;
  validate(view, "video frame");
  if (view.space != MemorySpace::Host)
    throw Error(Status::Unsupported, "video frame: device-resident video frames are not supported yet");
  const double scale = video_tile_scale(view.width, view.height, s.profile.cell_scale);
  const int factor = std::max(1, static_cast<int>(std::lround(std::min(view.width, view.height) / kAnalysisShortSide)));
  const Image reduced = s.reduce(view, factor);
  if (!s.detector || s.detector_width != view.width || s.detector_height != view.height) {
    DetectParams p = s.params;
    p.fine_scale_search = true;
    p.expected_scales = {scale / factor};
    // Clips are often resized between standard sizes: the tile drawn for the source size, scaled
    // with the picture, is tried directly too (a frame holding few tiles is hard to search).
    const int short_side = std::min(view.width, view.height);
    for (int source : kStandardShortSides) {
      if (source == short_side) continue;
      const double ratio = double(short_side) / source;
      const int sw = static_cast<int>(std::lround(view.width / ratio)), sh = static_cast<int>(std::lround(view.height / ratio));
      const double s_here = video_tile_scale(sw, sh, s.profile.cell_scale) * ratio / factor;
      if (s_here >= 0.5 && s_here <= 4.0) p.expected_scales.push_back(s_here);
    }
    // A crop keeps the source's tile as it was drawn: sources up to twice the frame's short side
    // (a crop to a quarter of the area) are tried at their own tile scale. The spectrum search
    // places a cropped tile's scale to about 1.5 %, and 1.5 % off the fold loses half its z
    // (a 50 % crop of a hand-held 1080p clip: z 6 against 14 at the exact scale).
    for (int source : kStandardShortSides) {
      if (source <= short_side || source > 2 * short_side) continue;
      const double s_crop = video_tile_scale(source * 16 / 9, source, s.profile.cell_scale) / factor;
      const bool known = std::any_of(p.expected_scales.begin(), p.expected_scales.end(),
                                     [&](double e) { return std::abs(e / s_crop - 1) < 0.002; });
      if (!known) p.expected_scales.push_back(s_crop);
    }
    s.detector.emplace(s.key, p, s.backend);
    s.detector_width = view.width, s.detector_height = view.height;
  }
  FrameDetection fd{time, s.detector->detect(reduced.view())};
  s.frames.push_back(std::move(fd));
  return s.frames.back();
}

namespace {

// Sync z-scores of unmarked frames reach about this (the maximum over every position searched):
// a frame's soft bits count in proportion to how far its sync rises above it.
constexpr double kNoiseZ = 4.0;

// Sums the soft bits of a run's frames, weighted by their sync evidence, and decodes them.
std::optional<Payload> decode_combined(const std::vector<FrameDetection>& frames, const FrameIndex& idx) {
  std::vector<float> sum(tm1::kCodedBits, 0.0f);
  int used = 0;
  for (std::size_t i : idx) {
    const auto& soft = frames[i].result.soft_bits;
    const double weight = frames[i].result.z - kNoiseZ;
    if (soft.size() != sum.size() || weight <= 0) continue;
    for (std::size_t k = 0; k < sum.size(); ++k) sum[k] += static_cast<float>(weight) * soft[k];
    ++used;
  }
  if (used < 2) return std::nullopt;  // one frame was already decoded on its own
  return decode_soft_bits(sum);
}

}  // namespace

VideoDetectReport VideoDetector::finish() const {
  const auto& frames = impl_->frames;
  VideoDetectReport report;
  report.frames = frames;
  report.frames_analysed = static_cast<int>(frames.size());
  if (frames.empty()) return report;

  // 1. Runs of frames with the same individual outcome (payload X, or nothing).
  std::vector<Run> runs;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const auto& p = frames[i].result.payload;
    report.frames_decoded += p.has_value();
    if (runs.empty() || runs.back().payload != p) runs.push_back({p, {}});
    runs.back().frames.push_back(i);
  }
  // 2. A gap of undecoded frames between two stretches of the same payload belongs to them (frames
  //    too damaged to decode alone, not a splice).
  for (std::size_t r = 1; r + 1 < runs.size(); ++r)
    if (!runs[r].payload && runs[r - 1].payload && runs[r - 1].payload == runs[r + 1].payload)
      runs[r].payload = runs[r - 1].payload;
  // 3. Remaining undecoded stretches: sum their soft bits and try again.
  int combined_tests = 0;
  for (auto& run : runs)
    if (!run.payload && run.frames.size() >= 2) {
      ++combined_tests;
      if ((run.payload = decode_combined(frames, run.frames))) run.combined = true;
    }
  // 4. Merge neighbours that now agree, and describe the segments.
  std::vector<Run> merged;
  for (auto& run : runs) {
    if (!merged.empty() && merged.back().payload == run.payload) {
      auto& m = merged.back();
      m.frames.insert(m.frames.end(), run.frames.begin(), run.frames.end());
      m.combined = m.combined && run.combined;
    } else {
      merged.push_back(std::move(run));
    }
  }
  const double n_frames = static_cast<double>(frames.size());
  const VideoSegment* longest = nullptr;
  for (const auto& run : merged) {
    VideoSegment seg;
    seg.start = frames[run.frames.front()].time;
    seg.end = frames[run.frames.back()].time;
    seg.payload = run.payload;
    seg.frames = static_cast<int>(run.frames.size());
    double best_p = 1.0;
    seg.best_z = -1e300;
    for (std::size_t i : run.frames) {
      const auto& r = frames[i].result;
      seg.best_z = std::max(seg.best_z, r.z);
      if (run.payload && r.payload == run.payload) {
        ++seg.frames_decoded;
        best_p = std::min(best_p, r.p_value);
      }
    }
    if (seg.frames_decoded > 0) {
      // Any of the analysed frames could have produced the best one by chance.
      seg.p_value = std::min(1.0, best_p * n_frames);
    } else if (run.payload) {
      // Only the CRC-24 vouches for a combined decode, once per stretch tried and list path
      // checked (at most kListPaths each).
      seg.combined = true;
      seg.p_value = std::min(1.0, std::ldexp(1.0, -tm1::kCrcBits) * detail::kListPaths * std::max(combined_tests, 1));
    }
    report.segments.push_back(seg);
  }
  for (const auto& seg : report.segments)
    if (seg.payload && (!longest || seg.end - seg.start + seg.frames > longest->end - longest->start + longest->frames))
      longest = &seg;
  double best_present_p = 1.0;
  for (const auto& f : frames)
    if (f.result.detected) {
      ++report.frames_present;
      best_present_p = std::min(best_present_p, f.result.p_value);
    }
  if (longest) {
    report.detected = true;
    report.payload = longest->payload;
    report.p_value = longest->p_value;
  } else if (report.frames_present > 0) {
    // Zero-bit: the mark is there but no payload could be read.
    report.detected = true;
    report.p_value = std::min(1.0, best_present_p * n_frames);
  }
  return report;
}

}  // namespace tidemark
