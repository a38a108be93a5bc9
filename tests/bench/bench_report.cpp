#include "bench_report.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "bench_process.h"

namespace calfbot::bench {

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  std::size_t i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::clamp<std::size_t>(i, 1, v.size()) - 1];
}

std::vector<std::pair<std::string, std::string>> option_values(
    int argc, char** argv, const char* usage, const std::vector<std::string>& switches) {
  std::vector<std::pair<std::string, std::string>> out;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (std::find(switches.begin(), switches.end(), a) != switches.end()) {
      out.emplace_back(a, "");
      continue;
    }
    if (a == "--help" || a == "-h") {
      std::cout << usage;
      std::exit(0);
    }
    if (i + 1 >= args.size()) throw std::runtime_error("unknown option or missing value: " + a);
    out.emplace_back(a, args[++i]);
  }
  return out;
}

void require_calfbot(const std::string& calfbot, const char* usage) {
  if (calfbot.empty()) throw std::runtime_error(std::string("--calfbot PATH is required\n") + usage);
  if (access(calfbot.c_str(), X_OK) != 0) {
    throw std::runtime_error("--calfbot " + calfbot + ": not an executable file");
  }
}

std::string fixed(double v, int decimals) {
  if (std::isnan(v)) return "-";
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(decimals);
  s << v;
  return s.str();
}

void print_lifted_limits(const std::vector<std::string>& unknown_keys) {
  std::string lifted, unknown;
  for (const auto& [key, value] : lifted_limits()) {
    bool known = std::find(unknown_keys.begin(), unknown_keys.end(), key) == unknown_keys.end();
    (known ? lifted : unknown) += (known ? " " + key + "=" + value : " " + key);
  }
  std::printf("  calfbot limits lifted:%s\n", lifted.c_str());
  if (!unknown.empty()) std::printf("  not in this calfbot build (left out):%s\n", unknown.c_str());
}

int run_reporting_errors(const char* program, const std::function<int()>& run) {
  try {
    return run();
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::cerr << program << ": " << e.what() << "\n";
    return 2;
  }
}

}  // namespace calfbot::bench
