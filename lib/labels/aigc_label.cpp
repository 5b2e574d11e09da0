#include "labels/aigc_label.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "tidemark/error.hpp"

namespace tidemark::labels {
namespace {

struct Field {
  const char* name;
  std::string AigcLabel::*member;
  bool required;
};
// Annex E b): the order of the keys as the standard shows them.
constexpr Field kFields[] = {
    {"Label", &AigcLabel::label, true},
    {"ContentProducer", &AigcLabel::content_producer, true},
    {"ProduceID", &AigcLabel::produce_id, true},
    {"ReservedCode1", &AigcLabel::reserved_code1, false},
    {"ContentPropagator", &AigcLabel::content_propagator, true},
    {"PropagateID", &AigcLabel::propagate_id, true},
    {"ReservedCode2", &AigcLabel::reserved_code2, false},
};

nlohmann::ordered_json to_object(const AigcLabel& label) {
  nlohmann::ordered_json o = nlohmann::ordered_json::object();
  for (const auto& f : kFields) o[f.name] = label.*f.member;
  return o;
}

}  // namespace

bool is_annex_e_text(std::string_view value) {
  for (unsigned char c : value)
    if (c < 0x21 || c == 0x22 || c == 0x5C || c > 0x7E) return false;
  return true;
}

std::vector<std::string> check_label(const AigcLabel& label) {
  std::vector<std::string> problems;
  if (label.label != "1" && label.label != "2" && label.label != "3")
    problems.push_back("Label is \"" + label.label + "\", not \"1\", \"2\" or \"3\"");
  for (const auto& f : kFields) {
    const std::string& v = label.*f.member;
    if (f.required && v.empty() && f.member != &AigcLabel::label) problems.push_back(std::string(f.name) + " is empty");
    if (!is_annex_e_text(v))
      problems.push_back(std::string(f.name) + " has characters outside GB 45438 Annex E j) (printable ASCII "
                                               "without space, '\"' or '\\')");
  }
  return problems;
}

void require_valid(const AigcLabel& label) {
  const auto problems = check_label(label);
  if (!problems.empty()) throw Error(Status::InvalidArgument, "AIGC label: " + problems.front());
}

AigcLabel first_write_label(std::string producer, std::string produce_id, std::string label_value) {
  AigcLabel l;
  l.label = std::move(label_value);
  l.content_propagator = producer;
  l.propagate_id = produce_id;
  l.content_producer = std::move(producer);
  l.produce_id = std::move(produce_id);
  return l;
}

std::string to_bare_json(const AigcLabel& label) { return to_object(label).dump(); }

std::string to_wrapped_json(const AigcLabel& label) {
  nlohmann::ordered_json o;
  o["AIGC"] = to_object(label);
  return o.dump();
}

ParsedLabel parse_label_json(std::string_view text) {
  ParsedLabel out;
  const auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    out.problems.push_back("AIGC value is not valid JSON");
    return out;
  }
  const nlohmann::json* body = &j;
  if (j.is_object() && j.size() == 1 && j.contains("AIGC")) {
    out.wrapped = true;
    body = &j["AIGC"];
  }
  if (!body->is_object()) {
    out.problems.push_back("AIGC value is not a JSON object");
    return out;
  }
  AigcLabel label;
  std::vector<std::string> already_said;  // "X is missing" makes "X is empty" redundant
  for (const auto& f : kFields) {
    const auto it = body->find(f.name);
    if (it == body->end()) {
      if (f.required) {
        out.problems.push_back(std::string(f.name) + " is missing");
        already_said.push_back(std::string(f.name) + " is empty");
      }
      continue;
    }
    if (it->is_string()) {
      label.*f.member = it->get<std::string>();
    } else {
      label.*f.member = it->dump();
      out.problems.push_back(std::string(f.name) + " is not a JSON string");
    }
  }
  for (const auto& [key, value] : body->items()) {
    bool known = false;
    for (const auto& f : kFields) known |= key == f.name;
    if (!known) out.problems.push_back("unknown field \"" + key + "\"");
  }
  for (auto& p : check_label(label))
    if (std::find(already_said.begin(), already_said.end(), p) == already_said.end()) out.problems.push_back(p);
  out.label = label;
  return out;
}

}  // namespace tidemark::labels
