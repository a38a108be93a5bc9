// The knowledge data files, embedded in the binary at build time.
#pragma once

#include <string>
#include <vector>

namespace calfbot::knowledge {

struct DataFile {
  std::string name;     // path relative to knowledge/data, e.g. "conditions/fracture.json"
  std::string content;  // the file's bytes
};

// In name order. Built by knowledge/embed_data.cmake.
const std::vector<DataFile>& embedded_data_files();

}  // namespace calfbot::knowledge
