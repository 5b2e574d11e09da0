#pragma once
// A float image plane (luminance, residual, mask) used inside the CPU reference.
#include <cstddef>
#include <memory>
#include <vector>

namespace tidemark::detail {

// Large plane buffers are recycled per thread: an embed or detect call creates a dozen planes of
// the image's size, and fresh memory costs a page fault per 4 KiB (a fifth of the embed time).
// Blocks of at least kMinBytes are kept on free, up to kMaxBytes in all, and handed out again for
// requests of exactly the same size. kMinBytes is low on purpose: when the caller allocates and
// frees its own large buffers between calls (a Python loop making a new array per image), glibc
// trims and re-grows its heap, and every plane malloc serves comes back as fresh pages again.
class PlaneBufferCache {
 public:
  static constexpr std::size_t kMinBytes = 64 << 10, kMaxBytes = std::size_t(256) << 20;
  static void* take(std::size_t bytes) {
    auto& c = instance();
    for (std::size_t i = 0; i < c.blocks_.size(); ++i)
      if (c.blocks_[i].bytes == bytes) {
        void* p = c.blocks_[i].ptr;
        c.held_ -= bytes;
        c.blocks_[i] = c.blocks_.back();
        c.blocks_.pop_back();
        return p;
      }
    return ::operator new(bytes);
  }
  static void give(void* p, std::size_t bytes) {
    auto& c = instance();
    if (c.held_ + bytes > kMaxBytes && !c.blocks_.empty()) {  // make room: drop the oldest
      c.held_ -= c.blocks_.front().bytes;
      ::operator delete(c.blocks_.front().ptr);
      c.blocks_.erase(c.blocks_.begin());
    }
    if (c.held_ + bytes > kMaxBytes) {
      ::operator delete(p);
      return;
    }
    c.blocks_.push_back({p, bytes});
    c.held_ += bytes;
  }

 private:
  struct Block {
    void* ptr;
    std::size_t bytes;
  };
  std::vector<Block> blocks_;
  std::size_t held_ = 0;
  ~PlaneBufferCache() {
    for (auto& b : blocks_) ::operator delete(b.ptr);
  }
  static PlaneBufferCache& instance() {
    thread_local PlaneBufferCache cache;
    return cache;
  }
};

// Leaves elements uninitialised on resize (planes are written in full right after allocation,
// and zero-filling megabytes first costs as much as a filter pass) and recycles large buffers.
template <class T>
struct UninitializedAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <class U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    return static_cast<T*>(bytes >= PlaneBufferCache::kMinBytes ? PlaneBufferCache::take(bytes) : ::operator new(bytes));
  }
  void deallocate(T* p, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (bytes >= PlaneBufferCache::kMinBytes) PlaneBufferCache::give(p, bytes);
    else ::operator delete(p);
  }
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
