#pragma once
// From a located geometry to bits: warp into tile coordinates and fold modulo the tile, find the
// translation by correlating with the sync chips, demodulate and decode.
#include <complex>
#include <cstdint>
#include <vector>

#include "../core/key_material.hpp"
#include "plane.hpp"
#include "template_search.hpp"

namespace tidemark::detail {

// Conjugate spectrum of the sync reference, computed once per key.
std::vector<std::complex<float>> sync_reference_spectrum(const KeyMaterial& km);

struct Folded {
  Plane tile;          // kTile x kTile mean residual
  double coverage = 0; // mean number of samples per tile pixel
};
// Folds a normalised residual modulo the tile: each pixel x lands at tile position A^T x (mod
// kTile), split bilinearly between the four nearest tile pixels. Per-thread sums are added in a
// fixed order, so the result does not depend on the thread count.
// `nearest`: each pixel goes whole to its nearest tile pixel instead: about three times cheaper,
// slightly blurred, used to screen candidates before the exact fold.
Folded canonical_fold(const Plane& residual, const Affine& a, int threads, bool nearest = false);

struct SyncResult {
  double z = 0;
  int dx = 0, dy = 0;
  bool rotated180 = false;
  Plane aligned;        // flattened tile shifted (and rotated) so that sync chips sit at their home cells
  Plane aligned_plain;  // the same for the folded tile as it came
  // Sub-pixel part of the translation (parabolic fit of the correlation peak), and the flattened
  // tile after the rotation only: video marks move by fractions of a tile pixel.
  double fx = 0, fy = 0;
  Plane oriented;
};
// The folded tile shifted by (sx, sy) tile pixels with bilinear interpolation and wrap-around.
Plane shift_tile(const Plane& tile, double sx, double sy);
// Correlates the folded tile, its spectrum flattened (each bin over the RMS of its neighbours),
// with the sync chips in both orientations. `with_tiles`: also fill `aligned` and `oriented` with
// the flattened tile (one more inverse FFT; screening needs only the z-score), `aligned_plain`
// with the folded one.
SyncResult sync_correlate(const Plane& folded, const std::vector<std::complex<float>>& sync_conj, bool with_tiles = true);

struct Demodulated {
  std::uint64_t user_bits = 0;
  bool crc_ok = false;
  int crc_tests = 1;        // decoder paths whose CRC was checked (ecc.hpp)
  std::vector<float> soft;  // unit-RMS soft coded bits (> 0: bit 1), for combining frames
};
// Per-cell sums of the aligned tile times the chips' signs, gathered per coded bit, decoded with
// up to `list_paths` decoder paths checked against the CRC (ecc.hpp).
Demodulated demodulate(const KeyMaterial& km, const Plane& aligned, int list_paths = kListPaths);
// Normalises soft coded bits (282, > 0: bit 1) to unit RMS; list Viterbi decoding and the CRC.
Demodulated decode_soft(std::vector<float> soft, int list_paths = kListPaths);

}  // namespace tidemark::detail
