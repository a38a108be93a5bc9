#include "adapters/platforms/signatures.h"

#include <algorithm>
#include <cctype>

namespace calfbot::adapters::platforms {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "https://host:443/x" <-> "https://host/x": Twilio may sign either form.
std::string toggle_default_port(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  std::string_view scheme = url.substr(0, scheme_end);
  std::string port = scheme == "https" ? "443" : scheme == "http" ? "80" : "";
  if (port.empty()) return std::string(url);
  size_t host_start = scheme_end + 3;
  size_t host_end = url.find_first_of("/?#", host_start);
  if (host_end == std::string_view::npos) host_end = url.size();
  std::string_view authority = url.substr(host_start, host_end - host_start);
  size_t at = authority.rfind('@');
  size_t colon = authority.rfind(':');
  bool has_port = colon != std::string_view::npos && (at == std::string_view::npos || colon > at) &&
                  authority.find(']', colon) == std::string_view::npos;
  std::string out(url.substr(0, host_start));
  if (has_port) {
    if (authority.substr(colon + 1) != port) return std::string(url);
    out += authority.substr(0, colon);
  } else {
    out += std::string(authority) + ":" + port;
  }
  out += url.substr(host_end);
  return out;
}

}  // namespace

Verdict verify_telegram_secret(std::string_view expected_secret, std::string_view header) {
  if (header.empty()) return Verdict::missing;
  return !expected_secret.empty() && constant_time_equal(expected_secret, header) ? Verdict::ok
                                                                                  : Verdict::bad;
}

Verdict verify_meta_signature(std::string_view app_secret, std::string_view raw_body,
                              std::string_view header) {
  if (header.empty()) return Verdict::missing;
  constexpr std::string_view prefix = "sha256=";
  if (header.substr(0, prefix.size()) != prefix || app_secret.empty()) return Verdict::bad;
  std::string given(header.substr(prefix.size()));
  // Hex digits may come in either case; compare in lower case.
  std::transform(given.begin(), given.end(), given.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return constant_time_equal(hmac_sha256_hex(app_secret, raw_body), given) ? Verdict::ok
                                                                           : Verdict::bad;
}

std::string twilio_signature(std::string_view auth_token, std::string_view url, Params params) {
  std::sort(params.begin(), params.end());
  std::string data(url);
  for (const auto& [k, v] : params) data += k + v;
  return hmac_sha1_base64(auth_token, data);
}

Verdict verify_twilio_signature(std::string_view auth_token, std::string_view url,
                                const Params& params, std::string_view header) {
  if (header.empty()) return Verdict::missing;
  if (auth_token.empty()) return Verdict::bad;
  // Both candidates are always computed, so timing does not tell which matched.
  bool a = constant_time_equal(twilio_signature(auth_token, url, params), header);
  bool b = constant_time_equal(twilio_signature(auth_token, toggle_default_port(url), params),
                               header);
  return a || b ? Verdict::ok : Verdict::bad;
}

std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
               hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

Params parse_form(std::string_view body) {
  Params out;
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t amp = body.find('&', pos);
    if (amp == std::string_view::npos) amp = body.size();
    std::string_view pair = body.substr(pos, amp - pos);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string_view k = pair.substr(0, eq);
      std::string_view v = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
      out.emplace_back(percent_decode(k, true), percent_decode(v, true));
    }
    pos = amp + 1;
  }
  return out;
}

std::string percent_encode(std::string_view s) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

std::string form_encode(const Params& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += percent_encode(k) + "=" + percent_encode(v);
  }
  return out;
}

}  // namespace calfbot::adapters::platforms
