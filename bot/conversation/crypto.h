// The few cryptographic pieces calfbot needs, all from OpenSSL, in one place
// for every part (session tokens, clinic links and alerts, platform webhook
// signatures): secure random bytes, base64/base64url/hex, SHA-256, HMAC in
// hex or base64, a constant-time comparison, and AES-256-GCM sealing of a
// short secret under a key derived from another secret (a link token). Pure
// functions apart from the random source; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace calfbot::bot {

// `bytes` bytes from RAND_bytes, or nullopt if the generator failed.
std::optional<std::string> random_bytes(size_t bytes);

// Unpadded base64url (RFC 4648 section 5), padded base64 (section 4) and
// lower-case hex.
std::string base64url(std::string_view bytes);
std::string base64(std::string_view bytes);
std::string hex(std::string_view bytes);

std::string sha256_hex(std::string_view data);
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
std::string hmac_sha1_base64(std::string_view key, std::string_view data);

// Equal length and equal bytes, in time that depends only on the lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

// Encrypts `secret` with AES-256-GCM under SHA-256(context || key_material),
// with a fresh random nonce; returns base64url(nonce || ciphertext || tag).
// nullopt only if OpenSSL fails.
std::optional<std::string> seal(std::string_view key_material, std::string_view context,
                                std::string_view secret);

// The inverse of seal; nullopt when the box was not sealed under this key
// (or was changed).
std::optional<std::string> open(std::string_view key_material, std::string_view context,
                                std::string_view box);

}  // namespace calfbot::bot
