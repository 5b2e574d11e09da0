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
  // Axis-aligned pass: rotation fixed at 0 and the aspect searched densely over kAxisAspectMin..Max
  // in place of the rotation (crops, resizes and aspect changes keep the image axes). With one
  // degree of freedom fewer than a rotation search, far fewer hypotheses compete with a weak
  // template, so marks too faint for the full search are still found. `aspects` must be {1}.
  bool axis_aligned = false;
};
inline constexpr double kAxisAspectMin = 0.75, kAxisAspectMax = 1.333;

// Scale range searched (analysed pixels per tile pixel).
inline constexpr double kScaleMin = 0.42, kScaleMax = 2.8;

// Coarse stage geometry: pooling factor q, theta step (radians; also the log-scale step), grid
// size (nth thetas in [0, pi), nsc scales from kScaleMin), and the largest template frequency.
struct SearchGrid {
  int q = 1, nth = 0, nsc = 0;
  double dth = 0, fmax = 0;
};
SearchGrid search_grid(int W, int H, const std::vector<Vec2>& peaks, const SearchPass& pass);
// Coarse maxima carried to the fine stage: 12, and 48 on spectra of up to 0.6 MP (small images,
// crops, large images analysed at a coarse level). Why: after a rotation by 45 degrees with crop,
// a textured 0.45 MP painting (0.18 MP left) and a faint 16.8 MP render ranked the true geometry
// below the 12th coarse maximum for most tile offsets; with 48 both were found for every offset
// tried. The fine stage is per maximum, so on small spectra 36 more cost little; on 1080p (2 MP)
// it stays 12 (96 there cost 50 % of an unmarked detection).
inline constexpr int kCoarseKeep = 12;
inline constexpr int kCoarseKeepSmall = 48;
inline constexpr long kSmallSpectrumPixels = 600'000;
inline int coarse_keep(int width, int height) {
  return static_cast<long>(width) * height <= kSmallSpectrumPixels ? kCoarseKeepSmall : kCoarseKeep;
}
inline constexpr int kNmsRadius = 4;    // coarse maxima are maxima over +-4 thetas and scales
// Template peaks (mirrored: x negated).
std::vector<Vec2> oriented(const std::vector<Vec2>& peaks, bool mirrored);
// Per row of the grid (a theta; in an axis-aligned pass an aspect), the peaks rotated (or
// stretched) and divided by q (pooled bins at scale 1): rx, ry hold nth x peaks floats.
void rotated_peaks(const std::vector<Vec2>& f, const SearchGrid& g, const SearchPass& pass, int W, int H, double aspect,
                   std::vector<float>& rx, std::vector<float>& ry);
// The similarity a coarse grid cell (it, is) stands for, as the fine stage's starting point.
struct GridPoint {
  double theta, scale, aspect;
};
GridPoint grid_point(const SearchGrid& g, const SearchPass& pass, int it, int is, double aspect);
// Half-width (log) of the fine stage's aspect refinement; 0 when the pass does not search aspect.
double fine_aspect_half(const SearchGrid& g, const SearchPass& pass);
// 1 / scale of coarse scale row `is`.
float coarse_inverse_scale(const SearchGrid& g, int is);
// Map of the similarity (theta, scale, aspect, mirror).
Affine similarity(double theta, double scale, double aspect, bool mirrored);
// Locates each template peak near its predicted position in the whitened spectrum and fits
// f_obs = A f_can by weighted least squares. Keeps the hypothesis when too few peaks are found
// or the fit strays from it.
Affine refine_affine(const Plane& z, const std::vector<Vec2>& peaks, const Affine& start, int& used);
// The candidate of a fine-stage optimum: theta folded into [0, pi), affine refined on spec.z.
Candidate finish_candidate(const Spectrum& spec, const std::vector<Vec2>& peaks, double score, double theta,
                           double scale, double aspect, bool mirrored);

// Max over a (q+2) x (q+2 + 2 q spread) window around each pooled cell's centre: the map the
// coarse grid scores (search_grid gives q).
Plane max_pool(const Plane& log, int q, int spread);

// The pass.verify best candidates, best first. `pooled` is max_pool(s.log, q, pass.spread) with
// search_grid's q (passes with the same q and spread share one).
std::vector<Candidate> template_search(const Spectrum& s, const Plane& pooled, const std::vector<Vec2>& peaks,
                                       const SearchPass& pass, int threads);

}  // namespace tidemark::detail
