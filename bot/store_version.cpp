#include "bot/store_version.h"

#include <stdexcept>

namespace calfbot::bot {

int check_store_version(SQLite::Database& db, const std::string& path) {
  const int version = db.execAndGet("PRAGMA user_version").getInt();
  if (version > kStoreSchemaVersion) {
    throw std::runtime_error(
        path + " was written by a newer calfbot (store schema version " + std::to_string(version) +
        "; this release reads versions up to " + std::to_string(kStoreSchemaVersion) +
        "). Nothing in it was changed: run the release that wrote it, or restore a backup made "
        "before that release was installed");
  }
  return version;
}

}  // namespace calfbot::bot
