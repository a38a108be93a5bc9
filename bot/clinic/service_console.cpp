// ClinicService's side of the staff console: one clinic's intakes, ordered
// for a person watching them, an intake's transcript, and the handoff.
#include <algorithm>

#include "bot/clinic/service.h"

namespace calfbot::bot::clinic {

namespace {

// The console's order: the lower, the higher in the list.
int console_rank(const ConsoleIntake& c, int64_t now) {
  if (c.level == "emergency") return 0;
  if (c.level == "urgent") return 1;
  if (c.person_requested) return 2;  // a patient waiting for a person
  const std::string status = c.intake.status_at(now);
  if (status == kInProgress) return 3;
  if (status == kPending) return 4;
  if (status == kCompleted) return 5;
  return 6;
}

const char* audit_action(dialog::StaffAction::Kind k) {
  switch (k) {
    case dialog::StaffAction::Kind::take_over: return "intake.take_over";
    case dialog::StaffAction::Kind::hand_back: return "intake.hand_back";
    case dialog::StaffAction::Kind::message: return "intake.staff_message";
  }
  return "";
}

std::string more_urgent(const std::optional<knowledge::Triage>& a, const std::optional<knowledge::Triage>& b) {
  std::string x = a ? std::string(knowledge::to_string(*a)) : "";
  std::string y = b ? std::string(knowledge::to_string(*b)) : "";
  for (const char* level : {"emergency", "urgent"}) {
    if (x == level || y == level) return level;
  }
  return "";
}

}  // namespace

Result<Intake> ClinicService::clinic_intake(const std::string& id, const std::string& clinic) {
  auto i = intake(id);
  if (!i) return i.error();
  if (i->clinic != clinic) return Error{Code::intake_not_found, "intake " + id + " is another clinic's"};
  return i;
}

Result<ConsoleIntake> ClinicService::console_intake(Intake i) {
  ConsoleIntake c{std::move(i), "", "", false};
  if (c.intake.session_id.empty()) return c;
  auto v = conversations_.conversation(c.intake.session_id);
  if (!v) return v.error();
  if (!*v) return c;
  c.level = more_urgent((*v)->record.level, (*v)->record.triage);
  c.staff = (*v)->state.staff;
  c.person_requested = (*v)->state.person_requested;
  return c;
}

Result<std::vector<ConsoleIntake>> ClinicService::console_intakes(const std::string& clinic, int limit,
                                                                  const std::string& actor) {
  const int64_t t = now();
  auto list = store_.intakes("", limit, 0, t, clinic);
  if (!list) return list.error();
  std::vector<ConsoleIntake> out;
  for (auto& i : *list) {
    auto c = console_intake(std::move(i));
    if (!c) return c.error();
    out.push_back(std::move(*c));
  }
  std::stable_sort(out.begin(), out.end(), [t](const ConsoleIntake& a, const ConsoleIntake& b) {
    return console_rank(a, t) < console_rank(b, t);
  });
  if (auto logged = store_.audit(actor, "console.intakes", "", t); !logged) return logged.error();
  return out;
}

Result<std::vector<StoredMessage>> ClinicService::transcript(const std::string& id, const std::string& actor) {
  auto i = intake(id);
  if (!i) return i.error();
  if (auto logged = store_.audit(actor, "intake.transcript", id, now()); !logged) return logged.error();
  if (i->session_id.empty()) return std::vector<StoredMessage>();
  return conversations_.transcript_by_id(i->session_id);
}

void ClinicService::handoff(const std::string& id, const StaffMember& member, dialog::StaffAction action,
                            std::function<void(Result<Delivery>)> done) {
  auto i = clinic_intake(id, member.clinic);
  if (!i) return done(i.error());
  if (i->session_id.empty()) {
    return done(Error{Code::bad_request, "The patient has not opened this intake's link yet."});
  }
  // Audited first, as every read: what is not audited is not done.
  if (auto a = store_.audit(member.id, audit_action(action.kind), id, now()); !a) return done(a.error());
  conversations_.staff(i->session_id, std::move(action), std::move(done));
}

}  // namespace calfbot::bot::clinic
