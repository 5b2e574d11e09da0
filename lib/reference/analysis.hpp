#pragma once
// The per-pixel stages of detection over one image: luminance at an analysis level, noise
// residuals, folds and the whitened spectrum. The decisions built on them (detect_image) are shared
// by the CPU reference and the CUDA backend, which implement this interface each on their own
// memory; the two differ only in floating-point summation order.
#include <optional>
#include <vector>

#include "fold.hpp"
#include "spectrum.hpp"
#include "template_search.hpp"
#include "tidemark/image_view.hpp"

namespace tidemark::detail {

class LevelAnalysis {
 public:
  virtual ~LevelAnalysis() = default;
  // Luminance box-downsampled by `level` (an integer factor), and its sigma-1 residual.
  virtual void set_level(int level) = 0;
  // Fold of the current level's residual: sigma 1, or sigma 2 when `wide` (made on first need,
  // for marks drawn at two or more pixels per tile pixel and for blurred images).
  virtual Folded fold(bool wide, const Affine& a, bool nearest) = 0;
  // Whitened spectrum of the current level's sigma-1 residual.
  virtual Spectrum spectrum(double grid_period) = 0;
  // Template search on that spectrum (made once per level): the pass.verify best candidates.
  virtual std::vector<Candidate> search(double grid_period, const std::vector<Vec2>& peaks, const SearchPass& pass) = 0;
};

// The CPU reference: planes in host memory, all stages multi-threaded.
class CpuAnalysis final : public LevelAnalysis {
 public:
  CpuAnalysis(const ImageView& image, int threads);
  void set_level(int level) override;
  Folded fold(bool wide, const Affine& a, bool nearest) override;
  Spectrum spectrum(double grid_period) override;
  std::vector<Candidate> search(double grid_period, const std::vector<Vec2>& peaks, const SearchPass& pass) override;

 private:
  int threads_;
  Plane y_, level_y_, residual_, wide_residual_;
  std::optional<Spectrum> spectrum_;  // of the current level, for grid_period_
  double grid_period_ = 0;
  // Pooled maps of that spectrum made so far, by (q, spread): passes that share one pool once.
  struct Pooled {
    int q, spread;
    Plane map;
  };
  std::vector<Pooled> pooled_;
};

}  // namespace tidemark::detail
