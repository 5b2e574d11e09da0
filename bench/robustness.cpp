// Robustness evaluation: marks every image of a folder, applies the attack suite, and reports
// exact 64-bit recovery and bit accuracy per attack and size class, with PSNR and SSIM of the
// marked images; or (--false-positives N) detects on N unmarked images and crops and reports
// the z distribution and any false payloads. Table on stdout, JSON with --json FILE.
// --trials N marks each image N times: the first with its own content-derived tile offset, the
// others with other offsets and payloads (offset seeds), so that a cell does not rest on one draw
// of the offset per image.
// --jpeg-source Q first saves each image as a JPEG at quality Q (4:2:0, as most generators write
// them) and marks that file in its DCT coefficients, as `tidemark embed a.jpg -o b.jpg` does.
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "attacks.hpp"
#include "io/image_file.hpp"
#include "tidemark/detector.hpp"
#include "io/jpeg_coefficients.hpp"
#include "tidemark/embedder.hpp"
#include "tidemark/error.hpp"

namespace fs = std::filesystem;
using namespace tidemark;

namespace {

struct Options {
  std::string images = "../shared/corpus/images";
  std::string json;
  std::string only;
  int false_positives = 0;
  int trials = 1;
  int jpeg_source = 0;  // 0: mark pixels
  int workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  double strength = EmbedParams{}.strength;
};

cv::Mat to_mat(const Image& im) {  // RGB(A)/gray 8-bit -> BGR/gray (alpha dropped)
  if (im.channels() == 1) return cv::Mat(im.height(), im.width(), CV_8UC1, const_cast<unsigned char*>(im.bytes().data())).clone();
  cv::Mat src(im.height(), im.width(), im.channels() == 3 ? CV_8UC3 : CV_8UC4, const_cast<unsigned char*>(im.bytes().data())), out;
  cv::cvtColor(src, out, im.channels() == 3 ? cv::COLOR_RGB2BGR : cv::COLOR_RGBA2BGR);
  return out;
}

Image to_image(const cv::Mat& m) {
  Image im(m.cols, m.rows, m.channels() == 1 ? 1 : 3, SampleType::U8);
  cv::Mat dst(m.rows, m.cols, m.channels() == 1 ? CV_8UC1 : CV_8UC3, im.bytes().data());
  if (m.channels() == 1) m.copyTo(dst);
  else cv::cvtColor(m, dst, cv::COLOR_BGR2RGB);
  return im;
}

double psnr(const cv::Mat& a, const cv::Mat& b) { return cv::PSNR(a, b); }

double ssim_luma(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat ga, gb;
  if (a.channels() == 3) cv::cvtColor(a, ga, cv::COLOR_BGR2GRAY), cv::cvtColor(b, gb, cv::COLOR_BGR2GRAY);
  else ga = a, gb = b;
  ga.convertTo(ga, CV_32F), gb.convertTo(gb, CV_32F);
  const double c1 = 6.5025, c2 = 58.5225;
  cv::Mat mu1, mu2, s11, s22, s12;
  cv::GaussianBlur(ga, mu1, cv::Size(11, 11), 1.5);
  cv::GaussianBlur(gb, mu2, cv::Size(11, 11), 1.5);
  cv::GaussianBlur(ga.mul(ga), s11, cv::Size(11, 11), 1.5);
  cv::GaussianBlur(gb.mul(gb), s22, cv::Size(11, 11), 1.5);
  cv::GaussianBlur(ga.mul(gb), s12, cv::Size(11, 11), 1.5);
  cv::Mat m11 = mu1.mul(mu1), m22 = mu2.mul(mu2), m12 = mu1.mul(mu2);
  cv::Mat num = (2 * m12 + c1).mul(2 * (s12 - m12) + c2), den = (m11 + m22 + c1).mul(s11 - m11 + s22 - m22 + c2);
  return cv::mean(num / den)[0];
}

const char* size_class(double mp) { return mp >= 0.5 ? ">=0.5MP" : mp >= 0.2 ? "0.2-0.5MP" : "<0.2MP"; }

struct Tally {
  int n = 0, exact = 0;
  double bits = 0;
};

std::vector<fs::path> list_images(const std::string& dir) {
  std::vector<fs::path> v;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) v.push_back(e.path());
  std::sort(v.begin(), v.end());
  return v;
}

// Runs `job(i)` for i in [0, n) on `workers` threads.
template <class F>
void run_parallel(int n, int workers, F job) {
  std::atomic<int> next{0};
  std::vector<std::jthread> pool;
  for (int w = 0; w < workers; ++w)
    pool.emplace_back([&] {
      for (int i; (i = next++) < n;) job(i);
    });
}

int robustness(const Options& o) {
  const auto attacks = bench::attack_suite();
  const auto paths = list_images(o.images);
  EmbedParams ep;
  ep.strength = o.strength;
  ep.threads = 1;
  DetectParams dp;
  dp.threads = 1;
  const Detector detector(Key::public_default(), dp, Backend::Cpu);
  std::mutex mu;
  std::map<std::string, std::map<std::string, Tally>> table;  // attack -> class -> tally
  std::vector<double> psnrs, ssims;
  const int jobs = static_cast<int>(paths.size()) * o.trials;
  run_parallel(jobs, o.workers, [&](int job) {
    const int i = job / o.trials, trial = job % o.trials;
    io::ImageFile f;
    try {
      f = io::load_image(paths[i]);
    } catch (const Error& e) {
      if (trial == 0) std::fprintf(stderr, "skip %s\n", e.what());
      return;
    }
    if (f.image.type() != SampleType::U8 || f.image.width() < 128 || f.image.height() < 128) return;
    std::mt19937_64 rng(1000 + i + 7919ULL * trial);
    const Payload payload{rng()};
    EmbedParams trial_params = ep;
    if (trial > 0) trial_params.offset_seed = static_cast<std::uint32_t>(1000 * trial + i);
    const Embedder embedder(Key::public_default(), trial_params, Backend::Cpu);
    cv::Mat original = to_mat(f.image), marked;
    if (o.jpeg_source) {
      std::vector<unsigned char> jpeg;
      cv::imencode(".jpg", original, jpeg, {cv::IMWRITE_JPEG_QUALITY, o.jpeg_source});
      original = cv::imdecode(jpeg, cv::IMREAD_UNCHANGED);
      const io::LumaMarkResult r = io::mark_jpeg_luma(
          jpeg, paths[i].string(), {}, [&](const ImageView& luma, io::Metadata&) { embedder.embed(luma, payload); }, 0);
      if (r.bytes.empty()) {
        if (trial == 0) std::fprintf(stderr, "skip %s: %s\n", paths[i].c_str(), r.declined.c_str());
        return;
      }
      marked = cv::imdecode(r.bytes, cv::IMREAD_UNCHANGED);
    } else {
      Image base = to_image(original);
      embedder.embed(base.view(), payload);
      marked = to_mat(base);
    }
    const double q = psnr(original, marked), s = ssim_luma(original, marked);
    const double mp = original.cols * double(original.rows) / 1e6;
    for (const auto& a : attacks) {
      if (!o.only.empty() && a.name.find(o.only) == std::string::npos) continue;
      if (mp < a.min_megapixels) continue;
      const cv::Mat attacked = a.apply(marked);
      const DetectResult r = detector.detect(to_image(attacked).view());
      const bool exact = r.payload && *r.payload == payload;
      const int bits = 64 - std::popcount(r.decoded_bits.value ^ payload.value);
      std::lock_guard lock(mu);
      if (!exact)
        std::fprintf(stderr, "miss: %s (%.2f MP, trial %d) after %s: z %.2f, %d/64 bits\n", paths[i].filename().c_str(),
                     mp, trial, a.name.c_str(), r.z, bits);
      for (const char* cls : {size_class(mp), "all"}) {
        Tally& t = table[a.name][cls];
        ++t.n, t.exact += exact, t.bits += bits / 64.0;
      }
    }
    std::lock_guard lock(mu);
    psnrs.push_back(q), ssims.push_back(s);
    std::fprintf(stderr, "%-45s %5.2f MP  trial %d  PSNR %.1f dB  SSIM %.4f\n", paths[i].filename().c_str(), mp, trial, q, s);
  });

  auto mean = [](const std::vector<double>& v) { double s = 0; for (double x : v) s += x; return v.empty() ? 0 : s / v.size(); };
  std::printf("images: %zu, trials per image: %d, strength %.2f, mean PSNR %.2f dB (min %.2f), mean SSIM(Y) %.4f\n\n",
              psnrs.size() / o.trials, o.trials, o.strength, mean(psnrs), psnrs.empty() ? 0 : *std::min_element(psnrs.begin(), psnrs.end()), mean(ssims));
  std::printf("| attack | group | exact >=0.5MP | exact 0.2-0.5MP | exact <0.2MP | bit accuracy (all) |\n|---|---|---|---|---|---|\n");
  std::string json = "{\"mean_psnr\":" + std::to_string(mean(psnrs)) + ",\"mean_ssim\":" + std::to_string(mean(ssims)) + ",\"attacks\":[";
  bool first = true;
  for (const auto& a : attacks) {
    if (!table.count(a.name)) continue;
    auto& row = table[a.name];
    auto cell = [&](const char* cls) {
      const Tally& t = row[cls];
      return t.n ? std::to_string(100 * t.exact / t.n) + "% (" + std::to_string(t.exact) + "/" + std::to_string(t.n) + ")" : std::string("-");
    };
    const Tally& all = row["all"];
    std::printf("| %s | %s | %s | %s | %s | %.3f |\n", a.name.c_str(), a.group.c_str(), cell(">=0.5MP").c_str(),
                cell("0.2-0.5MP").c_str(), cell("<0.2MP").c_str(), all.n ? all.bits / all.n : 0.0);
    json += std::string(first ? "" : ",") + "{\"attack\":\"" + a.name + "\",\"n\":" + std::to_string(all.n) +
            ",\"exact\":" + std::to_string(all.exact) + ",\"exact_ge_0_5mp\":" + std::to_string(row[">=0.5MP"].exact) +
            ",\"n_ge_0_5mp\":" + std::to_string(row[">=0.5MP"].n) + ",\"bit_accuracy\":" + std::to_string(all.n ? all.bits / all.n : 0) + "}";
    first = false;
  }
  json += "]}";
  if (!o.json.empty()) std::ofstream(o.json) << json << "\n";
  return 0;
}

int false_positives(const Options& o) {
  const auto paths = list_images(o.images);
  std::vector<Image> sources;
  std::vector<std::string> names;
  for (const auto& p : paths) {
    try {
      io::ImageFile f = io::load_image(p);
      if (f.image.type() != SampleType::U8) continue;
      sources.push_back(to_image(to_mat(f.image)));
      names.push_back(p.filename().string());
    } catch (const Error&) {
    }
  }
  DetectParams dp;
  dp.threads = 1;
  const Detector detector(Key::public_default(), dp, Backend::Cpu);
  std::mutex mu;
  std::vector<double> zs;
  int payloads = 0, present = 0;
  run_parallel(o.false_positives, o.workers, [&](int i) {
    std::mt19937 rng(77 + i);
    const Image& src = sources[i % sources.size()];
    cv::Mat m = to_mat(src);
    if (i >= int(sources.size())) {  // a random crop, sometimes rescaled
      const int w = std::uniform_int_distribution<int>(std::min(160, m.cols), std::min(m.cols, 900))(rng);
      const int h = std::uniform_int_distribution<int>(std::min(160, m.rows), std::min(m.rows, 900))(rng);
      const int x = std::uniform_int_distribution<int>(0, m.cols - w)(rng), y = std::uniform_int_distribution<int>(0, m.rows - h)(rng);
      m = m(cv::Rect(x, y, w, h)).clone();
      const double scales[] = {1.0, 1.0, 0.75, 1.3};
      const double s = scales[rng() % 4];
      if (s != 1.0 && m.cols * s >= 128 && m.rows * s >= 128) cv::resize(m, m, cv::Size(), s, s, cv::INTER_AREA);
    }
    const DetectResult r = detector.detect(to_image(m).view());
    std::lock_guard lock(mu);
    // The probes that come closest to a false claim, to look at.
    if (r.z > kLikelyZ)
      std::fprintf(stderr, "high z %.2f: probe %d, %s %dx%d, scale %.4f rotation %.1f aspect %.3f%s\n", r.z, i,
                   names[i % sources.size()].c_str(), m.cols, m.rows, r.scale, r.rotation_deg, r.aspect,
                   r.mirrored ? " mirrored" : "");
    zs.push_back(r.z);
    payloads += r.payload.has_value();
    present += r.z > kPresentZ;
    if (zs.size() % 500 == 0) std::fprintf(stderr, "%zu probes, max z so far %.2f\n", zs.size(), *std::max_element(zs.begin(), zs.end()));
  });
  std::sort(zs.begin(), zs.end());
  auto q = [&](double p) { return zs[std::min(zs.size() - 1, static_cast<std::size_t>(p * zs.size()))]; };
  std::printf("false-positive run: %zu unmarked probes (%zu full images, the rest crops/rescaled crops)\n", zs.size(), sources.size());
  std::printf("false payloads: %d, z > 7 (watermark present): %d\n", payloads, present);
  std::printf("z quantiles: median %.2f, 99%% %.2f, 99.9%% %.2f, max %.2f\n", q(0.5), q(0.99), q(0.999), zs.back());
  if (!o.json.empty())
    std::ofstream(o.json) << "{\"probes\":" << zs.size() << ",\"false_payloads\":" << payloads << ",\"z_above_7\":" << present
                          << ",\"z_max\":" << zs.back() << ",\"z_p99\":" << q(0.99) << "}\n";
  return payloads == 0 && present == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--images") o.images = next();
    else if (a == "--json") o.json = next();
    else if (a == "--only") o.only = next();
    else if (a == "--workers") o.workers = std::stoi(next());
    else if (a == "--strength") o.strength = std::stod(next());
    else if (a == "--false-positives") o.false_positives = std::stoi(next());
    else if (a == "--trials") o.trials = std::max(1, std::stoi(next()));
    else if (a == "--jpeg-source") o.jpeg_source = std::clamp(std::stoi(next()), 1, 100);
    else {
      std::fprintf(stderr,
                   "usage: robustness [--images DIR] [--json FILE] [--only ATTACK] [--workers N] [--strength S]\n"
                   "                  [--trials N] [--jpeg-source QUALITY] [--false-positives N]\n");
      return 2;
    }
  }
  return o.false_positives > 0 ? false_positives(o) : robustness(o);
}
