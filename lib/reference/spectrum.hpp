#pragma once
// Detector front end: the normalised noise residual and its whitened magnitude spectrum.
#include <vector>

#include "plane.hpp"

namespace tidemark::detail {

// r = Y - G_sigma(Y), divided by the local residual RMS (+ 0.5) over a ~9 x 9 window (two box
// passes), clipped to +-3. sigma is 1 or 2: 2 for marks drawn at two or more pixels per tile pixel.
Plane normalised_residual(const Plane& y, float sigma, int threads);

struct Spectrum {
  Plane z;    // whitened magnitude (local-RMS normalised), centred: DC at (width/2, height/2)
  Plane log;  // log1p(min(z, clip)): what the template search scores
};

inline constexpr int kWhitenRadius = 15;  // background: 31 x 31 bins, several tile-lattice points
inline constexpr double kLowCut = 0.03;   // cycles/px: below this the host image dominates

// Hann window taps for n samples.
std::vector<float> hann_window(int n);
// Columns and rows of a centred W x H spectrum on the JPEG block grid's harmonics (and their
// neighbours): whitened magnitudes there are capped at 1.
struct GridLines {
  std::vector<unsigned char> columns, rows;
};
GridLines jpeg_grid_lines(double grid_period, int W, int H);

// `grid_period`: the JPEG block period in these pixels (8 / level factor); its harmonics are
// suppressed, as are DC and the lowest frequencies.
Spectrum whitened_spectrum(const Plane& residual, double grid_period, int threads);

}  // namespace tidemark::detail
