// Internal to dialog/: the handoff to a person (docs/console.md, "Handoff").
// The patient asks for one (a command of understanding/), and a member of
// the clinic's staff takes over, writes and hands back
// (Engine::staff, handoff.cpp).
#pragma once

#include "dialog/state.h"

namespace calfbot::dialog {

class Turn;

// The reply to a request for a person, honest about the channel: where a
// clinic's staff watch the conversation (`watched`), the request is marked
// for them and the patient told someone may come; elsewhere, that nobody
// reads this conversation, and where to get care instead. Then the question
// again, while the bot asks.
void ask_for_person(Turn& t, const State& state, bool watched);

}  // namespace calfbot::dialog
