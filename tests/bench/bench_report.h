// What the benchmarks' command lines and reports share (tests/bench/load_bench.cpp,
// tests/bench/crash_bench.cpp): reading the options, checking --calfbot,
// printing figures and the limits lifted, and main's last resort.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace calfbot::bench {

// The command line as (option, value) pairs, in order. `--help` or `-h`
// prints `usage` and exits 0; the options in `switches` take no value and
// come with an empty one. Throws when an option lacks its value.
std::vector<std::pair<std::string, std::string>> option_values(
    int argc, char** argv, const char* usage, const std::vector<std::string>& switches = {});

// Throws unless `calfbot` (the --calfbot option) names an executable file;
// `usage` follows the message when it is missing.
void require_calfbot(const std::string& calfbot, const char* usage);

// The `q` quantile (0-1) of `v` (nearest rank); NaN when empty.
double percentile(std::vector<double> v, double q);

// `v` with `decimals` digits after the point; "-" for NaN.
std::string fixed(double v, int decimals);

// Prints the limits lifted (lifted_limits()) and, when this calfbot build
// does not know some of them (`unknown_keys`), which were left out.
void print_lifted_limits(const std::vector<std::string>& unknown_keys);

// For main: runs `run` and returns its status; on an exception flushes
// stdout, prints "program: what" to stderr and returns 2.
int run_reporting_errors(const char* program, const std::function<int()>& run);

}  // namespace calfbot::bench
