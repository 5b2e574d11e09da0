#pragma once
// Labels across every place an image file may hold one: the XMP packet (primary), PNG text chunks
// named AIGC and EXIF UserComment / ImageDescription (GB 45438 image guide, Annex B; vendors).
// Writing keeps exactly one label per file: the XMP property, with the others removed.
#include <optional>
#include <string>
#include <vector>

#include "io/image_file.hpp"
#include "labels/aigc_label.hpp"
#include "labels/xmp_label.hpp"

namespace tidemark::labels {

struct FoundLabel {
  std::string location;  // "XMP TC260:AIGC", "PNG text AIGC", "EXIF UserComment", ...
  std::string raw;       // the stored text
  ParsedLabel parsed;
};

struct FileLabels {
  std::vector<FoundLabel> labels;                  // more than one is itself a problem (GB 45438 6.1 c)
  std::optional<std::string> digital_source_type;  // IPTC, as written
  std::vector<std::string> problems;               // about the metadata as a whole
};

FileLabels read_labels(const io::Metadata& metadata);

// Sets the label in the XMP packet (created when absent; other properties kept) and removes AIGC
// labels from PNG text and EXIF so that one remains.
void write_label(io::Metadata& metadata, const AigcLabel& label, DigitalSource source);

}  // namespace tidemark::labels
