#include "analysis.hpp"

#include "filters.hpp"

namespace tidemark::detail {

CpuAnalysis::CpuAnalysis(const ImageView& image, int threads) : threads_(threads), y_(luminance(image, threads)) {}

void CpuAnalysis::set_level(int level) {
  level_y_ = box_downsample(y_, level, threads_);
  residual_ = normalised_residual(level_y_, 1.0f, threads_);
  wide_residual_ = Plane();
}

Folded CpuAnalysis::fold(bool wide, const Affine& a, bool nearest) {
  if (wide && wide_residual_.px.empty()) wide_residual_ = normalised_residual(level_y_, 2.0f, threads_);
  return canonical_fold(wide ? wide_residual_ : residual_, a, threads_, nearest);
}

Spectrum CpuAnalysis::spectrum(double grid_period) { return whitened_spectrum(residual_, grid_period, threads_); }

}  // namespace tidemark::detail
