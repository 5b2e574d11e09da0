// GPU throughput: embed at 1080p and 4K, device-resident and from host memory, batched; detection
// of marked and unmarked 1080p images; video frames marked one by one (the video profile, without a
// codec); the CPU reference on the same machine for the speed-ups.
// Each call ends in a stream sync, so the wall clock around it measures the GPU work. Prints a table and writes JSON (argv[1], optional).
#include <cuda_runtime_api.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "../tests/support/synthetic.hpp"
#include "tidemark/detector.hpp"
#include "tidemark/embedder.hpp"
#include "tidemark/video.hpp"

using namespace tidemark;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// `count` copies of the image in device memory (pointers in `dev`, for cudaFree), as views.
std::vector<ImageView> device_copies(const Image& img, int count, std::vector<void*>& dev) {
  std::vector<ImageView> views;
  for (int i = 0; i < count; ++i) {
    dev.push_back(nullptr);
    cudaMalloc(&dev.back(), img.bytes().size());
    cudaMemcpy(dev.back(), img.bytes().data(), img.bytes().size(), cudaMemcpyHostToDevice);
    ImageView v = img.view();
    v.data = dev.back();
    v.space = MemorySpace::Device;
    views.push_back(v);
  }
  return views;
}

struct Row {
  std::string name;
  double images_per_s;
  double ms_per_image;
};

Row device_resident(const Embedder& e, int w, int h, int batch, int rounds) {
  Image img = testing::natural_image(w, h, 3, 1);
  std::vector<void*> dev;
  const std::vector<ImageView> views = device_copies(img, batch, dev);
  std::vector<Payload> payloads(batch, Payload{42});
  e.embed_batch(views, payloads);  // warm-up: workspace sized, tiles uploaded
  auto t0 = Clock::now();
  for (int r = 0; r < rounds; ++r) e.embed_batch(views, payloads);
  const double s = seconds_since(t0);
  for (void* p : dev) cudaFree(p);
  const double n = double(batch) * rounds;
  return {"embed " + std::to_string(w) + "x" + std::to_string(h) + " device-resident, batch " + std::to_string(batch), n / s,
          1e3 * s / n};
}

Row from_host(const Embedder& e, int w, int h, int batch, int rounds) {
  std::vector<Image> imgs(batch, testing::natural_image(w, h, 3, 2));
  std::vector<ImageView> views;
  for (auto& im : imgs) views.push_back(im.view());
  std::vector<Payload> payloads(batch, Payload{42});
  e.embed_batch(views, payloads);
  auto t0 = Clock::now();
  for (int r = 0; r < rounds; ++r) e.embed_batch(views, payloads);
  const double s = seconds_since(t0), n = double(batch) * rounds;
  return {"embed " + std::to_string(w) + "x" + std::to_string(h) + " from host memory (copies included), batch " +
              std::to_string(batch),
          n / s, 1e3 * s / n};
}

// The same from page-locked host buffers (cudaMallocHost, torch's pin_memory()): copied
// asynchronously, overlapping the other image's kernels.
Row from_pinned_host(const Embedder& e, int w, int h, int batch, int rounds) {
  const Image src = testing::natural_image(w, h, 3, 2);
  const std::size_t bytes = src.bytes().size();
  std::vector<ImageView> views;
  std::vector<void*> pinned(batch);
  for (int i = 0; i < batch; ++i) {
    cudaMallocHost(&pinned[i], bytes);
    std::memcpy(pinned[i], src.bytes().data(), bytes);
    ImageView v = src.view();
    v.data = pinned[i];
    views.push_back(v);
  }
  std::vector<Payload> payloads(batch, Payload{42});
  e.embed_batch(views, payloads);
  auto t0 = Clock::now();
  for (int r = 0; r < rounds; ++r) e.embed_batch(views, payloads);
  const double s = seconds_since(t0), n = double(batch) * rounds;
  for (void* p : pinned) cudaFreeHost(p);
  return {"embed " + std::to_string(w) + "x" + std::to_string(h) + " from pinned host memory (copies included), batch " +
              std::to_string(batch),
          n / s, 1e3 * s / n};
}

Row cpu_embed(int w, int h, int rounds) {
  Embedder e(Key::public_default(), {}, Backend::Cpu);
  Image img = testing::natural_image(w, h, 3, 3);
  e.embed(img.view(), Payload{42});
  auto t0 = Clock::now();
  for (int r = 0; r < rounds; ++r) e.embed(img.view(), Payload{42});
  const double s = seconds_since(t0);
  return {"embed " + std::to_string(w) + "x" + std::to_string(h) + " CPU reference, all threads", rounds / s, 1e3 * s / rounds};
}

// Detection of one image, `rounds` times after a warm-up, on the backend given; device-resident
// when `on_device`. A missed payload on a marked image is reported: a fast wrong answer is no row.
Row detect_row(Backend backend, int w, int h, bool marked, bool on_device, int rounds) {
  Image img = testing::natural_image(w, h, 3, 4);
  if (marked) Embedder(Key::public_default(), {}, Backend::Cpu).embed(img.view(), Payload{42});
  ImageView v = img.view();
  void* dev = nullptr;
  if (on_device) {
    cudaMalloc(&dev, img.bytes().size());
    cudaMemcpy(dev, img.bytes().data(), img.bytes().size(), cudaMemcpyHostToDevice);
    v.data = dev;
    v.space = MemorySpace::Device;
  }
  Detector d(Key::public_default(), {}, backend);
  const DetectResult first = d.detect(v);
  if (marked && !first.payload) std::printf("WARNING: detect missed the payload (%s)\n", backend == Backend::Cuda ? "cuda" : "cpu");
  auto t0 = Clock::now();
  for (int r = 0; r < rounds; ++r) d.detect(v);
  const double s = seconds_since(t0);
  if (dev) cudaFree(dev);
  const std::string where = backend == Backend::Cpu ? " CPU reference, all threads"
                            : on_device             ? " CUDA, device-resident"
                                                    : " CUDA, from host memory";
  return {std::string("detect ") + std::to_string(w) + "x" + std::to_string(h) + (marked ? " marked" : " unmarked") + where,
          rounds / s, 1e3 * s / rounds};
}

// detect_batch over `batch` device-resident copies of one marked or unmarked image.
Row detect_batch_row(int w, int h, bool marked, int batch, int rounds) {
  Image img = testing::natural_image(w, h, 3, 5);
  if (marked) Embedder(Key::public_default(), {}, Backend::Cpu).embed(img.view(), Payload{42});
  std::vector<void*> dev;
  const std::vector<ImageView> views = device_copies(img, batch, dev);
  Detector d(Key::public_default(), {}, Backend::Cuda);
  const auto first = d.detect_batch(views);
  if (marked && !first.front().payload) std::printf("WARNING: detect_batch missed the payload\n");
  auto t0 = Clock::now();
  for (int r = 0; r < rounds; ++r) d.detect_batch(views);
  const double s = seconds_since(t0), n = double(batch) * rounds;
  for (void* p : dev) cudaFree(p);
  return {"detect_batch " + std::to_string(w) + "x" + std::to_string(h) + (marked ? " marked" : " unmarked") +
              " CUDA, device-resident, batch " + std::to_string(batch),
          n / s, 1e3 * s / n};
}

// The video profile on 1080p luma planes of a pan over a larger picture, frame by frame in display
// order: motion measured on the host, mask and tile on `backend`. No codec: the marking alone.
Row video_frames(Backend backend, int frames) {
  constexpr int w = 1920, h = 1080, dx = 3, dy = 1;
  std::vector<Image> clip = testing::pan_clip(w, h, dx, dy, frames, 6);
  VideoEmbedParams params;
  params.backend = backend;
  FrameMarker marker(Key::public_default(), Payload{42}, params);
  marker.mark(LumaPlane{clip[0].view(), 8});  // the anchor frame; workspaces sized
  auto t0 = Clock::now();
  for (int i = 1; i < frames; ++i) marker.mark(LumaPlane{clip[i].view(), 8});
  const double s = seconds_since(t0), n = frames - 1;
  return {std::string("video frames 1920x1080 luma, marked one by one (motion on the host), ") +
              (backend == Backend::Cuda ? "CUDA" : "CPU reference, all threads"),
          n / s, 1e3 * s / n};
}

}  // namespace

int main(int argc, char** argv) {
  const int devices = cuda_device_count();
  std::vector<Row> rows;
  cudaDeviceProp prop{};
  if (devices > 0) {
    cudaGetDeviceProperties(&prop, 0);
    Embedder gpu(Key::public_default(), {}, Backend::Cuda);
    rows.push_back(device_resident(gpu, 1920, 1080, 64, 20));
    rows.push_back(device_resident(gpu, 3840, 2160, 16, 20));
    rows.push_back(from_host(gpu, 1920, 1080, 32, 10));
    rows.push_back(from_pinned_host(gpu, 1920, 1080, 32, 10));
  }
  rows.push_back(cpu_embed(1920, 1080, 5));
  const std::size_t cpu_rows = rows.size();
  rows.push_back(detect_row(Backend::Cpu, 1920, 1080, true, false, 3));
  rows.push_back(detect_row(Backend::Cpu, 1920, 1080, false, false, 2));
  if (devices > 0) {
    rows.push_back(detect_row(Backend::Cuda, 1920, 1080, true, true, 50));
    rows.push_back(detect_row(Backend::Cuda, 1920, 1080, true, false, 50));
    rows.push_back(detect_row(Backend::Cuda, 1920, 1080, false, true, 5));
    rows.push_back(detect_batch_row(1920, 1080, true, 64, 5));
    rows.push_back(detect_batch_row(1920, 1080, false, 32, 1));
  }
  rows.push_back(video_frames(Backend::Cpu, 31));
  if (devices > 0) rows.push_back(video_frames(Backend::Cuda, 61));
  std::printf("device: %s\n", devices ? prop.name : "none (CPU rows only)");
  std::printf("%-78s %12s %10s\n", "case", "images/s", "ms/image");
  std::string json = std::string("{\"device\":\"") + (devices ? prop.name : "none") + "\",\"rows\":[";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::printf("%-78s %12.1f %10.3f\n", rows[i].name.c_str(), rows[i].images_per_s, rows[i].ms_per_image);
    json += (i ? "," : "") + std::string("{\"case\":\"") + rows[i].name + "\",\"images_per_s\":" +
            std::to_string(rows[i].images_per_s) + "}";
  }
  json += "]}";
  if (devices > 0) {
    const double gpu_ms = rows[0].ms_per_image, cpu_ms = rows[cpu_rows - 1].ms_per_image;
    std::printf("GPU/CPU embed speed-up at 1080p (device-resident vs CPU all threads): %.0fx\n", cpu_ms / gpu_ms);
    std::printf("GPU/CPU detect speed-up at 1080p, marked: %.1fx, unmarked: %.1fx\n",
                rows[cpu_rows].ms_per_image / rows[cpu_rows + 2].ms_per_image,
                rows[cpu_rows + 1].ms_per_image / rows[cpu_rows + 4].ms_per_image);
    std::printf("GPU/CPU video frame marking at 1080p: %.1fx\n", rows[rows.size() - 2].ms_per_image / rows.back().ms_per_image);
  }
  if (argc > 1) std::ofstream(argv[1]) << json << "\n";
  return 0;
}
