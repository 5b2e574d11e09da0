#pragma once
// A float image plane (luminance, residual, mask) used inside the CPU reference.
#include <cstddef>
#include <memory>
#include <vector>

namespace tidemark::detail {

// Leaves elements uninitialised on resize: planes are written in full right after allocation,
// and zero-filling megabytes first costs as much as a filter pass.
template <class T>
struct UninitializedAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <class U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

struct Plane {
  int width = 0, height = 0;
  std::vector<float, UninitializedAllocator<float>> px;

  Plane() = default;
  // Contents undefined: callers write every element.
  Plane(int w, int h) : width(w), height(h), px(std::size_t(w) * h) {}
  Plane(int w, int h, float fill) : width(w), height(h), px(std::size_t(w) * h, fill) {}
  float* row(int y) { return px.data() + std::size_t(y) * width; }
  const float* row(int y) const { return px.data() + std::size_t(y) * width; }
  float& at(int x, int y) { return px[std::size_t(y) * width + x]; }
  float at(int x, int y) const { return px[std::size_t(y) * width + x]; }
};

}  // namespace tidemark::detail
