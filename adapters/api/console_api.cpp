#include "adapters/api/console_api.h"

#include <nlohmann/json.hpp>

#include "adapters/api/console_events.h"
#include "adapters/api/errors.h"
#include "adapters/api/intake_reports.h"
#include "adapters/api/static_files.h"
#include "adapters/web/assets.h"
#include "bot/clinic/answers.h"
#include "bot/clinic/console.h"
#include "bot/clinic/service.h"
#include "config/bounded_json.h"

namespace calfbot::adapters {

using nlohmann::json;
namespace clinic = bot::clinic;

namespace {

constexpr const char* kCookie = "calfbot_console";
constexpr const char* kApi = "/console/api/";
constexpr int kMaxList = 500;

// The console is nobody's frame, runs only its own files and talks only to
// its own origin.
constexpr const char* kCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

HttpResponse from_error(const bot::Error& e) { return error_for(e); }

bool valid_id(const std::string& id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// The console's own files (adapters/web/console), served under /console/.
std::optional<HttpResponse> asset(const std::string& name) {
  for (const auto& f : web_assets()) {
    if (f.name != "console/" + name) continue;
    HttpResponse r;
    r.content_type = content_type_for(f.name);
    r.body = f.content;
    r.headers = {{"Cache-Control", "no-cache"}, {"Content-Security-Policy", kCsp}};
    return r;
  }
  return std::nullopt;
}

std::string cookie_header(const std::string& value, int64_t max_age, bool secure) {
  return std::string(kCookie) + "=" + value + "; Path=/console; Max-Age=" + std::to_string(max_age) +
         "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
}

json staff_json(const clinic::StaffMember& m) {
  return {{"id", m.id}, {"name", m.name}, {"email", m.email}, {"clinic", m.clinic}};
}

json console_intake_json(const clinic::ClinicService& service, const clinic::ConsoleIntake& c) {
  json j = service.intake_json(c.intake);
  const std::string base = std::string(kApi) + "intakes/" + c.intake.id;
  j["level"] = c.level.empty() ? json(nullptr) : json(c.level);
  j["handoff"] = {{"requested", c.person_requested},
                  {"staff", c.staff.empty() ? json(nullptr) : json(c.staff)}};
  j["links"] = {{"summary", base + "/summary"},
                {"summary_html", base + "/summary.html"},
                {"fhir", base + "/fhir"},
                {"transcript", base + "/transcript"},
                {"take_over", base + "/take-over"},
                {"messages", base + "/messages"},
                {"hand_back", base + "/hand-back"}};
  return j;
}

// The handoff routes (POST .../take-over, .../messages, .../hand-back): the
// intake id and the action, or nullopt for another path.
std::optional<std::pair<std::string, dialog::StaffAction::Kind>> handoff_route(const std::string& path) {
  const std::string prefix = std::string(kApi) + "intakes/";
  if (path.rfind(prefix, 0) != 0) return std::nullopt;
  const std::string rest = path.substr(prefix.size());
  const size_t slash = rest.find('/');
  if (slash == std::string::npos) return std::nullopt;
  const std::string what = rest.substr(slash + 1);
  using Kind = dialog::StaffAction::Kind;
  const auto kind = what == "take-over" ? std::optional(Kind::take_over)
                    : what == "messages" ? std::optional(Kind::message)
                    : what == "hand-back" ? std::optional(Kind::hand_back)
                                          : std::nullopt;
  if (!kind) return std::nullopt;
  return std::make_pair(rest.substr(0, slash), *kind);
}

// A staff message's words from {"text": "..."}: valid UTF-8, not blank, at
// most kMaxStaffText bytes; nullopt otherwise.
constexpr size_t kMaxStaffText = 2000;
std::optional<std::string> staff_text(const std::string& body) {
  bool too_deep = false;
  json j = config::parse_bounded(body, too_deep);
  if (too_deep || !j.is_object() || !j.contains("text") || !j["text"].is_string()) return std::nullopt;
  std::string text = j["text"].get<std::string>();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos || text.size() > kMaxStaffText) {
    return std::nullopt;
  }
  return text;
}

bool changes_state(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

}  // namespace

std::string console_cookie(const HttpRequest& req) {
  const std::string all = req.header("cookie");
  const std::string want = std::string(kCookie) + "=";
  size_t pos = 0;
  while (pos < all.size()) {
    size_t end = all.find(';', pos);
    std::string part = all.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    part.erase(0, part.find_first_not_of(' '));
    if (part.rfind(want, 0) == 0) return part.substr(want.size());
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return "";
}

ConsoleApi::ConsoleApi(clinic::ConsoleAuth& auth, clinic::ClinicService& service, ConsoleEvents& events)
    : auth_(auth), service_(service), events_(events), login_thread_([this] { run_logins(); }) {}

ConsoleApi::~ConsoleApi() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  login_thread_.join();
}

void ConsoleApi::run_logins() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || !logins_.empty(); });
    if (logins_.empty()) return;  // stopping, nothing left
    auto job = std::move(logins_.front());
    logins_.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
}

bool ConsoleApi::owns(const std::string& path) {
  return path == "/console" || path.rfind("/console/", 0) == 0;
}

void ConsoleApi::handle(const HttpRequest& req, std::function<void(HttpResponse)> done) {
  // The handoff waits for the conversation's commit: answered from its callback.
  if (auto h = handoff_route(req.path); h && req.method == "POST") {
    try {
      return handoff(req, h->first, h->second, std::move(done));
    } catch (const std::exception&) {
      return done(error_response(bot::Code::internal_error));
    }
  }
  const bool login = req.path == "/console/login" && req.method == "POST";
  std::unique_lock lock(mu_);
  if (login && logins_.size() >= kMaxQueuedLogins) {
    lock.unlock();
    return done(error_response(bot::Code::server_busy, "Too many logins at once. Please try again in a moment."));
  }
  auto answer = [this, req, done = std::move(done)] {
    try {
      done(route(req));
    } catch (const std::exception&) {
      done(error_response(bot::Code::internal_error));
    }
  };
  if (!login) {
    lock.unlock();
    return answer();
  }
  logins_.push_back(std::move(answer));
  lock.unlock();
  cv_.notify_one();
}

HttpResponse ConsoleApi::route(const HttpRequest& req) {
  const bool get = req.method == "GET" || req.method == "HEAD";
  if (req.path == "/console" || req.path == "/console/") {
    if (!get) return error_response(bot::Code::method_not_allowed);
    auto page = asset("index.html");
    return page ? *page : error_response(bot::Code::not_found);
  }
  if (req.path == "/console/login") {
    if (req.method != "POST") return error_response(bot::Code::method_not_allowed);
    return login(req);
  }
  const bool api = req.path.rfind(kApi, 0) == 0;
  if (!api && req.path != "/console/logout") {
    if (!get) return error_response(bot::Code::method_not_allowed);
    auto file = asset(req.path.substr(std::string("/console/").size()));
    return file ? *file : error_response(bot::Code::not_found);
  }
  const std::string token = console_cookie(req);
  auto s = authorised(req, token);
  if (!s) return from_error(s.error());
  return logged_in(req, *s, token);
}

bot::Result<clinic::StaffSession> ConsoleApi::authorised(const HttpRequest& req, const std::string& token) {
  auto s = auth_.session(token);
  if (!s) return s.error();
  if (changes_state(req.method) && !clinic::ConsoleAuth::csrf_ok(token, req.header("x-csrf-token"))) {
    return bot::Error{bot::Code::csrf_invalid, ""};
  }
  return s;
}

void ConsoleApi::handoff(const HttpRequest& req, const std::string& id, dialog::StaffAction::Kind kind,
                         std::function<void(HttpResponse)> done) {
  auto s = authorised(req, console_cookie(req));
  if (!s) return done(from_error(s.error()));
  if (!valid_id(id)) return done(error_response(bot::Code::intake_not_found));
  dialog::StaffAction action{kind, s->member.name, ""};
  if (kind == dialog::StaffAction::Kind::message) {
    if (req.header("content-type").rfind("application/json", 0) != 0) {
      return done(error_response(bot::Code::unsupported_media_type, "Send {\"text\": \"...\"} as JSON."));
    }
    auto text = staff_text(req.body);
    if (!text) {
      return done(error_response(bot::Code::bad_request, "Send {\"text\": \"...\"}: UTF-8 words, at most 2000 bytes."));
    }
    action.text = std::move(*text);
  }
  service_.handoff(id, s->member, std::move(action), [done = std::move(done)](bot::Result<bot::Delivery> d) {
    if (!d) return done(from_error(d.error()));
    json messages = json::array();
    for (const auto& t : d->texts) messages.push_back(json::parse(t));
    done(json_response(200, {{"messages", messages}}));
  });
}

HttpResponse ConsoleApi::login(const HttpRequest& req) {
  if (req.header("content-type").rfind("application/json", 0) != 0) {
    return error_response(bot::Code::unsupported_media_type,
                          "Send the login as JSON: {\"email\": \"...\", \"password\": \"...\"} "
                          "with Content-Type: application/json.");
  }
  bool too_deep = false;
  json body = config::parse_bounded(req.body, too_deep);
  if (too_deep) return error_response(bot::Code::too_deep);
  if (!body.is_object() || !body.contains("email") || !body.contains("password") ||
      !body["email"].is_string() || !body["password"].is_string()) {
    return error_response(bot::Code::bad_request,
                          "Send {\"email\": \"...\", \"password\": \"...\"}, both strings.");
  }
  auto l = auth_.login(body["email"].get<std::string>(), body["password"].get<std::string>());
  if (!l) return from_error(l.error());
  HttpResponse r = json_response(200, {{"staff", staff_json(l->member)}, {"csrf_token", l->csrf_token}});
  r.headers.emplace_back("Set-Cookie", cookie_header(l->session_token, auth_.settings().session_seconds,
                                                     auth_.settings().secure_cookie));
  return r;
}

HttpResponse ConsoleApi::logged_in(const HttpRequest& req, const clinic::StaffSession& s,
                                   const std::string& token) {
  const bool get = req.method == "GET" || req.method == "HEAD";
  if (req.path == "/console/logout") {
    if (req.method != "POST") return error_response(bot::Code::method_not_allowed);
    if (auto out = auth_.logout(s, token); !out) return from_error(out.error());
    HttpResponse r = json_response(200, {{"logged_out", true}});
    r.headers.emplace_back("Set-Cookie", cookie_header("", 0, auth_.settings().secure_cookie));
    return r;
  }
  const std::string rest = req.path.substr(std::string(kApi).size());
  if (!get) return error_response(bot::Code::method_not_allowed);
  if (rest == "session") {
    return json_response(200, {{"staff", staff_json(s.member)}, {"csrf_token", s.csrf_token}});
  }
  if (rest == "events") {
    HttpResponse r;
    r.events = [this, clinic = s.member.clinic, token](std::shared_ptr<EventSink> sink) {
      events_.subscribe(clinic, std::move(sink), [this, token] { return auth_.session(token).has_value(); });
    };
    return r;
  }
  if (rest == "intakes") {
    auto list = service_.console_intakes(s.member.clinic, kMaxList, s.member.id);
    if (!list) return from_error(list.error());
    json items = json::array();
    for (const auto& c : *list) items.push_back(console_intake_json(service_, c));
    return json_response(200, {{"intakes", items}});
  }
  if (rest.rfind("intakes/", 0) == 0) return intake_route(req, s, rest.substr(8));
  return error_response(bot::Code::not_found);
}

HttpResponse ConsoleApi::intake_route(const HttpRequest&, const clinic::StaffSession& s,
                                      const std::string& rest) {
  const size_t slash = rest.find('/');
  const std::string id = rest.substr(0, slash);
  const std::string what = slash == std::string::npos ? "" : rest.substr(slash + 1);
  if (!valid_id(id)) return error_response(bot::Code::intake_not_found);
  auto i = service_.clinic_intake(id, s.member.clinic);
  if (!i) return from_error(i.error());
  const std::string& actor = s.member.id;
  if (what.empty()) {
    auto c = service_.console_intake(std::move(*i));
    if (!c) return from_error(c.error());
    return json_response(200, console_intake_json(service_, *c));
  }
  if (auto report = intake_report(service_, id, what, actor, error_response)) return *report;
  if (what == "transcript") {
    auto t = service_.transcript(id, actor);
    if (!t) return from_error(t.error());
    json messages = json::array();
    for (const auto& m : *t) {
      const bool in = m.direction == bot::StoredMessage::Direction::in;
      json message = json::parse(m.body, nullptr, false);
      // The patient's words, as every clinician view shows them (docs/security.md).
      if (in && message.is_object() && message.contains("text") && message["text"].is_string()) {
        message["text"] = clinic::for_clinician(message["text"].get<std::string>());
      }
      messages.push_back({{"direction", in ? "in" : "out"}, {"seq", m.seq},
                          {"time", clinic::iso8601_utc(m.time_unix)}, {"message", message}});
    }
    return json_response(200, {{"messages", messages}});
  }
  return error_response(bot::Code::not_found);
}

}  // namespace calfbot::adapters
