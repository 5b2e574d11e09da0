#pragma once
// Geometric synchronisation: find the rotation, scale, aspect (and mirror) under which the key's
// Fourier template peaks appear in a whitened spectrum, then fit a 2x2 affine map to the peaks.
#include <array>
#include <vector>

#include "spectrum.hpp"

namespace tidemark::detail {

struct Vec2 {
  double x, y;
};

// Linear map from canonical frequencies (cycles per tile pixel) to observed frequencies
// (cycles per analysed pixel): f_obs = A f_can. Row-major {a, b; c, d}.
struct Affine {
  double a = 1, b = 0, c = 0, d = 1;
  Vec2 apply(Vec2 v) const { return {a * v.x + b * v.y, c * v.x + d * v.y}; }
};

struct Candidate {
  double score = 0;       // mean log-spectrum at the predicted peaks (fine stage)
  double theta = 0;       // radians, [0, pi)
  double scale = 1;       // analysed pixels per tile pixel
  double aspect = 1;      // y scale / x scale of the attack
  bool mirrored = false;  // horizontal flip
  Affine fit;             // refined map, mirror included
  int peaks_used = 0;
};

struct SearchPass {
  std::vector<double> aspects{1.0};
  bool mirror = true;
  int spread = 0;  // extra +-bins of vertical dilation so a coarse aspect grid still hits peaks
  int coarse_bins = 384;  // size of the max-pooled map the coarse grid runs on
  int verify = 3;         // candidates carried to fold and sync
};

// Scale range searched (analysed pixels per tile pixel).
inline constexpr double kScaleMin = 0.42, kScaleMax = 2.8;

// The pass.verify best candidates, best first.
std::vector<Candidate> template_search(const Spectrum& s, const std::vector<Vec2>& peaks,
                                       const SearchPass& pass, int threads);

}  // namespace tidemark::detail
