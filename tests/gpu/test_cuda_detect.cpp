// Detection on the GPU against the CPU reference: the residual, folds and spectrum agree to float
// rounding, and the detector reaches the same decisions (payload, verdict, geometry) on marked,
// attacked, unmarked, awkward-sized and device-resident images. Skips without a device.
#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <thread>

#include "backend_select.hpp"
#include "reference/analysis.hpp"
#include "reference/detect_cpu.hpp"
#include "support/synthetic.hpp"
#include "tidemark/detector.hpp"
#include "tidemark/embedder.hpp"
#include "tidemark/error.hpp"

using namespace tidemark;
using tidemark::testing::natural_image;

namespace {

#define REQUIRE_GPU() \
  if (cuda_device_count() == 0) GTEST_SKIP() << "no CUDA device present: GPU test skipped"

const Payload kPayload{0x0123456789abcdefULL};

Image marked(int w, int h, int c, std::uint32_t seed) {
  Image im = natural_image(w, h, c, seed);
  Embedder(Key::public_default(), {}, Backend::Cpu).embed(im.view(), kPayload);
  return im;
}

double max_abs_diff(const detail::Plane& a, const detail::Plane& b) {
  double worst = 0;
  for (std::size_t i = 0; i < a.px.size(); ++i) worst = std::max(worst, double(std::abs(a.px[i] - b.px[i])));
  return worst;
}

void expect_same_decision(const DetectResult& cpu, const DetectResult& gpu, const std::string& name) {
  EXPECT_EQ(cpu.verdict, gpu.verdict) << name;
  EXPECT_EQ(cpu.payload.has_value(), gpu.payload.has_value()) << name;
  if (cpu.payload && gpu.payload) EXPECT_EQ(cpu.payload->value, gpu.payload->value) << name;
  if (cpu.payload) {  // the same geometry, to the search's precision
    EXPECT_NEAR(cpu.scale, gpu.scale, 0.01 * cpu.scale) << name;
    EXPECT_NEAR(std::remainder(cpu.rotation_deg - gpu.rotation_deg, 360.0), 0.0, 0.5) << name;
    EXPECT_NEAR(cpu.z, gpu.z, 0.05 * cpu.z) << name;
  }
}

}  // namespace

TEST(CudaDetect, StagesMatchTheCpuToFloatRounding) {
  REQUIRE_GPU();
  const Image im = marked(1001, 703, 3, 31);
  auto ws = make_cuda_detect_workspace();
  auto gpu = make_cuda_analysis(*ws, im.view(), 0);
  detail::CpuAnalysis cpu(im.view(), 0);
  for (int level : {1, 2}) {
    cpu.set_level(level);
    gpu->set_level(level);
    const double s = 1.0 / 1.37;
    for (const detail::Affine& a : {detail::Affine{1, 0, 0, 1}, detail::Affine{s * 0.98, s * 0.2, -s * 0.2, s * 0.98}})
      for (bool wide : {false, true})
        for (bool nearest : {false, true}) {
          const detail::Folded c = cpu.fold(wide, a, nearest), g = gpu->fold(wide, a, nearest);
          EXPECT_LT(max_abs_diff(c.tile, g.tile), 2e-4) << "level " << level << " wide " << wide << " nearest " << nearest;
          EXPECT_NEAR(c.coverage, g.coverage, 1e-3 * c.coverage);
        }
    const detail::Spectrum cs = cpu.spectrum(8.0 / level), gs = gpu->spectrum(8.0 / level);
    ASSERT_EQ(cs.log.width, gs.log.width);
    ASSERT_EQ(cs.log.height, gs.log.height);
    EXPECT_LT(max_abs_diff(cs.log, gs.log), 1e-3) << "level " << level;
  }
}

// The template search on the GPU (cuFFT spectrum, coarse grid, fine stage) finds the CPU's
// candidates on a rotated, scaled and on a mirrored copy, with every kind of pass.
TEST(CudaDetect, TemplateSearchFindsTheCpuCandidates) {
  REQUIRE_GPU();
  const detail::DetectKey dk(Key::public_default());
  const Image big = marked(1200, 900, 3, 71);
  for (const Image& im : {tidemark::testing::warp(big, 11.0, 0.85), tidemark::testing::flip_horizontal(big)}) {
    auto ws = make_cuda_detect_workspace();
    auto gpu = make_cuda_analysis(*ws, im.view(), 0);
    detail::CpuAnalysis cpu(im.view(), 0);
    cpu.set_level(1);
    gpu->set_level(1);
    for (const detail::SearchPass& pass : {detail::SearchPass{{1.0}, true, 0, 384, 3},
                                           detail::SearchPass{{1.0}, true, 0, 384, 3, true},
                                           detail::SearchPass{{0.75, 0.866, 1.155, 1.333}, false, 3, 384, 3}}) {
      const auto c = cpu.search(8.0, dk.template_freqs, pass), g = gpu->search(8.0, dk.template_freqs, pass);
      ASSERT_EQ(c.size(), g.size());
      ASSERT_FALSE(c.empty());
      EXPECT_NEAR(c[0].score, g[0].score, 1e-3 * std::abs(c[0].score));
      EXPECT_NEAR(c[0].theta, g[0].theta, 1e-3);
      EXPECT_NEAR(c[0].scale, g[0].scale, 1e-3 * c[0].scale);
      EXPECT_NEAR(c[0].aspect, g[0].aspect, 1e-3);
      EXPECT_EQ(c[0].mirrored, g[0].mirrored);
      EXPECT_NEAR(c[0].fit.a, g[0].fit.a, 1e-3);
      EXPECT_NEAR(c[0].fit.d, g[0].fit.d, 1e-3);
    }
  }
}

TEST(CudaDetect, SameDecisionsAsTheCpu) {
  REQUIRE_GPU();
  Detector cpu(Key::public_default(), {}, Backend::Cpu), gpu(Key::public_default(), {}, Backend::Cuda);
  ASSERT_EQ(gpu.backend(), Backend::Cuda);
  const Image big = marked(1920, 1080, 3, 41);
  struct Case {
    std::string name;
    Image image;
  };
  std::vector<Case> cases;
  cases.push_back({"marked 1080p", big});
  cases.push_back({"marked gray 641x479", marked(641, 479, 1, 42)});
  cases.push_back({"marked rgba 500x257", marked(500, 257, 4, 43)});
  cases.push_back({"crop 700x500 at (37, 53)", tidemark::testing::crop(big, 37, 53, 700, 500)});
  cases.push_back({"rotated 7 deg, scaled 0.8", tidemark::testing::warp(big, 7.0, 0.8)});
  cases.push_back({"mirrored", tidemark::testing::flip_horizontal(marked(800, 600, 3, 44))});
  cases.push_back({"aspect 0.8", tidemark::testing::warp(big, 0.0, 1.0, 1920, 864, 0.8)});
  cases.push_back({"unmarked 1280x720", natural_image(1280, 720, 3, 45)});
  cases.push_back({"unmarked 333x200", natural_image(333, 200, 3, 46)});
  cases.push_back({"41x39 crop: too small", tidemark::testing::crop(big, 100, 100, 41, 39)});
  for (const Case& c : cases) {
    const DetectResult rc = cpu.detect(c.image.view()), rg = gpu.detect(c.image.view());
    expect_same_decision(rc, rg, c.name);
  }
  EXPECT_TRUE(gpu.detect(big.view()).payload.has_value());
}

TEST(CudaDetect, DeviceResidentImagesAndBatches) {
  REQUIRE_GPU();
  std::vector<Image> host{marked(900, 600, 3, 51), natural_image(640, 480, 3, 52), marked(1280, 720, 4, 53)};
  std::vector<void*> dev(host.size());
  std::vector<ImageView> views;
  for (std::size_t i = 0; i < host.size(); ++i) {
    ASSERT_EQ(cudaMalloc(&dev[i], host[i].bytes().size()), cudaSuccess);
    ASSERT_EQ(cudaMemcpy(dev[i], host[i].bytes().data(), host[i].bytes().size(), cudaMemcpyHostToDevice), cudaSuccess);
    ImageView v = host[i].view();
    v.data = dev[i];
    v.space = MemorySpace::Device;
    views.push_back(v);
  }
  Detector gpu(Key::public_default());
  const auto results = gpu.detect_batch(views);
  for (void* p : dev) cudaFree(p);
  ASSERT_EQ(results.size(), 3u);
  ASSERT_TRUE(results[0].payload);
  EXPECT_EQ(results[0].payload->value, kPayload.value);
  EXPECT_FALSE(results[1].detected);
  ASSERT_TRUE(results[2].payload);
  EXPECT_EQ(results[2].payload->value, kPayload.value);
  // The CPU backend refuses device memory with a clear error rather than reading it.
  EXPECT_THROW(Detector(Key::public_default(), {}, Backend::Cpu).detect(views[0]), Error);
}

// detect_batch keeps several images in flight (one stream each) and threads may share a Detector:
// the results are those of single calls, in the input's order.
TEST(CudaDetect, BatchesAndThreadsGiveTheSingleCallResults) {
  REQUIRE_GPU();
  std::vector<Image> images;
  for (int i = 0; i < 12; ++i)
    images.push_back(i % 3 == 2 ? natural_image(500 + 10 * i, 400, 3, 60 + i) : marked(520 + 16 * i, 380 + 8 * i, 3, 60 + i));
  std::vector<ImageView> views;
  for (auto& im : images) views.push_back(im.view());
  Detector gpu(Key::public_default(), {}, Backend::Cuda);
  std::vector<DetectResult> single;
  for (const auto& v : views) single.push_back(gpu.detect(v));
  const auto batch = gpu.detect_batch(views);
  ASSERT_EQ(batch.size(), views.size());
  std::vector<DetectResult> threaded(views.size());
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t)
    threads.emplace_back([&, t] {
      for (std::size_t i = t; i < views.size(); i += 3) threaded[i] = gpu.detect(views[i]);
    });
  for (auto& t : threads) t.join();
  for (std::size_t i = 0; i < views.size(); ++i) {
    EXPECT_EQ(single[i].payload.has_value(), i % 3 != 2) << "image " << i;
    for (const DetectResult* r : {&batch[i], static_cast<const DetectResult*>(&threaded[i])}) {
      EXPECT_EQ(r->verdict, single[i].verdict) << "image " << i;
      EXPECT_EQ(r->payload.has_value(), single[i].payload.has_value()) << "image " << i;
      if (r->payload && single[i].payload) EXPECT_EQ(r->payload->value, single[i].payload->value);
    }
  }
}
