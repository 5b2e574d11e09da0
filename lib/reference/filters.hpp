#pragma once
// Separable filters on float planes, multi-threaded by rows. Borders reflect (the edge pixel is
// not repeated), like OpenCV's default, which the prototype used.
#include <vector>

#include "plane.hpp"
#include "tidemark/image_view.hpp"

namespace tidemark::detail {

// Normalised Gaussian taps, radius ceil(3 sigma); the CUDA kernels use the same taps.
std::vector<float> gaussian_kernel(float sigma, int& radius);
Plane gaussian_blur(const Plane& in, float sigma, int threads);
// Minimum over a (2r+1) x (2r+1) window (morphological erosion), window clipped at the borders.
Plane erode(const Plane& in, int radius, int threads);
// `passes` rounds of a (2r+1) x (2r+1) mean with reflected borders (two rounds approximate a
// Gaussian of sigma ~ r * 0.8 at a cost independent of r).
Plane box_blur(const Plane& in, int radius, int passes, int threads);
// Mean over a (2r+1) x (2r+1) window with wrap-around (for periodic spectra).
Plane box_mean_wrap(const Plane& in, int radius, int threads);
// Mean of each factor x factor block (anti-aliased integer downscale); drops partial blocks.
Plane box_downsample(const Plane& in, int factor, int threads);
// BT.601 luminance in 8-bit grey levels (16-bit samples are divided by 257).
Plane luminance(const ImageView& image, int threads);
// box_downsample(luminance(image), factor), with the same sums in the same order, without the
// full-resolution plane (video frames reduced for motion estimation and detection).
Plane downsampled_luminance(const ImageView& image, int factor, int threads);
// The texture mask's first stage at half resolution ((w + 1) / 2 x (h + 1) / 2): over each 2 x 2
// block, the mean of (Y - G1(Y))^2 of the image's luminance Y. Computed in strips of rows that
// stay in cache: neither Y nor G1(Y) exists as a whole plane; the sums are those of luminance,
// gaussian_blur and shared::block_energy, term for term.
Plane highpass_block_energy(const ImageView& image, int threads);

}  // namespace tidemark::detail
