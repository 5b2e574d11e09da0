// The CUDA backend: device selection, the embed workspace (grown, never shrunk, so steady-state
// calls allocate nothing), and the embed pipeline over the kernels in kernels/.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include "backend_select.hpp"
#include "cuda_support.hpp"
#include "embed_kernels.cuh"
#include "reference/embed_cpu.hpp"
#include "reference/filters.hpp"
#include "reference/mask.hpp"
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

struct CudaEmbedWorkspace {
  cuda_support::Stream stream;
  DeviceBuffer<float> y, a, b, t, tile;
  DeviceBuffer<unsigned char> image;
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

std::vector<EmbedReport> cuda_embed_batch(CudaEmbedWorkspace& ws, const detail::KeyMaterial& km, const EmbedParams& p,
                                          std::span<const ImageView> views, std::span<const Payload> payloads) {
  const std::size_t count = views.size();
  cudaStream_t s = ws.stream.get();
  std::size_t most_pixels = 0, most_host_bytes = 0;
  for (const auto& v : views) {
    most_pixels = std::max(most_pixels, std::size_t(v.width) * v.height);
    if (v.space == MemorySpace::Host) most_host_bytes = std::max(most_host_bytes, v.row_bytes() * v.height);
  }
  for (auto* buf : {&ws.y, &ws.a, &ws.b, &ws.t}) buf->reserve(most_pixels);
  ws.image.reserve(most_host_bytes);
  ws.offset.reserve(2 * count);
  ws.host_offset.reserve(2 * count);
  int* host_offset = ws.host_offset.get();
  // One tile per distinct payload, uploaded together; host copies live until the final sync.
  std::vector<std::uint64_t> distinct;
  std::vector<std::size_t> tile_of(count);
  for (std::size_t i = 0; i < count; ++i) {
    auto it = std::find(distinct.begin(), distinct.end(), payloads[i].value);
    tile_of[i] = static_cast<std::size_t>(it - distinct.begin());
    if (it == distinct.end()) distinct.push_back(payloads[i].value);
  }
  constexpr std::size_t kTileFloats = detail::KeyMaterial::kTilePixels;
  if (distinct != ws.tile_payloads) {
    std::vector<float> tiles(distinct.size() * kTileFloats);
    for (std::size_t k = 0; k < distinct.size(); ++k) {
      const auto t = km.tile(distinct[k]);
      std::copy(t.begin(), t.end(), tiles.begin() + k * kTileFloats);
    }
    ws.tile.reserve(tiles.size());
    check(cudaMemcpyAsync(ws.tile.get(), tiles.data(), tiles.size() * sizeof(float), cudaMemcpyHostToDevice, s), "tile upload");
    check(cudaStreamSynchronize(s), "tile upload");  // `tiles` is a host temporary
    ws.tile_payloads = distinct;
  }

  std::vector<EmbedReport> reports(count);
  for (std::size_t i = 0; i < count; ++i) {
    const ImageView& view = views[i];
    const int w = view.width, h = view.height;
    kernels::DeviceImage img{view.data, w, h, view.pitch, view.channels, view.type == SampleType::U16};
    const bool on_host = view.space == MemorySpace::Host;
    if (on_host) {
      img.data = ws.image.get();
      img.pitch = view.row_bytes();
      check(cudaMemcpy2DAsync(img.data, img.pitch, view.data, view.pitch, view.row_bytes(), h, cudaMemcpyHostToDevice, s),
            "upload");
    }
    reports[i].tile_scale = detail::tile_scale_for(w, h);
    // Mask: the same stages as reference/mask.cpp (half resolution after the high-pass).
    const int w2 = (w + 1) / 2, h2 = (h + 1) / 2;
    check(kernels::luminance(img, ws.y.get(), s), "luminance");
    check(kernels::gaussian(ws.y.get(), ws.t.get(), ws.a.get(), w, h, ws.g1, s), "blur");
    check(kernels::block_energy(ws.y.get(), ws.a.get(), ws.b.get(), w, h, s), "high-pass energy");
    check(kernels::gaussian(ws.b.get(), ws.t.get(), ws.a.get(), w2, h2, ws.g075, s), "blur");
    check(kernels::square_root(ws.a.get(), w2, h2, s), "sqrt");
    check(kernels::erode(ws.a.get(), ws.t.get(), ws.b.get(), w2, h2, detail::kMaskErodeRadius, s), "erode");
    check(kernels::gaussian(ws.b.get(), ws.t.get(), ws.a.get(), w2, h2, ws.g1, s), "blur");
    check(kernels::mask_from_activity(ws.a.get(), w2, h2, float(p.mask_floor), float(p.mask_ceiling), s), "mask");
    check(kernels::gaussian(ws.a.get(), ws.t.get(), ws.b.get(), w2, h2, ws.g05, s), "blur");

    int* offset = ws.offset.get() + 2 * i;
    if (p.offset_seed) {
      shared::offset_from_seed(km.sip_key(), *p.offset_seed, tm1::kTile, host_offset[2 * i], host_offset[2 * i + 1]);
      check(cudaMemcpyAsync(offset, host_offset + 2 * i, 2 * sizeof(int), cudaMemcpyHostToDevice, s), "offset upload");
    } else {
      const auto k = km.sip_key();
      check(kernels::content_offset(img, k.k0, k.k1, tm1::kTile, offset, s), "content offset");
      check(cudaMemcpyAsync(host_offset + 2 * i, offset, 2 * sizeof(int), cudaMemcpyDeviceToHost, s), "offset download");
    }
    check(kernels::apply_delta(img, ws.b.get(), ws.tile.get() + tile_of[i] * kTileFloats, tm1::kTile,
                               float(reports[i].tile_scale), float(p.strength), offset, s),
          "apply");
    if (on_host)
      check(cudaMemcpy2DAsync(view.data, view.pitch, img.data, img.pitch, view.row_bytes(), h, cudaMemcpyDeviceToHost, s),
            "download");
  }
  check(cudaStreamSynchronize(s), "embed");
  for (std::size_t i = 0; i < count; ++i) {
    reports[i].offset_x = host_offset[2 * i];
    reports[i].offset_y = host_offset[2 * i + 1];
  }
  return reports;
}

}  // namespace tidemark
