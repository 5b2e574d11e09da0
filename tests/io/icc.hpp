#pragma once
// A small, structurally valid ICC profile that libpng accepts: header, a white point and a
// copyright text. (libpng 1.6.39 misreads iCCP chunks under 92 bytes, so the text is not tiny.)
#include <cstdint>
#include <cstring>
#include <vector>

inline std::vector<std::uint8_t> minimal_icc(bool gray) {
  std::vector<std::uint8_t> p(580, 0);
  const std::uint32_t size = static_cast<std::uint32_t>(p.size());
  for (int i = 0; i < 4; ++i) p[i] = std::uint8_t(size >> (24 - 8 * i));
  p[8] = 2, p[9] = 0x10;  // version 2.1
  std::memcpy(&p[12], "mntr", 4);
  std::memcpy(&p[16], gray ? "GRAY" : "RGB ", 4);
  std::memcpy(&p[20], "XYZ ", 4);
  std::memcpy(&p[36], "acsp", 4);
  // D50 illuminant (s15Fixed16): 0.9642, 1.0, 0.8249
  const std::uint32_t d50[3] = {0x0000F6D6, 0x00010000, 0x0000D32D};
  for (int k = 0; k < 3; ++k)
    for (int i = 0; i < 4; ++i) p[68 + 4 * k + i] = std::uint8_t(d50[k] >> (24 - 8 * i));
  auto put32 = [&](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[at + i] = std::uint8_t(v >> (24 - 8 * i));
  };
  put32(128, 2);  // tags: 'wtpt' at 156 (20 bytes), 'cprt' at 176 (text)
  std::memcpy(&p[132], "wtpt", 4);
  put32(136, 156);
  put32(140, 20);
  std::memcpy(&p[144], "cprt", 4);
  put32(148, 176);
  put32(152, static_cast<std::uint32_t>(p.size() - 176));
  std::memcpy(&p[156], "XYZ ", 4);
  for (int k = 0; k < 3; ++k) put32(164 + 4 * k, d50[k]);
  std::memcpy(&p[176], "text", 4);
  std::uint32_t state = 12345;
  for (std::size_t i = 184; i + 1 < p.size(); ++i) {
    state = state * 1103515245u + 12345u;
    p[i] = static_cast<std::uint8_t>('a' + (state >> 16) % 26);
  }
  return p;
}
