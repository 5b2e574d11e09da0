// The blind detector (and the dwtDct reader) on arbitrary pixels: the first four bytes choose a
// size of 128-255 x 128-255 and 1 or 3 channels, the rest fills the pixels (repeated). Whatever
// the pixels, detection must return a result: no crash, no NaN-driven out-of-range index.
#include <cstdint>
#include <vector>

#include "tidemark/detector.hpp"
#include "tidemark/foreign_marks.hpp"
#include "tidemark/image_view.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 5) return 0;
  const int w = 128 + data[0] % 128, h = 128 + data[1] % 128, channels = (data[2] & 1) ? 3 : 1;
  tidemark::Image img(w, h, channels, tidemark::SampleType::U8);
  auto& px = img.bytes();
  for (std::size_t i = 0; i < px.size(); ++i) px[i] = data[4 + i % (size - 4)];
  static const tidemark::Detector detector(tidemark::Key::public_default(), tidemark::DetectParams{.aspect_pass = false, .mirror = false, .threads = 1},
                                           tidemark::Backend::Cpu);
  const auto r = detector.detect(img.view());
  if (!(r.p_value >= 0 && r.p_value <= 1)) __builtin_trap();
  if (channels == 3 && (data[3] & 1)) (void)tidemark::detect_foreign_marks(img.view());
  return 0;
}
