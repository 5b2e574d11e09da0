// Limits of the video layer: frame count and frame size are bounded, and a refused clip leaves
// nothing under the output name.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <optional>

#include "io/video/video_file.hpp"
#include "tidemark/error.hpp"

using namespace tidemark;
namespace fs = std::filesystem;

namespace {

const fs::path kClip = fs::path(TIDEMARK_CORPUS) / "video" / "opencv_tree_cinepak_320x240.avi";

std::optional<Status> status_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.status();
  }
  return std::nullopt;
}

}  // namespace

TEST(VideoLimits, FrameCountIsBoundedAndNothingIsLeftBehind) {
  io::configure_libav_logging();  // quiet, as the command line is
  const fs::path out = fs::temp_directory_path() / "tidemark_limit_test.mp4";
  fs::remove(out);
  io::VideoInputOptions limits;
  limits.max_frames = 5;
  try {
    io::embed_video_file(kClip, out, Key::public_default(), Payload{1}, {}, {}, {}, limits);
    FAIL() << "a clip of more than 5 frames was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::LimitExceeded);
    EXPECT_NE(std::string(e.what()).find("more than 5 frames"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(out));
  for (const auto& entry : fs::directory_iterator(fs::temp_directory_path()))
    EXPECT_EQ(entry.path().filename().string().find(".tidemark_limit_test"), std::string::npos) << entry.path();
  EXPECT_EQ(status_of([&] { io::detect_video_file(kClip, Key::public_default(), {}, {1, 2.0, 0, 0}, {}, limits); }),
            Status::LimitExceeded);
}

TEST(VideoLimits, FrameSizeIsBounded) {
  io::VideoInputOptions limits;
  limits.max_pixels_per_frame = 320 * 240 - 1;
  const fs::path out = fs::temp_directory_path() / "tidemark_size_test.mp4";
  EXPECT_EQ(status_of([&] { io::embed_video_file(kClip, out, Key::public_default(), Payload{1}, {}, {}, {}, limits); }),
            Status::LimitExceeded);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(status_of([&] { io::detect_video_file(kClip, Key::public_default(), {}, {}, {}, limits); }), Status::LimitExceeded);
}
