#include "tidemark/foreign_marks.hpp"

#include <algorithm>
#include <cmath>

#include "backend_select.hpp"
#include "reference/parallel.hpp"
#include "tidemark/error.hpp"
#include "tidemark/shared/dwtdct.hpp"

namespace tidemark {
namespace {

std::vector<std::uint8_t> bits_of_bytes(const std::string& text) {
  std::vector<std::uint8_t> bits;
  for (unsigned char c : text)
    for (int b = 7; b >= 0; --b) bits.push_back((c >> b) & 1);
  return bits;
}

// Python's [int(b) for b in bin(x)[2:]]: most significant first, leading zeros dropped.
std::vector<std::uint8_t> bits_of_bin(std::uint64_t x) {
  std::vector<std::uint8_t> bits;
  for (int b = 63; b >= 0; --b)
    if (!bits.empty() || ((x >> b) & 1)) bits.push_back((x >> b) & 1);
  return bits;
}

// log of the binomial tail P(X >= m), X ~ Bin(n, 1/2), without overflow for n up to thousands.
double binomial_tail(int n, int m) {
  if (m <= 0) return 1.0;
  double total = 0;
  for (int k = m; k <= n; ++k)
    total += std::exp(std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0) - n * std::log(2.0));
  return std::min(1.0, total);
}

template <class T>
int sample8(const ImageView& img, int x, int y, int c) {
  const T v = img.row<T>(y)[std::size_t(x) * img.channels + c];
  if constexpr (sizeof(T) == 1) return v;
  else return (v + 128) / 257;  // 16-bit to the 8-bit value a saved file would hold
}

template <class T>
void votes_for_rows(const ImageView& img, bool swapped, int block_rows_begin, int block_rows_end, int blocks_x,
                    DwtDctVotes& out) {
  int u[64], v_unused;
  double band[16];
  for (int by = block_rows_begin; by < block_rows_end; ++by)
    for (int bx = 0; bx < blocks_x; ++bx) {
      for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 8; ++j) {
          const int x = bx * 8 + j, y = by * 8 + i;
          int r = sample8<T>(img, x, y, 0), g = sample8<T>(img, x, y, 1), b = sample8<T>(img, x, y, 2);
          if (swapped) std::swap(r, b);  // the encoder saw RGB where it expected BGR
          dwtdct::chroma_of(b, g, r, u[i * 8 + j], v_unused);
        }
      const std::size_t index = std::size_t(by) * blocks_x + bx;
      dwtdct::haar_band(u, band);
      out.u[index] = std::uint8_t(dwtdct::block_vote(band));
    }
}

}  // namespace

const std::vector<KnownDwtDctMark>& known_dwtdct_marks() {
  static const std::vector<KnownDwtDctMark> marks = {
      {"stable-diffusion dwtDct (SDXL payload)",
       "diffusers pipelines/stable_diffusion_xl/watermark.py: WATERMARK_MESSAGE 0xB3EC907BB19E, 48 bits",
       bits_of_bin(0xB3EC907BB19Eull)},
      {"stable-diffusion dwtDct (SD 2.x payload)", "Stability-AI/stablediffusion scripts/txt2img.py: bytes \"SDV2\", 32 bits",
       bits_of_bytes("SDV2")},
      {"stable-diffusion dwtDct (SD 1.x payload)",
       "CompVis/stable-diffusion scripts/txt2img.py: bytes \"StableDiffusionV1\", 136 bits", bits_of_bytes("StableDiffusionV1")},
      {"FLUX.1 dwtDct (FLUX payload)",
       "black-forest-labs/flux src/flux/util.py: WATERMARK_MESSAGE 0x2AFE879CF52E as bin()[2:], 46 bits",
       bits_of_bin(0x2AFE879CF52Eull)},
  };
  return marks;
}

DwtDctVotes dwtdct_votes(const ImageView& img, bool swapped, int threads) {
  validate(img, "dwtDct");
  if (img.space != MemorySpace::Host) throw Error(Status::Unsupported, "dwtDct votes: host images here (the batch API takes device images)");
  DwtDctVotes out;
  if (img.channels < 3 || std::int64_t(img.width) * img.height < dwtdct::kMinArea) return out;
  // The package crops to multiples of 4 pixels; its 4 x 4 band blocks then cover 8 x 8 pixels,
  // and partial blocks at the right and bottom are not used.
  const int blocks_x = (img.width / 4 * 4 / 2) / dwtdct::kBlock, blocks_y = (img.height / 4 * 4 / 2) / dwtdct::kBlock;
  out.u.resize(std::size_t(blocks_x) * blocks_y);
  detail::parallel_for(
      blocks_y, threads,
      [&](int b, int e) {
        if (img.type == SampleType::U8)
          votes_for_rows<std::uint8_t>(img, swapped, b, e, blocks_x, out);
        else
          votes_for_rows<std::uint16_t>(img, swapped, b, e, blocks_x, out);
      },
      4);
  out.usable = true;
  return out;
}

DwtDctBits dwtdct_bits(const DwtDctVotes& votes, int length) {
  if (length <= 0) throw Error(Status::InvalidArgument, "dwtDct: message length must be positive");
  std::vector<double> sum(length, 0.0);
  std::vector<int> count(length, 0);
  for (std::size_t i = 0; i < votes.u.size(); ++i) {
    sum[i % length] += votes.u[i];
    ++count[i % length];
  }
  DwtDctBits out;
  for (int k = 0; k < length; ++k) {
    const double mean = count[k] ? sum[k] / count[k] : 0.0;
    out.mean_votes.push_back(mean);
    out.bits.push_back(mean * 255 > 127 ? 1 : 0);
  }
  return out;
}

namespace {

ForeignMarkReport report_from(const DwtDctVotes& standard, const DwtDctVotes& swapped) {
  ForeignMarkReport report;
  if (!standard.usable || !swapped.usable) return report;
  report.checked = true;
  const auto& marks = known_dwtdct_marks();
  const int tests = int(marks.size()) * 2;
  for (const DwtDctVotes* votes : {&standard, &swapped})
    for (const auto& mark : marks) {
      const DwtDctBits decoded = dwtdct_bits(*votes, int(mark.bits.size()));
      ForeignMark m{mark.name, votes == &swapped, 0, int(mark.bits.size()), 1.0};
      for (std::size_t k = 0; k < mark.bits.size(); ++k) m.matched += decoded.bits[k] == mark.bits[k];
      m.p_value = std::min(1.0, tests * binomial_tail(m.bits, m.matched));
      if (report.closest.bits == 0 || m.p_value < report.closest.p_value) report.closest = m;
      if (m.p_value <= kForeignMarkP) report.found.push_back(m);
    }
  std::sort(report.found.begin(), report.found.end(),
            [](const ForeignMark& a, const ForeignMark& b) { return a.p_value < b.p_value; });
  return report;
}

}  // namespace

ForeignMarkReport detect_foreign_marks(const ImageView& img, int threads) {
  if (img.space == MemorySpace::Device) return detect_foreign_marks_batch({&img, 1}, Backend::Cuda, threads).front();
  return report_from(dwtdct_votes(img, false, threads), dwtdct_votes(img, true, threads));
}

std::vector<ForeignMarkReport> detect_foreign_marks_batch(std::span<const ImageView> images, Backend backend,
                                                          int threads) {
  bool any_device = false;
  for (const auto& v : images) {
    validate(v, "foreign marks");
    any_device |= v.space == MemorySpace::Device;
  }
  std::vector<ForeignMarkReport> reports;
  if (any_device || resolve_backend(backend) == Backend::Cuda) {
    const auto standard = cuda_dwtdct_votes(images, false), swapped = cuda_dwtdct_votes(images, true);
    for (std::size_t i = 0; i < images.size(); ++i) reports.push_back(report_from(standard[i], swapped[i]));
  } else {
    for (const auto& v : images) reports.push_back(detect_foreign_marks(v, threads));
  }
  return reports;
}

}  // namespace tidemark
