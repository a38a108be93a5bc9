// Loading the knowledge: the JSON data files are validated, compiled into a
// SQLite knowledge database (through SQLiteCpp) that carries the content
// version, and the Knowledge is read back from that database.
//
// Every function here returns a LoadResult instead of throwing: a broken data
// file is an expected failure, reported with the file, the entry and what is
// wrong, e.g. "conditions/fracture.json: fracture: likelihoods: unknown finding
// 'swolen'".
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "knowledge/embedded_data.h"
#include "knowledge/knowledge.h"

namespace calfbot::knowledge {

struct LoadError {
  std::string file;     // data file name, e.g. "findings.json" (empty for the database)
  std::string entry;    // entry id, e.g. "calf_swelling" (may be empty)
  std::string message;  // what is wrong
  std::string what() const;  // "file: entry: message"
};

struct LoadResult {
  std::shared_ptr<const Knowledge> knowledge;  // set on success
  std::vector<LoadError> errors;               // set on failure (all that were found)
  bool ok() const { return knowledge != nullptr; }
};

// The condition ids DESIGN.md promises; every one must have a data file.
const std::vector<std::string>& required_condition_ids();

// Validates the files and compiles them into the SQLite database at db_path
// (":memory:" for an in-memory one; an existing file is replaced), then loads
// the Knowledge back from it.
LoadResult load_files(const std::vector<DataFile>& files, const std::string& db_path = ":memory:");

// The files embedded at build time.
LoadResult load_embedded(const std::string& db_path = ":memory:");

// The *.json files of a folder laid out like knowledge/data.
LoadResult load_directory(const std::string& dir, const std::string& db_path = ":memory:");

// Reads a knowledge database written by load_files (for replay and audit).
LoadResult load_database(const std::string& db_path);

// The SHA-256 of `bytes`, as 64 lower-case hex digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace calfbot::knowledge
