#include "labels/xmp_label.hpp"

#include <algorithm>

#include <exiv2/exiv2.hpp>
#include <mutex>

#include "tidemark/error.hpp"

namespace tidemark::labels {
namespace {

// Exiv2's XMP functions share global toolkit state: one caller at a time.
std::mutex& exiv2_xmp_mutex() {
  static std::mutex m;
  return m;
}

// Warnings Exiv2 would print go to the current call's problem list instead.
thread_local std::vector<std::string>* exiv2_messages = nullptr;
void collect_exiv2_message(int, const char* message) {
  if (!exiv2_messages) return;
  std::string m = message ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  exiv2_messages->push_back("XMP: " + m);
}

void ensure_initialised() {
  static std::once_flag once;
  std::call_once(once, [] {
    Exiv2::XmpParser::initialize();
    Exiv2::XmpProperties::registerNs(kTc260Namespace, "TC260");
    Exiv2::LogMsg::setHandler(collect_exiv2_message);
    Exiv2::LogMsg::setLevel(Exiv2::LogMsg::warn);
  });
}

struct Session {  // the lock, initialisation and message capture for one call
  std::lock_guard<std::mutex> lock{exiv2_xmp_mutex()};
  std::vector<std::string> messages;
  Session() {
    ensure_initialised();
    exiv2_messages = &messages;
  }
  ~Session() { exiv2_messages = nullptr; }
};

constexpr const char* kAigcKey = "Xmp.TC260.AIGC";
constexpr const char* kSourceKey = "Xmp.iptcExt.DigitalSourceType";

}  // namespace

std::string digital_source_uri(DigitalSource source) {
  return std::string(kDigitalSourceTypeVocabulary) +
         (source == DigitalSource::TrainedAlgorithmicMedia ? "trainedAlgorithmicMedia"
                                                           : "compositeWithTrainedAlgorithmicMedia");
}

namespace {
constexpr std::size_t kMaxXmpBytes = std::size_t(16) << 20;
constexpr int kMaxXmpDepth = 256;

// Element nesting depth of an XML text, counted from tags alone (no parsing): <a> opens,
// </a> and <a/> do not stay open; comments, declarations and processing instructions are skipped.
int nesting_depth(std::string_view xml) {
  int depth = 0, deepest = 0;
  for (std::size_t i = 0; i < xml.size(); ++i) {
    if (xml[i] != '<' || i + 1 >= xml.size()) continue;
    const char next = xml[i + 1];
    const std::size_t end = xml.find('>', i);
    if (end == std::string_view::npos) break;
    if (next == '/') --depth;
    else if (next != '!' && next != '?' && xml[end - 1] != '/') deepest = std::max(deepest, ++depth);
    i = end;
  }
  return deepest;
}
}  // namespace

XmpContent read_xmp(std::string_view packet) {
  XmpContent out;
  if (packet.empty()) return out;
  // XMP packets are kilobytes; anything near a JPEG segment chain's worth of megabytes is not a
  // label carrier, and parsing it costs memory and time a verifier should not spend.
  if (packet.size() > kMaxXmpBytes) {
    out.problems.push_back("the XMP packet is too large to read (" + std::to_string(packet.size() >> 20) + " MiB; at most " +
                           std::to_string(kMaxXmpBytes >> 20) + " MiB)");
    return out;
  }
  // Exiv2 parses XMP recursively: a packet nested thousands of levels deep would exhaust the stack.
  if (nesting_depth(packet) > kMaxXmpDepth) {
    out.problems.push_back("the XMP packet is nested more than " + std::to_string(kMaxXmpDepth) + " elements deep");
    return out;
  }
  Session session;
  Exiv2::XmpData data;
  int rc = 1;
  try {
    rc = Exiv2::XmpParser::decode(data, std::string(packet));
  } catch (const Exiv2::AnyError& e) {
    session.messages.push_back(std::string("XMP: ") + e.what());
  }
  if (rc != 0) {
    out.problems = std::move(session.messages);
    out.problems.push_back("the XMP packet could not be parsed");
    return out;
  }
  if (auto it = data.findKey(Exiv2::XmpKey(kAigcKey)); it != data.end()) out.aigc = it->toString();
  if (auto it = data.findKey(Exiv2::XmpKey(kSourceKey)); it != data.end()) out.digital_source_type = it->toString();
  out.problems = std::move(session.messages);
  return out;
}

std::string write_xmp(std::string_view packet, const AigcLabel& label, DigitalSource source) {
  require_valid(label);
  Session session;
  Exiv2::XmpData data;
  if (!packet.empty()) {
    int rc = 1;
    try {
      rc = Exiv2::XmpParser::decode(data, std::string(packet));
    } catch (const Exiv2::AnyError&) {
    }
    if (rc != 0)
      throw Error(Status::DecodeError, "the file's XMP packet is malformed; not rewriting it (it would lose its content)");
  }
  data[kAigcKey] = to_bare_json(label);
  data[kSourceKey] = digital_source_uri(source);
  std::string out;
  if (Exiv2::XmpParser::encode(out, data, Exiv2::XmpParser::useCompactFormat) != 0)
    throw Error(Status::Internal, "could not serialise the XMP packet");
  return out;
}

}  // namespace tidemark::labels
