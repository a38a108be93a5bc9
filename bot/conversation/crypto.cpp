#include "bot/conversation/crypto.h"

#include <array>
#include <memory>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace calfbot::bot {

namespace {

constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

const unsigned char* bytes_of(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::array<unsigned char, 32> derive_key(std::string_view key_material, std::string_view context) {
  std::string input(context);
  input.append(key_material);
  std::array<unsigned char, 32> key{};
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), key.data(), &len, EVP_sha256(), nullptr);
  OPENSSL_cleanse(input.data(), input.size());
  return key;
}

int base64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::optional<std::string> unbase64url(std::string_view text) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = base64url_value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

}  // namespace

std::optional<std::string> random_bytes(size_t bytes) {
  std::string out(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(bytes)) != 1) {
    return std::nullopt;
  }
  return out;
}

std::string base64url(std::string_view bytes) {
  static const char* kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 0x3F];
  return out;
}

std::string hex(std::string_view bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xF];
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return hex(std::string_view(reinterpret_cast<const char*>(md), len));
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes_of(bytes),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

namespace {

std::string hmac_raw(const EVP_MD* md, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()), bytes_of(data), data.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  return hex(hmac_raw(EVP_sha256(), key, data));
}

std::string hmac_sha1_base64(std::string_view key, std::string_view data) {
  return base64(hmac_raw(EVP_sha1(), key, data));
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::string> seal(std::string_view key_material, std::string_view context,
                                std::string_view secret) {
  auto nonce = random_bytes(kNonceBytes);
  if (!nonce) return std::nullopt;
  auto key = derive_key(key_material, context);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string out = *nonce;
  out.resize(kNonceBytes + secret.size() + kTagBytes);
  auto* cipher = reinterpret_cast<unsigned char*>(out.data()) + kNonceBytes;
  int len = 0, fin = 0;
  bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(),
                                      bytes_of(*nonce)) == 1 &&
            EVP_EncryptUpdate(ctx.get(), cipher, &len, bytes_of(secret),
                              static_cast<int>(secret.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx.get(), cipher + len, &fin) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                                cipher + secret.size()) == 1;
  OPENSSL_cleanse(key.data(), key.size());
  if (!ok) return std::nullopt;
  return base64url(out);
}

std::optional<std::string> open(std::string_view key_material, std::string_view context,
                                std::string_view box) {
  auto raw = unbase64url(box);
  if (!raw || raw->size() < kNonceBytes + kTagBytes) return std::nullopt;
  size_t n = raw->size() - kNonceBytes - kTagBytes;
  std::string tag = raw->substr(kNonceBytes + n);
  auto key = derive_key(key_material, context);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string plain(n, '\0');
  auto* out = reinterpret_cast<unsigned char*>(plain.data());
  int len = 0, fin = 0;
  bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(),
                                      bytes_of(*raw)) == 1 &&
            EVP_DecryptUpdate(ctx.get(), out, &len, bytes_of(*raw) + kNonceBytes,
                              static_cast<int>(n)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                                tag.data()) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), out + len, &fin) == 1;
  OPENSSL_cleanse(key.data(), key.size());
  if (!ok) return std::nullopt;
  return plain;
}

}  // namespace calfbot::bot
