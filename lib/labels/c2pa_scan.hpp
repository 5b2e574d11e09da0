#pragma once
// Is a C2PA manifest store embedded in the file? Presence only: the carrier for the container
// (JPEG APP11 JUMBF, PNG caBX, RIFF C2PA chunk, BMFF uuid box) holding a JUMBF superbox whose
// description box carries the c2pa type UUID. Signatures and bindings are not validated, and a
// presence report never says "valid".
#include <cstdint>
#include <span>
#include <string>

namespace tidemark::labels {

struct C2paPresence {
  bool present = false;
  std::string carrier;  // where it was found, e.g. "JPEG APP11 JUMBF"
};

// Walks the container's own structure with bounds checks; never reads past `bytes`.
C2paPresence scan_c2pa(std::span<const std::uint8_t> bytes);

}  // namespace tidemark::labels
