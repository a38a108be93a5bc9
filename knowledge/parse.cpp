#include "knowledge/parse.h"

#include <set>

namespace calfbot::knowledge::detail {

using nlohmann::json;

namespace {

// A JSON object read strictly: unknown keys and wrong types are reported.
class Obj {
 public:
  Obj(const json& j, Context& c, std::initializer_list<const char*> allowed) : j_(j), c_(c) {
    if (!j.is_object()) {
      c.fail("expected an object, got " + std::string(j.type_name()));
      return;
    }
    std::set<std::string> ok(allowed.begin(), allowed.end());
    for (const auto& [key, _] : j.items()) {
      if (!ok.count(key)) c.fail("unknown key '" + key + "'");
    }
  }

  const json* get(const char* key) const {
    if (!j_.is_object()) return nullptr;
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }

  std::string str(const char* key, bool required = true) const {
    const json* v = get(key);
    if (!v) {
      if (required) c_.fail("missing '" + std::string(key) + "'");
      return {};
    }
    if (!v->is_string()) {
      c_.fail("'" + std::string(key) + "' must be a string");
      return {};
    }
    if (required && v->get_ref<const std::string&>().empty()) {
      c_.fail("'" + std::string(key) + "' must not be empty");
    }
    return v->get<std::string>();
  }

  double num(const char* key, double fallback, double lo, double hi, bool required = false) const {
    const json* v = get(key);
    if (!v) {
      if (required) c_.fail("missing '" + std::string(key) + "'");
      return fallback;
    }
    if (!v->is_number()) {
      c_.fail("'" + std::string(key) + "' must be a number");
      return fallback;
    }
    double d = v->get<double>();
    if (d < lo || d > hi) {
      c_.fail("'" + std::string(key) + "' is " + v->dump() + ", outside " + fmt(lo) + ".." +
              fmt(hi));
      return fallback;
    }
    return d;
  }

  bool boolean(const char* key, bool fallback) const {
    const json* v = get(key);
    if (!v) return fallback;
    if (!v->is_boolean()) {
      c_.fail("'" + std::string(key) + "' must be true or false");
      return fallback;
    }
    return v->get<bool>();
  }

  std::vector<std::string> strs(const char* key) const {
    std::vector<std::string> out;
    const json* v = get(key);
    if (!v) return out;
    if (!v->is_array()) {
      c_.fail("'" + std::string(key) + "' must be a list of strings");
      return out;
    }
    for (const auto& e : *v) {
      if (!e.is_string()) {
        c_.fail("'" + std::string(key) + "' must be a list of strings");
        return {};
      }
      out.push_back(e.get<std::string>());
    }
    return out;
  }

  static std::string fmt(double d) {
    json j = d;
    return d == static_cast<long long>(d) ? std::to_string(static_cast<long long>(d)) : j.dump();
  }

 private:
  const json& j_;
  Context& c_;
};

// Entry ids show in messages; read "id"/"slot" first so errors name the entry.
void enter(Context& c, const json& j, const char* key) {
  if (j.is_object() && j.contains(key) && j[key].is_string()) c.entry = j[key].get<std::string>();
}

AnswerType answer_type(const std::string& s, Context& c) {
  for (auto t : {AnswerType::yes_no, AnswerType::single_choice, AnswerType::multi_choice,
                 AnswerType::number, AnswerType::duration}) {
    if (to_string(t) == s) return t;
  }
  c.fail("'type' is '" + s + "'; use yes_no, single_choice, multi_choice, number or duration");
  return AnswerType::yes_no;
}

Triage triage(const std::string& s, Context& c, const char* key) {
  if (auto t = triage_from_string(s)) return *t;
  c.fail("'" + std::string(key) + "' is '" + s + "'; use emergency, urgent, soon or self_care");
  return Triage::urgent;
}

bool is_number_name(const std::string& n) {
  return n == "age" || n == "severity" || n == "duration_days";
}

}  // namespace

Predicate parse_predicate(const json& j, Context& c, const std::string& where) {
  Predicate p;
  if (j.is_string()) {
    p.kind = Predicate::Kind::finding;
    p.name = j.get<std::string>();
    return p;
  }
  if (!j.is_object() || j.size() != 1) {
    c.fail(where + ": a predicate is a finding id or an object with one key "
                   "(all, any, not, wells_at_least, number_at_least)");
    return p;
  }
  const std::string key = j.begin().key();
  const json& v = j.begin().value();
  if (key == "all" || key == "any") {
    p.kind = key == "all" ? Predicate::Kind::all : Predicate::Kind::any;
    if (!v.is_array() || v.empty()) {
      c.fail(where + ": '" + key + "' needs a non-empty list");
      return p;
    }
    for (const auto& e : v) p.children.push_back(parse_predicate(e, c, where));
  } else if (key == "not") {
    p.kind = Predicate::Kind::negate;
    p.children.push_back(parse_predicate(v, c, where));
  } else if (key == "wells_at_least") {
    p.kind = Predicate::Kind::wells_at_least;
    if (!v.is_number()) c.fail(where + ": 'wells_at_least' needs a number");
    else p.value = v.get<double>();
  } else if (key == "number_at_least") {
    p.kind = Predicate::Kind::number_at_least;
    if (!v.is_object() || !v.contains("name") || !v.contains("value") || !v["name"].is_string() ||
        !v["value"].is_number() || !is_number_name(v["name"].get<std::string>())) {
      c.fail(where + ": 'number_at_least' needs {\"name\": age|severity|duration_days, "
                     "\"value\": N}");
    } else {
      p.name = v["name"].get<std::string>();
      p.value = v["value"].get<double>();
    }
  } else {
    c.fail(where + ": unknown predicate '" + key +
           "'; use all, any, not, wells_at_least or number_at_least");
  }
  return p;
}

json to_json(const Predicate& p) {
  switch (p.kind) {
    case Predicate::Kind::always: return nullptr;
    case Predicate::Kind::finding: return p.name;
    case Predicate::Kind::all:
    case Predicate::Kind::any: {
      json list = json::array();
      for (const auto& ch : p.children) list.push_back(to_json(ch));
      return {{p.kind == Predicate::Kind::all ? "all" : "any", list}};
    }
    case Predicate::Kind::negate: return {{"not", to_json(p.children.at(0))}};
    case Predicate::Kind::wells_at_least: return {{"wells_at_least", p.value}};
    case Predicate::Kind::number_at_least:
      return {{"number_at_least", {{"name", p.name}, {"value", p.value}}}};
  }
  return nullptr;
}

Source parse_source(const json& j, Context& c) {
  enter(c, j, "id");
  Obj o(j, c, {"id", "citation", "url"});
  return {o.str("id"), o.str("citation"), o.str("url", false)};
}

Finding parse_finding(const json& j, Context& c) {
  enter(c, j, "id");
  Obj o(j, c, {"id", "label", "snomed", "synonyms", "default_likelihood", "derived", "cite"});
  Finding f;
  f.id = o.str("id");
  f.label = o.str("label");
  f.snomed = o.str("snomed", false);
  f.synonyms = o.strs("synonyms");
  f.default_likelihood = o.num("default_likelihood", 0.1, 0.001, 0.999);
  f.cite = o.strs("cite");
  if (const json* d = o.get("derived")) {
    Obj dv(*d, c, {"from", "min", "max"});
    f.derived_from = dv.str("from");
    if (!f.derived_from.empty() && !is_number_name(f.derived_from)) {
      c.fail("derived: 'from' is '" + f.derived_from + "'; use age, severity or duration_days");
    }
    f.derived_min = dv.num("min", 0, -1e12, 1e12, true);
    f.derived_max = dv.num("max", 1e9, -1e12, 1e12, true);
  }
  for (const auto& s : f.synonyms) {
    if (s.empty()) c.fail("synonyms: an empty phrase");
  }
  return f;
}

Question parse_question(const json& j, Context& c) {
  enter(c, j, "slot");
  Obj o(j, c, {"slot", "phase", "type", "text", "why", "snomed", "finding", "number", "min", "max",
               "choices", "on_yes", "always_ask", "ask_if", "must_if", "rephrase", "direct"});
  Question q;
  q.slot = o.str("slot");
  q.phase = o.str("phase");
  bool known_phase = false;
  for (auto ph : kPhases) known_phase |= (ph == q.phase);
  if (!q.phase.empty() && !known_phase) c.fail("'phase' is '" + q.phase + "', not a known phase");
  q.type = answer_type(o.str("type"), c);
  q.text = o.str("text");
  q.why = o.str("why");
  q.snomed = o.str("snomed", false);
  q.on_yes = o.strs("on_yes");
  q.always_ask = o.boolean("always_ask", false);
  if (const json* p = o.get("ask_if")) q.ask_if = parse_predicate(*p, c, "ask_if");
  if (const json* p = o.get("must_if")) q.must_if = parse_predicate(*p, c, "must_if");
  q.rephrase = o.str("rephrase", false);
  if (const json* d = o.get("direct")) {
    Obj dv(*d, c, {"text", "yes", "no"});
    q.direct = Question::Direct{dv.str("text"), dv.strs("yes"), dv.strs("no")};
    if (q.direct->yes.empty() && q.direct->no.empty()) {
      c.fail("direct: give the findings a yes or a no states ('yes', 'no')");
    }
  }
  switch (q.type) {
    case AnswerType::yes_no: q.finding = o.str("finding"); break;
    case AnswerType::number:
      q.number = o.str("number");
      q.min = o.num("min", 0, -1e9, 1e9, true);
      q.max = o.num("max", 0, -1e9, 1e9, true);
      if (q.max <= q.min) c.fail("'max' must be above 'min'");
      if (!q.number.empty() && !is_number_name(q.number)) {
        c.fail("'number' is '" + q.number + "'; use age, severity or duration_days");
      }
      break;
    case AnswerType::duration: q.number = "duration_days"; break;
    case AnswerType::single_choice:
    case AnswerType::multi_choice: {
      const json* ch = o.get("choices");
      if (!ch || !ch->is_array() || ch->size() < 2) {
        c.fail("'choices' must list at least two choices");
        break;
      }
      for (const auto& e : *ch) {
        Obj co(e, c, {"id", "label", "sets", "synonyms"});
        q.choices.push_back({co.str("id"), co.str("label"), co.strs("sets"), co.strs("synonyms")});
      }
      break;
    }
  }
  return q;
}

Condition parse_condition(const json& j, Context& c) {
  enter(c, j, "id");
  Obj o(j, c, {"id", "name", "patient_name", "snomed", "icd10", "summary", "prior", "prior_cite",
               "urgency", "likelihoods", "tests", "treatments", "self_care", "prevention",
               "safety_net", "cite"});
  Condition d;
  d.id = o.str("id");
  d.name = o.str("name");
  d.patient_name = o.str("patient_name");
  d.snomed = o.str("snomed", false);
  d.icd10 = o.str("icd10", false);
  d.summary = o.str("summary");
  d.prior = o.num("prior", 0.01, 1e-6, 1, true);
  d.urgency = triage(o.str("urgency"), c, "urgency");
  if (const json* l = o.get("likelihoods")) {
    if (!l->is_object()) c.fail("'likelihoods' must map finding ids to probabilities");
    else {
      for (const auto& [fid, p] : l->items()) {
        if (!p.is_number() || p.get<double>() <= 0 || p.get<double>() >= 1) {
          c.fail("likelihoods: '" + fid + "' must be a probability strictly between 0 and 1");
        } else {
          d.likelihoods[fid] = p.get<double>();
        }
      }
    }
  } else {
    c.fail("missing 'likelihoods'");
  }
  d.tests = o.strs("tests");
  d.treatments = o.strs("treatments");
  d.self_care = o.strs("self_care");
  d.prevention = o.strs("prevention");
  d.safety_net = o.strs("safety_net");
  d.cite = o.strs("cite");
  for (const auto& s : o.strs("prior_cite")) d.cite.push_back(s);
  if (d.cite.empty()) c.fail("'cite' must name at least one source");
  return d;
}

RedFlagRule parse_red_flag(const json& j, Context& c) {
  enter(c, j, "id");
  Obj o(j, c, {"id", "level", "when", "text", "cite", "unsure"});
  RedFlagRule r;
  r.id = o.str("id");
  r.level = triage(o.str("level"), c, "level");
  // "soon" rules raise the outcome's triage without an escalation message.
  if (r.level < Triage::soon) c.fail("a rule's 'level' must be emergency, urgent or soon");
  if (const json* w = o.get("when")) r.when = parse_predicate(*w, c, "when");
  else c.fail("missing 'when'");
  r.text = o.str("text");
  r.cite = o.strs("cite");
  if (r.cite.empty()) c.fail("'cite' must name at least one source");
  if (const json* u = o.get("unsure")) {
    Obj uv(*u, c, {"plausible_if", "safety_net"});
    if (const json* p = uv.get("plausible_if")) {
      r.plausible_if = parse_predicate(*p, c, "unsure.plausible_if");
    } else {
      c.fail("unsure: missing 'plausible_if'");
    }
    r.safety_net = uv.str("safety_net");
  }
  return r;
}

Language parse_language(const json& j, Context& c) {
  enter(c, j, "id");
  Obj o(j, c, {"id", "name", "words", "script", "reply", "red_flags", "negations", "cite"});
  Language l;
  l.id = o.str("id");
  l.name = o.str("name");
  l.words = o.strs("words");
  l.script = o.str("script", false);
  if (!l.script.empty() && l.script != "arabic" && l.script != "cjk") {
    c.fail("'script' is '" + l.script + "'; use arabic or cjk");
  }
  if (l.words.empty() && l.script.empty()) c.fail("give 'words' or a 'script' to recognise it by");
  l.reply = o.str("reply");
  l.negations = o.strs("negations");
  if (const json* r = o.get("red_flags")) {
    if (!r->is_object()) {
      c.fail("'red_flags' must map finding ids to lists of phrases");
    } else {
      for (const auto& [finding, phrases] : r->items()) {
        const json wrapped = {{"phrases", phrases}};
        l.red_flags[finding] = Obj(wrapped, c, {"phrases"}).strs("phrases");
      }
    }
  }
  l.cite = o.strs("cite");
  if (l.cite.empty()) c.fail("'cite' must name at least one source");
  return l;
}

AdviceItem parse_advice(const json& j, Context& c) {
  enter(c, j, "id");
  Obj o(j, c, {"id", "kind", "name", "text", "cite"});
  AdviceItem a{o.str("id"), o.str("kind"), o.str("name"), o.str("text"), o.strs("cite")};
  static const std::set<std::string> kinds = {"test", "treatment", "self_care", "prevention",
                                              "safety_net"};
  if (!a.kind.empty() && !kinds.count(a.kind)) {
    c.fail("'kind' is '" + a.kind + "'; use test, treatment, self_care, prevention or safety_net");
  }
  if (a.cite.empty()) c.fail("'cite' must name at least one source");
  return a;
}

WellsItem parse_wells(const json& j, Context& c) {
  enter(c, j, "id");
  Obj o(j, c, {"id", "label", "finding", "points"});
  return {o.str("id"), o.str("label"), o.str("finding"),
          static_cast<int>(o.num("points", 1, -5, 5))};
}

}  // namespace calfbot::knowledge::detail
