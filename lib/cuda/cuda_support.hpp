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

template <class T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() {
    if (ptr_) cudaFree(ptr_);
  }
  void reserve(std::size_t n) {
    if (n <= count_) return;
    if (ptr_) cudaFree(ptr_);
    ptr_ = nullptr;
    count_ = 0;
    check(cudaMalloc(reinterpret_cast<void**>(&ptr_), n * sizeof(T)), "allocation");
    count_ = n;
  }
  T* get() const { return ptr_; }

 private:
  T* ptr_ = nullptr;
  std::size_t count_ = 0;
};

// Page-locked host memory, grown like DeviceBuffer: copies from it overlap with kernels.
template <class T>
class PinnedBuffer {
 public:
  PinnedBuffer() = default;
  PinnedBuffer(const PinnedBuffer&) = delete;
  PinnedBuffer& operator=(const PinnedBuffer&) = delete;
  ~PinnedBuffer() {
    if (ptr_) cudaFreeHost(ptr_);
  }
  void reserve(std::size_t n) {
    if (n <= count_) return;
    if (ptr_) cudaFreeHost(ptr_);
    ptr_ = nullptr;
    count_ = 0;
    check(cudaMallocHost(reinterpret_cast<void**>(&ptr_), n * sizeof(T)), "pinned allocation");
    count_ = n;
  }
  T* get() const { return ptr_; }
  std::size_t size() const { return count_; }

 private:
  T* ptr_ = nullptr;
  std::size_t count_ = 0;
};

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
