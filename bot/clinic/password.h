// Staff passwords: argon2id (RFC 9106) through Debian's libargon2, stored in
// the PHC string form ("$argon2id$v=19$m=...,t=...,p=...$salt$hash"), so the
// parameters travel with each hash and can be raised later without a migration.
//
// Pure functions; thread-safe. The cost is memory and time by design: hashing
// with the defaults takes 64 MiB and a few tenths of a second, which is why
// logins are also rate limited (docs/security.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "bot/error.h"

namespace calfbot::bot::clinic {

struct PasswordCost {
  uint32_t memory_kib = 64 * 1024;  // 64 MiB: RFC 9106's second recommended option
  uint32_t passes = 3;              // time cost t
  uint32_t lanes = 1;               // parallelism p: the server hashes on one thread
};

// Passwords shorter than this many bytes are refused (NIST SP 800-63B).
inline constexpr size_t kMinPasswordBytes = 12;
inline constexpr size_t kMaxPasswordBytes = 1024;

// The PHC string of `password` under a fresh 16-byte random salt.
// Errors: bad_request (too short or too long), internal_error (libargon2 or RNG failed).
Result<std::string> hash_password(std::string_view password, const PasswordCost& cost = {});

// Whether `password` matches `encoded` (a hash_password result). false for a
// malformed or non-argon2id `encoded`; the comparison is constant-time.
bool verify_password(std::string_view password, const std::string& encoded);

}  // namespace calfbot::bot::clinic
