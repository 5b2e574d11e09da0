// CPU speed of the reference backend (Google Benchmark): embed and detect, marked and unmarked,
// at 512 x 512, 1920 x 1080 and 3840 x 2160, on one thread and on all threads; video frames
// marked one after another (motion estimation included). The counter ms_per_MP is the figure the
// targets are stated in.
#include <benchmark/benchmark.h>

#include <map>
#include <thread>
#include <vector>

#include "../tests/support/synthetic.hpp"
#include "tidemark/detector.hpp"
#include "tidemark/embedder.hpp"
#include "tidemark/video.hpp"

using namespace tidemark;

namespace {

const Image& source(int w, int h) {
  static std::map<std::pair<int, int>, Image> cache;
  auto it = cache.find({w, h});
  if (it == cache.end()) it = cache.emplace(std::pair{w, h}, testing::natural_image(w, h, 3, 5)).first;
  return it->second;
}

void report(benchmark::State& state, int w, int h) {
  const double mp = w * double(h) / 1e6;
  // Inverted rate of (MP / 1000) per second = milliseconds per megapixel.
  state.counters["ms_per_MP"] = benchmark::Counter(mp / 1e3, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["MP_per_s"] = benchmark::Counter(mp, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_Embed(benchmark::State& state) {
  const int w = static_cast<int>(state.range(0)), h = static_cast<int>(state.range(1));
  EmbedParams p;
  p.threads = static_cast<int>(state.range(2));
  const Embedder e(Key::public_default(), p, Backend::Cpu);
  Image img = source(w, h);
  for (auto _ : state) {
    state.PauseTiming();
    img = source(w, h);
    state.ResumeTiming();
    e.embed(img.view(), Payload{7});
  }
  report(state, w, h);
}

void BM_Detect(benchmark::State& state) {
  const int w = static_cast<int>(state.range(0)), h = static_cast<int>(state.range(1));
  // marked: 0 unmarked, 1 marked, 2 marked then rotated 3 degrees and scaled 0.8 (the search path)
  const int marked = static_cast<int>(state.range(3));
  Image img = source(w, h);
  if (marked) Embedder(Key::public_default(), {}, Backend::Cpu).embed(img.view(), Payload{7});
  if (marked == 2) img = testing::warp(img, 3.0, 0.8, w * 4 / 5, h * 4 / 5);
  DetectParams p;
  p.threads = static_cast<int>(state.range(2));
  const Detector d(Key::public_default(), p, Backend::Cpu);
  for (auto _ : state) benchmark::DoNotOptimize(d.detect(img.view()));
  report(state, img.width(), img.height());
}

// The video profile on 1080p luma frames of a pan (3 px right, 1 px down per frame) over a larger
// picture: a fresh marker per iteration marks the 16 frames in order (in place: later iterations
// mark marked frames, which costs the same). Counter: ms per frame.
void BM_VideoFrames(benchmark::State& state) {
  constexpr int w = 1920, h = 1080, dx = 3, dy = 1, frames = 16;
  static const std::vector<Image> clip = testing::pan_clip(w, h, dx, dy, frames, 6);
  std::vector<Image> work = clip;
  VideoEmbedParams params;
  params.backend = Backend::Cpu;
  params.embed.threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    FrameMarker marker(Key::public_default(), Payload{42}, params);
    for (auto& frame : work) marker.mark(LumaPlane{frame.view(), 8});
  }
  state.counters["ms_per_frame"] =
      benchmark::Counter(frames / 1e3, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

const int all_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

}  // namespace

BENCHMARK(BM_Embed)->ArgNames({"w", "h", "threads"})
    ->Args({512, 512, 1})->Args({1920, 1080, 1})->Args({3840, 2160, 1})->Args({1920, 1080, all_threads})
    ->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Detect)->ArgNames({"w", "h", "threads", "marked"})
    ->Args({512, 512, 1, 1})->Args({1920, 1080, 1, 1})->Args({3840, 2160, 1, 1})->Args({1920, 1080, 1, 2})
    ->Args({512, 512, 1, 0})->Args({1920, 1080, 1, 0})->Args({1920, 1080, all_threads, 0})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK(BM_VideoFrames)->ArgNames({"threads"})->Arg(1)->Arg(all_threads)
    ->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
