#pragma once
// Hot loops are compiled twice, for AVX2 and for the x86-64 baseline, and the loader picks the
// one the CPU supports (GCC/Clang function multiversioning). No FMA: results stay identical to
// the baseline build and to the CUDA kernels.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(__CUDACC__)
#define TM_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define TM_SIMD_CLONES
#endif
