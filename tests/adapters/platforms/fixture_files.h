// Reads a stored platform payload from tests/adapters/platforms/fixtures.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace calfbot::tests {

inline std::string fixture(const std::string& name) {
  std::ifstream in(std::string(CALFBOT_SOURCE_DIR) + "/tests/adapters/platforms/fixtures/" + name,
                   std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace calfbot::tests
