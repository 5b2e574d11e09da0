// CUDA backend against the CPU reference: same pixels (the kernels evaluate the same float
// formulas in the same order), same offsets, same decoded payload. Skips without a device.
#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>

#include "backend_select.hpp"
#include "support/synthetic.hpp"
#include "tidemark/detector.hpp"
#include "tidemark/embedder.hpp"
#include "tidemark/error.hpp"
#include "tidemark/foreign_marks.hpp"
#include "tidemark/video.hpp"

using namespace tidemark;
using tidemark::testing::natural_image;

namespace {

#define REQUIRE_GPU() \
  if (cuda_device_count() == 0) GTEST_SKIP() << "no CUDA device present: GPU test skipped"

// On a mismatch: the CPU result, the GPU result and their difference as PGM/PPM files.
void dump(const Image& cpu, const Image& gpu, const std::string& name) {
  auto write = [&](const Image& im, const std::string& file) {
    std::ofstream out(file, std::ios::binary);
    const int c = im.channels() == 1 ? 1 : 3;
    out << (c == 1 ? "P5\n" : "P6\n") << im.width() << " " << im.height() << "\n255\n";
    for (std::size_t p = 0; p < std::size_t(im.width()) * im.height(); ++p)
      for (int k = 0; k < c; ++k) out.put(static_cast<char>(im.bytes()[p * im.channels() + k]));
  };
  Image diff(cpu.width(), cpu.height(), cpu.channels(), SampleType::U8);
  for (std::size_t i = 0; i < diff.bytes().size(); ++i)
    diff.bytes()[i] = static_cast<std::uint8_t>(std::min(255, 128 + 32 * (int(gpu.bytes()[i]) - int(cpu.bytes()[i]))));
  write(cpu, name + "_cpu.pnm");
  write(gpu, name + "_gpu.pnm");
  write(diff, name + "_diff.pnm");
  std::fprintf(stderr, "wrote %s_{cpu,gpu,diff}.pnm\n", name.c_str());
}

void expect_same(const Image& cpu, const Image& gpu, const std::string& name) {
  std::size_t differ = 0;
  int worst = 0;
  for (std::size_t i = 0; i < cpu.bytes().size(); ++i) {
    const int d = std::abs(int(cpu.bytes()[i]) - int(gpu.bytes()[i]));
    differ += d != 0;
    worst = std::max(worst, d);
  }
  // Written tolerance: bytes may differ by at most 1 (a rounding tie), in at most 0.01 % of samples.
  const bool ok = worst <= 1 && differ * 10000 <= cpu.bytes().size();
  if (!ok) dump(cpu, gpu, name);
  EXPECT_TRUE(ok) << name << ": " << differ << " bytes differ, worst by " << worst;
}

const Payload kPayload{0xfeedfacecafebeefULL};

}  // namespace

TEST(CudaParity, HostImagesOfAwkwardSizesAndLayouts) {
  REQUIRE_GPU();
  Embedder cpu(Key::public_default(), {}, Backend::Cpu), gpu(Key::public_default(), {}, Backend::Cuda);
  struct Case {
    int w, h, c;
    SampleType t;
  };
  for (const Case& k : {Case{129, 131, 3, SampleType::U8}, Case{641, 479, 1, SampleType::U8}, Case{500, 257, 4, SampleType::U8},
                        Case{333, 200, 3, SampleType::U16}, Case{1920, 1080, 3, SampleType::U8}, Case{1601, 1203, 3, SampleType::U8}}) {
    Image a = natural_image(k.w, k.h, k.c, 7, k.t), b = a;
    auto ra = cpu.embed(a.view(), kPayload), rb = gpu.embed(b.view(), kPayload);
    EXPECT_EQ(ra.offset_x, rb.offset_x);
    EXPECT_EQ(ra.offset_y, rb.offset_y);
    const std::string name = "parity_" + std::to_string(k.w) + "x" + std::to_string(k.h) + "x" + std::to_string(k.c);
    if (k.t == SampleType::U8) expect_same(a, b, name);
    else EXPECT_EQ(a.bytes(), b.bytes()) << name;
  }
}

TEST(CudaParity, DeviceResidentBatchMatchesCpuAndDecodes) {
  REQUIRE_GPU();
  Embedder cpu(Key::public_default(), {}, Backend::Cpu), gpu(Key::public_default());
  std::vector<Image> host;
  for (int i = 0; i < 4; ++i) host.push_back(natural_image(400 + 37 * i, 300 + 11 * i, 3, 20 + i));
  std::vector<void*> dev(host.size());
  std::vector<ImageView> views;
  std::vector<Payload> payloads;
  for (std::size_t i = 0; i < host.size(); ++i) {
    ASSERT_EQ(cudaMalloc(&dev[i], host[i].bytes().size()), cudaSuccess);
    cudaMemcpy(dev[i], host[i].bytes().data(), host[i].bytes().size(), cudaMemcpyHostToDevice);
    ImageView v = host[i].view();
    v.data = dev[i];
    v.space = MemorySpace::Device;
    views.push_back(v);
    payloads.push_back(Payload{0x1000 + i});
  }
  gpu.embed_batch(views, payloads);
  Detector detector(Key::public_default());
  for (std::size_t i = 0; i < host.size(); ++i) {
    Image marked = host[i];
    cudaMemcpy(marked.bytes().data(), dev[i], marked.bytes().size(), cudaMemcpyDeviceToHost);
    cudaFree(dev[i]);
    cpu.embed(host[i].view(), payloads[i]);
    expect_same(host[i], marked, "device_batch_" + std::to_string(i));
    DetectResult r = detector.detect(marked.view());
    ASSERT_TRUE(r.payload);
    EXPECT_EQ(*r.payload, payloads[i]);
  }
}

// Host images in page-locked memory are copied asynchronously, pageable ones staged; a batch
// mixing both, on the two lanes, gives the CPU's pixels and offsets for every image.
TEST(CudaParity, PinnedAndPageableHostImagesInOneBatch) {
  REQUIRE_GPU();
  Embedder cpu(Key::public_default(), {}, Backend::Cpu), gpu(Key::public_default(), {}, Backend::Cuda);
  std::vector<Image> pageable, expected;
  std::vector<void*> pinned;
  std::vector<ImageView> views;
  std::vector<Payload> payloads;
  for (int i = 0; i < 5; ++i) {
    pageable.push_back(natural_image(300 + 41 * i, 200 + 29 * i, i == 3 ? 4 : 3, 90 + i));
    expected.push_back(pageable.back());
    payloads.push_back(Payload{0x2000u + i});
  }
  for (int i = 0; i < 5; ++i) {
    ImageView v = pageable[i].view();
    if (i % 2 == 0) {  // even images in pinned memory
      void* p = nullptr;
      ASSERT_EQ(cudaMallocHost(&p, pageable[i].bytes().size()), cudaSuccess);
      std::memcpy(p, pageable[i].bytes().data(), pageable[i].bytes().size());
      pinned.push_back(p);
      v.data = p;
    }
    views.push_back(v);
  }
  const auto reports = gpu.embed_batch(views, payloads);
  for (int i = 0; i < 5; ++i) {
    const auto ref = cpu.embed(expected[i].view(), payloads[i]);
    EXPECT_EQ(reports[i].offset_x, ref.offset_x) << "image " << i;
    EXPECT_EQ(reports[i].offset_y, ref.offset_y) << "image " << i;
    Image got = pageable[i];
    if (i % 2 == 0) std::memcpy(got.bytes().data(), pinned[i / 2], got.bytes().size());
    expect_same(expected[i], got, "mixed_batch_" + std::to_string(i));
  }
  for (void* p : pinned) cudaFreeHost(p);
}

// Video frames: the tile at a geometry the caller gives (fractional offsets, any scale, the exact
// scale-1 case), 8-bit and 16-bit luma planes and an RGB frame, from host and device memory.
TEST(CudaParity, EmbedAtAGivenGeometryMatchesCpu) {
  REQUIRE_GPU();
  Embedder cpu(Key::public_default(), {}, Backend::Cpu), gpu(Key::public_default(), {}, Backend::Cuda);
  struct Case {
    int w, h, c;
    SampleType t;
    TileGeometry g;
  };
  for (const Case& k : {Case{1280, 720, 1, SampleType::U8, {4.0, 17.25, 101.6}}, Case{853, 481, 1, SampleType::U16, {2.7, 0.5, 127.9}},
                        Case{640, 360, 3, SampleType::U8, {1.0, 5.0, 9.0}}, Case{1920, 1080, 1, SampleType::U8, {4.43, 63.1, 2.2}}}) {
    Image a = natural_image(k.w, k.h, k.c, 31, k.t), b = a, c = a;
    cpu.embed_at(a.view(), kPayload, k.g);
    gpu.embed_at(b.view(), kPayload, k.g);
    const std::string name = "embed_at_" + std::to_string(k.w) + "x" + std::to_string(k.h) + "x" + std::to_string(k.c);
    if (k.t == SampleType::U8) expect_same(a, b, name);
    else EXPECT_EQ(a.bytes(), b.bytes()) << name;
    void* d = nullptr;  // the same frame from device memory
    ASSERT_EQ(cudaMalloc(&d, c.bytes().size()), cudaSuccess);
    cudaMemcpy(d, c.bytes().data(), c.bytes().size(), cudaMemcpyHostToDevice);
    ImageView dv = c.view();
    dv.data = d;
    dv.space = MemorySpace::Device;
    cpu.embed_at(dv, kPayload, k.g);  // device memory goes to CUDA whatever the backend
    cudaMemcpy(c.bytes().data(), d, c.bytes().size(), cudaMemcpyDeviceToHost);
    cudaFree(d);
    EXPECT_EQ(b.bytes(), c.bytes()) << name << " from device memory";
  }
}

// Frames handed over in device memory are marked there with the motion a host copy gives: the
// same pixels as the same frames marked from host memory on CUDA.
TEST(CudaParity, FrameMarkerMarksDeviceFramesWhereTheyAre) {
  REQUIRE_GPU();
  VideoEmbedParams vp;
  vp.backend = Backend::Cuda;
  FrameMarker from_host(Key::public_default(), kPayload, vp);
  vp.backend = Backend::Cpu;  // device frames go to CUDA whatever the backend
  FrameMarker from_device(Key::public_default(), kPayload, vp);
  const std::vector<Image> clip = tidemark::testing::pan_clip(640, 360, 3, 1, 4, 5);
  for (std::size_t i = 0; i < clip.size(); ++i) {
    Image a = clip[i], b = clip[i];
    void* d = nullptr;
    ASSERT_EQ(cudaMalloc(&d, b.bytes().size()), cudaSuccess);
    cudaMemcpy(d, b.bytes().data(), b.bytes().size(), cudaMemcpyHostToDevice);
    ImageView dv = b.view();
    dv.data = d;
    dv.space = MemorySpace::Device;
    const FrameMarkReport ra = from_host.mark(a.view()), rb = from_device.mark(dv);
    cudaMemcpy(b.bytes().data(), d, b.bytes().size(), cudaMemcpyDeviceToHost);
    cudaFree(d);
    EXPECT_EQ(ra.geometry.scale, rb.geometry.scale) << "frame " << i;
    EXPECT_EQ(ra.geometry.offset_x, rb.geometry.offset_x) << "frame " << i;
    EXPECT_EQ(ra.geometry.offset_y, rb.geometry.offset_y) << "frame " << i;
    EXPECT_EQ(a.bytes(), b.bytes()) << "frame " << i;
  }
}

// Video detection on CUDA (reduced frames analysed on the device): the CPU's payload in every
// frame that the CPU decodes, and the same clip-level result.
TEST(CudaParity, VideoDetectorFindsWhatTheCpuFinds) {
  REQUIRE_GPU();
  const Image scene = natural_image(760, 420, 1, 23);
  VideoEmbedParams vp;
  vp.backend = Backend::Cpu;
  FrameMarker marker(Key::public_default(), kPayload, vp);
  VideoDetector cpu(Key::public_default(), {}, {}, Backend::Cpu), gpu(Key::public_default(), {}, {}, Backend::Cuda);
  for (int i = 0; i < 6; ++i) {
    Image frame(640, 360, 1, SampleType::U8);
    for (int y = 0; y < 360; ++y)
      std::memcpy(frame.view().row<std::uint8_t>(y), scene.view().row<std::uint8_t>(y + i) + 3 * i, 640);
    marker.mark(LumaPlane{frame.view(), 8});
    const DetectResult a = cpu.add_frame(frame.view(), i / 30.0).result, b = gpu.add_frame(frame.view(), i / 30.0).result;
    EXPECT_EQ(a.payload.has_value(), b.payload.has_value()) << "frame " << i;
    if (a.payload && b.payload) EXPECT_EQ(a.payload->value, b.payload->value) << "frame " << i;
  }
  const VideoDetectReport a = cpu.finish(), b = gpu.finish();
  ASSERT_TRUE(a.payload.has_value());
  ASSERT_TRUE(b.payload.has_value());
  EXPECT_EQ(a.payload->value, b.payload->value);
  EXPECT_EQ(a.frames_decoded, b.frames_decoded);
  EXPECT_EQ(a.segments.size(), b.segments.size());
}

TEST(CudaParity, SelectsCudaWhenPresent) {
  REQUIRE_GPU();
  EXPECT_EQ(Embedder(Key::public_default()).backend(), Backend::Cuda);
}

TEST(CudaBackend, WithoutDeviceCudaIsRefusedClearly) {
  if (cuda_device_count() > 0) GTEST_SKIP() << "a CUDA device is present: nothing to refuse";
  EXPECT_THROW(Embedder(Key::public_default(), {}, Backend::Cuda), Error);
  EXPECT_THROW(VideoDetector(Key::public_default(), {}, {}, Backend::Cuda), Error);
  EXPECT_EQ(Embedder(Key::public_default()).backend(), Backend::Cpu);
  // A frame said to be in device memory: refused with CUDA's reason, not read as host memory.
  Image frame = natural_image(640, 360, 1, 3), before = frame;
  ImageView dv = frame.view();
  dv.space = MemorySpace::Device;
  FrameMarker marker(Key::public_default(), kPayload);
  try {
    marker.mark(dv);
    ADD_FAILURE() << "a device frame was marked without a device";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("CUDA"), std::string::npos) << e.what();
  }
  EXPECT_EQ(frame.bytes(), before.bytes());
  EXPECT_EQ(marker.frames(), 0);
}

// The dwtDct reader on the GPU gives the CPU's votes block for block (double precision, same
// operation order, no FMA), for host and device images of awkward sizes, 8 and 16 bit.
TEST(CudaParity, DwtDctVotesMatchTheCpu) {
  REQUIRE_GPU();
  std::vector<Image> images;
  for (auto [w, h, c] : {std::tuple{256, 256, 3}, {517, 389, 3}, {640, 480, 4}, {1023, 257, 3}})
    images.push_back(natural_image(w, h, c, 11u + w));
  Image deep(400, 300, 3, SampleType::U16);
  const Image base = natural_image(400, 300, 3, 5);
  for (std::size_t i = 0; i < base.bytes().size(); ++i)
    reinterpret_cast<std::uint16_t*>(deep.bytes().data())[i] = std::uint16_t(base.bytes()[i] * 257 + (i % 200));
  images.push_back(deep);
  std::vector<ImageView> views;
  for (auto& im : images) views.push_back(im.view());
  for (bool swapped : {false, true}) {
    const auto gpu = cuda_dwtdct_votes(views, swapped);
    for (std::size_t i = 0; i < views.size(); ++i) {
      const DwtDctVotes cpu = dwtdct_votes(views[i], swapped);
      ASSERT_TRUE(gpu[i].usable);
      EXPECT_EQ(gpu[i].u, cpu.u) << "image " << i << " swapped " << swapped;
    }
  }
  // Device-resident: the batch API reads the pixels where they are.
  const Image& im = images[1];
  void* d = nullptr;
  ASSERT_EQ(cudaMalloc(&d, im.bytes().size()), cudaSuccess);
  ASSERT_EQ(cudaMemcpy(d, im.bytes().data(), im.bytes().size(), cudaMemcpyHostToDevice), cudaSuccess);
  ImageView dv = im.view();
  dv.data = d;
  dv.space = MemorySpace::Device;
  const auto reports = detect_foreign_marks_batch({&dv, 1}, Backend::Cuda);
  const ForeignMarkReport cpu = detect_foreign_marks(im.view());
  cudaFree(d);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].checked, cpu.checked);
  EXPECT_EQ(reports[0].closest.matched, cpu.closest.matched);
  EXPECT_EQ(reports[0].closest.name, cpu.closest.name);
}
