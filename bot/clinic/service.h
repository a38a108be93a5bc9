// The clinic side's behaviour, for the clinic API, the link page, the admin
// commands and the scheduled jobs (docs/clinic.md):
//  - links: create an intake and its URL; open a link (start the intake's
//    conversation, or resume it when the patient comes back);
//  - reads: an intake, its summary (JSON, HTML) and its FHIR
//    QuestionnaireResponse, each recorded in the audit log;
//  - follow(): an intake whose conversation changed (the conversation
//    service's on_committed, at once): in progress once the patient
//    answered, completed at the outcome, and one alert per level reached
//    (urgent, emergency); expire_due() marks links past their expiry, and
//    catch_up() follows every open intake (at start-up);
//  - purge(): deletes patient data older than the retention.
// The conversations are read through the conversation service, by id, and
// purged through it: the clinic writes only its own tables.
//
// Thread-safety: every member may be called from any thread (the store and
// the conversation service are).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/clinic/alerts.h"
#include "bot/clinic/store.h"
#include "bot/conversation/conversation_service.h"

namespace calfbot::config {
struct Config;
}

namespace calfbot::bot::clinic {

// The channel name of conversations opened through a link.
inline constexpr const char* kLinkChannel = "clinic";

// Filled from config "clinic" (and "locale", "emergency_numbers") by the caller.
struct ClinicSettings {
  std::string public_base_url = "http://127.0.0.1:8080";  // no trailing '/'
  bool alerts = false;                                    // a webhook is configured
  int retention_days = 90;
  int link_default_expiry_hours = 72;
  int link_max_expiry_hours = 24 * 90;
  std::string default_locale = "en-GB";
  std::vector<std::string> locales = {"en-GB"};  // accepted for links
};

// The settings from config "clinic", "locale" and "emergency_numbers" (its locales).
ClinicSettings clinic_settings(const config::Config& c);

struct LinkRequest {
  std::string patient_ref;
  std::optional<int64_t> appointment_unix;
  std::optional<int64_t> expires_unix;  // nullopt = now + link_default_expiry_hours
  std::string locale;                   // "" = the default
};

struct CreatedLink {
  Intake intake;
  std::string url;  // <public_base_url>/i/<token>
};

struct OpenedLink {
  Intake intake;
  std::string session_token;  // for the widget to resume the intake's conversation
  bool resumed = false;       // the patient came back to a conversation already started
};

// Creates an intake and its link. Errors: bad_request (with what is wrong),
// store_unavailable. For `calfbot link create` and ClinicService::create_link.
Result<CreatedLink> create_link(ClinicStore& store, const ClinicSettings& settings,
                                const LinkRequest& request, const std::string& actor, int64_t now);

// The clinic link channel's gate (ServiceOptions::channel_gates): a link's
// conversation goes on while its link is open, and ends (session_closed) once
// the link is revoked, expired or completed, or the conversation has its
// outcome. It reads the intake on every input and resume, so a link revoked
// from the command line or expired a moment ago ends it at once. `store` must
// outlive the gate. Errors: session_closed, store_unavailable.
std::function<Status(const SessionRecord&)> link_gate(ClinicStore& store,
                                                      std::function<int64_t()> clock);

// Deletes patient data last touched before `cutoff`: intakes closed before
// it whose conversation is as old, with their conversations, and every
// expired conversation of any channel (through the conversation service:
// the session store's writer deletes). Conversations go first. Blocks until
// the store's writer is done. For ClinicService::purge and `calfbot clinic
// purge`. Errors: store_overloaded, store_unavailable, internal_error.
Result<PurgeCounts> purge_patient_data(ClinicStore& store, ConversationService& conversations,
                                       int64_t cutoff);

// An intake as the console lists it: with the most urgent level its
// conversation reached (escalation or outcome), "" when neither is urgent,
// and who is talking to the patient (docs/console.md, "Handoff").
struct ConsoleIntake {
  Intake intake;
  std::string level;  // "emergency", "urgent" or ""
  std::string staff;  // the member of staff in charge, "" for the bot
  bool person_requested = false;  // the patient asked for a person, nobody came yet
};

class ClinicService {
 public:
  // Queues an alert durably; called by follow(). Empty = alerts are off.
  using AlertSink = std::function<Status(const Alert&)>;

  // All references must outlive the service. clock: seconds since the epoch.
  ClinicService(ClinicStore& store, ConversationService& conversations, const dialog::Engine& engine,
                ClinicSettings settings, std::function<int64_t()> clock, AlertSink alerts);

  const ClinicSettings& settings() const { return settings_; }
  int64_t now() const { return clock_(); }

  // Errors: bad_request (with what is wrong), store_unavailable.
  Result<CreatedLink> create_link(const LinkRequest& request, const std::string& actor);

  // The intake of a link token that may still be used, without starting
  // anything. Errors: link_not_found, link_expired, link_revoked,
  // link_completed, store_unavailable.
  Result<Intake> check_link(const std::string& token);

  // The intake of a link token and its conversation. Errors: link_not_found,
  // link_expired, link_revoked, link_completed, and the conversation
  // service's errors. `done` may run on another thread.
  void open_link(const std::string& token, std::function<void(Result<OpenedLink>)> done);

  // Errors: intake_not_found, store_unavailable.
  Result<Intake> intake(const std::string& id);
  Result<std::vector<Intake>> intakes(const std::string& status, int limit, int offset);
  // Revokes an open intake: its conversation ends (link_gate), and an
  // escalation it reached before is alerted at once.
  Result<bool> revoke(const std::string& id, const std::string& actor);
  // The API's view of an intake (no token, no session).
  nlohmann::json intake_json(const Intake& i) const;

  // Patient data, each read audited as (actor, action, intake).
  Result<nlohmann::json> summary(const std::string& id, const std::string& actor);
  Result<std::string> summary_html(const std::string& id, const std::string& actor);
  Result<nlohmann::json> fhir_response(const std::string& id, const std::string& actor);
  nlohmann::json fhir_questionnaire() const;
  nlohmann::json fhir_answers_code_system() const;

  // The console's reads (service_console.cpp), kept to one clinic.
  // Errors: intake_not_found (none, or another clinic's), store_unavailable.
  Result<Intake> clinic_intake(const std::string& id, const std::string& clinic);
  // The clinic's intakes, at most `limit`: escalated first (emergency, then
  // urgent), then in progress, pending, completed, the rest; newest first
  // within each. Audited as "console.intakes" by `actor`.
  Result<std::vector<ConsoleIntake>> console_intakes(const std::string& clinic, int limit,
                                                     const std::string& actor);
  // The intake with its level and handoff, as its conversation stands.
  Result<ConsoleIntake> console_intake(Intake i);
  // The intake's conversation as stored, the patient's messages included;
  // audited as "intake.transcript". Empty before the link was opened.
  Result<std::vector<StoredMessage>> transcript(const std::string& id, const std::string& actor);
  // Handoff (docs/console.md): `member` takes the conversation of intake
  // `id` over, writes to the patient, or hands back, through the
  // conversation service (which pushes the messages to the patient's
  // channel). Audited first as intake.take_over, intake.staff_message or
  // intake.hand_back (the audit holds ids only; the words are in the
  // transcript, with the author). `done` may run on another thread. Errors:
  // intake_not_found (none, or another clinic's), bad_request (the patient
  // has not opened the link yet), the conversation service's staff() errors.
  void handoff(const std::string& id, const StaffMember& member, dialog::StaffAction action,
               std::function<void(Result<Delivery>)> done);

  // Follows one intake, open or closed: the alert for a level its
  // conversation reached and no alert told yet, then (while open) its status.
  // Returns how many things changed (0 for an intake gone).
  Result<int> follow(const std::string& intake_id);
  // Marks the open intakes past their expiry expired (alerting first).
  Result<int> expire_due();
  // Follows every open intake: what changed while no one listened.
  Result<int> catch_up();
  // Deletes what is older than the retention (purge_patient_data).
  Result<PurgeCounts> purge();

 private:
  // One intake: the alert for a level its conversation reached and no alert
  // told yet, then (while open) its status. Returns how many things changed.
  Result<int> follow(const Intake& i, int64_t t);
  Result<bool> alert(const Intake& i, const ConversationView& v, int64_t t);
  Result<dialog::State> state_of(const Intake& i, std::optional<ConversationView>& view);
  void start_session(const Intake& intake, const std::string& token,
                     std::function<void(Result<OpenedLink>)> done);

  ClinicStore& store_;
  ConversationService& conversations_;
  const dialog::Engine& engine_;
  const ClinicSettings settings_;
  const std::function<int64_t()> clock_;
  const AlertSink alerts_;
};

}  // namespace calfbot::bot::clinic
