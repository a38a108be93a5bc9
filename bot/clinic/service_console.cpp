// ClinicService's reads for the staff console: one clinic's intakes, ordered
// for a person watching them, and an intake's transcript.
#include <algorithm>

#include "bot/clinic/service.h"

namespace calfbot::bot::clinic {

namespace {

// The console's order: the lower, the higher in the list.
int console_rank(const ConsoleIntake& c, int64_t now) {
  if (c.level == "emergency") return 0;
  if (c.level == "urgent") return 1;
  const std::string status = c.intake.status_at(now);
  if (status == kInProgress) return 2;
  if (status == kPending) return 3;
  if (status == kCompleted) return 4;
  return 5;
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

Result<std::string> ClinicService::level_of(const Intake& i) {
  if (i.session_id.empty()) return std::string();
  auto v = conversations_.conversation(i.session_id);
  if (!v) return v.error();
  if (!*v) return std::string();
  return more_urgent((*v)->record.level, (*v)->record.triage);
}

Result<std::vector<ConsoleIntake>> ClinicService::console_intakes(const std::string& clinic, int limit,
                                                                  const std::string& actor) {
  const int64_t t = now();
  auto list = store_.intakes("", limit, 0, t, clinic);
  if (!list) return list.error();
  std::vector<ConsoleIntake> out;
  for (auto& i : *list) {
    auto level = level_of(i);
    if (!level) return level.error();
    out.push_back(ConsoleIntake{std::move(i), *level});
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

}  // namespace calfbot::bot::clinic
