#include "dialog/engine.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "dialog/interlock.h"
#include "dialog/planner.h"
#include "dialog/render.h"
#include "dialog/understanding/understanding.h"
#include "knowledge/inference.h"
#include "knowledge/knowledge.h"

namespace calfbot::dialog {

using knowledge::AnswerType;
using knowledge::Question;
using knowledge::Triage;

namespace {

constexpr size_t kMaxTextBytes = 2000;
constexpr int kMaxClarifications = 2;

const char* kHelp =
    "You can answer in your own words or tap a choice. Say \"back\" to change your last "
    "answer, \"restart\" to start again, or \"why\" to hear why I ask a question. If you have "
    "chest pain, trouble breathing or feel faint, call {emergency_number} now.";

// One step's work on a copy of the state: every change to a finding or number
// is remembered so that "back" can undo the answer exactly. Findings change
// only through set(), restore() and reset(), which keep facts() in step.
class Turn {
 public:
  Turn(const knowledge::Knowledge& kb, const knowledge::Model& model,
       const EngineSettings& settings, const std::vector<Message>& question_messages,
       const State& state)
      : kb_(kb), model_(model), settings_(settings), question_messages_(question_messages),
        result_{state, {}}, facts_(kb, model, result_.state) {}

  State& s() { return result_.state; }
  const Facts& facts() const { return facts_; }
  AnswerRecord& record() { return record_; }
  StepResult take() { return std::move(result_); }

  void emit(Message m) {
    m["seq"] = ++s().seq;
    result_.outputs.push_back(std::move(m));
  }

  void set(const std::string& finding, Value v) {
    const int i = model_.finding_index(finding);
    if (i < 0) return;
    if (!record_.previous_findings.count(finding)) record_.previous_findings[finding] = s().get(finding);
    s().findings[finding] = v;
    facts_.set(i, v);
  }

  // A finding as it was before an answer ("back").
  void restore(const std::string& finding, Value v) {
    if (v == Value::unknown) s().findings.erase(finding);
    else s().findings[finding] = v;
    const int i = model_.finding_index(finding);
    if (i >= 0) facts_.set(i, v);
  }

  // Another conversation in place of this one ("restart").
  void reset(State fresh) {
    s() = std::move(fresh);
    facts_.reload();
  }

  void set_number(const std::string& name, double value) {
    if (!record_.previous_numbers.count(name)) {
      auto it = s().numbers.find(name);
      record_.previous_numbers[name] =
          it == s().numbers.end() ? std::nullopt : std::optional<double>(it->second);
    }
    s().numbers[name] = value;
    for (const auto& f : kb_.findings) {
      if (f.derived_from != name) continue;
      set(f.id, value >= f.derived_min && value < f.derived_max ? Value::yes : Value::no);
    }
  }

  bool changed() const {
    return !record_.previous_findings.empty() || !record_.previous_numbers.empty();
  }

  // Runs the red-flag rules; sends an escalation when the level rises. Returns
  // true when the conversation is over (an emergency: the outcome follows at once).
  bool interlock() {
    std::vector<Fired> fired = evaluate_rules(facts_);
    std::optional<Triage> level;
    for (const auto& f : fired) {
      if (std::find(s().fired_rules.begin(), s().fired_rules.end(), f.rule->id) ==
          s().fired_rules.end()) {
        s().fired_rules.push_back(f.rule->id);
      }
      if (f.level >= Triage::urgent) level = std::max(level.value_or(f.level), f.level);
    }
    if (level && (!s().escalated || static_cast<int>(*level) > *s().escalated)) {
      s().escalated = static_cast<int>(*level);
      emit(escalation_message(*level, fired, settings_));
    }
    if (s().escalated == static_cast<int>(Triage::emergency) && s().phase != State::Phase::done) {
      finish();
      return true;
    }
    return false;
  }

  void finish() {
    s().phase = State::Phase::done;
    s().current.clear();
    emit(outcome_message(kb_, model_, s(), settings_));
  }

  void ask(const std::string& slot, const std::string& preface = "") {
    if (!preface.empty()) emit(info_message(preface));
    s().current = slot;
    const Question* q = kb_.question(slot);
    if (!q) {
      emit(complaint_question());
      return;
    }
    if (std::find(s().asked.begin(), s().asked.end(), slot) == s().asked.end()) {
      s().asked.push_back(slot);
    }
    Message m = question_messages_[static_cast<size_t>(q - kb_.questions.data())];
    m["progress"]["asked"] = questions_asked(s());
    emit(std::move(m));
  }

 private:
  const knowledge::Knowledge& kb_;
  const knowledge::Model& model_;
  const EngineSettings& settings_;
  const std::vector<Message>& question_messages_;  // Engine::question_messages_
  StepResult result_;
  Facts facts_;  // of result_.state
  AnswerRecord record_;
};

bool observed(const Understanding& u, const std::string& finding) {
  return std::any_of(u.findings.begin(), u.findings.end(),
                     [&](const Observation& o) { return o.finding == finding; });
}

// Applies the reply to the current question. Returns whether it answered it.
bool apply_answer(Turn& t, const Question& q, const Understanding& u) {
  switch (q.type) {
    case AnswerType::yes_no:
      if (u.reply) t.set(q.finding, *u.reply);
      return u.reply.has_value() || observed(u, q.finding);
    case AnswerType::single_choice: {
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
    case AnswerType::multi_choice: {
      std::vector<std::string> items;
      for (const auto& c : q.choices) items.insert(items.end(), c.sets.begin(), c.sets.end());
      if (!u.choices.empty()) {
        for (const auto& c : q.choices) {
          bool picked = std::find(u.choices.begin(), u.choices.end(), c.id) != u.choices.end();
          for (const auto& f : c.sets) {
            if (picked) t.set(f, Value::yes);
            else if (!(observed(u, f) && t.s().get(f) == Value::yes)) t.set(f, Value::no);
          }
        }
        return true;
      }
      if (u.reply == Value::no) {
        for (const auto& f : items) {
          if (!(observed(u, f) && t.s().get(f) == Value::yes)) t.set(f, Value::no);
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
    case AnswerType::number:
    case AnswerType::duration: {
      std::optional<double> v = q.type == AnswerType::duration ? u.duration_days : u.number;
      if (!v && q.number == "severity") v = u.severity;
      if (v && *v >= q.min && (q.max <= q.min || *v <= q.max)) {
        t.set_number(q.number, *v);
        return true;
      }
      return u.reply == Value::unsure;
    }
  }
  return false;
}

// When a reply could not be understood twice, the question is recorded as
// "not sure" and the conversation moves on.
void give_up_on(Turn& t, const Question& q) {
  if (q.type == AnswerType::yes_no) t.set(q.finding, Value::unsure);
  for (const auto& c : q.choices) {
    for (const auto& f : c.sets) {
      if (t.s().get(f) == Value::unknown) t.set(f, Value::unsure);
    }
  }
}

std::string clarification(const Question& q) {
  switch (q.type) {
    case AnswerType::yes_no: return "Sorry, I didn't catch that. Please answer yes, no or not sure.";
    case AnswerType::number:
      return "Sorry, I need a number between " + std::to_string(static_cast<int>(q.min)) + " and " +
             std::to_string(static_cast<int>(q.max)) + ", or say you're not sure.";
    case AnswerType::duration:
      return "Sorry, I didn't catch when it started. You could say \"2 days ago\", \"since "
             "Monday\" or \"about 3 weeks\".";
    default: return "Sorry, I didn't catch that. Please pick one of the choices or describe it.";
  }
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

}  // namespace

Engine::Engine(std::shared_ptr<const knowledge::Knowledge> kb, EngineSettings settings)
    : kb_(std::move(kb)),
      settings_(std::move(settings)),
      lexicon_(std::make_unique<Lexicon>(*kb_)),
      model_(std::make_unique<knowledge::Model>(*kb_)),
      planner_(std::make_unique<Planner>(*kb_, *model_)) {
  for (const auto& q : kb_->questions) question_messages_.push_back(question_message(q, 0, settings_));
}

Engine::~Engine() = default;

StepResult Engine::start(int64_t time_unix) const {
  State s;
  s.knowledge_version = kb_->version;
  s.started_unix = time_unix;
  Turn t(*kb_, *model_, settings_, question_messages_, s);
  t.emit(info_message(
      fill("Hello, I'm calfbot. I'll ask you some questions about your calf pain, the way a "
           "clinician would, and then tell you what is likely and how soon to get care. I can't "
           "diagnose you. If you have chest pain, trouble breathing or feel faint, call "
           "{emergency_number} now.",
           settings_)));
  t.ask("complaint");
  return t.take();
}

StepResult Engine::step(const State& state, const Input& message) const {
  // From here on the message is valid UTF-8, as the replies quote it.
  Input input = message;
  input.value = valid_utf8(message.value);
  Turn t(*kb_, *model_, settings_, question_messages_, state);
  const bool in_complaint = state.current == "complaint";
  const Question* q = kb_->question(state.current);
  Understanding u;

  if (input.kind == Input::Kind::choice) {
    const std::string& id = input.value;
    if (id == "back" || id == "restart" || id == "help" || id == "why") {
      u.command = id == "back" ? Command::back : id == "restart" ? Command::restart
                  : id == "help" ? Command::help : Command::why;
    } else if (q && q->type == AnswerType::yes_no && (id == "yes" || id == "no" || id == "unsure")) {
      u.reply = id == "yes" ? Value::yes : id == "no" ? Value::no : Value::unsure;
    } else if (q && !q->choices.empty()) {
      size_t start = 0;
      while (start <= id.size()) {
        size_t comma = id.find(',', start);
        std::string one = id.substr(start, comma == std::string::npos ? comma : comma - start);
        bool ok = std::any_of(q->choices.begin(), q->choices.end(),
                              [&](const knowledge::Choice& c) { return c.id == one; });
        if (!ok) {
          t.emit(error_message("unknown_choice", "'" + one + "' is not one of this question's "
                                                 "choices. Please pick one of them or type your "
                                                 "answer."));
          t.ask(state.current);
          return t.take();
        }
        u.choices.push_back(one);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    } else {
      t.emit(error_message("unknown_choice", "There is no choice '" + id + "' just now. Please type "
                                             "your answer."));
      if (state.phase == State::Phase::asking) t.ask(state.current);
      return t.take();
    }
  } else {
    std::string text = input.value;
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
      t.emit(error_message("empty_message", "I didn't get any words. Please type your answer."));
      if (state.phase == State::Phase::asking) t.ask(state.current);
      return t.take();
    }
    if (text.size() > kMaxTextBytes) {
      t.emit(error_message("message_too_long", "That message is too long for me. Please keep "
                                               "each answer under 2000 characters."));
      if (state.phase == State::Phase::asking) t.ask(state.current);
      return t.take();
    }
    t.record().text = text;
    t.s().patient_words.push_back(text);
    u = lexicon_->understand(text, q, local_date(input.time_unix, input.utc_offset_minutes));
  }

  // Safety first: whatever the message is, its findings are screened before
  // anything else, commands included.
  for (const auto& o : u.findings) t.set(o.finding, o.value);
  if (u.severity && !(q && q->type == AnswerType::number && q->number != "severity")) {
    t.set_number("severity", *u.severity);
  }
  if (u.duration_days && !(q && q->type == AnswerType::number)) {
    t.set_number("duration_days", *u.duration_days);
  }
  if (t.interlock()) {
    t.record().slot = state.current;
    t.s().answers.push_back(t.record());
    return t.take();
  }

  switch (u.command) {
    case Command::restart: {
      State fresh;
      fresh.knowledge_version = kb_->version;
      fresh.started_unix = input.time_unix;
      fresh.seq = t.s().seq;
      // An escalation outlives a restart: no answer may lower it.
      fresh.escalated = t.s().escalated;
      fresh.fired_rules = t.s().fired_rules;
      t.reset(std::move(fresh));
      t.ask("complaint", "Let's start again.");
      return t.take();
    }
    case Command::back: {
      if (t.s().answers.empty()) {
        t.ask(state.current.empty() ? "complaint" : state.current, "There is nothing to go back to.");
        return t.take();
      }
      AnswerRecord last = t.s().answers.back();
      t.s().answers.pop_back();
      for (const auto& [f, v] : last.previous_findings) t.restore(f, v);
      for (const auto& [n, v] : last.previous_numbers) {
        if (v) t.s().numbers[n] = *v;
        else t.s().numbers.erase(n);
      }
      t.s().phase = State::Phase::asking;
      t.s().clarifications = 0;
      t.ask(last.slot.empty() ? "complaint" : last.slot, "Let's go back.");
      return t.take();
    }
    case Command::help:
      t.emit(info_message(fill(kHelp, settings_)));
      if (state.phase == State::Phase::asking) t.ask(state.current);
      return t.take();
    case Command::why:
      t.emit(info_message(q ? q->why : "I ask so I can tell you what is likely and how soon to "
                                       "get care."));
      if (state.phase == State::Phase::asking) t.ask(state.current);
      return t.take();
    case Command::skip: u.reply = Value::unsure; break;
    case Command::none: break;
  }

  if (state.phase == State::Phase::done) {
    if (t.changed()) {
      t.s().answers.push_back(t.record());
      t.emit(info_message("Thank you, I've added that to your summary."));
      t.finish();
    } else if (t.s().escalated == static_cast<int>(Triage::emergency)) {
      t.emit(info_message(fill("Please don't wait: call {emergency_number} now or go to the "
                               "nearest emergency department. Your summary is above.",
                               settings_)));
    } else {
      t.emit(info_message("Your summary is above. Tell me if anything changes, or say \"restart\" "
                          "to start again."));
    }
    return t.take();
  }

  bool understood = in_complaint || (q && apply_answer(t, *q, u));
  if (!understood && q && t.s().clarifications >= kMaxClarifications) {
    give_up_on(t, *q);
    understood = true;
  }
  if (understood || t.changed()) {
    t.record().slot = understood ? state.current : "";
    t.s().answers.push_back(t.record());
  }
  if (t.interlock()) return t.take();

  std::string ack = noted(*kb_, u);
  if (in_complaint && ack.empty()) ack = "Thank you.";
  if (!ack.empty() && (in_complaint || u.findings.size() > 1)) t.emit(info_message(ack));

  if (!understood) {
    t.s().clarifications++;
    t.ask(state.current, clarification(*q));
    return t.take();
  }
  t.s().clarifications = 0;
  Plan plan = planner_->next(t.facts(), settings_);
  if (plan.next) {
    t.ask(plan.next->slot);
  } else {
    t.finish();
  }
  return t.take();
}

}  // namespace calfbot::dialog
