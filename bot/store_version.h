// Which release's schema calfbot.db holds. The session store and the clinic
// store share the file, and SQLite's user_version records the schema it was
// written with. A release opens a file of its own version or older (and
// upgrades an older one in place, in a transaction); a file written by a newer
// release is refused before anything is written to it, since this release
// cannot know what its rows mean.
#pragma once

#include <string>

#include <SQLiteCpp/SQLiteCpp.h>

namespace calfbot::bot {

// The schema this release writes. Raise it with each change to the tables,
// with the upgrade from the previous version beside the schema
// (docs/configuration.md, "The store file across releases").
inline constexpr int kStoreSchemaVersion = 1;

// Returns the file's schema version (0 for a new, empty file). Throws
// std::runtime_error naming the file, both versions and what to do when the
// file was written by a newer release.
int check_store_version(SQLite::Database& db, const std::string& path);

}  // namespace calfbot::bot
