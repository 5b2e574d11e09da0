// What the command line parses from text: payloads, keys (hex), bitrates are the CLI's; here the
// library's parsers, which throw Error for anything malformed and nothing else.
#include <cstdint>
#include <string_view>

#include "tidemark/error.hpp"
#include "tidemark/key.hpp"
#include "tidemark/payload.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)tidemark::Payload::from_hex(text);
  } catch (const tidemark::Error&) {
  }
  try {
    (void)tidemark::Key::from_hex(text);
  } catch (const tidemark::Error&) {
  }
  return 0;
}
