// The staff console's integration tests' fixture: the real `calfbot serve`
// (clinic_server.h), staff made with the CLI, and logins over loopback.
#pragma once

#include <map>
#include <string>

#include "clinic_server.h"

namespace calfbot::clinic_test {

inline constexpr const char* kPassword = "correct horse battery";

inline std::string make_staff(const std::string& db, const std::string& email, const std::string& clinic) {
  return clinic_test::shell_output(
      std::string("printf '%s\\n' '") + kPassword + "' | " +
      calfbot_command(
          db, "staff create --name 'Ann Lee' --email " + email + " --clinic " + clinic) +
      " 2>&1");
}

struct Login {
  int status = 0;
  std::string cookie;      // "calfbot_console=..."
  std::string set_cookie;  // the whole header
  std::string csrf;
  json body;
};

class Console : public ClinicServer {
 protected:
  Login login(const std::string& email, const std::string& password) {
    auto r = http_request(server_->port(), "POST", "/console/login",
                          json{{"email", email}, {"password", password}}.dump(),
                          {{"Content-Type", "application/json"}});
    Login l{r.status, "", r.headers["set-cookie"], "", r.json()};
    l.cookie = l.set_cookie.substr(0, l.set_cookie.find(';'));
    if (l.body.is_object()) l.csrf = l.body.value("csrf_token", "");
    return l;
  }
  testing_support::HttpResult get(const Login& l, const std::string& path) {
    return http_request(server_->port(), "GET", path, "", {{"Cookie", l.cookie}});
  }
  testing_support::HttpResult post(const Login& l, const std::string& path,
                                   std::map<std::string, std::string> headers = {},
                                   const std::string& body = "") {
    headers["Cookie"] = l.cookie;
    return http_request(server_->port(), "POST", path, body, headers);
  }
  json audit() {
    return http_request(server_->port(), "GET", "/v1/clinic/audit?limit=500", "", auth())
        .json()["entries"];
  }
  bool audited(const std::string& actor, const std::string& action) {
    for (const auto& e : audit()) {
      if (e["actor"] == actor && e["action"] == action) return true;
    }
    return false;
  }
};

}  // namespace calfbot::clinic_test
