#include "labels/file_labels.hpp"

#include <algorithm>
#include <exiv2/exiv2.hpp>

namespace tidemark::labels {
namespace {

bool looks_like_label(const std::string& text) {
  return text.find("\"Label\"") != std::string::npos || text.find("\"AIGC\"") != std::string::npos;
}

bool is_aigc_key(const std::string& key) { return key.find("AIGC") != std::string::npos; }

FoundLabel found(std::string location, std::string raw) {
  FoundLabel f{std::move(location), std::move(raw), {}};
  f.parsed = parse_label_json(f.raw);
  return f;
}

// EXIF fields that hold labels in files seen in the wild. The EXIF blob is TIFF bytes.
struct ExifText {
  std::string key, location;
};
const ExifText kExifTexts[] = {
    {"Exif.Photo.UserComment", "EXIF UserComment"},
    {"Exif.Image.ImageDescription", "EXIF ImageDescription"},
};

std::string exif_text(const Exiv2::Exifdatum& d) {
  if (d.key() == "Exif.Photo.UserComment") {
    if (const auto* c = dynamic_cast<const Exiv2::CommentValue*>(&d.value())) return c->comment();
  }
  return d.toString();
}

bool decode_exif(const std::vector<std::uint8_t>& exif, Exiv2::ExifData& data) {
  if (exif.empty()) return false;
  try {
    Exiv2::ExifParser::decode(data, exif.data(), static_cast<std::uint32_t>(exif.size()));
    return true;
  } catch (const Exiv2::AnyError&) {
    return false;
  }
}

}  // namespace

FileLabels read_labels(const io::Metadata& md) {
  FileLabels out;
  if (!md.xmp.empty()) {
    XmpContent x = read_xmp(std::string_view(reinterpret_cast<const char*>(md.xmp.data()), md.xmp.size()));
    if (x.aigc) out.labels.push_back(found("XMP TC260:AIGC", *x.aigc));
    out.digital_source_type = x.digital_source_type;
    out.problems.insert(out.problems.end(), x.problems.begin(), x.problems.end());
  }
  for (const auto& t : md.png_text)
    if (is_aigc_key(t.key)) out.labels.push_back(found("PNG text " + t.key, t.text));
  Exiv2::ExifData exif;
  if (decode_exif(md.exif, exif)) {
    for (const auto& e : kExifTexts)
      if (auto it = exif.findKey(Exiv2::ExifKey(e.key)); it != exif.end()) {
        std::string text = exif_text(*it);
        if (looks_like_label(text)) out.labels.push_back(found(e.location, std::move(text)));
      }
  } else if (!md.exif.empty()) {
    out.problems.push_back("the EXIF block could not be parsed");
  }
  if (out.labels.size() > 1)
    out.problems.push_back(std::to_string(out.labels.size()) +
                           " AIGC labels in one file; GB 45438 6.1 c) allows exactly one");
  return out;
}

void write_label(io::Metadata& md, const AigcLabel& label, DigitalSource source) {
  const std::string packet = write_xmp(
      std::string_view(reinterpret_cast<const char*>(md.xmp.data()), md.xmp.size()), label, source);
  md.xmp.assign(packet.begin(), packet.end());
  std::erase_if(md.png_text, [](const io::Metadata::TextChunk& t) { return is_aigc_key(t.key); });
  Exiv2::ExifData exif;
  if (!decode_exif(md.exif, exif)) return;
  bool changed = false;
  for (const auto& e : kExifTexts)
    if (auto it = exif.findKey(Exiv2::ExifKey(e.key)); it != exif.end() && looks_like_label(exif_text(*it))) {
      exif.erase(it);
      changed = true;
    }
  if (!changed) return;
  Exiv2::Blob blob;
  Exiv2::ExifParser::encode(blob, Exiv2::littleEndian, exif);
  md.exif.assign(blob.begin(), blob.end());
}

}  // namespace tidemark::labels
