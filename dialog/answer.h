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

// When a reply could not be understood twice, the question is recorded as
// "not sure" and the conversation moves on.
void give_up_on(Turn& t, const knowledge::Question& q);

// The re-ask's preface when a reply was not understood.
std::string clarification(const knowledge::Question& q);

// "Thank you. I've noted: ..." for the findings the message stated; "" for none.
std::string noted(const knowledge::Knowledge& kb, const Understanding& u);

}  // namespace calfbot::dialog
