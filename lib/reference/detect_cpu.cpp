#include "detect_cpu.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

#include "analysis.hpp"
#include "embed_cpu.hpp"
#include "equaliser.hpp"

namespace tidemark::detail {
namespace {

constexpr int kMinSide = tm1::kTile;   // below one tile there is nothing to find
constexpr int kMinLevelSide = 256;     // a coarser level must keep at least this much
constexpr double kJpegBlock = 8.0;
constexpr double kCoarseScale = 1.6;
// Nearest-pixel fold z below which a candidate is dropped. Unmarked images reach 4 at their best
// position about half the time; at 4.5 far fewer pay for an exact fold, and marks that decode
// screen well above it (no change in the corpus robustness table).
constexpr double kScreenZ = 4.5;
constexpr double kRefineZ = 5.0;      // exact-fold z above which an undecoded candidate is polished
// Scale line search around an axis-aligned candidate at the coarser level: relative steps, and
// the nearest-fold z its best scale must reach to be verified. The spectrum of a crop locates
// the tile to about 1 %, the sync correlation needs about 0.4 % (z > 8 only within -0.4..+0.2 %
// of the true scale on a 25 % crop of a 16.8 MP render); six more folds, each a test, so the
// bar is above the screen's: unmarked images reach 5.5 in one fold of a hundred.
constexpr double kLineStep = 0.004;
constexpr int kLineSteps = 3;
constexpr int kCoarseAxisCandidates = 2;
constexpr double kLineZ = 6.0;

// Coordinate search over small changes of the geometry (x and y scale, rotation) that raise the
// sync z-score of the nearest-pixel fold; steps halve each round.
// `evaluations` counts the geometries tried (each is one more test for the false-alarm rate).
Affine refine_on_fold(LevelAnalysis& an, bool wide, const Affine& start, const DetectKey& dk, int& evaluations) {
  auto z_of = [&](const Affine& a) {
    ++evaluations;
    return sync_correlate(an.fold(wide, a, true).tile, dk.sync_conj, false).z;
  };
  // A' = R(e) diag(1 + sx, 1 + sy) A: perturbation on the observed side.
  auto perturbed = [&](double sx, double sy, double e) {
    const double c = std::cos(e), s = std::sin(e);
    const double p00 = c * (1 + sx), p01 = -s * (1 + sy), p10 = s * (1 + sx), p11 = c * (1 + sy);
    return Affine{p00 * start.a + p01 * start.c, p00 * start.b + p01 * start.d, p10 * start.a + p11 * start.c,
                  p10 * start.b + p11 * start.d};
  };
  double p[3] = {0, 0, 0}, best = z_of(start);
  for (double step = 0.004; step > 0.0006; step /= 2)
    for (int k = 0; k < 3; ++k)
      for (double dir : {1.0, -1.0}) {
        double q[3] = {p[0], p[1], p[2]};
        q[k] += dir * step;
        const double z = z_of(perturbed(q[0], q[1], q[2]));
        if (z > best) {
          best = z;
          std::copy(q, q + 3, p);
          break;
        }
      }
  return perturbed(p[0], p[1], p[2]);
}  // from here on the residual's high-pass is widened to sigma 2

// The candidate at scales (1 +- k kLineStep) x its own, k = 1..kLineSteps, rotation and aspect
// kept, and with `aspect_one`, when its aspect is not 1, at aspect 1 and k = 0..kLineSteps as
// well: the one whose nearest-pixel fold synchronises best, with that z. Why aspect 1: a crop keeps
// the aspect, and a faint template places the scale better than the aspect (a quarter of a 16 MP
// render: the true scale within 0.8 % but aspect 0.73; at aspect 1 the fold reached z 14).
std::pair<Candidate, double> scale_line_search(LevelAnalysis& an, const Candidate& c, const DetectKey& dk, int& tried,
                                               bool aspect_one) {
  std::pair<Candidate, double> best{c, -1e300};
  std::vector<double> aspects{c.aspect};
  if (aspect_one && c.aspect != 1.0) aspects.push_back(1.0);
  for (double aspect : aspects)
    for (int k = -kLineSteps; k <= kLineSteps; ++k) {
      if (k == 0 && aspect == c.aspect) continue;
      Candidate t = c;
      t.scale = c.scale * (1 + kLineStep * k);
      t.aspect = aspect;
      t.fit = similarity(c.theta, t.scale, aspect, c.mirrored);
      ++tried;
      const double z = sync_correlate(an.fold(false, t.fit, true).tile, dk.sync_conj, false).z;
      if (z > best.second) best = {t, z};
    }
  return best;
}

std::vector<double> aspect_grid() {
  std::vector<double> a;
  // 0.75 .. 1.33 in equal log steps, without 1 (the first pass covers it).
  for (double v : {0.75, 0.866, 1.155, 1.333}) a.push_back(v);
  return a;
}

void describe(DetectResult& r, const Candidate& c, int level) {
  const double sx = std::hypot(c.fit.a, c.fit.c), sy = std::hypot(c.fit.b, c.fit.d);
  r.scale = level / std::sqrt(std::abs(c.fit.a * c.fit.d - c.fit.b * c.fit.c));  // image px per tile px
  r.aspect = sx / sy;
  r.rotation_deg = c.theta * 180.0 / std::numbers::pi;
  r.mirrored = c.mirrored;
}

}  // namespace

DetectKey::DetectKey(const Key& key) : km(key), sync_conj(sync_reference_spectrum(km)) {
  for (const auto& p : km.template_peaks()) template_freqs.push_back({double(p.kx) / tm1::kTile, double(p.ky) / tm1::kTile});
}

std::vector<int> analysis_levels(int width, int height) {
  const int side = std::min(width, height);
  const int d1 = std::max(1, static_cast<int>(side / tm1::kScaleReference));
  std::vector<int> levels{d1};
  if (side / (2 * d1) >= kMinLevelSide) levels.push_back(2 * d1);
  return levels;
}

double false_alarm_probability(double z, double tests) {
  const double tail = 0.5 * std::erfc(z / std::numbers::sqrt2);
  return std::min(1.0, tests * tail);
}

DetectResult detect_cpu(const DetectKey& dk, const DetectParams& params, const ImageView& image) {
  if (image.width < kMinSide || image.height < kMinSide) return too_small();
  CpuAnalysis analysis(image, params.threads);
  return detect_image(dk, params, image.width, image.height, analysis);
}

DetectResult too_small() {
  DetectResult r;
  r.verdict = Verdict::TooSmall;
  return r;
}

DetectResult detect_image(const DetectKey& dk, const DetectParams& params, int width, int height, LevelAnalysis& an) {
  DetectResult best;
  // A coarser grid or fewer candidates for the aspect pass measured worse on aspect attacks
  // (0.8: 91 % -> 66 % of images >= 0.5 MP) for a few per cent of speed.
  std::vector<SearchPass> passes{SearchPass{{1.0}, params.mirror, 0, 384, params.candidates}};
  // Crops, resizes and aspect changes keep the axes: a search over scale and aspect at rotation 0
  // finds the faint marks (large images whose flat areas carry little) that the full search
  // loses among the image's own periodic structure. Unmirrored: it verifies one candidate, and
  // mirrored hypotheses outranked the true one on a faint crop (flips are the first pass's).
  passes.push_back(SearchPass{{1.0}, false, 0, 384, 1, true});
  // The coarser level repeats only these two passes: it is there for crops of large images.
  const std::size_t coarse_level_passes = passes.size();
  // The aspect pass looks for unmirrored marks only: a flip combined with an aspect change is rare,
  // and the mirrored variants doubled the pass.
  if (params.aspect_pass) passes.push_back(SearchPass{aspect_grid(), false, 3, 384, params.candidates});

  best.z = -1e300;
  int tried = 0, extra_tests = 0;
  int payload_crc_tests = 1;  // list paths checked before the reported payload's CRC matched
  const auto levels = analysis_levels(width, height);
  // Demodulates the flattened tile at the integer alignment by per-cell sums, then through the
  // equaliser fitted to the sync chips (blurred, resampled or heavily compressed marks); then the
  // same two on the tile as folded (flattening also lifts bands the chips have left: a flat logo
  // after JPEG 50 decoded only from the folded tile); when all fail and the correlation peak says
  // the tile sits between tile pixels (video marks follow motion by fractions of one), the
  // flattened tile at the sub-pixel alignment. Each try after the first is one more CRC test.
  auto demodulate_at = [&](const SyncResult& s) {
    // Below the payload's z a decode cannot be reported: the most likely path alone is enough
    // for the soft bits and the bits shown.
    const int paths = s.z > kPayloadZ ? kListPaths : 1;
    const Demodulated first = demodulate(dk.km, s.aligned, paths);
    if (first.crc_ok) return first;
    auto another = [&](Demodulated d) {
      ++extra_tests;
      return d;
    };
    if (Demodulated d = another(demodulate_equalised(dk.km, s.aligned, paths)); d.crc_ok) return d;
    if (Demodulated d = another(demodulate(dk.km, s.aligned_plain, paths)); d.crc_ok) return d;
    if (Demodulated d = another(demodulate_equalised(dk.km, s.aligned_plain, paths)); d.crc_ok) return d;
    if (std::abs(s.fx) < 0.2 && std::abs(s.fy) < 0.2) return first;
    Demodulated d = another(demodulate(dk.km, shift_tile(s.oriented, s.dx + s.fx, s.dy + s.fy), paths));
    return d.crc_ok ? d : first;
  };
  // Folds, syncs and decodes one geometry hypothesis; true when it yields a payload.
  auto verify = [&](const Candidate& c, int level) {
    ++tried;
    // Screen with the cheap nearest-pixel fold of the sigma-1 residual; only a promising candidate
    // gets the exact fold (and, when drawn large, the wider residual, made on first need).
    const SyncResult screen = sync_correlate(an.fold(false, c.fit, true).tile, dk.sync_conj, false);
    if (screen.z < kScreenZ) {
      if (screen.z > best.z) {
        best.z = screen.z;
        describe(best, c, level);
      }
      return false;
    }
    const bool large = c.scale >= kCoarseScale;
    SyncResult sync = sync_correlate(an.fold(large, c.fit, false).tile, dk.sync_conj);
    Demodulated dem = demodulate_at(sync);
    if (!dem.crc_ok && sync.z > kRefineZ) {
      // Synchronised but not decoded: the geometry is close but not exact (on large images
      // analysed at a coarse level the spectrum cannot locate it finely). Polish it on the fold.
      Candidate polished = c;
      polished.fit = refine_on_fold(an, large, c.fit, dk, extra_tests);
      const SyncResult s2 = sync_correlate(an.fold(large, polished.fit, false).tile, dk.sync_conj);
      const Demodulated d2 = demodulate_at(s2);
      // Only a polished geometry that decodes replaces the candidate: its z is the best of up to
      // 19 nearby geometries, which on unmarked images runs high (a crop of a JPEG photo at the
      // embedder's geometry: 6.2 before polishing, 7.0 after).
      if (d2.crc_ok) sync = s2, dem = d2;
      if (!dem.crc_ok && !large) {
        // Blurred or heavily recompressed images keep their chips only at lower frequencies:
        // demodulate the wider high-pass as well.
        const SyncResult s3 = sync_correlate(an.fold(true, polished.fit, false).tile, dk.sync_conj);
        const Demodulated d3 = demodulate_at(s3);
        ++extra_tests;
        if (d3.crc_ok && s3.z > kPayloadZ) sync = s3, dem = d3;
      }
    }
    const bool payload_ok = dem.crc_ok && sync.z > kPayloadZ;
    if (payload_ok || sync.z > best.z) {
      best.z = sync.z;
      best.decoded_bits = Payload{dem.user_bits};
      best.soft_bits = std::move(dem.soft);
      describe(best, c, level);
      if (payload_ok) best.payload = Payload{dem.user_bits}, payload_crc_tests = dem.crc_tests;
    }
    return payload_ok;
  };
  bool found = false;
  for (int level : levels) {
    an.set_level(level);
    if (level == levels.front()) {
      // Fast path: the geometry the embedder used on an image of this size (no resize, rotation
      // or crop; re-encoding and colour edits are fine). One fold instead of a spectrum search.
      std::vector<double> direct_scales{detail::tile_scale_for(width, height)};
      direct_scales.insert(direct_scales.begin(), params.expected_scales.begin(), params.expected_scales.end());
      for (double s : direct_scales) {
        Candidate direct;
        direct.scale = s / level;
        direct.fit = Affine{1.0 / direct.scale, 0.0, 0.0, 1.0 / direct.scale};
        if ((found = verify(direct, level))) break;
      }
      if (found) break;
    }
    const std::size_t npasses = level == levels.front() ? passes.size() : coarse_level_passes;
    for (std::size_t pi = 0; pi < npasses && !found; ++pi) {
      SearchPass pass = passes[pi];
      // On images analysed at a downscale already (short side >= 1440: large renders and their
      // crops, whose flat areas leave a faint template), the coarser level's axis-aligned pass
      // verifies two candidates, each with its scale line at aspect 1 too: the faint template of
      // a quarter of a 16 MP render ranked the true scale second. Not below: on 1080p those folds
      // cost 20 % of an unmarked image's detection.
      const bool faint_crop_search = pass.axis_aligned && level != levels.front() && levels.front() > 1;
      if (faint_crop_search) pass.verify = kCoarseAxisCandidates;
      for (const Candidate& c : an.search(kJpegBlock / level, dk.template_freqs, pass)) {
        if ((found = verify(c, level))) break;
        // The coarser level analyses crops of large images, where the spectrum places the
        // axis-aligned candidate too coarsely for the fold: try nearby scales.
        if (pass.axis_aligned && (level != levels.front() || params.fine_scale_search)) {
          const auto [nearby, z] = scale_line_search(an, c, dk, tried, faint_crop_search);
          if (z >= kLineZ && (found = verify(nearby, level))) break;
        }
      }
    }
    if (found) break;
  }
  best.candidates_tried = tried;
  const double tests = 2.0 * tm1::kTile * tm1::kTile * std::max(tried + extra_tests, 1);
  best.p_value = false_alarm_probability(best.z, tests);
  // The CRC must match as well, on one of the paths the list decoder checked.
  if (best.payload) best.p_value *= std::ldexp(1.0, -tm1::kCrcBits) * payload_crc_tests;
  best.detected = best.payload.has_value() || best.z > kPresentZ;
  best.verdict = best.detected ? Verdict::Detected : (best.z > kLikelyZ ? Verdict::Likely : Verdict::NotDetected);
  return best;
}

}  // namespace tidemark::detail
