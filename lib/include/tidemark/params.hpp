#pragma once
// Parameters of scheme TM1 (see DESIGN.md section 2) and the user's knobs.
#include <cstdint>
#include <optional>
#include <vector>

namespace tidemark {

// Fixed by the scheme: changing any of these changes the mark, so they are constants, not options.
namespace tm1 {
inline constexpr int kCells = 64;                 // cells per tile side
inline constexpr int kCellPx = 2;                 // tile pixels per cell side
inline constexpr int kTile = kCells * kCellPx;    // tile period in tile pixels (128)
inline constexpr int kSyncCells = kCells * kCells / 4;
inline constexpr int kPayloadCells = kCells * kCells - kSyncCells;
inline constexpr int kUserBits = 64;
inline constexpr int kCrcBits = 24;
inline constexpr int kConstraint = 7;             // convolutional code K
inline constexpr int kRateInv = 3;                // rate 1/3
inline constexpr int kFrameBits = kUserBits + kCrcBits;
inline constexpr int kCodedBits = (kFrameBits + kConstraint - 1) * kRateInv;  // 282
inline constexpr int kTemplatePeaks = 24;
inline constexpr double kTemplateFLo = 0.09;      // template band, cycles per tile pixel
inline constexpr double kTemplateFHi = 0.20;
inline constexpr double kTemplateEnergy = 0.30;   // share of the tile's energy in the template
inline constexpr double kScaleReference = 720.0;  // images larger than this (short side) scale the tile
}  // namespace tm1

enum class Backend { Auto, Cpu, Cuda };
// Number of usable CUDA devices; 0 when built without CUDA or none is present.
int cuda_device_count() noexcept;

struct EmbedParams {
  // Global gain on mask x pattern. 0.62 gives a mean PSNR of 42.7 dB on the corpus photos (the
  // scheme's ~42 dB) and keeps 1080p-and-larger photos decodable after resize 0.5 + JPEG 75.
  double strength = 0.62;
  double mask_floor = 1.5;  // grey levels in flat regions (quality knob: lower is less visible)
  double mask_ceiling = 6.0;
  // Tile offset in tile pixels. Unset: derived per image from the key and the image content, so
  // different images carry differently shifted tiles (this defeats plain averaging attacks) while
  // the same input always gives the same output.
  std::optional<std::uint32_t> offset_seed;
  int threads = 0;          // 0 = all hardware threads
};

struct DetectParams {
  bool aspect_pass = true;  // second search pass over aspect ratios 0.75-1.33 when the first fails
  bool mirror = true;       // also consider a horizontally mirrored mark (costs a search, no FFT)
  int candidates = 3;       // template candidates carried to fold and sync
  // Image pixels per tile pixel to try first, before any search, besides the image profile's own
  // (the video detector passes the video profile's scales; each is one more test).
  std::vector<double> expected_scales;
  // Try the nearby scales of the axis-aligned candidate at the first analysis level too, not only
  // at the coarser one (the video detector: crops of zooming clips, whose tile scale no size
  // predicts; up to 6 more folds per image, each a test).
  bool fine_scale_search = false;
  int threads = 0;
};

// Decision thresholds on the sync z-score (DESIGN.md: "Decisions and false positives").
inline constexpr double kPayloadZ = 5.5;   // plus a CRC-24 pass: report the payload
inline constexpr double kPresentZ = 7.0;   // zero-bit "watermark present"
inline constexpr double kLikelyZ = 6.0;    // 6-7: "likely"

}  // namespace tidemark
