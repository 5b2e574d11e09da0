#pragma once
// The GB 45438-2025 Annex E implicit label: seven string fields serialised as one JSON object,
// either bare {"Label":...} (XMP, MP4) or wrapped {"AIGC":{...}} (PNG tEXt, EXIF UserComment).
// Writers emit the canonical key order without spaces; readers accept both shapes and report
// every deviation from the standard as a problem instead of failing.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tidemark::labels {

struct AigcLabel {
  std::string label;               // "1" AI-generated, "2" possibly, "3" suspected
  std::string content_producer;    // provider code (GB 45438 E.d), never a Chinese name
  std::string produce_id;          // the producer's unique id for this content
  std::string reserved_code1;      // optional: producer's integrity data (tidemark: an HMAC, see signature.hpp)
  std::string content_propagator;  // on first write: the producer
  std::string propagate_id;        // on first write: the produce id
  std::string reserved_code2;
  bool operator==(const AigcLabel&) const = default;
};

// Annex E j): printable ASCII without space, '"' or '\' (0x21, 0x23-0x5B, 0x5D-0x7E).
bool is_annex_e_text(std::string_view value);

// Problems with a label as the standard sees it; empty when it conforms.
std::vector<std::string> check_label(const AigcLabel& label);

// Throws tidemark::Error(InvalidArgument) naming the first problem.
void require_valid(const AigcLabel& label);

// A producer's label for new content: Label "1", propagator fields copied from the producer
// fields (Annex E note 1).
AigcLabel first_write_label(std::string producer, std::string produce_id, std::string label_value = "1");

// {"Label":"1","ContentProducer":...} in the Annex E key order.
std::string to_bare_json(const AigcLabel& label);
std::string to_wrapped_json(const AigcLabel& label);

struct ParsedLabel {
  std::optional<AigcLabel> label;  // set when the text is a JSON object of the expected shape
  bool wrapped = false;
  std::vector<std::string> problems;
};
// Lenient: bare or wrapped, any key order, non-string values converted with a problem noted.
ParsedLabel parse_label_json(std::string_view text);

}  // namespace tidemark::labels
