#pragma once
// Non-owning views of pixel buffers, and a small owning image for the I/O layer and tests.
// Core code takes views so that host buffers, device buffers, numpy arrays and decoded frames
// all enter the same way.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tidemark {

enum class SampleType : std::uint8_t { U8, U16 };
enum class MemorySpace : std::uint8_t { Host, Device };

inline constexpr int bytes_per_sample(SampleType t) { return t == SampleType::U8 ? 1 : 2; }

// Interleaved pixels: 1 channel (gray), 3 (RGB) or 4 (RGBA; alpha is never modified).
struct ImageView {
  void* data = nullptr;
  int width = 0;
  int height = 0;
  std::size_t pitch = 0;  // bytes between the starts of two rows
  int channels = 0;
  SampleType type = SampleType::U8;
  MemorySpace space = MemorySpace::Host;

  std::size_t row_bytes() const {
    return static_cast<std::size_t>(width) * channels * bytes_per_sample(type);
  }
  double megapixels() const { return double(width) * height / 1e6; }
  template <class T>
  T* row(int y) const {
    return reinterpret_cast<T*>(static_cast<unsigned char*>(data) + pitch * static_cast<std::size_t>(y));
  }
};

// Throws tidemark::Error(InvalidArgument) unless the view is a usable host or device image.
void validate(const ImageView& view, const char* what);

// Owning, tightly packed host image.
class Image {
 public:
  Image() = default;
  Image(int width, int height, int channels, SampleType type);

  ImageView view() {
    return {bytes_.data(), width_, height_, row_bytes(), channels_, type_, MemorySpace::Host};
  }
  ImageView view() const { return const_cast<Image*>(this)->view(); }
  int width() const { return width_; }
  int height() const { return height_; }
  int channels() const { return channels_; }
  SampleType type() const { return type_; }
  std::size_t row_bytes() const {
    return static_cast<std::size_t>(width_) * channels_ * bytes_per_sample(type_);
  }
  std::vector<unsigned char>& bytes() { return bytes_; }
  const std::vector<unsigned char>& bytes() const { return bytes_; }
  bool empty() const { return bytes_.empty(); }

 private:
  int width_ = 0, height_ = 0, channels_ = 0;
  SampleType type_ = SampleType::U8;
  std::vector<unsigned char> bytes_;
};

}  // namespace tidemark
