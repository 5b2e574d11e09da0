#include "analysis.hpp"

#include <algorithm>

#include "filters.hpp"

namespace tidemark::detail {

CpuAnalysis::CpuAnalysis(const ImageView& image, int threads) : threads_(threads), y_(luminance(image, threads)) {}

void CpuAnalysis::set_level(int level) {
  level_y_ = box_downsample(y_, level, threads_);
  residual_ = normalised_residual(level_y_, 1.0f, threads_);
  wide_residual_ = Plane();
  spectrum_.reset();
  pooled_.clear();
}

Folded CpuAnalysis::fold(bool wide, const Affine& a, bool nearest) {
  if (wide && wide_residual_.px.empty()) wide_residual_ = normalised_residual(level_y_, 2.0f, threads_);
  return canonical_fold(wide ? wide_residual_ : residual_, a, threads_, nearest);
}

Spectrum CpuAnalysis::spectrum(double grid_period) { return whitened_spectrum(residual_, grid_period, threads_); }

std::vector<Candidate> CpuAnalysis::search(double grid_period, const std::vector<Vec2>& peaks, const SearchPass& pass) {
  if (!spectrum_ || grid_period != grid_period_) {
    spectrum_ = whitened_spectrum(residual_, grid_period, threads_);
    grid_period_ = grid_period;
    pooled_.clear();
  }
  const int q = search_grid(spectrum_->log.width, spectrum_->log.height, peaks, pass).q;
  auto it = std::find_if(pooled_.begin(), pooled_.end(), [&](const Pooled& p) { return p.q == q && p.spread == pass.spread; });
  if (it == pooled_.end()) it = pooled_.insert(pooled_.end(), Pooled{q, pass.spread, max_pool(spectrum_->log, q, pass.spread)});
  return template_search(*spectrum_, it->map, peaks, pass, threads_);
}

}  // namespace tidemark::detail
