// dwtDct votes on the GPU for a batch of images (host or device views) on one stream.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <string>

#include "backend_select.hpp"
#include "cuda_support.hpp"
#include "dwtdct_kernels.cuh"
#include "tidemark/error.hpp"
#include "tidemark/shared/dwtdct.hpp"

namespace tidemark {
using cuda_support::check;

std::vector<DwtDctVotes> cuda_dwtdct_votes(std::span<const ImageView> images, bool swapped) {
  std::vector<DwtDctVotes> out(images.size());
  std::size_t image_bytes = 0, vote_bytes = 0;
  std::vector<std::size_t> vote_offset(images.size());
  for (std::size_t i = 0; i < images.size(); ++i) {
    const ImageView& v = images[i];
    if (v.channels < 3 || std::int64_t(v.width) * v.height < dwtdct::kMinArea) continue;
    if (v.space == MemorySpace::Host) image_bytes = std::max(image_bytes, v.row_bytes() * v.height);
    vote_offset[i] = vote_bytes;
    vote_bytes += std::size_t(v.width / 4 * 4 / 8) * (v.height / 4 * 4 / 8);
  }
  cuda_support::Stream stream;
  cuda_support::DeviceBuffer<std::uint8_t> staging, votes;
  staging.reserve(image_bytes);
  votes.reserve(vote_bytes);
  std::vector<std::uint8_t> host_votes(vote_bytes);
  for (std::size_t i = 0; i < images.size(); ++i) {
    const ImageView& v = images[i];
    if (v.channels < 3 || std::int64_t(v.width) * v.height < dwtdct::kMinArea) continue;
    kernels::DeviceImage img{v.data, v.width, v.height, v.pitch, v.channels, v.type == SampleType::U16};
    if (v.space == MemorySpace::Host) {
      // One image at a time through the staging buffer: the copy waits for the previous kernel.
      check(cudaMemcpy2DAsync(staging.get(), v.row_bytes(), v.data, v.pitch, v.row_bytes(), v.height, cudaMemcpyHostToDevice,
                              stream.get()),
            "image upload");
      img.data = staging.get();
      img.pitch = v.row_bytes();
    }
    const int bx = v.width / 4 * 4 / 8, by = v.height / 4 * 4 / 8;
    check(kernels::dwtdct_votes(img, bx, by, swapped, votes.get() + vote_offset[i], stream.get()),
          "dwtDct kernel");
    out[i].u.resize(std::size_t(bx) * by);
    out[i].usable = true;
  }
  if (vote_bytes) {
    check(cudaMemcpyAsync(host_votes.data(), votes.get(), vote_bytes, cudaMemcpyDeviceToHost, stream.get()), "votes download");
    check(cudaStreamSynchronize(stream.get()), "synchronisation");
  }
  for (std::size_t i = 0; i < images.size(); ++i)
    if (out[i].usable) std::copy_n(host_votes.begin() + std::ptrdiff_t(vote_offset[i]), out[i].u.size(), out[i].u.begin());
  return out;
}

}  // namespace tidemark
