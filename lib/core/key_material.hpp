#pragma once
// Everything TM1 derives from a key: the cell permutation, PN signs, the Fourier template, and
// the tile (pattern) for a given payload. Shared by the embedder and the detector of every backend.
#include <array>
#include <cstdint>
#include <vector>

#include "ecc.hpp"
#include "tidemark/key.hpp"
#include "tidemark/params.hpp"
#include "tidemark/shared/siphash.hpp"

namespace tidemark::detail {

// Counter-based stream of draws: value i depends only on (key, domain, i).
class KeyedStream {
 public:
  KeyedStream(shared::SipKey key, std::uint64_t domain) : key_(key), domain_(domain) {}
  std::uint64_t next() { return shared::siphash_2words(key_, domain_, counter_++); }
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  std::uint64_t below(std::uint64_t n);                           // unbiased [0, n)
  float sign() { return (next() >> 63) ? 1.0f : -1.0f; }

 private:
  shared::SipKey key_;
  std::uint64_t domain_;
  std::uint64_t counter_ = 0;
};

struct TemplatePeak {
  int kx, ky;     // lattice frequency (kx, ky) / kTile cycles per tile pixel, ky > 0 half plane
  double phase;
};

class KeyMaterial {
 public:
  explicit KeyMaterial(const Key& key);

  static constexpr int kTilePixels = tm1::kTile * tm1::kTile;
  using Tile = std::vector<float>;  // kTile x kTile, row-major, unit RMS

  // The pattern for a payload: sqrt(0.7) chips + sqrt(0.3) template, unit RMS.
  Tile tile(std::uint64_t payload) const;

  shared::SipKey sip_key() const { return sip_; }
  const std::vector<int>& sync_cells() const { return sync_cells_; }
  const std::vector<float>& sync_pn() const { return sync_pn_; }
  const std::vector<int>& payload_cells() const { return payload_cells_; }
  const std::vector<float>& payload_pn() const { return payload_pn_; }
  // Coded-bit index carried by payload cell i (balanced repetition in key-permuted order).
  static int coded_bit_of(int payload_cell_index) { return payload_cell_index % tm1::kCodedBits; }
  const std::vector<TemplatePeak>& template_peaks() const { return peaks_; }
  const Tile& template_tile() const { return template_; }
  // Sync chips alone (payload cells zero), in tile pixels: the reference for translation search.
  const Tile& sync_reference() const { return sync_ref_; }

 private:
  shared::SipKey sip_;
  std::vector<int> sync_cells_, payload_cells_;
  std::vector<float> sync_pn_, payload_pn_;
  std::vector<TemplatePeak> peaks_;
  Tile template_, sync_ref_;
};

}  // namespace tidemark::detail
