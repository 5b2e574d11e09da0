// PNG, JPEG and WebP decoding through the I/O layer (format by content), JPEG headers alone, and
// marking a JPEG in its DCT coefficients, with small limits so that a fuzzer-made header cannot
// ask for gigabytes: bad input must only ever throw Error.
#include <cstdint>
#include <vector>

#include "io/image_file.hpp"
#include "io/jpeg_coefficients.hpp"
#include "tidemark/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::uint8_t> bytes(data, data + size);
  tidemark::io::Limits limits;
  limits.max_pixels = 4'000'000;
  try {
    const auto file = tidemark::io::decode_image(bytes, "fuzz", limits);
    (void)file;
  } catch (const tidemark::Error&) {
  }
  try {
    (void)tidemark::io::decode_metadata(bytes, "fuzz", limits);
  } catch (const tidemark::Error&) {
  }
  if (tidemark::io::looks_like_jpeg(bytes)) {
    try {
      // A change that reaches every block: +3 grey levels on every other column.
      const auto marked = tidemark::io::mark_jpeg_luma(
          bytes, "fuzz", limits,
          [](const tidemark::ImageView& luma, tidemark::io::Metadata&) {
            for (int y = 0; y < luma.height; ++y)
              for (int x = 0; x < luma.width; x += 2) {
                auto& v = luma.row<std::uint16_t>(y)[x];
                v = static_cast<std::uint16_t>(v > 65535 - 3 * 257 ? 65535 : v + 3 * 257);
              }
          },
          0);
      (void)marked;
    } catch (const tidemark::Error&) {
    }
  }
  return 0;
}
