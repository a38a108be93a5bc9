#include "dialog/handoff.h"

#include "dialog/engine.h"
#include "dialog/render.h"
#include "dialog/turn.h"

namespace calfbot::dialog {

namespace {

const char* kPersonWatched =
    "I've asked for a member of the clinic's staff to join this conversation. I can't say how "
    "soon someone will be free; when they join you'll see their name here. Until then I'll carry "
    "on with the questions. If you have chest pain, trouble breathing or feel faint, don't wait: "
    "call {emergency_number} now.";

const char* kPersonNotWatched =
    "Nobody from a clinic reads this conversation, so I can't pass you to a person here. To talk "
    "to someone, contact your GP practice or clinic, or a pharmacist. If you have chest pain, "
    "trouble breathing or feel faint, call {emergency_number} now. I can carry on with the "
    "questions so that I can tell you how soon to get care.";

const char* kJoined =
    "{name} from the clinic has joined the conversation. The questions are paused: you're now "
    "writing to a person. If you have chest pain, trouble breathing or feel faint, call "
    "{emergency_number} now.";

const char* kLeft = "{name} has handed the conversation back to me, calfbot.";

std::string named(const char* text, const std::string& name, const EngineSettings& settings) {
  return fill(replace_all(text, "{name}", name), settings);
}

StepResult not_in_charge(const State& state) {
  StepResult r;
  r.state = state;
  r.not_in_charge = true;
  return r;
}

}  // namespace

void ask_for_person(Turn& t, const State& state, bool watched) {
  if (watched) t.s().person_requested = true;
  t.emit(info_message(fill(watched ? kPersonWatched : kPersonNotWatched, t.settings())));
  if (state.phase == State::Phase::asking) t.ask(state.current);
}

StepResult Engine::staff(const State& state, const StaffAction& a) const {
  if (a.kind != StaffAction::Kind::take_over && state.staff.empty()) return not_in_charge(state);
  Turn t(*kb_, *model_, settings_, *wordings_, state);
  switch (a.kind) {
    case StaffAction::Kind::take_over:
      t.s().staff = a.name;
      t.s().person_requested = false;
      t.emit(StaffMessage{0, StaffEvent::joined, a.name, named(kJoined, a.name, settings_)});
      break;
    case StaffAction::Kind::message:
      t.emit(StaffMessage{0, StaffEvent::message, state.staff, a.text});
      break;
    case StaffAction::Kind::hand_back:
      t.s().staff.clear();
      t.emit(StaffMessage{0, StaffEvent::left, state.staff, named(kLeft, state.staff, settings_)});
      // The bot goes on where it stopped: the question it left, as it was.
      if (state.phase == State::Phase::asking) t.ask(state.current, "", state.variant);
      break;
  }
  return t.take();
}

}  // namespace calfbot::dialog
