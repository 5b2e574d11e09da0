#include "key_material.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

#include "sha256.hpp"

namespace tidemark::detail {
namespace {

enum Domain : std::uint64_t { kPermutation = 1, kSyncSigns = 2, kPayloadSigns = 3, kTemplate = 4 };

shared::SipKey derive_sip_key(const Key& key) {
  Sha256 s;
  s.update(std::string_view("tidemark TM1 pattern key"));
  s.update(key.bytes());
  Digest d = s.finish();
  std::uint64_t k0 = 0, k1 = 0;
  for (int i = 0; i < 8; ++i) {
    k0 |= std::uint64_t(d[i]) << (8 * i);
    k1 |= std::uint64_t(d[8 + i]) << (8 * i);
  }
  return {k0, k1};
}

void normalise_rms(std::vector<float>& v) {
  double e = 0;
  for (float x : v) e += double(x) * x;
  float inv = static_cast<float>(1.0 / std::sqrt(e / v.size() + 1e-30));
  for (float& x : v) x *= inv;
}

// Cell chips expanded to tile pixels (each cell kCellPx x kCellPx).
void paint_cell(std::vector<float>& tile, int cell, float value) {
  int cy = cell / tm1::kCells, cx = cell % tm1::kCells;
  for (int dy = 0; dy < tm1::kCellPx; ++dy)
    for (int dx = 0; dx < tm1::kCellPx; ++dx)
      tile[(cy * tm1::kCellPx + dy) * tm1::kTile + cx * tm1::kCellPx + dx] = value;
}

// Key-chosen lattice frequencies in the template band: off the axes (JPEG grid, scan lines),
// not too close in angle and radius to each other.
std::vector<TemplatePeak> choose_template(KeyedStream& rng) {
  std::vector<TemplatePeak> peaks;
  const double kmin = tm1::kTemplateFLo * tm1::kTile, kmax = tm1::kTemplateFHi * tm1::kTile;
  for (int tries = 0; peaks.size() < tm1::kTemplatePeaks && tries < 100000; ++tries) {
    double rad = std::sqrt(kmin * kmin + rng.uniform() * (kmax * kmax - kmin * kmin));
    double th = rng.uniform() * std::numbers::pi;
    int kx = static_cast<int>(std::lround(rad * std::cos(th)));
    int ky = static_cast<int>(std::lround(rad * std::sin(th)));
    if (ky < 0 || (ky == 0 && kx <= 0)) continue;
    if (std::min(std::abs(kx), std::abs(ky)) < 3) continue;
    // Keep off the JPEG 8x8 harmonics: multiples of kTile/8 = 16 on either axis.
    if (kx % 16 == 0 || ky % 16 == 0) continue;
    double ang = std::atan2(ky, kx), r = std::hypot(kx, ky);
    bool crowded = std::any_of(peaks.begin(), peaks.end(), [&](const TemplatePeak& p) {
      double d = std::remainder(ang - std::atan2(p.ky, p.kx), 2 * std::numbers::pi);
      return (std::abs(d) < 0.06 && std::abs(std::hypot(p.kx, p.ky) - r) < 6) || (p.kx == kx && p.ky == ky);
    });
    if (crowded) continue;
    peaks.push_back({kx, ky, 0.0});
  }
  for (auto& p : peaks) p.phase = rng.uniform() * 2 * std::numbers::pi;
  return peaks;
}

}  // namespace

std::uint64_t KeyedStream::below(std::uint64_t n) {
  std::uint64_t limit = ~std::uint64_t(0) - (~std::uint64_t(0) % n);
  for (;;) {
    std::uint64_t v = next();
    if (v < limit) return v % n;
  }
}

KeyMaterial::KeyMaterial(const Key& key) : sip_(derive_sip_key(key)) {
  constexpr int ncell = tm1::kCells * tm1::kCells;
  std::vector<int> perm(ncell);
  std::iota(perm.begin(), perm.end(), 0);
  KeyedStream prng(sip_, kPermutation);
  for (int i = ncell - 1; i > 0; --i) std::swap(perm[i], perm[prng.below(i + 1)]);
  sync_cells_.assign(perm.begin(), perm.begin() + tm1::kSyncCells);
  payload_cells_.assign(perm.begin() + tm1::kSyncCells, perm.end());

  KeyedStream ssync(sip_, kSyncSigns), spay(sip_, kPayloadSigns);
  for (int i = 0; i < tm1::kSyncCells; ++i) sync_pn_.push_back(ssync.sign());
  for (int i = 0; i < tm1::kPayloadCells; ++i) payload_pn_.push_back(spay.sign());

  KeyedStream stmpl(sip_, kTemplate);
  peaks_ = choose_template(stmpl);
  template_.assign(kTilePixels, 0.0f);
  for (int y = 0; y < tm1::kTile; ++y)
    for (int x = 0; x < tm1::kTile; ++x) {
      double v = 0;
      for (const auto& p : peaks_)
        v += std::cos(2 * std::numbers::pi * (p.kx * x + p.ky * y) / tm1::kTile + p.phase);
      template_[y * tm1::kTile + x] = static_cast<float>(v);
    }
  normalise_rms(template_);

  sync_ref_.assign(kTilePixels, 0.0f);
  for (int i = 0; i < tm1::kSyncCells; ++i) paint_cell(sync_ref_, sync_cells_[i], sync_pn_[i]);
}

KeyMaterial::Tile KeyMaterial::tile(std::uint64_t payload) const {
  CodedBits coded = encode_payload(payload);
  Tile chips(kTilePixels, 0.0f);
  for (int i = 0; i < tm1::kSyncCells; ++i) paint_cell(chips, sync_cells_[i], sync_pn_[i]);
  for (int i = 0; i < tm1::kPayloadCells; ++i) {
    float bit = coded[coded_bit_of(i)] ? 1.0f : -1.0f;
    paint_cell(chips, payload_cells_[i], payload_pn_[i] * bit);
  }
  const float wc = static_cast<float>(std::sqrt(1.0 - tm1::kTemplateEnergy));
  const float wt = static_cast<float>(std::sqrt(tm1::kTemplateEnergy));
  Tile w(kTilePixels);
  for (int i = 0; i < kTilePixels; ++i) w[i] = wc * chips[i] + wt * template_[i];
  normalise_rms(w);
  return w;
}

}  // namespace tidemark::detail
