// The CUDA backend: device selection, the embed workspace (grown, never shrunk, so steady-state
// calls allocate nothing), and the embed pipeline over the kernels in kernels/.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "backend_select.hpp"
#include "cuda_support.hpp"
#include "embed_kernels.cuh"
#include "reference/embed_cpu.hpp"
#include "reference/filters.hpp"
#include "reference/mask.hpp"
#include "reference/parallel.hpp"
#include "tidemark/shared/content_hash.hpp"
#include "tidemark/error.hpp"

namespace tidemark {
namespace {

using cuda_support::check;
using cuda_support::DeviceBuffer;
using cuda_support::PinnedBuffer;
using cuda_support::taps_for;

}  // namespace

int cuda_device_count() noexcept {
  int n = 0;
  return cudaGetDeviceCount(&n) == cudaSuccess ? n : 0;
}

Backend resolve_backend(Backend requested) {
  if (requested == Backend::Cpu) return Backend::Cpu;
  const int devices = cuda_device_count();
  if (requested == Backend::Cuda && devices == 0) throw Error(Status::Unsupported, "--backend cuda: no CUDA device is present");
  return devices > 0 ? Backend::Cuda : Backend::Cpu;
}

// One of the images in flight: its own stream and planes. Image i of a batch goes to lane
// i % kLanes, so the copies of one image overlap the kernels of the other.
struct EmbedLane {
  cuda_support::Stream stream;
  DeviceBuffer<float> y, a, b, t;
  DeviceBuffer<unsigned char> image;
  PinnedBuffer<unsigned char> staging;  // pageable host images pass through here
  std::optional<std::size_t> pending;   // the image whose marked pixels `staging` will hold
};
constexpr std::size_t kLanes = 2;

struct CudaEmbedWorkspace {
  std::array<EmbedLane, kLanes> lanes;
  DeviceBuffer<float> tile;
  DeviceBuffer<int> offset;
  PinnedBuffer<int> host_offset;             // two ints per image of a batch
  std::vector<std::uint64_t> tile_payloads;  // payloads whose tiles `tile` holds, in order
  kernels::Taps g1 = taps_for(1.0f), g075 = taps_for(0.75f), g05 = taps_for(0.5f);
};

void CudaEmbedWorkspaceDeleter::operator()(CudaEmbedWorkspace* ws) const noexcept { delete ws; }

CudaEmbedWorkspacePtr make_cuda_embed_workspace() {
  if (cuda_device_count() == 0) throw Error(Status::Unsupported, "no CUDA device is present");
  return CudaEmbedWorkspacePtr(new CudaEmbedWorkspace());
}

namespace {

// Page-locked memory (cudaMallocHost, torch's pin_memory()) can be copied asynchronously;
// ordinary pageable memory is staged.
bool is_pinned(const void* p) {
  cudaPointerAttributes a{};
  if (cudaPointerGetAttributes(&a, p) != cudaSuccess) {
    cudaGetLastError();  // clear the error older runtimes report for unregistered memory
    return false;
  }
  return a.type == cudaMemoryTypeHost;
}

// Row copy between host buffers of different pitches, split over threads: a 1080p RGB image is
// 6 MB, and one core's memcpy is what bounded marking from pageable memory.
void copy_rows(unsigned char* dst, std::size_t dst_pitch, const unsigned char* src, std::size_t src_pitch,
               std::size_t row_bytes, int rows) {
  constexpr int kRowsPerTask = 64;
  detail::parallel_for(rows, std::min(8, detail::resolve_threads(0)), [&](int r0, int r1) {
    for (int r = r0; r < r1; ++r) std::memcpy(dst + dst_pitch * r, src + src_pitch * r, row_bytes);
  }, kRowsPerTask);
}

// The mask stages of reference/mask.cpp on `lane`'s stream: half resolution after the high-pass,
// left in lane.b.
void enqueue_mask(CudaEmbedWorkspace& ws, EmbedLane& lane, const EmbedParams& p, const kernels::DeviceImage& img) {
  const cudaStream_t s = lane.stream.get();
  const int w = img.width, h = img.height, w2 = (w + 1) / 2, h2 = (h + 1) / 2;
  check(kernels::luminance(img, lane.y.get(), s), "luminance");
  check(kernels::gaussian(lane.y.get(), lane.t.get(), lane.a.get(), w, h, ws.g1, s), "blur");
  check(kernels::block_energy(lane.y.get(), lane.a.get(), lane.b.get(), w, h, s), "high-pass energy");
  check(kernels::gaussian(lane.b.get(), lane.t.get(), lane.a.get(), w2, h2, ws.g075, s), "blur");
  check(kernels::square_root(lane.a.get(), w2, h2, s), "sqrt");
  check(kernels::erode(lane.a.get(), lane.t.get(), lane.b.get(), w2, h2, detail::kMaskErodeRadius, s), "erode");
  check(kernels::gaussian(lane.b.get(), lane.t.get(), lane.a.get(), w2, h2, ws.g1, s), "blur");
  check(kernels::mask_from_activity(lane.a.get(), w2, h2, float(p.mask_floor), float(p.mask_ceiling), s), "mask");
  check(kernels::gaussian(lane.a.get(), lane.t.get(), lane.b.get(), w2, h2, ws.g05, s), "blur");
}

// The stages of reference/embed_cpu.cpp for one image on `lane`'s stream: mask, offset, then the
// tile added to the colour channels.
void enqueue_mark(CudaEmbedWorkspace& ws, EmbedLane& lane, const detail::KeyMaterial& km, const EmbedParams& p,
                  const kernels::DeviceImage& img, const float* tile, double tile_scale, int* offset,
                  int* host_offset) {
  const cudaStream_t s = lane.stream.get();
  enqueue_mask(ws, lane, p, img);
  if (p.offset_seed) {
    shared::offset_from_seed(km.sip_key(), *p.offset_seed, tm1::kTile, host_offset[0], host_offset[1]);
    check(cudaMemcpyAsync(offset, host_offset, 2 * sizeof(int), cudaMemcpyHostToDevice, s), "offset upload");
  } else {
    const auto k = km.sip_key();
    check(kernels::content_offset(img, k.k0, k.k1, tm1::kTile, offset, s), "content offset");
    check(cudaMemcpyAsync(host_offset, offset, 2 * sizeof(int), cudaMemcpyDeviceToHost, s), "offset download");
  }
  check(kernels::apply_delta(img, lane.b.get(), tile, tm1::kTile, float(tile_scale), float(p.strength), offset, s), "apply");
}

constexpr std::size_t kTileFloats = detail::KeyMaterial::kTilePixels;

// The tiles of these payloads, in this order, into ws.tile (kept while the payloads stay the same).
void upload_tiles(CudaEmbedWorkspace& ws, const detail::KeyMaterial& km, const std::vector<std::uint64_t>& payloads) {
  if (payloads == ws.tile_payloads) return;
  std::vector<float> tiles(payloads.size() * kTileFloats);
  for (std::size_t k = 0; k < payloads.size(); ++k) {
    const auto t = km.tile(payloads[k]);
    std::copy(t.begin(), t.end(), tiles.begin() + k * kTileFloats);
  }
  ws.tile.reserve(tiles.size());
  const cudaStream_t s = ws.lanes[0].stream.get();
  check(cudaMemcpyAsync(ws.tile.get(), tiles.data(), tiles.size() * sizeof(float), cudaMemcpyHostToDevice, s), "tile upload");
  check(cudaStreamSynchronize(s), "tile upload");  // `tiles` is a host temporary; the other lane reads it too
  ws.tile_payloads = payloads;
}

}  // namespace

void cuda_embed_at(CudaEmbedWorkspace& ws, const detail::KeyMaterial& km, const EmbedParams& p, const ImageView& view,
                   const Payload& payload, const TileGeometry& geometry) {
  upload_tiles(ws, km, {payload.value});
  EmbedLane& lane = ws.lanes[0];
  const cudaStream_t s = lane.stream.get();
  for (auto* buf : {&lane.y, &lane.a, &lane.b, &lane.t}) buf->reserve(std::size_t(view.width) * view.height);
  kernels::DeviceImage img{view.data, view.width, view.height, view.pitch, view.channels, view.type == SampleType::U16};
  const std::size_t row = view.row_bytes(), bytes = row * view.height;
  const bool on_host = view.space == MemorySpace::Host;
  if (on_host) {  // one frame at a time: staged through pinned memory, then synchronously back
    lane.image.reserve(bytes);
    lane.staging.reserve(bytes);
    lane.pending.reset();
    img.data = lane.image.get();
    img.pitch = row;
    copy_rows(lane.staging.get(), row, static_cast<const unsigned char*>(view.data), view.pitch, row, view.height);
    check(cudaMemcpyAsync(img.data, lane.staging.get(), bytes, cudaMemcpyHostToDevice, s), "upload");
  }
  enqueue_mask(ws, lane, p, img);
  check(kernels::apply_delta_at(img, lane.b.get(), ws.tile.get(), tm1::kTile, float(geometry.scale),
                                float(geometry.offset_x), float(geometry.offset_y), float(p.strength), s),
        "apply");
  if (on_host) check(cudaMemcpyAsync(lane.staging.get(), img.data, bytes, cudaMemcpyDeviceToHost, s), "download");
  check(cudaStreamSynchronize(s), "embed");
  if (on_host) copy_rows(static_cast<unsigned char*>(view.data), view.pitch, lane.staging.get(), row, row, view.height);
}

Image cuda_copy_to_host(const ImageView& view) {
  Image host(view.width, view.height, view.channels, view.type);
  const std::size_t row = view.row_bytes();
  check(cudaMemcpy2D(host.view().data, host.view().pitch, view.data, view.pitch, row, view.height, cudaMemcpyDeviceToHost),
        "copy a device frame to the host");
  return host;
}

std::vector<EmbedReport> cuda_embed_batch(CudaEmbedWorkspace& ws, const detail::KeyMaterial& km, const EmbedParams& p,
                                          std::span<const ImageView> views, std::span<const Payload> payloads) {
  const std::size_t count = views.size();
  std::size_t most_pixels = 0, most_host_bytes = 0;
  for (const auto& v : views) {
    most_pixels = std::max(most_pixels, std::size_t(v.width) * v.height);
    if (v.space == MemorySpace::Host) most_host_bytes = std::max(most_host_bytes, v.row_bytes() * v.height);
  }
  const std::size_t lanes_used = std::min(kLanes, count);
  for (std::size_t l = 0; l < lanes_used; ++l) {
    EmbedLane& lane = ws.lanes[l];
    for (auto* buf : {&lane.y, &lane.a, &lane.b, &lane.t}) buf->reserve(most_pixels);
    lane.image.reserve(most_host_bytes);
    lane.pending.reset();
  }
  ws.offset.reserve(2 * count);
  ws.host_offset.reserve(2 * count);
  int* host_offset = ws.host_offset.get();
  // One tile per distinct payload, uploaded together; host copies live until the sync.
  std::vector<std::uint64_t> distinct;
  std::vector<std::size_t> tile_of(count);
  for (std::size_t i = 0; i < count; ++i) {
    auto it = std::find(distinct.begin(), distinct.end(), payloads[i].value);
    tile_of[i] = static_cast<std::size_t>(it - distinct.begin());
    if (it == distinct.end()) distinct.push_back(payloads[i].value);
  }
  upload_tiles(ws, km, distinct);

  // A staged image's marked pixels go back to the caller once its lane is done with it.
  auto unstage = [&](EmbedLane& lane) {
    if (!lane.pending) return;
    check(cudaStreamSynchronize(lane.stream.get()), "embed");
    const ImageView& v = views[*lane.pending];
    copy_rows(static_cast<unsigned char*>(v.data), v.pitch, lane.staging.get(), v.row_bytes(), v.row_bytes(), v.height);
    lane.pending.reset();
  };
  std::vector<EmbedReport> reports(count);
  for (std::size_t i = 0; i < count; ++i) {
    const ImageView& view = views[i];
    EmbedLane& lane = ws.lanes[i % kLanes];
    const cudaStream_t s = lane.stream.get();
    kernels::DeviceImage img{view.data, view.width, view.height, view.pitch, view.channels, view.type == SampleType::U16};
    const bool on_host = view.space == MemorySpace::Host, pinned = on_host && is_pinned(view.data);
    const std::size_t row = view.row_bytes();
    if (on_host) {
      img.data = lane.image.get();
      img.pitch = row;
      if (pinned) {
        check(cudaMemcpy2DAsync(img.data, row, view.data, view.pitch, row, view.height, cudaMemcpyHostToDevice, s), "upload");
      } else {
        unstage(lane);  // the lane's previous image leaves the staging buffer first
        lane.staging.reserve(most_host_bytes);
        copy_rows(lane.staging.get(), row, static_cast<const unsigned char*>(view.data), view.pitch, row, view.height);
        check(cudaMemcpyAsync(img.data, lane.staging.get(), row * view.height, cudaMemcpyHostToDevice, s), "upload");
      }
    }
    reports[i].tile_scale = detail::tile_scale_for(view.width, view.height);
    enqueue_mark(ws, lane, km, p, img, ws.tile.get() + tile_of[i] * kTileFloats, reports[i].tile_scale,
                 ws.offset.get() + 2 * i, host_offset + 2 * i);
    if (on_host && pinned) {
      check(cudaMemcpy2DAsync(view.data, view.pitch, img.data, row, row, view.height, cudaMemcpyDeviceToHost, s), "download");
    } else if (on_host) {
      check(cudaMemcpyAsync(lane.staging.get(), img.data, row * view.height, cudaMemcpyDeviceToHost, s), "download");
      lane.pending = i;
    }
  }
  for (std::size_t l = 0; l < lanes_used; ++l) {
    unstage(ws.lanes[l]);
    check(cudaStreamSynchronize(ws.lanes[l].stream.get()), "embed");
  }
  for (std::size_t i = 0; i < count; ++i) {
    reports[i].offset_x = host_offset[2 * i];
    reports[i].offset_y = host_offset[2 * i + 1];
  }
  return reports;
}

}  // namespace tidemark
