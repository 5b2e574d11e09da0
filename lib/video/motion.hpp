#pragma once
// Global motion between consecutive video frames: a zoom about some point plus a translation,
// X' = s X + t in continuous pixel coordinates (pixel x covers [x, x + 1)). The video profile
// moves its tile with this motion so that the mark sticks to the picture: a mark fixed to the
// frame on moving content is exactly what motion-compensated codecs do not preserve.
#include <complex>
#include <optional>
#include <vector>

#include "../reference/plane.hpp"
#include "tidemark/image_view.hpp"

namespace tidemark::detail {

struct GlobalMotion {
  double scale = 1.0;
  double tx = 0.0, ty = 0.0;
  int blocks_used = 0;  // blocks that agreed on the fit
};

// Phase correlation of a grid of blocks on a reduced copy of the luma plane, then a weighted least
// squares fit of (s, t) with one round of outlier rejection, then a few Gauss-Newton steps that
// align the whole reduced planes (the blocks' peaks are good to a few tenths of a pixel; the mark
// must stay on the content to a small fraction of one). Empty when too few blocks match (scene
// cut, fade, flat frame): the caller keeps its geometry.
class MotionEstimator {
 public:
  // Remembers the spectra of the frame's blocks and returns the motion from the previous frame
  // given to it; empty on the first frame or when the frame size changes.
  std::optional<GlobalMotion> next(const ImageView& frame, int threads);

 private:
  // The previous frame's windowed block spectra, in block order: each frame's are computed once
  // and correlated against the next frame's.
  std::vector<std::vector<std::complex<float>>> previous_spectra_;
  Plane previous_plane_;  // the previous frame's reduced luma, smoothed for the alignment
  int full_width_ = 0, full_height_ = 0;
};

}  // namespace tidemark::detail
