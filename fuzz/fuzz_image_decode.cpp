// PNG, JPEG and WebP decoding through the I/O layer (format by content), with small limits so
// that a fuzzer-made header cannot ask for gigabytes: bad input must only ever throw Error.
#include <cstdint>
#include <vector>

#include "io/image_file.hpp"
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
  return 0;
}
