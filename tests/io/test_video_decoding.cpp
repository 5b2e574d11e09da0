// Where clips are decoded: software by default; with HardwareDecode::Auto on the GPU's decoder
// when libav can open a CUDA device and has a CUDA decoder for the codec, software otherwise with
// the reason; with HardwareDecode::Cuda, an error naming the file and the cause instead.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

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

// Marking `clip` with hardware decoding `mode` is refused (Unsupported) with every one of `said`
// in the message, and nothing is left under the output name.
void expect_refused(io::HardwareDecode mode, const fs::path& clip, const std::vector<std::string>& said) {
  const fs::path out = fs::temp_directory_path() / ("tidemark_hwdecode_" + clip.stem().string() + ".mp4");
  fs::remove(out);
  std::string why;
  try {
    io::embed_video_file(clip, out, Key::public_default(), Payload{7}, {}, {}, {}, decoding(mode));
    ADD_FAILURE() << clip << " was marked";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), Status::Unsupported) << e.what();
    why = e.what();
  }
  for (const std::string& text : said) EXPECT_NE(why.find(text), std::string::npos) << why;
  EXPECT_FALSE(fs::exists(out));
}

// The first two frames were decoded in software and analysed; the note that came with them.
std::string software_note(const io::VideoDetectFileResult& r) {
  EXPECT_EQ(r.decoding.decoder, "software");
  EXPECT_EQ(r.report.frames_analysed, 2);
  return r.decoding.note;
}

}  // namespace

TEST(HardwareDecoding, OffDecodesInSoftwareAndSaysNothingMore) {
  io::configure_libav_logging();
  EXPECT_EQ(software_note(detect_first_frames(kH264, io::HardwareDecode::Off)), "");
}

TEST(HardwareDecoding, ParsesItsThreeModesOnly) {
  EXPECT_EQ(io::parse_hardware_decode("off"), io::HardwareDecode::Off);
  EXPECT_EQ(io::parse_hardware_decode("auto"), io::HardwareDecode::Auto);
  EXPECT_EQ(io::parse_hardware_decode("cuda"), io::HardwareDecode::Cuda);
  EXPECT_THROW(io::parse_hardware_decode("nvdec"), Error);
}

TEST(HardwareDecoding, ACodecWithoutACudaDecoderIsDecodedInSoftwareOrRefused) {
  io::configure_libav_logging();
  EXPECT_EQ(software_note(detect_first_frames(kCinepak, io::HardwareDecode::Auto)), "libav has no CUDA decoder for cinepak");
  expect_refused(io::HardwareDecode::Cuda, kCinepak, {kCinepak.string(), "no CUDA decoder for cinepak"});
}

TEST(HardwareDecoding, WithoutADeviceAutoFallsBackAndCudaIsRefused) {
  if (cuda_decoding_here()) GTEST_SKIP() << "a CUDA device opens here: GpuDecodedClipsAreMarkedAsSoftwareDecodedOnes covers it";
  io::configure_libav_logging();
  const std::string note = software_note(detect_first_frames(kH264, io::HardwareDecode::Auto));
  EXPECT_EQ(note.rfind("no CUDA device: ", 0), 0u) << note;
  EXPECT_EQ(note, io::video_support().cuda_decoding_problem);
  expect_refused(io::HardwareDecode::Cuda, kH264, {kH264.string() + ": cannot decode on the GPU: no CUDA device"});
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
