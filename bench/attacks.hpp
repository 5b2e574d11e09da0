#pragma once
// The attack suite of the robustness evaluation: what platforms and users do to images.
#include <opencv2/core.hpp>

#include <functional>
#include <string>
#include <vector>

namespace tidemark::bench {

struct Attack {
  std::string name;
  std::string group;  // target class: "core", "hard" (>= 95 %) or "combined" (>= 85 %)
  std::function<cv::Mat(const cv::Mat&)> apply;  // BGR or gray 8-bit in, same out
  double min_megapixels = 0;                     // applied only to images at least this large
};

std::vector<Attack> attack_suite();

}  // namespace tidemark::bench
