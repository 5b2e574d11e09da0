// Attacks on the scheme by someone who holds marked images but not the key (docs/SECURITY.md):
//   collusion  - estimate the tile from N images marked with one private key and one payload,
//                then subtract it from fresh marked images (removal) or add it to unmarked ones
//                (forgery); with one fixed offset for all images (as if there were no per-image
//                offset), with per-image offsets the attacker ignores, and with per-image offsets
//                the attacker knows (an oracle: the upper bound of a registering attacker);
//   copy       - the high-pass residual of one marked image added to another image;
//   ambiguity  - one image marked twice, with two payloads or with two keys;
//   false alarms under adversarial noise - unmarked images carrying another key's mark, random
//                periodic tiles, or block-grid patterns, checked with the private key.
// Images are 512 x 512 crops of the corpus photos. Table on stdout.
// Usage: attack_resistance [CORPUS_DIR] [--quick]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/key_material.hpp"
#include "io/image_file.hpp"
#include "reference/filters.hpp"
#include "reference/spectrum.hpp"
#include "tidemark/detector.hpp"
#include "tidemark/embedder.hpp"

using namespace tidemark;
namespace fs = std::filesystem;

namespace {

constexpr int kSide = 512;  // below 720 px the tile is drawn at scale 1: one tile pixel per pixel
constexpr int P = tm1::kTile;
const Payload kPayload{0x5eed0123abcdULL};

// 512 x 512 RGB crops at random positions of the corpus photos large enough to hold one.
std::vector<Image> crops(const fs::path& corpus, int count, std::uint32_t seed) {
  std::vector<Image> sources;
  for (const auto& e : fs::directory_iterator(corpus / "images")) {
    try {
      Image im = io::load_image(e.path()).image;
      if (im.width() >= kSide && im.height() >= kSide && im.channels() == 3 && im.type() == SampleType::U8)
        sources.push_back(std::move(im));
    } catch (const std::exception&) {
    }
  }
  std::sort(sources.begin(), sources.end(), [](const Image& a, const Image& b) { return a.bytes().size() < b.bytes().size(); });
  std::mt19937 rng(seed);
  std::vector<Image> out;
  for (int i = 0; i < count; ++i) {
    const Image& s = sources[i % sources.size()];
    const int x0 = std::uniform_int_distribution<int>(0, s.width() - kSide)(rng);
    const int y0 = std::uniform_int_distribution<int>(0, s.height() - kSide)(rng);
    Image c(kSide, kSide, 3, SampleType::U8);
    for (int y = 0; y < kSide; ++y)
      std::copy_n(s.bytes().data() + (std::size_t(y0 + y) * s.width() + x0) * 3, kSide * 3, c.bytes().data() + std::size_t(y) * kSide * 3);
    out.push_back(std::move(c));
  }
  return out;
}

// The attacker's view of the mark in one image: its normalised noise residual.
detail::Plane residual(const Image& im) { return detail::normalised_residual(detail::luminance(im.view(), 1), 1.0f, 1); }

// Mean of residuals folded modulo the tile at the given offsets, scaled to unit RMS.
std::vector<float> estimate_tile(const std::vector<detail::Plane>& residuals, const std::vector<std::pair<int, int>>& offsets) {
  std::vector<double> sum(P * P, 0.0);
  for (std::size_t i = 0; i < residuals.size(); ++i)
    for (int y = 0; y < kSide; ++y)
      for (int x = 0; x < kSide; ++x)
        sum[((y + offsets[i].second) % P) * P + (x + offsets[i].first) % P] += residuals[i].at(x, y);
  double ss = 0;
  for (double v : sum) ss += v * v;
  const double inv = 1.0 / std::sqrt(ss / sum.size() + 1e-30);
  std::vector<float> t(P * P);
  for (int k = 0; k < P * P; ++k) t[k] = static_cast<float>(sum[k] * inv);
  return t;
}

// Correlation of the estimate with the true tile at the best cyclic shift: how well the pattern is
// known, wherever the attacker's fold put its origin.
double correlation(const std::vector<float>& est, const std::vector<float>& tile) {
  double ee = 0, tt = 0;
  for (int k = 0; k < P * P; ++k) ee += double(est[k]) * est[k], tt += double(tile[k]) * tile[k];
  double best = -1;
  for (int dy = 0; dy < P; ++dy)
    for (int dx = 0; dx < P; ++dx) {
      double et = 0;
      for (int y = 0; y < P; ++y) {
        const float* e = est.data() + y * P;
        const float* t = tile.data() + ((y + dy) % P) * P;
        for (int x = 0; x < P; ++x) et += double(e[x]) * t[(x + dx) & (P - 1)];
      }
      best = std::max(best, et);
    }
  return best / std::sqrt(ee * tt + 1e-30);
}

// Adds amplitude * pattern (tiled at the offset) to every colour channel, rounding and clipping.
Image add_pattern(const Image& in, const std::vector<float>& tile, std::pair<int, int> offset, double amplitude) {
  Image out = in;
  for (int y = 0; y < kSide; ++y)
    for (int x = 0; x < kSide; ++x) {
      const double d = amplitude * tile[((y + offset.second) % P) * P + (x + offset.first) % P];
      for (int c = 0; c < 3; ++c) {
        auto& v = out.bytes()[(std::size_t(y) * kSide + x) * 3 + c];
        v = static_cast<unsigned char>(std::clamp(std::lround(v + d), 0L, 255L));
      }
    }
  return out;
}

double psnr(const Image& a, const Image& b) {
  double se = 0;
  for (std::size_t i = 0; i < a.bytes().size(); ++i) {
    const double d = double(a.bytes()[i]) - b.bytes()[i];
    se += d * d;
  }
  return 10 * std::log10(255.0 * 255.0 / std::max(se / a.bytes().size(), 1e-12));
}

// RMS of the luminance change the embedder made: the attacker's amplitude unit.
double mark_rms(const Image& original, const Image& marked) {
  double se = 0;
  for (std::size_t i = 0; i < original.bytes().size(); ++i) {
    const double d = double(marked.bytes()[i]) - original.bytes()[i];
    se += d * d;
  }
  return std::sqrt(se / original.bytes().size());
}

int payloads_found(const Detector& d, const std::vector<Image>& images, const Payload& p) {
  int n = 0;
  for (const auto& im : images) {
    const DetectResult r = d.detect(im.view());
    n += r.payload && r.payload->value == p.value;
  }
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path corpus = TIDEMARK_CORPUS;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--quick") quick = true;
    else corpus = argv[i];
  }
  const Key key = Key::from_passphrase("attack-resistance private key");
  const detail::KeyMaterial km(key);
  const auto true_tile_array = km.tile(kPayload.value);
  const std::vector<float> true_tile(true_tile_array.begin(), true_tile_array.end());
  const Detector detector(key, {}, Backend::Cpu);
  const int held_out = quick ? 8 : 20, most = quick ? 64 : 256;

  // Pools: images for the attacker's estimate, fresh images to attack, unmarked targets.
  const std::vector<Image> pool = crops(corpus, most, 1), fresh = crops(corpus, held_out, 2), targets = crops(corpus, held_out, 3);
  EmbedParams fixed;
  fixed.offset_seed = 7;  // one offset for every image: what a scheme without per-image offsets does
  const Embedder per_image(key, {}, Backend::Cpu), same_offset(key, fixed, Backend::Cpu);

  struct Marked {
    std::vector<Image> images;
    std::vector<std::pair<int, int>> offsets;
    double rms = 0;
  };
  auto mark_all = [&](const Embedder& e, const std::vector<Image>& in) {
    Marked m;
    for (const auto& im : in) {
      Image c = im;
      const EmbedReport r = e.embed(c.view(), kPayload);
      m.rms += mark_rms(im, c) / in.size();
      m.images.push_back(std::move(c));
      m.offsets.emplace_back(r.offset_x, r.offset_y);
    }
    return m;
  };
  const Marked pool_per = mark_all(per_image, pool), pool_fixed = mark_all(same_offset, pool);
  const Marked fresh_per = mark_all(per_image, fresh), fresh_fixed = mark_all(same_offset, fresh);
  std::vector<detail::Plane> res_per, res_fixed;
  for (const auto& im : pool_per.images) res_per.push_back(residual(im));
  for (const auto& im : pool_fixed.images) res_fixed.push_back(residual(im));
  std::printf("mark RMS (all channels): %.2f grey levels; %d fresh marked and %d unmarked images per cell\n\n", pool_per.rms,
              held_out, held_out);

  std::printf("== Collusion: estimate from N marked images (one key, one payload)\n");
  std::printf("%-34s %5s %8s %22s %22s\n", "attacker", "N", "corr", "removal: mark left", "forgery: payload found");
  const std::vector<std::pair<int, int>> zero(most, {0, 0});
  for (int n : {1, 4, 16, 64, 256}) {
    if (n > most) break;
    struct Scenario {
      const char* name;
      const std::vector<detail::Plane>& res;
      const std::vector<std::pair<int, int>>& offsets;  // the attacker's registration
      const Marked& fresh;
      bool oracle;  // the attacker also knows each fresh image's offset
    };
    for (const Scenario& s : {Scenario{"same offset for all (no per-image)", res_fixed, zero, fresh_fixed, false},
                              Scenario{"per-image offsets, not registered", res_per, zero, fresh_per, false},
                              Scenario{"per-image offsets, registered", res_per, pool_per.offsets, fresh_per, true}}) {
      const std::vector<detail::Plane> first(s.res.begin(), s.res.begin() + n);
      const std::vector<std::pair<int, int>> offs(s.offsets.begin(), s.offsets.begin() + n);
      std::vector<float> est = estimate_tile(first, offs);
      const double corr = correlation(est, true_tile);
      // Sign: the attacker cannot know it without the key; the residual of an added pattern
      // correlates positively with it, so the estimate's sign is right.
      int left = 0, forged = 0;
      double psnr_sum = 0;
      for (int i = 0; i < held_out; ++i) {
        // Folded at the true offsets the estimate sits at the tile's origin and goes back at the
        // fresh image's offset; folded at zero (one offset for all) it already carries that shift.
        const std::pair<int, int> where = s.oracle ? s.fresh.offsets[i] : std::pair<int, int>{0, 0};
        const Image attacked = add_pattern(s.fresh.images[i], est, where, -2.0 * pool_per.rms);
        psnr_sum += psnr(s.fresh.images[i], attacked) / held_out;
        const DetectResult r = detector.detect(attacked.view());
        left += r.payload && r.payload->value == kPayload.value;
        const Image forgery = add_pattern(targets[i], est, {0, 0}, 2.0 * pool_per.rms);
        const DetectResult f = detector.detect(forgery.view());
        forged += f.payload && f.payload->value == kPayload.value;
      }
      std::printf("%-34s %5d %8.3f %14d/%d (%.0f dB) %17d/%d\n", s.name, n, corr, left, held_out, psnr_sum, forged, held_out);
    }
  }

  std::printf("\n== Copy attack: the residual of one marked image added to another\n");
  for (double gain : {1.0, 2.0, 4.0}) {
    int found = 0;
    double psnr_sum = 0;
    for (int i = 0; i < held_out; ++i) {
      const Image& src = fresh_per.images[i];
      const detail::Plane r = residual(src);
      Image out = targets[i];
      // Residual units are local-RMS normalised: scale to the mark's amplitude.
      for (int y = 0; y < kSide; ++y)
        for (int x = 0; x < kSide; ++x)
          for (int c = 0; c < 3; ++c) {
            auto& v = out.bytes()[(std::size_t(y) * kSide + x) * 3 + c];
            v = static_cast<unsigned char>(std::clamp(std::lround(v + gain * pool_per.rms * r.at(x, y)), 0L, 255L));
          }
      psnr_sum += psnr(targets[i], out) / held_out;
      const DetectResult d = detector.detect(out.view());
      found += d.payload && d.payload->value == kPayload.value;
    }
    std::printf("gain %.0fx mark RMS: payload found on %d/%d targets (PSNR %.1f dB)\n", gain, found, held_out, psnr_sum);
  }

  std::printf("\n== Ambiguity: one image marked twice\n");
  {
    const Payload second{0x0000feedbeefULL};
    const Key other = Key::from_passphrase("a second provider");
    const Embedder other_embedder(other, {}, Backend::Cpu);
    const Detector other_detector(other, {}, Backend::Cpu);
    int first_wins = 0, second_wins = 0, neither = 0, both_keys = 0;
    for (int i = 0; i < held_out; ++i) {
      Image twice = fresh_per.images[i];
      per_image.embed(twice.view(), second);
      const DetectResult r = detector.detect(twice.view());
      if (!r.payload) ++neither;
      else if (r.payload->value == kPayload.value) ++first_wins;
      else if (r.payload->value == second.value) ++second_wins;
      Image two_keys = fresh_per.images[i];
      other_embedder.embed(two_keys.view(), second);
      const DetectResult a = detector.detect(two_keys.view()), b = other_detector.detect(two_keys.view());
      both_keys += a.payload && a.payload->value == kPayload.value && b.payload && b.payload->value == second.value;
    }
    std::printf("same key, payloads A then B: A reported %d, B reported %d, none %d (of %d)\n", first_wins, second_wins,
                neither, held_out);
    std::printf("two keys: each key's detector finds its own payload on %d/%d images\n", both_keys, held_out);
  }

  std::printf("\n== False alarms under adversarial noise (private key; unmarked images)\n");
  {
    const int trials = quick ? 40 : 200;
    const std::vector<Image> base = crops(corpus, trials, 4);
    const Embedder public_embedder(Key::public_default(), {}, Backend::Cpu);
    const Embedder stranger(Key::from_passphrase("someone else"), {}, Backend::Cpu);
    std::mt19937 rng(9);
    struct Noise {
      const char* name;
      std::function<Image(const Image&, int)> apply;
    };
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    const std::vector<Noise> noises{
        {"none (plain unmarked images)", [&](const Image& im, int) { return im; }},
        {"another key's mark (same payload)", [&](const Image& im, int) { Image c = im; stranger.embed(c.view(), kPayload); return c; }},
        {"the public key's mark", [&](const Image& im, int) { Image c = im; public_embedder.embed(c.view(), kPayload); return c; }},
        {"random periodic 128 px tile, 3 grey levels", [&](const Image& im, int) {
           std::vector<float> t(P * P);
           for (auto& v : t) v = gauss(rng);
           return add_pattern(im, t, {0, 0}, 3.0);
         }},
        {"8 x 8 block grid, 4 grey levels", [&](const Image& im, int) {
           std::vector<float> t(P * P);
           for (int y = 0; y < P; ++y)
             for (int x = 0; x < P; ++x) t[y * P + x] = (x % 8 == 0 || y % 8 == 0) ? 1.0f : -0.14f;
           return add_pattern(im, t, {0, 0}, 4.0);
         }},
    };
    std::printf("%-44s %7s %11s %9s %9s %7s\n", "noise", "images", "false pay.", "detected", "likely", "max z");
    for (const Noise& n : noises) {
      int false_payloads = 0, detected = 0, likely = 0;
      double max_z = -1e9;
      for (int i = 0; i < trials; ++i) {
        const DetectResult r = detector.detect(n.apply(base[i], i).view());
        false_payloads += r.payload.has_value();
        detected += r.verdict == Verdict::Detected;
        likely += r.verdict == Verdict::Likely;
        max_z = std::max(max_z, r.z);
      }
      std::printf("%-44s %7d %11d %9d %9d %7.2f\n", n.name, trials, false_payloads, detected, likely, max_z);
    }
  }
  return 0;
}
