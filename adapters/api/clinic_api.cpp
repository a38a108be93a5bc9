#include "adapters/api/clinic_api.h"
#include "config/bounded_json.h"

#include <nlohmann/json.hpp>

#include "adapters/api/errors.h"
#include "adapters/api/intake_reports.h"

#include "bot/clinic/answers.h"
#include "bot/clinic/service.h"
#include "bot/clinic/store.h"
#include "bot/clinic/summary.h"

namespace calfbot::adapters {

using nlohmann::json;
namespace clinic = bot::clinic;

namespace {

constexpr const char* kApi = "/v1/clinic/";
constexpr const char* kLink = "/i/";
constexpr int kMaxList = 500;

// The clinic API's errors (docs/clinic.md, "Errors"): the code's status and
// text from the one table, in the clinic's own words where they differ.
HttpResponse error(bot::Code code, const std::string& detail = "") {
  std::string text = detail;
  if (text.empty()) {
    text = code == bot::Code::store_unavailable
               ? "The clinic records are not available just now. Please try again."
               : std::string(bot::spec(code).text);
  }
  HttpResponse r = error_response(code, text);
  if (r.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"calfbot clinic\"");
  return r;
}

HttpResponse from_error(const bot::Error& e) { return error_for(e, error); }

// A whole number from the query, within [lo, hi]; `fallback` when absent, nullopt when bad.
std::optional<int64_t> query_int(const std::string& query, const char* name, int64_t fallback,
                                 int64_t lo, int64_t hi) {
  std::string v = query_value(query, name);
  if (v.empty()) return fallback;
  if (v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  int64_t n = std::stoll(v);
  if (n < lo || n > hi) return std::nullopt;
  return n;
}

bool valid_id(const std::string& id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string page(const std::string& title, const std::string& body) {
  return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<meta name=\"referrer\" content=\"no-referrer\"><meta name=\"robots\" content=\"noindex\">"
         "<title>" + clinic::html_escape(title) + "</title><link rel=\"stylesheet\" href=\"/demo.css\">"
         "</head><body><main>" + body + "</main></body></html>\n";
}

HttpResponse html_response(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  r.headers = {{"Cache-Control", "no-store"},
               {"Referrer-Policy", "no-referrer"},
               {"X-Robots-Tag", "noindex"},
               {"X-Content-Type-Options", "nosniff"},
               {"Content-Security-Policy",
                "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
                "frame-ancestors 'none'"}};
  return r;
}

// What the page of a link that cannot be used says: heading, then text.
std::pair<const char*, const char*> link_over_words(bot::Code code) {
  switch (code) {
    case bot::Code::link_expired:
      return {"This link has expired",
              "The time for answering these questions has passed. If you still need to, please "
              "ask your clinic for a new link."};
    case bot::Code::link_revoked:
      return {"This link is no longer valid",
              "Your clinic has withdrawn this link. If you were expecting to answer questions, "
              "please contact your clinic."};
    case bot::Code::link_completed:
      return {"These questions have been answered",
              "Thank you: your answers have been sent to your clinic. You do not need to do "
              "anything more. If your symptoms get worse, contact your clinic."};
    default:
      return {"This link was not found",
              "Please check that the whole link was copied, or ask your clinic for a new one."};
  }
}

bool is_link_over(bot::Code code) {
  return code == bot::Code::link_not_found || code == bot::Code::link_expired ||
         code == bot::Code::link_revoked || code == bot::Code::link_completed;
}

// The page for a link that cannot be used (the code's status: 404 or 410):
// it says why, and nothing about anyone.
HttpResponse link_over(bot::Code code, const std::string& emergency) {
  if (!is_link_over(code)) code = bot::Code::link_not_found;
  const auto [heading, text] = link_over_words(code);
  return html_response(
      bot::spec(code).http_status,
      page(heading, std::string("<div class=\"notice\"><h1>") + heading + "</h1><p>" + text +
                        "</p><p class=\"warning\"><strong>If you have chest pain, are "
                        "short of breath or are coughing up blood, call " +
                        clinic::html_escape(emergency) + " now.</strong></p></div>"));
}

// The fields of a new intake (POST /v1/clinic/intakes) from its JSON object;
// bad_request, saying which field is wrong, for anything else. `now` starts
// an expires_in_hours.
bot::Result<clinic::LinkRequest> link_request(const json& body, int64_t now) {
  clinic::LinkRequest lr;
  for (const auto& [k, v] : body.items()) {
    bool is_time = k == "appointment_at" || k == "expires_at";
    if (k == "patient_ref" || k == "locale" || is_time) {
      if (v.is_null()) continue;
      if (!v.is_string()) return bot::Error{bot::Code::bad_request, k + ": must be a string"};
      std::string s = v.get<std::string>();
      if (k == "patient_ref") lr.patient_ref = s;
      if (k == "locale") lr.locale = s;
      if (is_time) {
        auto t = clinic::parse_iso8601(s);
        if (!t) return bot::Error{bot::Code::bad_request, k + ": must be a time like 2026-05-01T09:30:00Z"};
        (k == "appointment_at" ? lr.appointment_unix : lr.expires_unix) = *t;
      }
    } else if (k == "expires_in_hours") {
      // Bounded before the cast: a huge number would overflow int64_t. The
      // link's longest life is checked when it is made.
      if (!v.is_number() || v.get<double>() <= 0 || v.get<double>() > 1e6) {
        return bot::Error{bot::Code::bad_request, k + ": must be a positive number of hours"};
      }
      lr.expires_unix = now + static_cast<int64_t>(v.get<double>() * 3600);
    } else {
      return bot::Error{bot::Code::bad_request, "unknown field '" + k + "'"};
    }
  }
  if (body.contains("expires_at") && body.contains("expires_in_hours")) {
    return bot::Error{bot::Code::bad_request, "give expires_at or expires_in_hours, not both"};
  }
  return lr;
}

}  // namespace

ClinicApi::ClinicApi(clinic::ClinicService& service, clinic::ClinicStore& store,
                     std::string emergency_number)
    : service_(service), store_(store), emergency_number_(std::move(emergency_number)) {}

bool ClinicApi::owns(const std::string& path) {
  return path.rfind(kApi, 0) == 0 || path.rfind(kLink, 0) == 0;
}

void ClinicApi::handle(const HttpRequest& req, std::function<void(HttpResponse)> done) {
  if (req.path.rfind(kLink, 0) == 0) {
    if (req.method != "GET" && req.method != "HEAD") return done(error(bot::Code::method_not_allowed));
    return link_page(req.path.substr(3), req.method == "HEAD", std::move(done));
  }
  std::string key = bearer_token(req);
  if (key.empty()) return done(error(bot::Code::unauthorized));
  auto who = store_.authenticate(key);
  if (!who) return done(from_error(who.error()));
  if (!*who) return done(error(bot::Code::unauthorized));
  try {
    done(api(req, (*who)->id));
  } catch (const std::exception& e) {
    done(error(bot::Code::internal_error));
  }
}

void ClinicApi::link_page(const std::string& token, bool head, std::function<void(HttpResponse)> done) {
  if (token.empty() || token.size() > 100 ||
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") !=
          std::string::npos) {
    return done(link_over(bot::Code::link_not_found, emergency_number_));
  }
  if (head) {
    // A link checker must not start the conversation: say only whether the link is live.
    auto live = service_.check_link(token);
    if (live) return done(html_response(200, ""));
    if (is_link_over(live.error().code)) return done(link_over(live.error().code, emergency_number_));
    return done(from_error(live.error()));
  }
  service_.open_link(token, [this, done = std::move(done)](bot::Result<clinic::OpenedLink> r) {
    if (!r) {
      const bot::Code code = r.error().code;
      if (is_link_over(code)) return done(link_over(code, emergency_number_));
      return done(html_response(
          503, page("Please try again", "<div class=\"notice\"><h1>Please try again in a moment</h1>"
                                        "<p>The questions could not be opened just now.</p></div>")));
    }
    const std::string body =
        "<div class=\"intro\"><h1>Before your appointment: your calf pain</h1><p>Your clinic has "
        "asked you to answer some questions about your calf or lower leg. It takes about five "
        "minutes. Tap the answers or type in your own words. You can leave and come back to this "
        "link later; your answers are kept.</p><p class=\"warning\"><strong>If you are short of "
        "breath, have chest pain or are coughing up blood, do not wait: call " +
        clinic::html_escape(emergency_number_) + " now.</strong></p></div>"
        "<div id=\"calfbot-chat\" class=\"chat\"></div>"
        "<script src=\"/widget.js\" data-mount=\"#calfbot-chat\" data-intake=\"" +
        clinic::html_escape(r->intake.id) + "\" data-session=\"" + clinic::html_escape(r->session_token) +
        "\" defer></script>";
    done(html_response(200, page("Your pre-visit questions", body)));
  });
}

HttpResponse ClinicApi::api(const HttpRequest& req, const std::string& actor) {
  const std::string rest = req.path.substr(std::string(kApi).size());
  const bool get = req.method == "GET" || req.method == "HEAD";
  if (rest == "fhir/Questionnaire" || rest == "fhir/Questionnaire/calfbot-intake") {
    if (!get) return error(bot::Code::method_not_allowed);
    return json_response(200, service_.fhir_questionnaire(), "application/fhir+json");
  }
  if (rest == "fhir/CodeSystem/calfbot-answers") {
    if (!get) return error(bot::Code::method_not_allowed);
    return json_response(200, service_.fhir_answers_code_system(), "application/fhir+json");
  }
  if (rest == "audit") return get ? audit(req) : error(bot::Code::method_not_allowed);
  if (rest == "intakes") {
    if (req.method == "POST") return create_intake(req, actor);
    return get ? list_intakes(req, actor) : error(bot::Code::method_not_allowed);
  }
  if (rest.rfind("intakes/", 0) == 0) return intake_route(req, actor, rest.substr(8));
  return error(bot::Code::not_found);
}

HttpResponse ClinicApi::audit(const HttpRequest& req) {
  auto after = query_int(req.query, "after", 0, 0, INT64_MAX);
  auto limit = query_int(req.query, "limit", 100, 1, kMaxList);
  if (!after || !limit) return error(bot::Code::bad_request, "after and limit must be whole numbers (limit 1 to 500)");
  auto entries = store_.audit_log(*after, static_cast<int>(*limit), query_value(req.query, "intake"));
  if (!entries) return from_error(entries.error());
  json list = json::array();
  for (const auto& e : *entries) {
    list.push_back({{"seq", e.seq}, {"time", clinic::iso8601_utc(e.time_unix)}, {"actor", e.actor},
                    {"action", e.action}, {"intake_id", e.intake_id.empty() ? json(nullptr) : json(e.intake_id)}});
  }
  return json_response(200, {{"entries", list}});
}

HttpResponse ClinicApi::create_intake(const HttpRequest& req, const std::string& actor) {
  bool too_deep = false;
  json body = config::parse_bounded(req.body, too_deep);
  if (too_deep) return error(bot::Code::too_deep, "That JSON nests objects or lists more than 32 deep.");
  if (!body.is_object()) return error(bot::Code::bad_request, "send a JSON object");
  auto lr = link_request(body, service_.now());
  if (!lr) return from_error(lr.error());
  auto created = service_.create_link(*lr, actor);
  if (!created) return from_error(created.error());
  json j = service_.intake_json(created->intake);
  j["url"] = created->url;
  return json_response(201, j);
}

HttpResponse ClinicApi::list_intakes(const HttpRequest& req, const std::string& actor) {
  std::string status = query_value(req.query, "status");
  if (!status.empty() && status != clinic::kPending && status != clinic::kInProgress &&
      status != clinic::kCompleted && status != clinic::kExpired && status != clinic::kRevoked) {
    return error(bot::Code::bad_request, "status must be pending, in_progress, completed, expired or revoked");
  }
  auto limit = query_int(req.query, "limit", 100, 1, kMaxList);
  auto offset = query_int(req.query, "offset", 0, 0, 1000000000);
  if (!limit || !offset) return error(bot::Code::bad_request, "limit (1 to 500) and offset must be whole numbers");
  auto list = service_.intakes(status, static_cast<int>(*limit), static_cast<int>(*offset));
  if (!list) return from_error(list.error());
  auto logged = store_.audit(actor, "intakes.list", "", service_.now());
  if (!logged) return from_error(logged.error());
  json items = json::array();
  for (const auto& i : *list) items.push_back(service_.intake_json(i));
  return json_response(200, {{"intakes", items}});
}

HttpResponse ClinicApi::intake_route(const HttpRequest& req, const std::string& actor,
                                     const std::string& rest) {
  const bool get = req.method == "GET" || req.method == "HEAD";
  size_t slash = rest.find('/');
  std::string id = rest.substr(0, slash);
  std::string what = slash == std::string::npos ? "" : rest.substr(slash + 1);
  if (!valid_id(id)) return error(bot::Code::intake_not_found);
  if (what == "revoke") {
    if (req.method != "POST") return error(bot::Code::method_not_allowed);
    auto r = service_.revoke(id, actor);
    if (!r) return from_error(r.error());
    auto i = service_.intake(id);
    if (!i) return from_error(i.error());
    if (!*r) return error(bot::Code::bad_request, "only a pending or in-progress intake can be revoked; this one is " +
                                             i->status_at(service_.now()));
    return json_response(200, service_.intake_json(*i));
  }
  if (!get) return error(bot::Code::method_not_allowed);
  if (what.empty()) {
    auto i = service_.intake(id);
    if (!i) return from_error(i.error());
    auto logged = store_.audit(actor, "intake.read", id, service_.now());
    if (!logged) return from_error(logged.error());
    return json_response(200, service_.intake_json(*i));
  }
  if (auto report = intake_report(service_, id, what, actor, error)) return *report;
  return error(bot::Code::not_found);
}

}  // namespace calfbot::adapters
