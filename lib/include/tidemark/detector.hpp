#pragma once
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "tidemark/image_view.hpp"
#include "tidemark/key.hpp"
#include "tidemark/params.hpp"
#include "tidemark/payload.hpp"

namespace tidemark {

enum class Verdict { TooSmall, NotDetected, Likely, Detected };
const char* to_string(Verdict v) noexcept;

struct DetectResult {
  Verdict verdict = Verdict::NotDetected;
  bool detected = false;            // payload decoded, or zero-bit z above kPresentZ
  std::optional<Payload> payload;   // set only when the CRC passes and z > kPayloadZ
  Payload decoded_bits;             // best candidate's decoded bits, CRC or not (for bit-error statistics)
  double z = 0.0;                   // sync correlation z-score of the best candidate
  double p_value = 1.0;             // chance of a result this strong on an unmarked image
  // Geometry found (tile pixels -> image pixels): rotation, scale, aspect, mirror.
  double rotation_deg = 0.0;
  double scale = 0.0;
  double aspect = 1.0;
  bool mirrored = false;
  int candidates_tried = 0;
  // The best candidate's soft coded bits (unit RMS, > 0 means 1): frames of one video can be
  // summed and decoded together (decode_soft_bits).
  std::vector<float> soft_bits;
};

// List Viterbi + CRC over summed soft coded bits: the payload when the CRC passes on one of the 64
// most likely paths (a chance of at most 64 x 2^-24 for bits that carry no mark).
std::optional<Payload> decode_soft_bits(std::span<const float> soft_bits);

class Detector {
 public:
  Detector(const Key& key, const DetectParams& params = {}, Backend backend = Backend::Auto);
  ~Detector();
  Detector(Detector&&) noexcept;
  Detector& operator=(Detector&&) noexcept;

  // Host or device images; device images need the CUDA backend. Calls on one Detector may come
  // from several threads: CPU calls run in parallel, CUDA calls take turns on its workspace.
  DetectResult detect(const ImageView& image) const;
  std::vector<DetectResult> detect_batch(std::span<const ImageView> images) const;
  // Cpu or Cuda: Auto resolves to CUDA when a device is present.
  Backend backend() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tidemark
