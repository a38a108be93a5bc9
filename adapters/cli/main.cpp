// calfbot: wires the subcommands to the libraries. No logic lives here.
#include <iostream>
#include <string>
#include <vector>

#include "adapters/cli/commands.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return calfbot::cli::run_command(args, std::cin, std::cout, std::cerr);
}
