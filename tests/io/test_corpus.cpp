#include <gtest/gtest.h>

#include <filesystem>

#include "io/image_file.hpp"
#include "tidemark/detector.hpp"
#include "tidemark/embedder.hpp"

using namespace tidemark;
namespace fs = std::filesystem;

// Every corpus photo: mark, save as JPEG quality 75 (a typical platform re-encode), reload, detect.
TEST(Corpus, MarkSurvivesJpeg75OnEveryPhoto) {
  const Payload payload{0x1122334455667788ULL};
  Embedder embedder(Key::public_default());
  Detector detector(Key::public_default());
  int images = 0;
  for (const auto& entry : fs::directory_iterator(std::string(TIDEMARK_CORPUS) + "/images")) {
    io::ImageFile f = io::load_image(entry.path());
    if (f.image.width() * f.image.height() < 200'000) continue;   // below the 0.2 MP class
    if (f.image.width() * f.image.height() > 3'000'000) continue;   // keep the unit suite quick
    embedder.embed(f.image.view(), payload);
    if (f.image.channels() == 4) {
      // JPEG has no alpha: test RGBA files through lossless WebP instead.
      f = io::decode_image(io::encode_webp(f, 100, true, "x.webp"), "x.webp");
    } else {
      f = io::decode_image(io::encode_jpeg(f, 75, "x.jpg"), "x.jpg");
    }
    DetectResult r = detector.detect(f.image.view());
    ASSERT_TRUE(r.payload) << entry.path() << " z=" << r.z;
    EXPECT_EQ(*r.payload, payload) << entry.path();
    ++images;
  }
  EXPECT_GE(images, 12);
}
