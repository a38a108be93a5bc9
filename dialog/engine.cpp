#include "dialog/engine.h"

#include <algorithm>

#include "dialog/answer.h"
#include "dialog/handoff.h"
#include "dialog/interlock.h"
#include "dialog/planner.h"
#include "dialog/render.h"
#include "dialog/turn.h"
#include "dialog/understanding/reader.h"
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

// At most `bytes` bytes of valid UTF-8 text, cut before a character.
std::string utf8_prefix(const std::string& text, size_t bytes) {
  size_t end = std::min(bytes, text.size());
  while (end > 0 && end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return text.substr(0, end);
}

// The patient's words, kept in the state: a message over the size answers
// take is still read and screened whole (step() refuses it after the
// screen); the state keeps its beginning.
void keep_words(Turn& t, const std::string& text) {
  const std::string kept = text.size() > kMaxTextBytes ? utf8_prefix(text, kMaxTextBytes) : text;
  t.record().text = kept;
  t.s().patient_words.push_back(kept);
}

bool blank(const std::string& text) { return text.find_first_not_of(" \t\r\n") == std::string::npos; }

// Ends a turn with an error and, while the conversation is open, the same
// question again.
void refuse(Turn& t, const State& state, InputError code, const std::string& text) {
  t.emit(error_message(code, text));
  if (state.phase == State::Phase::asking) t.ask(state.current);
}

// A tapped choice: a command, yes/no/unsure, or one or more of the current
// question's choices. Returns false when the turn is over (an unknown choice).
bool read_choice(Turn& t, const State& state, const Question* q, const std::string& id,
                 Understanding& u) {
  if (id == "back" || id == "restart" || id == "help" || id == "why") {
    u.command = id == "back"      ? Command::back
                : id == "restart" ? Command::restart
                : id == "help"    ? Command::help
                                  : Command::why;
    return true;
  }
  if (q && q->type == AnswerType::yes_no && (id == "yes" || id == "no" || id == "unsure")) {
    u.reply = id == "yes" ? Value::yes : id == "no" ? Value::no : Value::unsure;
    return true;
  }
  if (!q || q->choices.empty()) {
    t.emit(error_message(InputError::unknown_choice,
                         "There is no choice '" + id + "' just now. Please type your answer."));
    if (state.phase == State::Phase::asking) t.ask(state.current);
    return false;
  }
  for (size_t start = 0; start <= id.size();) {
    const size_t comma = id.find(',', start);
    std::string one = id.substr(start, comma == std::string::npos ? comma : comma - start);
    const bool ok = std::any_of(q->choices.begin(), q->choices.end(),
                                [&](const knowledge::Choice& c) { return c.id == one; });
    if (!ok) {
      t.emit(error_message(InputError::unknown_choice,
                           "'" + one +
                               "' is not one of this question's choices. "
                               "Please pick one of them or type your answer."));
      t.ask(state.current);
      return false;
    }
    u.choices.push_back(std::move(one));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return true;
}

// Applies what the message states, numbers included, and, when it answers
// the question being asked, the reply. Returns whether it answered it.
bool take(Turn& t, const State& state, const Question* q, const Understanding& u, bool answering) {
  for (const auto& o : u.findings) t.set(o.finding, o.value);
  if (u.severity && !(q && q->type == AnswerType::number && q->number != "severity")) {
    t.set_number("severity", *u.severity);
  }
  if (u.duration_days && !(q && q->type == AnswerType::number)) {
    t.set_number("duration_days", *u.duration_days);
  }
  if (u.age && !(q && q->type == AnswerType::number && q->number == "age")) {
    t.set_number("age", *u.age);
  }
  if (!answering) return false;
  if (u.reader_p) t.record().reader_p = u.reader_p;
  if (state.current == "complaint") return true;
  if (!q) return false;
  const auto direct = state.variant == 2 ? direct_of(*q) : std::nullopt;
  return direct ? apply_direct(t, *direct, u) : apply_answer(t, *q, u);
}

// restart, back, help, why and a request for a person end the turn (returns true).
bool run_command(Turn& t, const State& state, const Question* q, const Understanding& u,
                 const Input& input) {
  switch (u.command) {
    case Command::restart: {
      State fresh;
      fresh.knowledge_version = t.s().knowledge_version;
      fresh.started_unix = input.time_unix;
      fresh.seq = t.s().seq;
      // An escalation outlives a restart: no answer may lower it.
      fresh.escalated = t.s().escalated;
      fresh.fired_rules = t.s().fired_rules;
      t.reset(std::move(fresh));
      t.ask("complaint", "Let's start again.");
      return true;
    }
    case Command::back: {
      if (t.s().answers.empty()) {
        t.ask(state.current.empty() ? "complaint" : state.current,
              "There is nothing to go back to.");
        return true;
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
      return true;
    }
    case Command::help:
      t.emit(info_message(fill(kHelp, t.settings())));
      if (state.phase == State::Phase::asking) t.ask(state.current);
      return true;
    case Command::why:
      t.emit(info_message(q ? q->why
                            : "I ask so I can tell you what is likely and how soon to get care."));
      if (state.phase == State::Phase::asking) t.ask(state.current);
      return true;
    case Command::person:
      ask_for_person(t, state, input.watched);
      return true;
    case Command::skip:
    case Command::none: return false;
  }
  return false;
}

// A message in another language: the reply in that language (the emergency
// number, and that calfbot converses in English), then the question again.
InfoMessage language_message(const Understanding& u, const EngineSettings& settings) {
  InfoMessage m = info_message(fill(u.language_reply, settings));
  m.language = u.language;
  return m;
}

// A message after the outcome: something new is added to the summary.
void after_outcome(Turn& t) {
  if (t.changed()) {
    t.s().answers.push_back(t.record());
    t.emit(info_message("Thank you, I've added that to your summary."));
    t.finish();
  } else if (t.s().escalated == static_cast<int>(Triage::emergency)) {
    t.emit(info_message(fill("Please don't wait: call {emergency_number} now or go to the "
                             "nearest emergency department. Your summary is above.",
                             t.settings())));
  } else {
    t.emit(info_message("Your summary is above. Tell me if anything changes, or say \"restart\" "
                        "to start again."));
  }
}

}  // namespace

Engine::Engine(std::shared_ptr<const knowledge::Knowledge> kb, EngineSettings settings)
    : kb_(std::move(kb)),
      settings_(std::move(settings)),
      lexicon_(std::make_unique<Lexicon>(*kb_, built_in_reader_model())),
      model_(std::make_unique<knowledge::Model>(*kb_)),
      planner_(std::make_unique<Planner>(*kb_, *model_)) {
  wordings_ = std::make_unique<Wordings>(question_wordings(*kb_, settings_));
  version_ = kb_->version;
  if (!lexicon_->reader_version().empty()) {
    version_ += "+reader-" + lexicon_->reader_version().substr(0, 16);
  }
}

Engine::~Engine() = default;

StepResult Engine::start(int64_t time_unix) const {
  State s;
  s.knowledge_version = version_;
  s.started_unix = time_unix;
  Turn t(*kb_, *model_, settings_, *wordings_, s);
  t.emit(info_message(
      fill("Hello, I'm calfbot. I'll ask you some questions about your calf pain, the way a "
           "clinician would, and then tell you what is likely and how soon to get care. I can't "
           "diagnose you. If you have chest pain, trouble breathing or feel faint, call "
           "{emergency_number} now.",
           settings_)));
  t.ask("complaint");
  return t.take();
}

std::optional<Understanding> Engine::read(Turn& t, const State& state, const Question* q,
                                          const Input& input) const {
  Understanding u;
  if (input.kind == Input::Kind::choice) {
    if (!read_choice(t, state, q, input.value, u)) return std::nullopt;
    return u;
  }
  const std::string& text = input.value;
  if (blank(text)) {
    refuse(t, state, InputError::empty_message, "I didn't get any words. Please type your answer.");
    return std::nullopt;
  }
  keep_words(t, text);
  return lexicon_->understand(text, q, local_date(input.time_unix, input.utc_offset_minutes));
}

void Engine::answer(Turn& t, const State& state, const Question* q, const Understanding& u,
                    bool understood) const {
  const bool in_complaint = state.current == "complaint";
  // Repair did not help: the question is left unanswered, never taken as
  // "not sure" (only the patient says that), and the outcome says what to
  // watch for where it was a warning sign.
  const bool leave = !understood && q && t.s().clarifications >= kMaxClarifications;
  if (understood || leave || t.changed()) {
    t.record().slot = understood || leave ? state.current : "";
    t.s().answers.push_back(t.record());
  }
  if (leave) t.s().unanswered.push_back(state.current);
  if (t.interlock()) return;

  std::string ack = noted(*kb_, u);
  if (in_complaint && ack.empty()) ack = "Thank you.";
  if (!ack.empty() && (in_complaint || u.findings.size() > 1)) t.emit(info_message(ack));

  if (!understood && !leave) {
    // Repair: the question put another way, then a plain yes/no.
    const int attempt = ++t.s().clarifications;
    t.ask(state.current, repair_preface(attempt), attempt);
    return;
  }
  if (leave) {
    t.emit(info_message("I'll leave that question for now. You can tell me about it at any time."));
  }
  t.s().clarifications = 0;
  Plan plan = planner_->next(t.facts(), settings_);
  if (plan.next) {
    t.ask(plan.next->slot);
  } else {
    t.finish();
  }
}

bool Engine::at_limit(const State& s, int turns_taken) const {
  if (turns_taken >= settings_.max_turns) return true;
  size_t bytes = 0;
  for (const auto& w : s.patient_words) bytes += w.size();
  return bytes >= static_cast<size_t>(settings_.max_patient_text_bytes);
}

StepResult Engine::step(const State& state, const Input& message, int turns_taken) const {
  // From here on the message is valid UTF-8, as the replies quote it.
  Input input = message;
  input.value = valid_utf8(message.value);
  StepResult r = turn(state, input);
  // At its bounds a conversation still screens every message (above), and
  // one that raises the level is taken: the escalation reaches the patient.
  if (at_limit(state, turns_taken) && r.state.escalated.value_or(-1) <= state.escalated.value_or(-1)) {
    StepResult refused;
    refused.state = state;
    refused.input = std::move(input);
    refused.over_limit = true;
    return refused;
  }
  r.input = std::move(input);
  return r;
}

StepResult Engine::staffed(const State& state, const Input& input) const {
  Turn t(*kb_, *model_, settings_, *wordings_, state);
  // A tapped choice (a question shown before staff joined) states nothing
  // here: the staff read it in the transcript.
  if (input.kind == Input::Kind::text && !blank(input.value)) {
    keep_words(t, input.value);
    const Understanding u = lexicon_->understand(
        input.value, nullptr, local_date(input.time_unix, input.utc_offset_minutes));
    take(t, state, nullptr, u, false);
  }
  // Safety first, whoever is in charge: an escalation reaches the patient
  // (and, through the console, the staff) at once.
  t.interlock();
  if (t.changed()) t.s().answers.push_back(t.record());
  return t.take();
}

StepResult Engine::turn(const State& state, const Input& input) const {
  if (!state.staff.empty()) return staffed(state, input);
  Turn t(*kb_, *model_, settings_, *wordings_, state);
  const Question* q = kb_->question(state.current);
  std::optional<Understanding> u = read(t, state, q, input);
  if (!u) return t.take();
  if (u->command == Command::skip) u->reply = Value::unsure;
  const bool too_long = input.kind == Input::Kind::text && input.value.size() > kMaxTextBytes;
  const bool foreign = !u->language.empty();
  const bool answering = (u->command == Command::none || u->command == Command::skip) &&
                         state.phase == State::Phase::asking && !too_long && !foreign;
  const bool understood = take(t, state, q, *u, answering);
  // Safety first: whatever the message is, what it states is screened before
  // anything else, commands included.
  if (t.interlock()) {
    t.record().slot = state.current;
    t.s().answers.push_back(t.record());
    if (foreign) t.emit(language_message(*u, settings_));
    return t.take();
  }
  if (foreign) {
    if (t.changed()) t.s().answers.push_back(t.record());
    t.emit(language_message(*u, settings_));
    if (state.phase == State::Phase::asking) t.ask(state.current);
    return t.take();
  }
  if (too_long) {
    // Screened whole above; only now refused.
    if (t.changed()) t.s().answers.push_back(t.record());
    refuse(t, state, InputError::message_too_long,
           "That message is too long for me. Please keep each answer under 2000 characters.");
    return t.take();
  }
  if (run_command(t, state, q, *u, input)) return t.take();
  if (state.phase == State::Phase::done) {
    after_outcome(t);
  } else {
    answer(t, state, q, *u, understood);
  }
  return t.take();
}

}  // namespace calfbot::dialog
