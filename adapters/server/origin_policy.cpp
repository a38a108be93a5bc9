#include "adapters/server/origin_policy.h"

#include <algorithm>
#include <cctype>

namespace calfbot::adapters {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// "host:80" for http and "host:443" for https are written as "host".
std::string without_default_port(const std::string& authority, const std::string& scheme) {
  std::string port = scheme == "https" ? ":443" : ":80";
  if (authority.size() > port.size() &&
      authority.compare(authority.size() - port.size(), port.size(), port) == 0) {
    return authority.substr(0, authority.size() - port.size());
  }
  return authority;
}

struct Origin {
  std::string scheme;
  std::string authority;  // host[:port], lower case, without a default port
};

bool parse(std::string_view text, Origin& out) {
  std::string s = lower(text);
  size_t sep = s.find("://");
  if (sep == std::string::npos) return false;
  out.scheme = s.substr(0, sep);
  std::string rest = s.substr(sep + 3);
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  if ((out.scheme != "http" && out.scheme != "https") || rest.empty() ||
      rest.find_first_of("/?#@ ") != std::string::npos) {
    return false;
  }
  out.authority = without_default_port(rest, out.scheme);
  return true;
}

}  // namespace

bool origin_allowed(std::string_view origin, const std::vector<std::string>& allowed) {
  if (origin.empty()) return true;
  Origin o;
  if (!parse(origin, o)) return false;
  return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& a) {
    Origin x;
    return parse(a, x) && x.scheme == o.scheme && x.authority == o.authority;
  });
}

}  // namespace calfbot::adapters
