#include "bot/clinic/password.h"

#include <argon2.h>

#include <vector>

#include "bot/conversation/crypto.h"

namespace calfbot::bot::clinic {

namespace {
constexpr uint32_t kSaltBytes = 16;
constexpr uint32_t kHashBytes = 32;
}  // namespace

Result<std::string> hash_password(std::string_view password, const PasswordCost& cost) {
  if (password.size() < kMinPasswordBytes) {
    return Error{Code::bad_request, "a password needs at least 12 characters"};
  }
  if (password.size() > kMaxPasswordBytes) return Error{Code::bad_request, "the password is too long"};
  auto salt = random_bytes(kSaltBytes);
  if (!salt) return Error{Code::internal_error, "RAND_bytes failed"};
  const size_t length =
      argon2_encodedlen(cost.passes, cost.memory_kib, cost.lanes, kSaltBytes, kHashBytes, Argon2_id);
  std::vector<char> encoded(length);
  const int rc = argon2id_hash_encoded(cost.passes, cost.memory_kib, cost.lanes, password.data(),
                                       password.size(), salt->data(), salt->size(), kHashBytes,
                                       encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return Error{Code::internal_error, std::string("argon2id: ") + argon2_error_message(rc)};
  return std::string(encoded.data());
}

bool verify_password(std::string_view password, const std::string& encoded) {
  if (encoded.rfind("$argon2id$", 0) != 0 || password.size() > kMaxPasswordBytes) return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace calfbot::bot::clinic
