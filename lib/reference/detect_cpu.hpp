#pragma once
#include <complex>
#include <vector>

#include "../core/key_material.hpp"
#include "template_search.hpp"
#include "analysis.hpp"
#include "tidemark/detector.hpp"

namespace tidemark::detail {

// What a detector derives once from its key.
struct DetectKey {
  explicit DetectKey(const Key& key);
  KeyMaterial km;
  std::vector<Vec2> template_freqs;                  // cycles per tile pixel
  std::vector<std::complex<float>> sync_conj;        // conj FFT of the sync reference
};

// Levels of analysis: integer downscale factors, the first brings an unattacked image's tile
// scale into [1, 2); the second is tried when the first finds nothing (crops of large images).
std::vector<int> analysis_levels(int width, int height);
// Chance that an unmarked image scores z or more somewhere among `tests` positions.
double false_alarm_probability(double z, double tests);

// The blind detector's decisions over the stages `analysis` provides for a width x height image
// (at least one tile each way).
DetectResult detect_image(const DetectKey& dk, const DetectParams& params, int width, int height, LevelAnalysis& analysis);
// The result for an image smaller than one tile.
DetectResult too_small();
// detect_image over the CPU reference's stages.
DetectResult detect_cpu(const DetectKey& dk, const DetectParams& params, const ImageView& image);

}  // namespace tidemark::detail
