#include "bot/clinic/service.h"

#include <algorithm>
#include <future>

#include "bot/clinic/answers.h"
#include "bot/conversation/crypto.h"
#include "bot/clinic/fhir.h"
#include "bot/clinic/summary.h"
#include "config/config.h"
#include "dialog/engine.h"

namespace calfbot::bot::clinic {

using nlohmann::json;

namespace {

// Binds the sealed session token to its use, so a box cannot be replayed elsewhere.
constexpr const char* kBoxContext = "calfbot intake session token v1";
constexpr size_t kMaxPatientRef = 200;

int level_rank(const std::string& level) {
  if (level == "emergency") return 2;
  if (level == "urgent") return 1;
  return 0;
}

std::string level_id(const std::optional<knowledge::Triage>& t) {
  return t ? std::string(knowledge::to_string(*t)) : std::string();
}

Error bad_request(const std::string& detail) { return Error{Code::bad_request, detail}; }

json time_or_null(std::optional<int64_t> t) { return t ? json(iso8601_utc(*t)) : json(nullptr); }

}  // namespace

ClinicSettings clinic_settings(const config::Config& c) {
  ClinicSettings s;
  s.public_base_url = c.clinic.public_base_url;
  s.alerts = !c.clinic.alert_webhook_url.empty();
  s.retention_days = c.clinic.retention_days;
  s.link_default_expiry_hours = c.clinic.link_default_expiry_hours;
  s.default_locale = c.locale;
  s.locales.clear();
  for (const auto& [locale, number] : c.emergency_numbers) s.locales.push_back(locale);
  return s;
}

std::function<Status(const SessionRecord&)> link_gate(ClinicStore& store,
                                                      std::function<int64_t()> clock) {
  return [&store, clock = std::move(clock)](const SessionRecord& r) -> Status {
    auto closed = [&r](const std::string& why) {
      return Error{Code::session_closed, "session " + r.id + ": " + why};
    };
    if (r.phase == Phase::done) return closed("its intake's questions are answered");
    auto found = store.intake(r.external_user);
    if (!found) return found.error();
    if (!*found || (*found)->session_id != r.id) return closed("its link is gone");
    const std::string status = (*found)->status_at(clock());
    if (status == kExpired || status == kRevoked || status == kCompleted) {
      return closed("its link is " + status);
    }
    return {};
  };
}

ClinicService::ClinicService(ClinicStore& store, ConversationService& conversations,
                             const dialog::Engine& engine, ClinicSettings settings,
                             std::function<int64_t()> clock, AlertSink alerts)
    : store_(store),
      conversations_(conversations),
      engine_(engine),
      settings_(std::move(settings)),
      clock_(std::move(clock)),
      alerts_(std::move(alerts)) {}

Result<CreatedLink> create_link(ClinicStore& store, const ClinicSettings& settings,
                                const LinkRequest& r, const std::string& actor, int64_t t) {
  if (r.patient_ref.size() > kMaxPatientRef) {
    return bad_request("patient_ref: at most " + std::to_string(kMaxPatientRef) + " characters");
  }
  if (std::any_of(r.patient_ref.begin(), r.patient_ref.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
    return bad_request("patient_ref: no control characters");
  }
  IntakeRequest req;
  req.patient_ref = r.patient_ref;
  req.appointment_unix = r.appointment_unix;
  req.expires_unix = r.expires_unix.value_or(t + int64_t{settings.link_default_expiry_hours} * 3600);
  if (req.expires_unix <= t) return bad_request("expires_at: must be in the future");
  if (req.expires_unix > t + int64_t{settings.link_max_expiry_hours} * 3600) {
    return bad_request("expires_at: at most " + std::to_string(settings.link_max_expiry_hours) +
                       " hours from now");
  }
  req.locale = r.locale.empty() ? settings.default_locale : r.locale;
  if (std::find(settings.locales.begin(), settings.locales.end(), req.locale) == settings.locales.end()) {
    std::string known;
    for (const auto& l : settings.locales) known += (known.empty() ? "" : ", ") + l;
    return bad_request("locale: '" + req.locale + "' is not one of " + known);
  }
  req.created_by = actor;
  auto created = store.create_intake(req, t);
  if (!created) return created.error();
  return CreatedLink{created->intake, settings.public_base_url + "/i/" + created->token};
}

Result<CreatedLink> ClinicService::create_link(const LinkRequest& r, const std::string& actor) {
  return clinic::create_link(store_, settings_, r, actor, now());
}

Result<Intake> ClinicService::check_link(const std::string& token) {
  auto found = store_.intake_by_token(token);
  if (!found) return found.error();
  if (!*found) return Error{Code::link_not_found, "no intake has this link token"};
  const Intake& i = **found;
  std::string status = i.status_at(now());
  if (status == kExpired || status == kRevoked || status == kCompleted) {
    const Code code = status == kExpired   ? Code::link_expired
                      : status == kRevoked ? Code::link_revoked
                                           : Code::link_completed;
    return Error{code, "intake " + i.id + " is " + status};
  }
  return i;
}

void ClinicService::open_link(const std::string& token, std::function<void(Result<OpenedLink>)> done) {
  auto live = check_link(token);
  if (!live) return done(live.error());
  const Intake& i = *live;
  if (!i.session_id.empty()) {
    auto view = conversations_.conversation(i.session_id);
    if (!view) return done(view.error());
    if (*view && (*view)->record.phase == Phase::done) {
      return done(Error{Code::link_completed, "intake " + i.id + " has its outcome"});
    }
    auto session_token = open(token, kBoxContext, i.session_box);
    if (*view && (*view)->record.phase != Phase::expired && session_token) {
      return done(OpenedLink{i, *session_token, true});
    }
    // The conversation expired while the patient was away: a new one starts.
  }
  start_session(i, token, std::move(done));
}

void ClinicService::start_session(const Intake& intake, const std::string& token,
                                  std::function<void(Result<OpenedLink>)> done) {
  conversations_.start(Channel{kLinkChannel, intake.id}, [this, intake, token,
                                                      done = std::move(done)](Result<Started> r) {
    if (!r) return done(r.error());
    auto box = seal(token, kBoxContext, r->token);
    if (!box) return done(Error{Code::internal_error, "sealing the session token failed"});
    auto bound = store_.bind_session(intake.id, r->session_id, *box, now());
    if (!bound) return done(bound.error());
    OpenedLink opened{intake, r->token, false};
    opened.intake.session_id = r->session_id;
    done(std::move(opened));
  });
}

Result<Intake> ClinicService::intake(const std::string& id) {
  auto found = store_.intake(id);
  if (!found) return found.error();
  if (!*found) return Error{Code::intake_not_found, "no intake " + id};
  return **found;
}

Result<std::vector<Intake>> ClinicService::intakes(const std::string& status, int limit, int offset) {
  return store_.intakes(status, limit, offset, now());
}

Result<bool> ClinicService::revoke(const std::string& id, const std::string& actor) {
  auto found = intake(id);
  if (!found) return found.error();
  auto revoked = store_.revoke_intake(id, now());
  if (revoked && *revoked) {
    auto logged = store_.audit(actor, "intake.revoke", id, now());
    if (!logged) return logged.error();
    // Its conversation takes nothing more (link_gate); what it escalated
    // before is told to the clinic now, not left to a watcher that follows
    // open intakes only.
    auto settled = intake(id);
    if (!settled) return settled.error();
    auto told = follow(*settled, now());
    if (!told) return told.error();
  }
  return revoked;
}

json ClinicService::intake_json(const Intake& i) const {
  const std::string base = settings_.public_base_url + "/v1/clinic/intakes/" + i.id;
  return {{"id", i.id},
          {"status", i.status_at(now())},
          {"patient_ref", i.patient_ref.empty() ? json(nullptr) : json(i.patient_ref)},
          {"appointment_at", time_or_null(i.appointment_unix)},
          {"locale", i.locale},
          {"created_at", iso8601_utc(i.created_unix)},
          {"created_by", i.created_by},
          {"expires_at", iso8601_utc(i.expires_unix)},
          {"completed_at", time_or_null(i.completed_unix)},
          {"triage", i.triage.empty() ? json(nullptr) : json(i.triage)},
          {"alerted", i.alerted.empty() ? json(nullptr) : json(i.alerted)},
          {"links",
           {{"summary", base + "/summary"}, {"summary_html", base + "/summary.html"}, {"fhir", base + "/fhir"}}}};
}

Result<dialog::State> ClinicService::state_of(const Intake& i, std::optional<ConversationView>& view) {
  dialog::State empty;
  empty.knowledge_version = engine_.version();
  empty.started_unix = i.created_unix;
  if (i.session_id.empty()) return empty;
  auto v = conversations_.conversation(i.session_id);
  if (!v) return v.error();
  view = std::move(*v);
  return view ? view->state : empty;
}

Result<json> ClinicService::summary(const std::string& id, const std::string& actor) {
  auto i = intake(id);
  if (!i) return i.error();
  std::optional<ConversationView> view;
  auto state = state_of(*i, view);
  if (!state) return state.error();
  auto logged = store_.audit(actor, "intake.summary", id, now());
  if (!logged) return logged.error();
  json s = build_summary(engine_.knowledge(), engine_.model(), *state, engine_.settings());
  s["intake"] = intake_json(*i);
  return s;
}

Result<std::string> ClinicService::summary_html(const std::string& id, const std::string& actor) {
  auto i = intake(id);
  if (!i) return i.error();
  std::optional<ConversationView> view;
  auto state = state_of(*i, view);
  if (!state) return state.error();
  auto logged = store_.audit(actor, "intake.summary_html", id, now());
  if (!logged) return logged.error();
  json s = build_summary(engine_.knowledge(), engine_.model(), *state, engine_.settings());
  s["intake"] = intake_json(*i);
  s["intake"]["appointment"] = s["intake"]["appointment_at"].is_string() ? s["intake"]["appointment_at"] : "";
  s["intake"]["completed_at"] = s["intake"]["completed_at"].is_string() ? s["intake"]["completed_at"] : "";
  return clinic::summary_html(s);
}

Result<json> ClinicService::fhir_response(const std::string& id, const std::string& actor) {
  auto i = intake(id);
  if (!i) return i.error();
  std::optional<ConversationView> view;
  auto state = state_of(*i, view);
  if (!state) return state.error();
  auto logged = store_.audit(actor, "intake.fhir", id, now());
  if (!logged) return logged.error();
  std::string status = i->status_at(now());
  ResponseInfo info{i->id, i->patient_ref, status == kExpired || status == kRevoked,
                    view ? view->record.updated_unix : i->updated_unix};
  return questionnaire_response(engine_.knowledge(), *state, settings_.public_base_url, info);
}

json ClinicService::fhir_questionnaire() const {
  return questionnaire(engine_.knowledge(), settings_.public_base_url);
}

json ClinicService::fhir_answers_code_system() const {
  return answers_code_system(engine_.knowledge(), settings_.public_base_url);
}

Result<int> ClinicService::catch_up() {
  auto open_intakes = store_.open_intakes();
  if (!open_intakes) return open_intakes.error();
  int changed = 0;
  for (const Intake& i : *open_intakes) {
    auto n = follow(i, now());
    if (!n) return n.error();
    changed += *n;
  }
  return changed;
}

Result<int> ClinicService::expire_due() {
  const int64_t t = now();
  auto due = store_.due_intakes(t);
  if (!due) return due.error();
  int changed = 0;
  for (const Intake& i : *due) {
    auto n = follow(i, t);
    if (!n) return n.error();
    changed += *n;
  }
  return changed;
}

Result<int> ClinicService::follow(const std::string& intake_id) {
  auto found = store_.intake(intake_id);
  if (!found) return found.error();
  if (!*found) return 0;  // purged meanwhile
  return follow(**found, now());
}

Result<int> ClinicService::follow(const Intake& i, int64_t t) {
  std::optional<ConversationView> view;
  if (!i.session_id.empty()) {
    auto v = conversations_.conversation(i.session_id);
    if (!v) return v.error();
    view = std::move(*v);
  }
  int changed = 0;
  // The alert first: whatever ends the intake, an escalation before the end is told.
  if (view) {
    auto alerted = alert(i, *view, t);
    if (!alerted) return alerted.error();
    changed += *alerted ? 1 : 0;
  }
  if (i.status != kPending && i.status != kInProgress) return changed;  // revoked: settled above
  Status st;
  if (i.expires_unix <= t) {
    st = store_.set_status(i.id, kExpired, i.triage, t);
  } else if (view && view->record.phase == Phase::done) {
    st = store_.set_status(i.id, kCompleted, level_id(view->record.triage), t);
  } else if (view && view->record.inputs > 0 && i.status == kPending) {
    st = store_.set_status(i.id, kInProgress, "", t);
  } else {
    return changed;
  }
  if (!st) return st.error();
  return changed + 1;
}

Result<bool> ClinicService::alert(const Intake& i, const ConversationView& v, int64_t t) {
  const std::string triage = level_id(v.record.triage), escalation = level_id(v.record.level);
  const std::string level = level_rank(triage) > level_rank(escalation) ? triage : escalation;
  if (!alerts_ || level_rank(level) <= level_rank(i.alerted)) return false;
  Alert a{i.id, i.patient_ref, i.appointment_unix, level, v.state.fired_rules, t,
          settings_.public_base_url + "/v1/clinic/intakes/" + i.id + "/summary"};
  auto queued = alerts_(a);
  if (!queued) return queued.error();
  auto marked = store_.set_alerted(i.id, level, t);
  if (!marked) return marked.error();
  return true;
}

Result<PurgeCounts> ClinicService::purge() {
  return purge_patient_data(store_, conversations_, now() - int64_t{settings_.retention_days} * 86400);
}

Result<PurgeCounts> purge_patient_data(ClinicStore& store, ConversationService& conversations,
                                       int64_t cutoff) {
  auto closed = store.purgeable_intakes(cutoff);
  if (!closed) return closed.error();
  std::vector<std::string> intakes, sessions;
  for (const Intake& i : *closed) {
    std::optional<ConversationView> view;
    if (!i.session_id.empty()) {
      auto v = conversations.conversation(i.session_id);
      if (!v) return v.error();
      view = std::move(*v);
    }
    if (view && view->record.updated_unix >= cutoff) continue;  // its conversation is younger
    intakes.push_back(i.id);
    if (view) sessions.push_back(i.session_id);
  }
  // The conversations first: an intake left without its conversation is
  // purged next time, never a conversation left without its intake.
  std::promise<Result<int>> purged;
  conversations.purge(sessions, cutoff, [&purged](Result<int> n) { purged.set_value(std::move(n)); });
  auto n = purged.get_future().get();
  if (!n) return n.error();
  auto gone = store.delete_intakes(intakes);
  if (!gone) return gone.error();
  return PurgeCounts{*gone, *n};
}

}  // namespace calfbot::bot::clinic
