// The knowledge data loader (knowledge/loader.h): the input's first line
// names a data file ("conditions/dvt.json", "questions.json", ...), the rest
// replaces it among the embedded files (or is added as a new file). Any input
// loads or gives errors naming the file and entry.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "knowledge/embedded_data.h"
#include "knowledge/loader.h"

using namespace calfbot::knowledge;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto nl = input.find('\n');
  if (nl == std::string_view::npos) return 0;
  DataFile changed{std::string(input.substr(0, nl)), std::string(input.substr(nl + 1))};
  std::vector<DataFile> files = embedded_data_files();
  bool replaced = false;
  for (auto& f : files) {
    if (f.name == changed.name) {
      f = changed;
      replaced = true;
    }
  }
  if (!replaced) files.push_back(changed);
  auto result = load_files(files);
  if (!result.ok() && result.errors.empty()) std::abort();  // a failure names its errors
  for (const auto& e : result.errors) {
    if (e.what().empty()) std::abort();
  }
  return 0;
}
