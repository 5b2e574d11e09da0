#pragma once
// Functions in shared/ are compiled for the host and for the device, so the CPU reference and
// the CUDA kernels evaluate the same formulas.
#if defined(__CUDACC__)
#define TM_HD __host__ __device__ __forceinline__
#else
#define TM_HD inline
#endif
