#pragma once
// Watermarks other tools put into generated images, read so that `verify` can report them as
// AI-generation traces. Today: the invisible-watermark "dwtDct" mark that the reference code of
// Stable Diffusion 1.x/2.x, SDXL and FLUX.1 adds (see shared/dwtdct.hpp for the algorithm).
// That mark is fragile: its absence proves little (docs/FOREIGN_MARKS.md has the numbers).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tidemark/image_view.hpp"
#include "tidemark/params.hpp"

namespace tidemark {

struct KnownDwtDctMark {
  std::string name;         // e.g. "stable-diffusion dwtDct (SDXL payload)"
  std::string source;       // where the payload is defined
  std::vector<std::uint8_t> bits;  // message bits, in embedding order
};
const std::vector<KnownDwtDctMark>& known_dwtdct_marks();

// The package's decoder output for an L-bit message: bits and the mean vote behind each.
struct DwtDctBits {
  std::vector<std::uint8_t> bits;
  std::vector<double> mean_votes;
};

// Votes of every 4 x 4 block of the U plane's Haar band, in the package's block order, for an
// image given as RGB (3 or 4 channels, 8 or 16 bit; 16-bit is reduced to 8 first).
// chroma_swapped: read the mark as embedded by code that passed RGB to the encoder's BGR input.
struct DwtDctVotes {
  std::vector<std::uint8_t> u;  // one vote per block, row-major over the band
  bool usable = false;             // false: gray, or smaller than 256 x 256 pixels
};
DwtDctVotes dwtdct_votes(const ImageView& rgb, bool chroma_swapped, int threads = 0);
DwtDctBits dwtdct_bits(const DwtDctVotes& votes, int length);

struct ForeignMark {
  std::string name;
  bool chroma_swapped = false;
  int matched = 0, bits = 0;
  double p_value = 1.0;  // binomial tail of `matched` for random bits, times the number of tests made
};

// Decision rule: a known payload is reported when its corrected p-value is at most kForeignMarkP
// (1e-5: 41 of 48 bits, 39 of 46, 30 of 32, 96 of 136). Returns the marks found, best first.
inline constexpr double kForeignMarkP = 1e-5;
struct ForeignMarkReport {
  std::vector<ForeignMark> found;
  ForeignMark closest;   // the best match, found or not (for statistics)
  bool checked = false;  // false: the image cannot carry the mark (gray or too small)
};
ForeignMarkReport detect_foreign_marks(const ImageView& rgb, int threads = 0);

// Many images (host or device views) in one call: on the CUDA backend the block votes of the
// whole batch are computed on one stream; on the CPU one image after another.
std::vector<ForeignMarkReport> detect_foreign_marks_batch(std::span<const ImageView> images,
                                                          Backend backend = Backend::Auto, int threads = 0);

}  // namespace tidemark
