#include "inputs.hpp"

#include <fnmatch.h>
#include <glob.h>

#include <algorithm>
#include <fstream>
#include <iostream>

#include "common.hpp"

namespace tidemark::cli {
namespace fs = std::filesystem;
namespace {

bool matches_any(const std::vector<std::string>& patterns, const std::string& name) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return ::fnmatch(p.c_str(), name.c_str(), 0) == 0; });
}

// std::filesystem::path's order (component by component) on plain strings: a separator sorts
// before every other character.
bool path_order(const std::string& a, const std::string& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    const auto key = [](char c) { return c == '/' ? -1 : static_cast<int>(static_cast<unsigned char>(c)); };
    return key(x) < key(y);
  });
}

bool has_glob_characters(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

std::vector<std::string> read_list(std::istream& in) {
  std::vector<std::string> paths;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line[0] != '#') paths.push_back(line);
  }
  return paths;
}

}  // namespace

void InputOptions::add_to(CLI::App& app, const char* what) {
  app.add_option("inputs", args,
                 std::string(what) + ": files, directories (recursive), glob patterns, @LIST (one path per line) "
                                     "or - (paths on standard input)")
      ->required();
  app.add_option("--include", include, "In directories, take files matching these patterns (default: image extensions)")
      ->take_all();
  app.add_option("--exclude", exclude, "In directories, skip files or folders matching these patterns");
}

bool InputOptions::names_collections() const {
  std::error_code ec;
  return std::any_of(args.begin(), args.end(), [&](const std::string& a) {
    return a == "-" || (a.size() > 1 && a[0] == '@') || fs::is_directory(a, ec) || (!fs::exists(a, ec) && has_glob_characters(a));
  });
}

std::vector<InputFile> InputOptions::expand(std::vector<std::string>& missing) const {
  std::vector<InputFile> out;
  std::vector<std::string> pending(args.rbegin(), args.rend());  // a stack, so @LIST entries keep their order
  while (!pending.empty()) {
    const std::string arg = pending.back();
    pending.pop_back();
    if (arg == "-" || (arg.size() > 1 && arg[0] == '@')) {
      std::vector<std::string> listed;
      if (arg == "-") {
        listed = read_list(std::cin);
      } else {
        std::ifstream list(arg.substr(1));
        if (!list) {
          missing.push_back(arg.substr(1) + ": cannot open this list of inputs");
          continue;
        }
        listed = read_list(list);
      }
      for (auto it = listed.rbegin(); it != listed.rend(); ++it) pending.push_back(*it);
      continue;
    }
    std::error_code ec;
    const fs::path p(arg);
    if (fs::is_directory(p, ec)) {
      // Entries are p / relative: the relative part starts after p and its separator.
      const std::string root = p.string();
      const std::size_t relative_from = root.size() + (root.empty() || root.back() == '/' ? 0 : 1);
      std::vector<InputFile> found;
      for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (matches_any(exclude, name)) {
          if (it->is_directory(ec)) it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file(ec) && matches_any(include, name)) found.emplace_back(it->path().string(), relative_from);
      }
      // Not a failure (a day's folder may be empty), but worth a line: a wrong folder or pattern
      // would otherwise pass in silence.
      if (found.empty()) print_error(root + ": no file in this folder matches the input patterns (see --include)");
      std::sort(found.begin(), found.end(),
                [](const InputFile& a, const InputFile& b) { return path_order(a.path_string(), b.path_string()); });
      out.insert(out.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
    } else if (fs::exists(p, ec)) {
      const std::size_t slash = arg.find_last_of('/');
      out.emplace_back(arg, slash == std::string::npos ? 0 : slash + 1);
    } else if (has_glob_characters(arg)) {
      glob_t g{};
      if (::glob(arg.c_str(), 0, nullptr, &g) == 0)
        for (std::size_t i = g.gl_pathc; i-- > 0;) pending.push_back(g.gl_pathv[i]);  // sorted, first on top
      else
        missing.push_back(arg + ": no file matches this pattern");
      ::globfree(&g);
    } else {
      missing.push_back(arg + ": no such file or directory");
    }
  }
  return out;
}

int report_missing(const std::vector<std::string>& missing, bool json_lines, const nlohmann::json& extra) {
  for (const auto& m : missing) {
    print_error(m);
    if (!json_lines) continue;
    nlohmann::json line{{"path", m.substr(0, m.find(':'))}, {"error", m}};
    if (!extra.is_null()) line.update(extra);
    std::cout << line.dump() << "\n";
  }
  return int(missing.size());
}

}  // namespace tidemark::cli
