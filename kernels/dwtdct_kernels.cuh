#pragma once
// Launcher for the dwtDct reader (see tidemark/shared/dwtdct.hpp). Host-callable, never throws.
#include <cuda_runtime_api.h>

#include <cstdint>

#include "embed_kernels.cuh"

namespace tidemark::kernels {

// One vote per 4 x 4 block of the U plane's Haar band, row-major (blocks_x x blocks_y), for an
// RGB(A) 8- or 16-bit image; `swapped` reads it as if the encoder had been given RGB for BGR.
cudaError_t dwtdct_votes(const DeviceImage& img, int blocks_x, int blocks_y, bool swapped, std::uint8_t* votes,
                         cudaStream_t s);

}  // namespace tidemark::kernels
