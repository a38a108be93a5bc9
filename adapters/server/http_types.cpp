#include "adapters/server/http_types.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include <nlohmann/json.hpp>

namespace calfbot::adapters {

HttpResponse json_response(int status, const nlohmann::json& body, std::string content_type) {
  HttpResponse r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = body.dump();
  r.headers = {{"Cache-Control", "no-store"}};
  return r;
}

void add_security_headers(HttpResponse& r) {
  auto find = [&r](const char* name) {
    for (auto& h : r.headers) {
      if (h.first.size() == std::string_view(name).size() &&
          std::equal(h.first.begin(), h.first.end(), name, [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
          })) {
        return &h.second;
      }
    }
    return static_cast<std::string*>(nullptr);
  };
  if (!find("X-Content-Type-Options")) r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (!find("Referrer-Policy")) r.headers.emplace_back("Referrer-Policy", "no-referrer");
  if (r.content_type.rfind("text/html", 0) != 0) return;
  if (std::string* csp = find("Content-Security-Policy")) {
    if (csp->find("frame-ancestors") == std::string::npos) *csp += "; frame-ancestors 'none'";
  } else {
    r.headers.emplace_back("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  }
}

std::string bearer_token(const HttpRequest& req) {
  std::string h = req.header("authorization");
  const std::string scheme = "Bearer ";
  if (h.size() <= scheme.size() || h.compare(0, scheme.size(), scheme) != 0) return "";
  return h.substr(scheme.size());
}

std::string query_value(const std::string& query, const std::string& name) {
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    std::string part = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    if (part.compare(0, name.size() + 1, name + "=") == 0) return part.substr(name.size() + 1);
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return "";
}

}  // namespace calfbot::adapters
