#pragma once
// What the JPEG reader, writer and coefficient-level marker share: libjpeg's error handling,
// RAII owners of its structs, and the APPn/COM segments carried in Metadata.
#include <cstddef>
#include <cstdio>
#include <cstdlib>
// jpeglib.h needs size_t and FILE declared before it.
#include <jpeglib.h>

#include <csetjmp>

#include "image_file.hpp"

namespace tidemark::io::jpeg {

// libjpeg's error handler longjmps back to the caller's setjmp; the frames between hold no
// objects with destructors.
struct ErrorManager {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  int warnings;
};
// Installs the handlers: errors jump, corrupt-data warnings are counted (a truncated file is an
// error for the callers) and the first one's text kept.
void install(ErrorManager& err, jpeg_common_struct* c);

struct Decompressor {
  jpeg_decompress_struct c{};
  explicit Decompressor(ErrorManager& err);
  ~Decompressor() { jpeg_destroy_decompress(&c); }
  Decompressor(const Decompressor&) = delete;
  Decompressor& operator=(const Decompressor&) = delete;
};
struct Compressor {
  jpeg_compress_struct c{};
  unsigned char* buf = nullptr;  // jpeg_mem_dest's buffer, malloc'ed by libjpeg
  unsigned long len = 0;
  explicit Compressor(ErrorManager& err);
  ~Compressor() {
    jpeg_destroy_compress(&c);
    std::free(buf);
  }
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;
};

// Before jpeg_read_header: keep every APPn (n >= 1) and COM segment.
void save_markers(jpeg_decompress_struct* c);
// After jpeg_read_header: ICC, EXIF, XMP and the other segments. Saved markers live in libjpeg's
// image pool, which jpeg_finish_decompress frees: this copies them.
Metadata read_metadata(jpeg_decompress_struct* c);
// After jpeg_start_compress / jpeg_write_coefficients. Call inside the caller's setjmp frame.
void write_metadata(jpeg_compress_struct* c, const Metadata& md);

}  // namespace tidemark::io::jpeg
