#pragma once
// The AIGC label and the IPTC digital source type inside an XMP packet, through Exiv2's XMP
// parser (element or attribute form, any prefix bound to the namespace: the XMP toolkit
// normalises them). Other properties of the packet are kept as they are.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "labels/aigc_label.hpp"

namespace tidemark::labels {

inline constexpr const char* kTc260Namespace = "http://www.tc260.org.cn/ns/AIGC/1.0/";
inline constexpr const char* kIptcExtNamespace = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/";
inline constexpr const char* kDigitalSourceTypeVocabulary = "http://cv.iptc.org/newscodes/digitalsourcetype/";

enum class DigitalSource { TrainedAlgorithmicMedia, CompositeWithTrainedAlgorithmicMedia };
std::string digital_source_uri(DigitalSource source);

struct XmpContent {
  std::optional<std::string> aigc;                 // the TC260:AIGC property's text
  std::optional<std::string> digital_source_type;  // Iptc4xmpExt:DigitalSourceType, as written
  std::vector<std::string> problems;               // the packet could not be parsed, ...
};
XmpContent read_xmp(std::string_view packet);

// The packet with TC260:AIGC set to the bare Annex E JSON and DigitalSourceType set; an empty
// input gives a new packet. Throws Error(DecodeError) when the existing packet is malformed
// (rewriting it would lose what it holds).
std::string write_xmp(std::string_view packet, const AigcLabel& label, DigitalSource source);

}  // namespace tidemark::labels
