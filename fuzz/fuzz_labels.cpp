// GB 45438 label text (bare or wrapped JSON) and the XMP packet reader (Exiv2) that finds it.
// The first byte chooses the parser so one corpus serves both.
#include <cstdint>
#include <string_view>

#include "labels/aigc_label.hpp"
#include "labels/xmp_label.hpp"
#include "tidemark/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    if (data[0] & 1) {
      const auto parsed = tidemark::labels::parse_label_json(text);
      if (parsed.label) (void)tidemark::labels::check_label(*parsed.label);
    } else {
      (void)tidemark::labels::read_xmp(text);
    }
  } catch (const tidemark::Error&) {
  }
  return 0;
}
