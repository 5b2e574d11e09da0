#pragma once
// Small helpers of the CUDA backend: errors to exceptions, filter taps from the CPU reference, and
// device buffers that grow and never shrink (steady-state calls allocate nothing).
#include <cuda_runtime_api.h>

#include <cstddef>
#include <string>

#include "embed_kernels.cuh"
#include "reference/filters.hpp"
#include "tidemark/error.hpp"

namespace tidemark::cuda_support {

inline void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw Error(Status::Internal, std::string("CUDA ") + what + ": " + cudaGetErrorString(e));
}

inline kernels::Taps taps_for(float sigma) {
  int r;
  const auto k = detail::gaussian_kernel(sigma, r);
  kernels::Taps t{r, {}};
  for (int i = 0; i <= 2 * r; ++i) t.w[i] = k[i];
  return t;
}

// Where a GrowingBuffer's memory lives.
struct DeviceMemory {
  static cudaError_t allocate(void** p, std::size_t bytes) { return cudaMalloc(p, bytes); }
  static void release(void* p) { cudaFree(p); }
  static constexpr const char* kWhat = "allocation";
};
// Page-locked host memory: copies from it overlap with kernels.
struct PinnedHostMemory {
  static cudaError_t allocate(void** p, std::size_t bytes) { return cudaMallocHost(p, bytes); }
  static void release(void* p) { cudaFreeHost(p); }
  static constexpr const char* kWhat = "pinned allocation";
};

// A buffer that grows on demand and never shrinks, so steady-state calls allocate nothing.
template <class T, class Memory>
class GrowingBuffer {
 public:
  GrowingBuffer() = default;
  GrowingBuffer(const GrowingBuffer&) = delete;
  GrowingBuffer& operator=(const GrowingBuffer&) = delete;
  ~GrowingBuffer() {
    if (ptr_) Memory::release(ptr_);
  }
  void reserve(std::size_t n) {
    if (n <= count_) return;
    if (ptr_) Memory::release(ptr_);
    ptr_ = nullptr;
    count_ = 0;
    check(Memory::allocate(reinterpret_cast<void**>(&ptr_), n * sizeof(T)), Memory::kWhat);
    count_ = n;
  }
  T* get() const { return ptr_; }
  std::size_t size() const { return count_; }

 private:
  T* ptr_ = nullptr;
  std::size_t count_ = 0;
};

template <class T>
using DeviceBuffer = GrowingBuffer<T, DeviceMemory>;
template <class T>
using PinnedBuffer = GrowingBuffer<T, PinnedHostMemory>;

// A stream owned by its holder.
class Stream {
 public:
  Stream() { check(cudaStreamCreateWithFlags(&s_, cudaStreamNonBlocking), "stream creation"); }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  ~Stream() {
    if (s_) cudaStreamDestroy(s_);
  }
  cudaStream_t get() const { return s_; }

 private:
  cudaStream_t s_ = nullptr;
};

}  // namespace tidemark::cuda_support
