#include <gtest/gtest.h>

#include <chrono>

#include "labels/file_labels.hpp"
#include "labels/xmp_label.hpp"
#include "tidemark/error.hpp"

namespace tidemark::labels {
namespace {

const AigcLabel kLabel = first_write_label("001191110102MACQD9K64010000", "req-42");

std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

std::string packet_with(const std::string& description_body, const std::string& extra_ns = "") {
  return R"(<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">)"
         R"(<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" )" +
         extra_ns + ">" + description_body + R"(</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>)";
}

TEST(XmpLabel, WritesANewPacketThatReadsBack) {
  const std::string packet = write_xmp("", kLabel, DigitalSource::TrainedAlgorithmicMedia);
  EXPECT_NE(packet.find(kTc260Namespace), std::string::npos);
  const XmpContent x = read_xmp(packet);
  ASSERT_TRUE(x.aigc);
  EXPECT_EQ(*x.aigc, to_bare_json(kLabel));
  EXPECT_EQ(x.digital_source_type, digital_source_uri(DigitalSource::TrainedAlgorithmicMedia));
  EXPECT_TRUE(x.problems.empty());
}

TEST(XmpLabel, KeepsOtherPropertiesAndReplacesRatherThanAppends) {
  const std::string original = packet_with(
      R"(<dc:creator><rdf:Seq><rdf:li>Ada</rdf:li></rdf:Seq></dc:creator><xmp:CreatorTool>Painter 3</xmp:CreatorTool>)",
      R"(xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/")");
  std::string packet = write_xmp(original, first_write_label("OLD", "old-1"), DigitalSource::TrainedAlgorithmicMedia);
  packet = write_xmp(packet, kLabel, DigitalSource::CompositeWithTrainedAlgorithmicMedia);
  EXPECT_NE(packet.find("Ada"), std::string::npos);
  EXPECT_NE(packet.find("Painter 3"), std::string::npos);
  EXPECT_EQ(packet.find("old-1"), std::string::npos);
  const XmpContent x = read_xmp(packet);
  EXPECT_EQ(*x.aigc, to_bare_json(kLabel));
  EXPECT_EQ(x.digital_source_type, digital_source_uri(DigitalSource::CompositeWithTrainedAlgorithmicMedia));
}

TEST(XmpLabel, ReadsAttributeFormAndAnyPrefixBoundToTheNamespace) {
  const std::string json = "{&quot;Label&quot;:&quot;1&quot;,&quot;ContentProducer&quot;:&quot;picwish&quot;}";
  const std::string attribute = packet_with("", R"(xmlns:pw="http://www.tc260.org.cn/ns/AIGC/1.0/" pw:AIGC=")" + json + "\"");
  const XmpContent a = read_xmp(attribute);
  ASSERT_TRUE(a.aigc) << (a.problems.empty() ? "" : a.problems[0]);
  EXPECT_EQ(*a.aigc, R"({"Label":"1","ContentProducer":"picwish"})");
  const std::string element = packet_with("<foo:AIGC>" + json + "</foo:AIGC>",
                                          R"(xmlns:foo="http://www.tc260.org.cn/ns/AIGC/1.0/")");
  ASSERT_TRUE(read_xmp(element).aigc);
  const std::string resource = packet_with(
      R"(<Iptc4xmpExt:DigitalSourceType rdf:resource="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"/>)",
      R"(xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/")");
  EXPECT_EQ(read_xmp(resource).digital_source_type, digital_source_uri(DigitalSource::TrainedAlgorithmicMedia));
}

TEST(XmpLabel, MalformedPacketsAreReportedAndNeverRewritten) {
  const std::string broken = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF><unclosed>";
  const XmpContent x = read_xmp(broken);
  EXPECT_FALSE(x.aigc);
  ASSERT_FALSE(x.problems.empty());
  EXPECT_THROW(write_xmp(broken, kLabel, DigitalSource::TrainedAlgorithmicMedia), Error);
  EXPECT_THROW(write_xmp("", first_write_label("bad producer", "x"), DigitalSource::TrainedAlgorithmicMedia), Error);
}

TEST(FileLabels, FindsLabelsInEveryPlaceAndFlagsDuplicates) {
  io::Metadata md;
  md.xmp = bytes_of(write_xmp("", kLabel, DigitalSource::TrainedAlgorithmicMedia));
  md.png_text.push_back({"AIGC", to_wrapped_json(first_write_label("DOUBAO", "d-1"))});
  md.png_text.push_back({"Comment", "kept"});
  FileLabels f = read_labels(md);
  ASSERT_EQ(f.labels.size(), 2u);
  EXPECT_EQ(f.labels[0].location, "XMP TC260:AIGC");
  EXPECT_EQ(f.labels[1].location, "PNG text AIGC");
  EXPECT_TRUE(f.labels[1].parsed.wrapped);
  ASSERT_FALSE(f.problems.empty());
  EXPECT_NE(f.problems.back().find("exactly one"), std::string::npos);

  write_label(md, kLabel, DigitalSource::TrainedAlgorithmicMedia);  // one label remains
  f = read_labels(md);
  ASSERT_EQ(f.labels.size(), 1u);
  EXPECT_EQ(f.labels[0].location, "XMP TC260:AIGC");
  ASSERT_EQ(md.png_text.size(), 1u);
  EXPECT_EQ(md.png_text[0].key, "Comment");
}

TEST(FileLabels, UnparsableExifIsAProblemNotACrash) {
  io::Metadata md;
  md.exif = {'I', 'I', 42, 0, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2};
  const FileLabels f = read_labels(md);
  EXPECT_TRUE(f.labels.empty());
}

}  // namespace
}  // namespace tidemark::labels

namespace tidemark::labels {
namespace {

std::string nested_packet(int depth) {
  std::string open, close;  // every level opens and closes the same two elements
  for (int i = 0; i < depth; ++i) {
    open += "<rdf:Description><x:n>";
    close += "</x:n></rdf:Description>";
  }
  return "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">" +
         open + close + "</rdf:RDF></x:xmpmeta>";
}

TEST(XmpLimits, DeeplyNestedPacketIsRefusedQuickly) {
  const auto start = std::chrono::steady_clock::now();
  const XmpContent c = read_xmp(nested_packet(200000));
  EXPECT_FALSE(c.aigc);
  EXPECT_FALSE(c.problems.empty());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));  // refused before parsing
}

TEST(XmpLimits, HugePacketIsRefusedWithoutParsing) {
  std::string huge = nested_packet(1);
  huge.insert(huge.find("</rdf:RDF>"), std::string(40u << 20, ' '));
  const XmpContent c = read_xmp(huge);
  EXPECT_FALSE(c.aigc);
  ASSERT_FALSE(c.problems.empty());
  EXPECT_NE(c.problems.front().find("too large"), std::string::npos);
}

}  // namespace
}  // namespace tidemark::labels
