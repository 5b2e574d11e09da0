#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "io/image_file.hpp"
#include "tidemark/foreign_marks.hpp"

namespace tidemark {
namespace {

const std::string kVectors = std::string(TIDEMARK_TEST_DATA) + "/dwtdct/";

const KnownDwtDctMark& mark_named(const std::string& part) {
  for (const auto& m : known_dwtdct_marks())
    if (m.name.find(part) != std::string::npos) return m;
  throw std::runtime_error("no mark " + part);
}

TEST(DwtDct, KnownPayloadsAreTheReferenceCodesBits) {
  const auto& sdxl = mark_named("SDXL").bits;
  ASSERT_EQ(sdxl.size(), 48u);
  std::uint64_t v = 0;
  for (auto b : sdxl) v = v << 1 | b;
  EXPECT_EQ(v, 0xB3EC907BB19Eull);
  const auto& flux = mark_named("FLUX").bits;
  ASSERT_EQ(flux.size(), 46u);  // bin() drops the message's two leading zeros
  v = 0;
  for (auto b : flux) v = v << 1 | b;
  EXPECT_EQ(v, 0x2AFE879CF52Eull);
  const auto& sd2 = mark_named("SD 2.x").bits;
  ASSERT_EQ(sd2.size(), 32u);
  EXPECT_EQ((std::vector<std::uint8_t>(sd2.begin(), sd2.begin() + 8)), (std::vector<std::uint8_t>{0, 1, 0, 1, 0, 0, 1, 1}));  // 'S'
  EXPECT_EQ(mark_named("SD 1.x").bits.size(), 136u);
}

// The package's own decoder output on files its encoder made (tests/data/dwtdct/README.md).
TEST(DwtDct, DecodesBitForBitAsTheInvisibleWatermarkPackage) {
  std::ifstream in(kVectors + "expected.json");
  ASSERT_TRUE(in) << "missing " << kVectors << "expected.json";
  const auto expected = nlohmann::json::parse(in);
  int compared = 0;
  for (const auto& [file, lengths] : expected.items()) {
    const io::ImageFile f = io::load_image(kVectors + file);
    for (bool swapped : {false, true}) {
      const DwtDctVotes votes = dwtdct_votes(f.image.view(), swapped);
      ASSERT_TRUE(votes.usable);
      for (const auto& [length, variants] : lengths.items()) {
        // The package reads files as BGR arrays, tidemark as RGB: both readings see the same
        // colours, so "standard" compares with standard and "chroma_swapped" with swapped.
        const auto& want = variants[swapped ? "chroma_swapped" : "standard"];
        const DwtDctBits got = dwtdct_bits(votes, std::stoi(length));
        EXPECT_EQ(got.bits, want.get<std::vector<std::uint8_t>>()) << file << " L=" << length << " swapped=" << swapped;
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, 3 * 4 * 2);
}

TEST(DwtDct, FindsEachVectorsMarkWithItsVariant) {
  struct Case {
    const char* file;
    const char* mark;
    bool swapped;
  };
  for (const Case& c : {Case{"sdxl_bgr.png", "SDXL", false}, Case{"sd1_bgr.png", "SD 1.x", false},
                        Case{"flux_rgb_as_bgr.png", "FLUX", true}}) {
    const io::ImageFile f = io::load_image(kVectors + c.file);
    const ForeignMarkReport r = detect_foreign_marks(f.image.view());
    ASSERT_TRUE(r.checked);
    ASSERT_FALSE(r.found.empty()) << c.file << ": closest " << r.closest.name << " " << r.closest.matched;
    EXPECT_NE(r.found.front().name.find(c.mark), std::string::npos) << c.file;
    EXPECT_EQ(r.found.front().chroma_swapped, c.swapped) << c.file;
    EXPECT_LE(r.found.front().p_value, kForeignMarkP);
    EXPECT_GE(r.found.front().matched, r.found.front().bits * 85 / 100);
  }
}

TEST(DwtDct, UnmarkedPhotosGrayAndSmallImagesClaimNothing) {
  for (const char* name : {"opencv_orange_512x512.jpg", "opencv_starry_night_752x600.jpg", "mate_wood_2560x1920.jpg",
                           "opencv_smarties_413x356.png"}) {
    const io::ImageFile f = io::load_image(std::string(TIDEMARK_CORPUS) + "/images/" + name);
    const ForeignMarkReport r = detect_foreign_marks(f.image.view());
    EXPECT_TRUE(r.checked) << name;
    EXPECT_TRUE(r.found.empty()) << name << ": " << r.found.front().name;
  }
  const io::ImageFile gray = io::load_image(std::string(TIDEMARK_CORPUS) + "/images/skimage_camera_gray_512x512.png");
  EXPECT_FALSE(detect_foreign_marks(gray.image.view()).checked);
  Image small(255, 256, 3, SampleType::U8);
  EXPECT_FALSE(detect_foreign_marks(small.view()).checked);
}

}  // namespace
}  // namespace tidemark
