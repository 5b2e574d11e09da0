#include "attacks.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <random>

namespace tidemark::bench {
namespace {

cv::Mat codec(const cv::Mat& m, const std::string& ext, int flag, int quality) {
  std::vector<unsigned char> buf;
  cv::imencode(ext, m, buf, {flag, quality});
  return cv::imdecode(buf, m.channels() == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
}
cv::Mat jpeg(const cv::Mat& m, int q) { return codec(m, ".jpg", cv::IMWRITE_JPEG_QUALITY, q); }

cv::Mat resize(const cv::Mat& m, double fx, double fy) {
  cv::Mat out;
  cv::resize(m, out, cv::Size(), fx, fy, fx < 1 || fy < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
  return out;
}

// Off-centre crop keeping `area` of the image (same aspect), anchored at 30 % / 60 % of the slack.
cv::Mat crop(const cv::Mat& m, double area) {
  const double k = std::sqrt(area);
  const int w = static_cast<int>(m.cols * k), h = static_cast<int>(m.rows * k);
  const int x = static_cast<int>((m.cols - w) * 0.3), y = static_cast<int>((m.rows - h) * 0.6);
  return m(cv::Rect(x, y, w, h)).clone();
}

// Rotation about the centre, then the largest same-aspect rectangle without empty corners.
cv::Mat rotate(const cv::Mat& m, double degrees) {
  if (degrees == 90) {
    cv::Mat out;
    cv::rotate(m, out, cv::ROTATE_90_CLOCKWISE);
    return out;
  }
  const double th = degrees * CV_PI / 180, c = std::abs(std::cos(th)), s = std::abs(std::sin(th));
  const double big = std::max(m.cols, m.rows), small = std::min(m.cols, m.rows);
  const double k = 1.0 / (c + big / small * s);
  cv::Mat rot = cv::getRotationMatrix2D(cv::Point2f(m.cols / 2.0f, m.rows / 2.0f), degrees, 1.0), out;
  cv::warpAffine(m, out, rot, m.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
  const int w = static_cast<int>(m.cols * k), h = static_cast<int>(m.rows * k);
  return out(cv::Rect((m.cols - w) / 2, (m.rows - h) / 2, w, h)).clone();
}

cv::Mat lut(const cv::Mat& m, const std::function<double(double)>& f) {
  cv::Mat table(1, 256, CV_8U), out;
  for (int i = 0; i < 256; ++i) table.at<unsigned char>(i) = cv::saturate_cast<unsigned char>(f(i));
  cv::LUT(m, table, out);
  return out;
}

cv::Mat noise(const cv::Mat& m, double sigma) {
  cv::Mat n(m.size(), CV_32FC(m.channels())), f, out;
  cv::RNG rng(12345);
  rng.fill(n, cv::RNG::NORMAL, 0, sigma);
  m.convertTo(f, CV_32F);
  f += n;
  f.convertTo(out, CV_8U);
  return out;
}

cv::Mat blur(const cv::Mat& m, double sigma) {
  cv::Mat out;
  cv::GaussianBlur(m, out, cv::Size(), sigma);
  return out;
}

}  // namespace

std::vector<Attack> attack_suite() {
  using M = const cv::Mat&;
  return {
      {"none", "core", [](M m) { return m.clone(); }},
      {"jpeg 90", "core", [](M m) { return jpeg(m, 90); }},
      {"jpeg 75", "core", [](M m) { return jpeg(m, 75); }},
      {"jpeg 50", "core", [](M m) { return jpeg(m, 50); }},
      {"jpeg 30", "hard", [](M m) { return jpeg(m, 30); }},
      {"webp 75", "core", [](M m) { return codec(m, ".webp", cv::IMWRITE_WEBP_QUALITY, 75); }},
      {"resize 0.5", "core", [](M m) { return resize(m, 0.5, 0.5); }},
      {"resize 0.75", "core", [](M m) { return resize(m, 0.75, 0.75); }},
      {"resize 1.5", "core", [](M m) { return resize(m, 1.5, 1.5); }},
      {"crop 50%", "hard", [](M m) { return crop(m, 0.5); }},
      {"crop 25%", "hard", [](M m) { return crop(m, 0.25); }},
      {"crop 50% + resize 0.7", "combined", [](M m) { return resize(crop(m, 0.5), 0.7, 0.7); }},
      {"rotate 2", "core", [](M m) { return rotate(m, 2); }},
      {"rotate 5", "core", [](M m) { return rotate(m, 5); }},
      {"rotate 15", "core", [](M m) { return rotate(m, 15); }},
      {"rotate 45", "core", [](M m) { return rotate(m, 45); }},
      {"rotate 90", "core", [](M m) { return rotate(m, 90); }},
      {"scale 0.33", "combined", [](M m) { return resize(m, 0.33, 0.33); }, 1.0},
      {"aspect 0.8", "hard", [](M m) { return resize(m, 1.0, 0.8); }},
      {"aspect 1.2", "hard", [](M m) { return resize(m, 1.0, 1.2); }},
      {"brightness +30", "core", [](M m) { return lut(m, [](double v) { return v + 30; }); }},
      {"brightness -30", "core", [](M m) { return lut(m, [](double v) { return v - 30; }); }},
      {"contrast 0.7", "core", [](M m) { return lut(m, [](double v) { return 128 + 0.7 * (v - 128); }); }},
      {"contrast 1.3", "core", [](M m) { return lut(m, [](double v) { return 128 + 1.3 * (v - 128); }); }},
      {"gamma 0.8", "core", [](M m) { return lut(m, [](double v) { return 255 * std::pow(v / 255, 0.8); }); }},
      {"gamma 1.2", "core", [](M m) { return lut(m, [](double v) { return 255 * std::pow(v / 255, 1.2); }); }},
      {"noise 5", "core", [](M m) { return noise(m, 5); }},
      {"noise 10", "combined", [](M m) { return noise(m, 10); }},
      {"blur 1", "core", [](M m) { return blur(m, 1); }},
      {"blur 2", "combined", [](M m) { return blur(m, 2); }},
      {"median 3", "combined", [](M m) { cv::Mat o; cv::medianBlur(m, o, 3); return o; }},
      {"grayscale", "core", [](M m) { cv::Mat g; if (m.channels() == 1) return m.clone(); cv::cvtColor(m, g, cv::COLOR_BGR2GRAY); return g; }},
      {"flip", "hard", [](M m) { cv::Mat o; cv::flip(m, o, 1); return o; }},
      {"resize 0.5 + jpeg 75", "hard", [](M m) { return jpeg(resize(m, 0.5, 0.5), 75); }},
      {"crop 50% + resize 0.6 + jpeg 80", "combined", [](M m) { return jpeg(resize(crop(m, 0.5), 0.6, 0.6), 80); }},
  };
}

}  // namespace tidemark::bench
