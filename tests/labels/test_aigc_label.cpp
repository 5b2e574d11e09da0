#include <gtest/gtest.h>

#include "labels/aigc_label.hpp"
#include "labels/binding.hpp"
#include "tidemark/error.hpp"

namespace tidemark::labels {
namespace {

TEST(AigcLabel, SerialisesInAnnexEOrderWithoutSpaces) {
  AigcLabel l = first_write_label("001191110102MACQD9K64010000", "req-1");
  EXPECT_EQ(l.content_propagator, l.content_producer);  // Annex E note 1
  EXPECT_EQ(l.propagate_id, l.produce_id);
  EXPECT_EQ(to_bare_json(l),
            R"({"Label":"1","ContentProducer":"001191110102MACQD9K64010000","ProduceID":"req-1","ReservedCode1":"",)"
            R"("ContentPropagator":"001191110102MACQD9K64010000","PropagateID":"req-1","ReservedCode2":""})");
  EXPECT_EQ(to_wrapped_json(l), "{\"AIGC\":" + to_bare_json(l) + "}");
  EXPECT_TRUE(check_label(l).empty());
}

TEST(AigcLabel, ParsesBareAndWrappedFormsInAnyOrder) {
  const AigcLabel l = first_write_label("ACME", "id-7", "3");
  for (const std::string& text : {to_bare_json(l), to_wrapped_json(l),
                                  std::string(R"({"ProduceID":"id-7","Label":"3","ContentProducer":"ACME",)"
                                              R"("PropagateID":"id-7","ContentPropagator":"ACME"})")}) {
    const ParsedLabel p = parse_label_json(text);
    ASSERT_TRUE(p.label) << text;
    EXPECT_EQ(*p.label, l) << text;
    EXPECT_TRUE(p.problems.empty()) << text << ": " << (p.problems.empty() ? "" : p.problems[0]);
  }
  EXPECT_TRUE(parse_label_json(to_wrapped_json(l)).wrapped);
  EXPECT_FALSE(parse_label_json(to_bare_json(l)).wrapped);
}

TEST(AigcLabel, ReportsEveryDeviationFromTheStandard) {
  auto problems_of = [](const std::string& text) { return parse_label_json(text).problems; };
  auto mentions = [](const std::vector<std::string>& ps, const std::string& what) {
    for (const auto& p : ps)
      if (p.find(what) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(mentions(problems_of("{not json"), "not valid JSON"));
  EXPECT_TRUE(mentions(problems_of("[1,2]"), "not a JSON object"));
  EXPECT_TRUE(mentions(problems_of(R"({"Label":"AIGC","ContentProducer":"a","ProduceID":"b","ContentPropagator":"a","PropagateID":"b"})"),
                       "Label is \"AIGC\""));
  EXPECT_TRUE(mentions(problems_of(R"({"Label":"1","ContentProducer":"ACME Corp","ProduceID":"b","ContentPropagator":"a","PropagateID":"b"})"),
                       "ContentProducer has characters outside"));
  EXPECT_TRUE(mentions(problems_of("{\"Label\":\"1\",\"ContentProducer\":\"\xE5\x85\xAC\xE5\x8F\xB8\",\"ProduceID\":\"b\","
                                   "\"ContentPropagator\":\"a\",\"PropagateID\":\"b\"}"),
                       "ContentProducer has characters outside"));
  EXPECT_TRUE(mentions(problems_of(R"({"Label":1,"ContentProducer":"a","ProduceID":"b","ContentPropagator":"a","PropagateID":"b"})"),
                       "Label is not a JSON string"));
  const auto missing = problems_of(R"({"Label":"1","ContentProducer":"a"})");
  EXPECT_TRUE(mentions(missing, "ProduceID is missing"));
  EXPECT_FALSE(mentions(missing, "ProduceID is empty"));  // said once
  EXPECT_TRUE(mentions(problems_of(R"({"Label":"1","ContentProducer":"a","ProduceID":"b","ContentPropagator":"a","PropagateID":"b","Extra":"x"})"),
                       "unknown field \"Extra\""));
}

TEST(AigcLabel, WritersRefuseInvalidValues) {
  EXPECT_THROW(require_valid(first_write_label("ACME 01", "x")), Error);
  EXPECT_THROW(require_valid(first_write_label("ACME", "say\"hi\"")), Error);
  EXPECT_THROW(require_valid(first_write_label("ACME", "")), Error);
  EXPECT_THROW(require_valid(first_write_label("ACME", "x", "4")), Error);
  EXPECT_NO_THROW(require_valid(first_write_label("ACME", "x", "2")));
  EXPECT_TRUE(is_annex_e_text("!#[]~azAZ09-_:"));
  EXPECT_FALSE(is_annex_e_text("a b"));
  EXPECT_FALSE(is_annex_e_text("a\\b"));
}

TEST(Binding, PayloadFromProduceIdMatchesAnIndependentSha256) {
  // python3: hashlib.sha256(b"tidemark ProduceID v1\0" + b"req-0001").hexdigest()[:16]
  EXPECT_EQ(payload_for_produce_id("req-0001").to_hex(), "cb81057132443d76");
  EXPECT_NE(payload_for_produce_id("req-0002"), payload_for_produce_id("req-0001"));
  const std::string a = random_produce_id(), b = random_produce_id();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 19u);
  EXPECT_TRUE(is_annex_e_text(a));
}

TEST(Binding, SignatureMatchesAnIndependentHmacAndCatchesEdits) {
  const Key key = Key::from_hex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
  AigcLabel l = first_write_label("ACME01", "req-0001");
  const Payload p = payload_for_produce_id(l.produce_id);
  l.reserved_code1 = sign_label(l, p, key);
  // python3 hmac over the documented message (see binding.hpp)
  EXPECT_EQ(l.reserved_code1, "TM1-HMAC:7ccdd1aa02851b884a91487dd877e84c069d665e");
  EXPECT_TRUE(is_annex_e_text(l.reserved_code1));
  EXPECT_EQ(check_signature(l, p, key), SignatureCheck::Valid);
  EXPECT_EQ(check_signature(l, p, Key::public_default()), SignatureCheck::Invalid);
  AigcLabel forged = l;
  forged.produce_id = "req-0002";
  EXPECT_EQ(check_signature(forged, p, key), SignatureCheck::Invalid);
  EXPECT_EQ(check_signature(l, Payload{p.value ^ 1}, key), SignatureCheck::Invalid);
  forged.reserved_code1 = "e862483430d978cbf828b8b24296ef9328d843a0";
  EXPECT_EQ(check_signature(forged, p, key), SignatureCheck::NotOurs);
  forged.reserved_code1.clear();
  EXPECT_EQ(check_signature(forged, p, key), SignatureCheck::Absent);
}

}  // namespace
}  // namespace tidemark::labels
