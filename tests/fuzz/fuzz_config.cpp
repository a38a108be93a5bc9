// The config loader (config/config.h): the input is a config file, and after
// a NUL byte, CALFBOT_* environment settings, one NAME=VALUE a line. Any
// input loads or gives errors that say what was wrong.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <string_view>

#include "config/config.h"

namespace {

const std::string& config_path() {
  static const std::string path = (std::filesystem::temp_directory_path() /
                                   ("calfbot-fuzz-config-" + std::to_string(getpid()) + ".json"))
                                      .string();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto nul = input.find('\0');
  {
    std::ofstream file(config_path(), std::ios::binary | std::ios::trunc);
    file << input.substr(0, nul);
  }
  std::map<std::string, std::string> env;
  if (nul != std::string_view::npos) {
    std::string_view rest = input.substr(nul + 1);
    while (!rest.empty()) {
      auto end = rest.find('\n');
      std::string_view line = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      auto eq = line.find('=');
      if (eq != std::string_view::npos) {
        env["CALFBOT_" + std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
      }
    }
  }
  auto result = calfbot::config::load_config(config_path(), env);
  for (const auto& e : result.errors) {
    if (e.empty()) std::abort();  // every error says what was wrong
  }
  return 0;
}
