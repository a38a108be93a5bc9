// Internal to dialog/: a reply to the question being asked, applied to the
// state; what to say when it could not be understood; what the patient's
// words were taken to say. Pure apart from the Turn they write to.
#pragma once

#include <string>

#include "dialog/turn.h"
#include "dialog/understanding/understanding.h"
#include "knowledge/knowledge.h"

namespace calfbot::dialog {

// Whether the message stated `finding` at all.
bool observed(const Understanding& u, const std::string& finding);

// Applies the reply to the current question. Returns whether it answered it.
bool apply_answer(Turn& t, const knowledge::Question& q, const Understanding& u);

// Applies the reply to a question's direct yes/no (repair). Returns whether
// it answered it.
bool apply_direct(Turn& t, const knowledge::Question::Direct& d, const Understanding& u);

// What the bot says before asking again when a reply was not understood for
// the `attempt`-th time (1: the rephrase follows, 2: the direct yes/no).
std::string repair_preface(int attempt);

// "Thank you. I've noted: ..." for the findings the message stated; "" for none.
std::string noted(const knowledge::Knowledge& kb, const Understanding& u);

}  // namespace calfbot::dialog
