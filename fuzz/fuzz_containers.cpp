// Container walkers that read untrusted files directly: MP4 metadata boxes (udta/meta/keys/ilst)
// and the C2PA presence scan (JPEG APP11, PNG caBX, RIFF, BMFF uuid). They never throw and must
// never read out of bounds.
#include <cstdint>
#include <span>

#include "labels/c2pa_scan.hpp"
#include "labels/mp4_boxes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  (void)tidemark::labels::read_mp4_metadata(bytes);
  (void)tidemark::labels::scan_c2pa(bytes);
  return 0;
}
