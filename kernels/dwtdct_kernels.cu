#include "dwtdct_kernels.cuh"
#include "tidemark/shared/dwtdct.hpp"

namespace tidemark::kernels {
namespace {

template <class T>
__device__ int sample8(const DeviceImage& img, int x, int y, int c) {
  const T* row = reinterpret_cast<const T*>(static_cast<const unsigned char*>(img.data) + img.pitch * std::size_t(y));
  const int v = row[std::size_t(x) * img.channels + c];
  return sizeof(T) == 1 ? v : (v + 128) / 257;
}

template <class T>
__global__ void votes_kernel(DeviceImage img, int blocks_x, int blocks_y, bool swapped, std::uint8_t* votes) {
  const int bx = blockIdx.x * blockDim.x + threadIdx.x, by = blockIdx.y * blockDim.y + threadIdx.y;
  if (bx >= blocks_x || by >= blocks_y) return;
  int u[64], v_unused;
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 8; ++j) {
      const int x = bx * 8 + j, y = by * 8 + i;
      int r = sample8<T>(img, x, y, 0), g = sample8<T>(img, x, y, 1), b = sample8<T>(img, x, y, 2);
      if (swapped) {
        const int t = r;
        r = b;
        b = t;
      }
      dwtdct::chroma_of(b, g, r, u[i * 8 + j], v_unused);
    }
  double band[16];
  dwtdct::haar_band(u, band);
  votes[std::size_t(by) * blocks_x + bx] = std::uint8_t(dwtdct::block_vote(band));
}

}  // namespace

cudaError_t dwtdct_votes(const DeviceImage& img, int blocks_x, int blocks_y, bool swapped, std::uint8_t* votes,
                         cudaStream_t s) {
  if (blocks_x <= 0 || blocks_y <= 0) return cudaSuccess;
  const dim3 threads(16, 8), grid((blocks_x + 15) / 16, (blocks_y + 7) / 8);
  if (img.u16)
    votes_kernel<std::uint16_t><<<grid, threads, 0, s>>>(img, blocks_x, blocks_y, swapped, votes);
  else
    votes_kernel<std::uint8_t><<<grid, threads, 0, s>>>(img, blocks_x, blocks_y, swapped, votes);
  return cudaGetLastError();
}

}  // namespace tidemark::kernels
