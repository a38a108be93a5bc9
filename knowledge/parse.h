// Internal to knowledge/: strict parsing of the data files' JSON into the
// Knowledge model, collecting every error with its file and entry.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "knowledge/knowledge.h"
#include "knowledge/loader.h"

namespace calfbot::knowledge::detail {

// Where errors go, and the file/entry they are about.
struct Context {
  std::vector<LoadError>* errors;
  std::string file;
  std::string entry;
  void fail(const std::string& message) const { errors->push_back({file, entry, message}); }
};

Source parse_source(const nlohmann::json& j, Context& c);
Finding parse_finding(const nlohmann::json& j, Context& c);
Question parse_question(const nlohmann::json& j, Context& c);
Condition parse_condition(const nlohmann::json& j, Context& c);
RedFlagRule parse_red_flag(const nlohmann::json& j, Context& c);
AdviceItem parse_advice(const nlohmann::json& j, Context& c);
WellsItem parse_wells(const nlohmann::json& j, Context& c);
Language parse_language(const nlohmann::json& j, Context& c);
Predicate parse_predicate(const nlohmann::json& j, Context& c, const std::string& where);

// A predicate back to its JSON form (for audit and explanations).
nlohmann::json to_json(const Predicate& p);

// Checks that every id one entity names exists (findings, advice, sources,
// conditions) and that ids are unique. Errors name the file and entry.
void check_references(const Knowledge& kb, const std::vector<std::string>& condition_files,
                      std::vector<LoadError>& errors);

}  // namespace calfbot::knowledge::detail
