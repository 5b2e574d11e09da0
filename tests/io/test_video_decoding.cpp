// Where clips are decoded: software by default; with HardwareDecode::Auto on the GPU's decoder
// when libav can open a CUDA device and has a CUDA decoder for the codec, software otherwise with
// the reason; with HardwareDecode::Cuda, an error naming the file and the cause instead.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "io/video/video_file.hpp"
#include "tidemark/error.hpp"

using namespace tidemark;
namespace fs = std::filesystem;

namespace {

const fs::path kCorpus = fs::path(TIDEMARK_CORPUS) / "video";
const fs::path kCinepak = kCorpus / "opencv_tree_cinepak_320x240.avi";  // no CUDA decoder in libav
const fs::path kH264 = kCorpus / "ukui_zoom_720p25.mp4";

bool cuda_decoding_here() { return io::video_support().cuda_decoding_problem.empty(); }

io::VideoInputOptions decoding(io::HardwareDecode mode) {
  io::VideoInputOptions o;
  o.decode = mode;
  return o;
}

io::VideoDetectFileResult detect_first_frames(const fs::path& clip, io::HardwareDecode mode, int frames = 2) {
  io::VideoSampling first;
  first.every = 1;
  first.max_frames = frames;
  return io::detect_video_file(clip, Key::public_default(), {}, first, {}, decoding(mode), Backend::Cpu);
}

std::string error_of(io::HardwareDecode mode, const fs::path& clip, const fs::path& out) {
  try {
    io::embed_video_file(clip, out, Key::public_default(), Payload{7}, {}, {}, {}, decoding(mode));
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::Unsupported) << e.what();
    return e.what();
  }
  ADD_FAILURE() << clip << " was marked";
  return {};
}

}  // namespace

TEST(HardwareDecoding, OffDecodesInSoftwareAndSaysNothingMore) {
  io::configure_libav_logging();
  const io::VideoDetectFileResult r = detect_first_frames(kH264, io::HardwareDecode::Off);
  EXPECT_EQ(r.decoding.decoder, "software");
  EXPECT_EQ(r.decoding.note, "");
  EXPECT_EQ(r.report.frames_analysed, 2);
}

TEST(HardwareDecoding, ParsesItsThreeModesOnly) {
  EXPECT_EQ(io::parse_hardware_decode("off"), io::HardwareDecode::Off);
  EXPECT_EQ(io::parse_hardware_decode("auto"), io::HardwareDecode::Auto);
  EXPECT_EQ(io::parse_hardware_decode("cuda"), io::HardwareDecode::Cuda);
  EXPECT_THROW(io::parse_hardware_decode("nvdec"), Error);
}

TEST(HardwareDecoding, ACodecWithoutACudaDecoderIsDecodedInSoftwareOrRefused) {
  io::configure_libav_logging();
  const io::VideoDetectFileResult r = detect_first_frames(kCinepak, io::HardwareDecode::Auto);
  EXPECT_EQ(r.decoding.decoder, "software");
  EXPECT_EQ(r.decoding.note, "libav has no CUDA decoder for cinepak");
  EXPECT_EQ(r.report.frames_analysed, 2);

  const fs::path out = fs::temp_directory_path() / "tidemark_hwdecode_cinepak.mp4";
  fs::remove(out);
  const std::string why = error_of(io::HardwareDecode::Cuda, kCinepak, out);
  EXPECT_NE(why.find(kCinepak.string()), std::string::npos) << why;
  EXPECT_NE(why.find("no CUDA decoder for cinepak"), std::string::npos) << why;
  EXPECT_FALSE(fs::exists(out));
}

TEST(HardwareDecoding, WithoutADeviceAutoFallsBackAndCudaIsRefused) {
  if (cuda_decoding_here()) GTEST_SKIP() << "a CUDA device opens here: GpuDecodedClipsAreMarkedAsSoftwareDecodedOnes covers it";
  io::configure_libav_logging();
  const io::VideoDetectFileResult r = detect_first_frames(kH264, io::HardwareDecode::Auto);
  EXPECT_EQ(r.decoding.decoder, "software");
  EXPECT_EQ(r.decoding.note.rfind("no CUDA device: ", 0), 0u) << r.decoding.note;
  EXPECT_EQ(r.decoding.note, io::video_support().cuda_decoding_problem);
  EXPECT_EQ(r.report.frames_analysed, 2);

  const fs::path out = fs::temp_directory_path() / "tidemark_hwdecode_nodevice.mp4";
  fs::remove(out);
  const std::string why = error_of(io::HardwareDecode::Cuda, kH264, out);
  EXPECT_NE(why.find(kH264.string() + ": cannot decode on the GPU: no CUDA device"), std::string::npos) << why;
  EXPECT_FALSE(fs::exists(out));
}

// H.264 decoding is exact, and NV12 holds the same samples as the stream's yuv420p: the GPU's
// frames must be marked and encoded exactly as the software decoder's.
TEST(HardwareDecoding, GpuDecodedClipsAreMarkedAsSoftwareDecodedOnes) {
  if (!cuda_decoding_here())
    GTEST_SKIP() << "no CUDA device for libav's decoders (" << io::video_support().cuda_decoding_problem << ")";
  io::configure_libav_logging();
  const fs::path soft = fs::temp_directory_path() / "tidemark_hwdecode_soft.mp4";
  const fs::path gpu = fs::temp_directory_path() / "tidemark_hwdecode_gpu.mp4";
  VideoEmbedParams params;
  params.backend = Backend::Cpu;
  const auto a = io::embed_video_file(kH264, soft, Key::public_default(), Payload{7}, params, {}, {}, {});
  const auto b = io::embed_video_file(kH264, gpu, Key::public_default(), Payload{7}, params, {}, {},
                                      decoding(io::HardwareDecode::Cuda));
  EXPECT_EQ(a.decoding.decoder, "software");
  EXPECT_EQ(b.decoding.decoder, "cuda");
  EXPECT_EQ(b.decoding.note, "");
  EXPECT_EQ(b.frames, a.frames);
  EXPECT_EQ(b.pixel_format, a.pixel_format);
  EXPECT_DOUBLE_EQ(b.mean_psnr, a.mean_psnr);

  const io::VideoDetectFileResult d = detect_first_frames(gpu, io::HardwareDecode::Cuda, 8);
  EXPECT_EQ(d.decoding.decoder, "cuda");
  ASSERT_TRUE(d.report.payload.has_value());
  EXPECT_EQ(*d.report.payload, Payload{7});
  fs::remove(soft);
  fs::remove(gpu);
}
