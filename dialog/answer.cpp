#include "dialog/answer.h"

#include <algorithm>

namespace calfbot::dialog {

using knowledge::AnswerType;
using knowledge::Question;

bool observed(const Understanding& u, const std::string& finding) {
  return std::any_of(u.findings.begin(), u.findings.end(),
                     [&](const Observation& o) { return o.finding == finding; });
}

namespace {

// One choice picked (the first named): its findings yes, the others' no.
// Without a choice, answered when a choice's finding was said or "unsure".
bool apply_single_choice(Turn& t, const Question& q, const Understanding& u) {
  if (!u.choices.empty()) {
    const knowledge::Choice* chosen = nullptr;
    for (const auto& c : q.choices) {
      if (c.id == u.choices.front()) chosen = &c;
    }
    for (const auto& c : q.choices) {
      if (&c == chosen) continue;
      for (const auto& f : c.sets) t.set(f, Value::no);
    }
    if (chosen) {
      for (const auto& f : chosen->sets) t.set(f, Value::yes);
    }
    return true;
  }
  bool any = false;
  for (const auto& c : q.choices) {
    for (const auto& f : c.sets) any |= observed(u, f);
  }
  return any || u.reply == Value::unsure;
}

// The choices picked: theirs yes, the others' no unless already yes.
void apply_picked(Turn& t, const Question& q, const Understanding& u) {
  for (const auto& c : q.choices) {
    bool picked = std::find(u.choices.begin(), u.choices.end(), c.id) != u.choices.end();
    for (const auto& f : c.sets) {
      if (picked) t.set(f, Value::yes);
      else if (t.s().get(f) != Value::yes) t.set(f, Value::no);
    }
  }
}

bool apply_multi_choice(Turn& t, const Question& q, const Understanding& u) {
  std::vector<std::string> items;
  for (const auto& c : q.choices) items.insert(items.end(), c.sets.begin(), c.sets.end());
  if (!u.choices.empty()) {
    apply_picked(t, q, u);
    return true;
  }
  if (u.reply == Value::no) {
    for (const auto& f : items) {
      if (t.s().get(f) != Value::yes) t.set(f, Value::no);
    }
    return true;
  }
  if (u.reply == Value::unsure) {
    for (const auto& f : items) {
      if (t.s().get(f) == Value::unknown) t.set(f, Value::unsure);
    }
    return true;
  }
  bool any_yes = false, any = false;
  for (const auto& f : items) {
    any |= observed(u, f);
    any_yes |= observed(u, f) && t.s().get(f) == Value::yes;
  }
  if (u.reply == Value::yes && !any_yes) {
    // "Yes" without saying which: a safety screen treats it as the worst case.
    for (const auto& f : q.on_yes) t.set(f, Value::yes);
    return !q.on_yes.empty();
  }
  // Only some items mentioned, none present: a safety screen needs them all.
  return any_yes || (any && !q.always_ask);
}

// A number (or duration) within the question's range; "unsure" answers too.
bool apply_number(Turn& t, const Question& q, const Understanding& u) {
  std::optional<double> v = q.type == AnswerType::duration ? u.duration_days : u.number;
  if (!v && q.number == "severity") v = u.severity;
  if (v && *v >= q.min && (q.max <= q.min || *v <= q.max)) {
    t.set_number(q.number, *v);
    return true;
  }
  return u.reply == Value::unsure;
}

}  // namespace

bool apply_answer(Turn& t, const Question& q, const Understanding& u) {
  switch (q.type) {
    case AnswerType::yes_no:
      if (u.reply) t.set(q.finding, *u.reply);
      return u.reply.has_value() || observed(u, q.finding);
    case AnswerType::single_choice:
      return apply_single_choice(t, q, u);
    case AnswerType::multi_choice:
      return apply_multi_choice(t, q, u);
    case AnswerType::number:
    case AnswerType::duration:
      return apply_number(t, q, u);
  }
  return false;
}

bool apply_direct(Turn& t, const Question::Direct& d, const Understanding& u) {
  if (u.reply == Value::yes) {
    for (const auto& f : d.yes) t.set(f, Value::yes);
    return true;
  }
  if (u.reply == Value::no) {
    for (const auto& f : d.no) {
      if (t.s().get(f) != Value::yes) t.set(f, Value::no);
    }
    return true;
  }
  if (u.reply == Value::unsure) {
    for (const auto& f : d.no.empty() ? d.yes : d.no) {
      if (t.s().get(f) == Value::unknown) t.set(f, Value::unsure);
    }
    return true;
  }
  for (const auto* list : {&d.yes, &d.no}) {
    if (std::any_of(list->begin(), list->end(), [&](const auto& f) { return observed(u, f); })) {
      return true;
    }
  }
  return false;
}

std::string repair_preface(int attempt) {
  return attempt <= 1 ? "Sorry, I didn't quite follow. Let me put it another way."
                      : "Let me ask that more simply.";
}

std::string noted(const knowledge::Knowledge& kb, const Understanding& u) {
  std::string out;
  for (const auto& o : u.findings) {
    const auto* f = kb.finding(o.finding);
    if (!f || o.value == Value::unsure) continue;
    if (o.finding == "side_left" || o.finding == "side_right" || o.finding == "bilateral") {
      if (o.value == Value::no) continue;
    }
    out += out.empty() ? "" : "; ";
    out += (o.value == Value::no ? "no " : "") + f->label;
  }
  return out.empty() ? "" : "Thank you. I've noted: " + out + ".";
}

}  // namespace calfbot::dialog
