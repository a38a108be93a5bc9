#include "knowledge/loader.h"

#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include "knowledge/parse.h"

namespace calfbot::knowledge {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Each entity table keeps the entry's JSON as written, the file it came from
// and its position, so the database is the whole truth of a knowledge version.
constexpr const char* kSchema = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entries (
  kind TEXT NOT NULL,      -- source, finding, question, condition, red_flag, advice, wells,
                           -- language
  id TEXT NOT NULL,
  file TEXT NOT NULL,
  ord INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (kind, ord, file));
CREATE TABLE likelihoods (   -- denormalised for audit queries
  condition_id TEXT NOT NULL, finding_id TEXT NOT NULL, p REAL NOT NULL,
  PRIMARY KEY (condition_id, finding_id));
)sql";

std::string hex(const unsigned char* bytes, unsigned len) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 15];
  }
  return out;
}

std::string sha256_hex(const std::vector<DataFile>& files) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  for (const auto& f : files) {
    EVP_DigestUpdate(ctx, f.name.data(), f.name.size());
    EVP_DigestUpdate(ctx, "\0", 1);
    EVP_DigestUpdate(ctx, f.content.data(), f.content.size());
    EVP_DigestUpdate(ctx, "\0", 1);
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  return hex(md, len);
}

// The entity kind a data file holds, from its name.
std::string kind_of(const std::string& name) {
  if (name == "sources.json") return "source";
  if (name == "findings.json") return "finding";
  if (name == "questions.json") return "question";
  if (name == "red_flags.json") return "red_flag";
  if (name == "advice.json") return "advice";
  if (name == "wells.json") return "wells";
  if (name == "meta.json") return "meta";
  if (name == "languages.json") return "language";
  if (name.rfind("conditions/", 0) == 0 && name.size() > 16 &&
      name.compare(name.size() - 5, 5, ".json") == 0) {
    return "condition";
  }
  return "";
}

// A data file's JSON, or nothing (and why, in errors) when it is not JSON.
std::optional<json> parse_file(const DataFile& f, std::vector<LoadError>& errors) {
  json j = json::parse(f.content, nullptr, false);
  if (!j.is_discarded()) return j;
  // Parse again with exceptions for the parser's own position message.
  try {
    json again = json::parse(f.content);
    (void)again;
  } catch (const json::exception& e) {  // a syntax error, or a number too large to hold
    errors.push_back({f.name, "", std::string("not valid JSON: ") + e.what()});
  }
  return std::nullopt;
}

// meta.json: {"disclaimer": "..."} into the meta table.
void compile_meta(const DataFile& f, const json& j, SQLite::Statement& meta,
                  std::vector<LoadError>& errors) {
  if (!j.is_object() || !j.contains("disclaimer") || !j["disclaimer"].is_string() ||
      j.size() != 1) {
    errors.push_back({f.name, "", "must be {\"disclaimer\": \"...\"}"});
    return;
  }
  meta.bind(1, "disclaimer");
  meta.bind(2, j["disclaimer"].get<std::string>());
  meta.exec();
  meta.reset();
}

// A condition's likelihoods into their own table.
void compile_likelihoods(SQLite::Database& db, const std::string& id, const json& e) {
  if (!e.is_object() || !e.contains("likelihoods") || !e["likelihoods"].is_object()) return;
  SQLite::Statement li(db, "INSERT OR REPLACE INTO likelihoods VALUES (?,?,?)");
  for (const auto& [fid, p] : e["likelihoods"].items()) {
    if (!p.is_number()) continue;
    li.bind(1, id);
    li.bind(2, fid);
    li.bind(3, p.get<double>());
    li.exec();
    li.reset();
  }
}

// The entries of one file of `kind` (a list; a condition file holds one).
void compile_entries(SQLite::Database& db, SQLite::Statement& ins, const DataFile& f,
                     const std::string& kind, json j, std::vector<LoadError>& errors) {
  if (kind == "condition") j = json::array({j});
  if (!j.is_array()) {
    errors.push_back({f.name, "", "must be a list of entries"});
    return;
  }
  int ord = 0;
  for (const auto& e : j) {
    std::string id;
    for (const char* key : {"id", "slot"}) {
      if (e.is_object() && e.contains(key) && e[key].is_string()) id = e[key].get<std::string>();
    }
    ins.bind(1, kind);
    ins.bind(2, id);
    ins.bind(3, f.name);
    ins.bind(4, ord++);
    ins.bind(5, e.dump());
    ins.exec();
    ins.reset();
    if (kind == "condition") compile_likelihoods(db, id, e);
  }
}

void compile(const std::vector<DataFile>& files, SQLite::Database& db,
             std::vector<LoadError>& errors) {
  db.exec(kSchema);
  SQLite::Transaction tx(db);
  SQLite::Statement ins(db, "INSERT INTO entries (kind, id, file, ord, body) VALUES (?,?,?,?,?)");
  SQLite::Statement meta(db, "INSERT INTO meta (key, value) VALUES (?, ?)");
  for (const auto& f : files) {
    std::string kind = kind_of(f.name);
    if (kind.empty()) {
      errors.push_back({f.name, "", "not a knowledge data file (see knowledge/README.md)"});
      continue;
    }
    auto j = parse_file(f, errors);
    if (!j) continue;
    if (kind == "meta") {
      compile_meta(f, *j, meta, errors);
    } else {
      compile_entries(db, ins, f, kind, std::move(*j), errors);
    }
  }
  meta.bind(1, "version");
  meta.bind(2, sha256_hex(files));
  meta.exec();
  tx.commit();
}

// Gives every finding predicate its finding's index, so that the rules and
// the questions' ask_if, judged several times a turn, read a finding without
// looking its id up.
void index_findings(const Knowledge& kb, Predicate& p) {
  if (p.kind == Predicate::Kind::finding) p.finding = kb.finding_index(p.name);
  for (auto& c : p.children) index_findings(kb, c);
}

LoadResult read(SQLite::Database& db) {
  auto kb = std::make_shared<Knowledge>();
  std::vector<LoadError> errors;
  {
    SQLite::Statement q(db, "SELECT key, value FROM meta");
    while (q.executeStep()) {
      std::string key = q.getColumn(0).getString();
      if (key == "version") kb->version = q.getColumn(1).getString();
      if (key == "disclaimer") kb->disclaimer = q.getColumn(1).getString();
    }
  }
  if (kb->disclaimer.empty()) errors.push_back({"meta.json", "", "missing: the disclaimer"});
  std::vector<std::string> condition_files;
  SQLite::Statement q(db, "SELECT kind, file, body FROM entries ORDER BY file, ord");
  while (q.executeStep()) {
    std::string kind = q.getColumn(0).getString();
    detail::Context c{&errors, q.getColumn(1).getString(), ""};
    json j = json::parse(q.getColumn(2).getString());
    if (kind == "source") kb->sources.push_back(detail::parse_source(j, c));
    if (kind == "finding") kb->findings.push_back(detail::parse_finding(j, c));
    if (kind == "question") kb->questions.push_back(detail::parse_question(j, c));
    if (kind == "red_flag") kb->red_flags.push_back(detail::parse_red_flag(j, c));
    if (kind == "advice") kb->advice.push_back(detail::parse_advice(j, c));
    if (kind == "wells") kb->wells.push_back(detail::parse_wells(j, c));
    if (kind == "language") kb->languages.push_back(detail::parse_language(j, c));
    if (kind == "condition") {
      kb->conditions.push_back(detail::parse_condition(j, c));
      condition_files.push_back(c.file);
    }
  }
  if (errors.empty()) detail::check_references(*kb, condition_files, errors);
  if (!errors.empty()) return {nullptr, errors};
  for (auto& rule : kb->red_flags) {
    index_findings(*kb, rule.when);
    if (rule.plausible_if) index_findings(*kb, *rule.plausible_if);
  }
  for (auto& question : kb->questions) {
    index_findings(*kb, question.ask_if);
    if (question.must_if) index_findings(*kb, *question.must_if);
  }
  return {kb, {}};
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  return hex(md, len);
}

std::string LoadError::what() const {
  std::string out = file.empty() ? "knowledge" : file;
  if (!entry.empty()) out += ": " + entry;
  return out + ": " + message;
}

const std::vector<std::string>& required_condition_ids() {
  static const std::vector<std::string> ids = {
      "muscle_cramp",          "gastrocnemius_strain",      "soleus_strain",
      "contusion",             "plantaris_rupture",         "achilles_tendinitis",
      "achilles_rupture",      "bakers_cyst_rupture",       "peroneal_nerve_entrapment",
      "sciatica",              "popliteus_tendinitis",      "popliteal_artery_entrapment",
      "peripheral_artery_disease", "fracture",              "osteomyelitis",
      "deep_vein_thrombosis"};
  return ids;
}

LoadResult load_files(const std::vector<DataFile>& input, const std::string& db_path) {
  std::vector<DataFile> files = input;
  std::sort(files.begin(), files.end(),
            [](const DataFile& a, const DataFile& b) { return a.name < b.name; });
  try {
    if (db_path != ":memory:") fs::remove(db_path);
    SQLite::Database db(db_path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    std::vector<LoadError> errors;
    compile(files, db, errors);
    if (!errors.empty()) return {nullptr, errors};
    return read(db);
  } catch (const std::exception& e) {
    return {nullptr, {{"", "", std::string("knowledge database '") + db_path + "': " + e.what()}}};
  }
}

LoadResult load_embedded(const std::string& db_path) {
  return load_files(embedded_data_files(), db_path);
}

LoadResult load_directory(const std::string& dir, const std::string& db_path) {
  std::vector<DataFile> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return {nullptr, {{"", "", "knowledge data folder '" + dir + "' does not exist"}}};
  }
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (!e.is_regular_file() || e.path().extension() != ".json") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    files.push_back({fs::relative(e.path(), dir).generic_string(), ss.str()});
  }
  return load_files(files, db_path);
}

LoadResult load_database(const std::string& db_path) {
  try {
    SQLite::Database db(db_path, SQLite::OPEN_READONLY);
    return read(db);
  } catch (const std::exception& e) {
    return {nullptr, {{"", "", std::string("knowledge database '") + db_path + "': " + e.what()}}};
  }
}

}  // namespace calfbot::knowledge
