// The calfbot command line: subcommands and their options.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace calfbot::cli {

// Runs `calfbot <args...>`; returns the process exit code.
int run_command(std::vector<std::string> args, std::istream& in, std::ostream& out,
                std::ostream& err);

}  // namespace calfbot::cli
