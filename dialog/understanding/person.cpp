// Who a message is about, their sex and their age (see person.h).
#include "dialog/understanding/person.h"

#include <algorithm>
#include <string_view>

namespace calfbot::dialog::internal {

namespace {

using text::Token;
using Tokens = std::vector<Token>;

struct Word {
  std::string_view word;
  int sex;  // 0 female, 1 male, -1 either
};

// People a message may be written for.
// clang-format off
constexpr Word kKin[] = {
    {"dad", 1}, {"daddy", 1}, {"father", 1}, {"husband", 1}, {"hubby", 1}, {"son", 1},
    {"brother", 1}, {"grandad", 1}, {"granddad", 1}, {"grandpa", 1}, {"grandfather", 1},
    {"grandson", 1}, {"boyfriend", 1}, {"bf", 1}, {"uncle", 1}, {"nephew", 1}, {"stepdad", 1},
    {"stepson", 1}, {"fiance", 1}, {"pa", 1}, {"papa", 1},
    {"mum", 0}, {"mom", 0}, {"mam", 0}, {"mammy", 0}, {"mummy", 0}, {"mommy", 0}, {"ma", 0},
    {"mother", 0}, {"wife", 0}, {"daughter", 0}, {"sister", 0}, {"gran", 0}, {"granny", 0},
    {"grandma", 0}, {"grandmother", 0}, {"nan", 0}, {"nana", 0}, {"nanna", 0}, {"nanny", 0},
    {"granddaughter", 0}, {"girlfriend", 0}, {"gf", 0}, {"aunt", 0}, {"auntie", 0},
    {"aunty", 0}, {"niece", 0}, {"stepmum", 0}, {"stepmom", 0}, {"fiancee", 0}, {"missus", 0},
    {"partner", -1}, {"friend", -1}, {"child", -1}, {"kid", -1}, {"baby", -1}, {"toddler", -1},
    {"patient", -1}, {"client", -1}, {"neighbour", -1}, {"neighbor", -1}, {"relative", -1},
    {"flatmate", -1}, {"housemate", -1}, {"roommate", -1}, {"colleague", -1}, {"teenager", -1},
    {"teen", -1}, {"spouse", -1}, {"parent", -1}, {"grandparent", -1}, {"grandchild", -1},
    {"grandkid", -1}, {"resident", -1}, {"cousin", -1}, {"sibling", -1}, {"twin", -1},
    {"stepchild", -1}, {"boss", -1}, {"lodger", -1}, {"carer", -1}};
// Words that say a person's sex ("a 52 year old guy", "I'm a mum of three").
constexpr Word kDescriptors[] = {
    {"woman", 0}, {"lady", 0}, {"girl", 0}, {"gal", 0}, {"lass", 0}, {"female", 0},
    {"mum", 0}, {"mom", 0}, {"mother", 0}, {"grandmother", 0}, {"granny", 0}, {"wife", 0},
    {"man", 1}, {"guy", 1}, {"bloke", 1}, {"chap", 1}, {"lad", 1}, {"fella", 1}, {"fellow", 1},
    {"gentleman", 1}, {"gent", 1}, {"boy", 1}, {"male", 1}, {"dude", 1}, {"dad", 1},
    {"father", 1}, {"grandfather", 1}, {"husband", 1}};
constexpr Word kPronouns[] = {{"she", 0}, {"her", 0}, {"hers", 0}, {"herself", 0},
                              {"he", 1},  {"him", 1}, {"his", 1},  {"himself", 1}};
// What a person's own body is spoken of with ("his calf", "my mum's leg").
constexpr std::string_view kBody[] = {
    "leg", "legs", "calf", "calves", "knee", "knees", "ankle", "ankles", "foot", "feet",
    "shin", "shins", "achilles", "thigh", "thighs", "heel", "heels", "toe", "toes", "hip",
    "hips", "buttock", "bum", "bottom", "back", "chest", "heart", "bladder", "bowels", "skin",
    "muscle", "tendon", "breathing", "breath", "temperature", "pulse", "lungs", "groin"};
// Verbs after a relative that make the message about them ("my son is", "dad fell").
constexpr std::string_view kKinVerbs[] = {
    "is", "has", "was", "been", "can", "could", "cannot", "got", "fell",
    "tore", "injects", "complains", "complaining", "went", "hurt", "hurts", "woke", "seems",
    "gets",
    "needs", "limps", "limping"};
// Before "for my ..." or "about my ...": the message is written for them.
constexpr std::string_view kAsking[] = {
    "asking", "ask", "writing", "write", "typing", "messaging", "message", "enquiring",
    "inquiring", "checking", "texting", "chatting", "contacting", "here", "is", "this",
    "question", "query", "worried", "concerned", "advice", "help", "calling", "worrying"};
// After a number, words that make it something other than an age.
constexpr std::string_view kNotAge[] = {
    "week", "weeks", "day", "days", "month", "months", "hour", "hours", "minute", "minutes",
    "min", "mins", "kg", "kilo", "kilos", "stone", "st", "lb", "lbs", "pounds", "foot", "feet",
    "ft", "inch", "inches", "cm", "mm", "mile", "miles", "km", "k", "metres", "meters", "yards",
    "percent", "times", "out", "of", "/", "to", "or", "ago", "x", "am", "pm", "o", "clock",
    "steps", "degrees", "c", "point", "hrs", "wks", "mg", "tablets", "pills", "cigarettes"};
// clang-format on

template <size_t N>
bool in(const std::string_view (&list)[N], std::string_view w) {
  return std::find(std::begin(list), std::end(list), w) != std::end(list);
}

template <size_t N>
int sex_in(const Word (&list)[N], std::string_view w, bool& found) {
  for (const Word& x : list) {
    if (x.word == w) {
      found = true;
      return x.sex;
    }
  }
  found = false;
  return -1;
}

bool is_negation(std::string_view w) {
  return w == "not" || w == "no" || w == "never" || w == "without" || w == "nor";
}

class Reader {
 public:
  Reader(const Tokens& t, const std::vector<bool>& finding_at, const std::vector<bool>& reported,
         const std::vector<SexWord>& sw, bool loose)
      : t_(t),
        n_(t.size()),
        finding_at_(finding_at),
        reported_(reported),
        sex_words_(sw),
        loose_(loose) {}

  Person run() {
    Person p;
    who(p);
    age(p);
    sex(p);
    return p;
  }

 private:
  std::string_view w(size_t i) const {
    return i < n_ ? std::string_view(t_[i].text) : std::string_view();
  }
  bool punct(size_t i) const { return i >= n_ || t_[i].punct(); }
  bool start(size_t i) const {
    return i == 0 || t_[i - 1].punct() || w(i - 1) == "and" || w(i - 1) == "but" ||
           w(i - 1) == "so";
  }
  bool body_within(size_t i, size_t reach) const {
    static constexpr std::string_view kJoins[] = {"and", "or", "but", "that", "when", "which",
                                                  "with", "so", "if", "because", "for"};
    for (size_t k = i; k < n_ && k <= i + reach && !t_[k].punct(); ++k) {
      if (in(kBody, w(k))) return true;
      if (in(kJoins, w(k))) return false;
      bool kin = false;
      sex_in(kKin, w(k), kin);
      if (kin) return false;
    }
    return false;
  }
  bool finding_within(size_t i, size_t reach) const {
    for (size_t k = i; k < n_ && k <= i + reach && !t_[k].punct(); ++k) {
      if (finding_at_[k]) return true;
    }
    return false;
  }

  // A relative or other person introduced as such ("my dad", "our son",
  // "Mum injects ..."), not "my late husband".
  int kin_at(size_t i, bool& found) const {
    const int s = sex_in(kKin, w(i), found);
    if (!found) return -1;
    const std::string_view prev = i > 0 ? w(i - 1) : std::string_view();
    const bool introduced = prev == "my" || prev == "our" || prev == "me" ||
                            (start(i) && w(i) != "baby" && w(i) != "friend");
    found = introduced;
    return s;
  }

  // "it's me", "me.", "just me": the writer says it is about themself.
  bool self_answer(size_t i) const {
    if (w(i) != "me" && w(i) != "myself") return false;
    const std::string_view prev = i > 0 ? w(i - 1) : std::string_view();
    if (!(start(i) || prev == "is" || prev == "just" || prev == "only")) return false;
    const std::string_view next = w(i + 1);
    return punct(i + 1) || next == "lol" || next == "obvs" || next == "obviously" ||
           next == "myself" || next == "thanks";
  }

  void refer(int sex, size_t b, size_t e) {
    if (referent_sex_ < 0 && sex >= 0) {
      referent_sex_ = sex;
      referent_ = {b, e};
    }
  }

  // "for my dad", "on behalf of my mother", "asking about a patient",
  // "it's my husband's leg", "for him".
  bool explicit_other(size_t i, int sex) {
    size_t d = i;  // the determiner before the person
    if (d == 0) return false;
    --d;
    const std::string_view det = w(d);
    if (det != "my" && det != "our" && det != "a" && det != "the") return false;
    if (det != "my" && det != "our" && w(i) == "baby") return false;  // "trying for a baby"
    const std::string_view before = d > 0 ? w(d - 1) : std::string_view();
    const bool it_is = before == "is" && d >= 2 && (w(d - 2) == "it" || w(d - 2) == "this");
    const bool behalf = before == "of" && d >= 2 && w(d - 2) == "behalf";
    // "writing for my dad", "For my son.", "asking about a patient"; not
    // "digging the garden for my sister".
    const bool asking = (before == "for" || before == "about") && d >= 1 &&
                        (start(d - 1) || (d >= 2 && in(kAsking, w(d - 2))));
    if (!it_is && !behalf && !asking) return false;
    refer(sex, i, i + 1);
    other_at_ = {d - 1, i + 1};
    return true;
  }

  void person_word(size_t i) {
    bool kin = false;
    int s = sex_in(kKin, w(i), kin);
    if (kin && explicit_other(i, s)) {
      explicit_ = true;
      return;
    }
    s = kin_at(i, kin);
    if (kin) {
      const std::string_view next = w(i + 1);
      const bool age_next = !punct(i + 1) && t_[i + 1].kind == Token::Kind::number;
      if (body_within(i + 1, 2) || in(kKinVerbs, next) || age_next || next == "(") {
        third(s, i);
      }
      return;
    }
    bool pronoun = false;
    const int ps = sex_in(kPronouns, w(i), pronoun);
    if (!pronoun) return;
    const std::string_view pw = w(i);
    if ((pw == "him" || pw == "her") && i > 0 && w(i - 1) == "for" && punct(i + 1)) {
      explicit_ = true;
      refer(ps, i, i + 1);
      other_at_ = {i - 1, i + 1};
      return;
    }
    // "she's right", "she'll be right": all is well, nobody in particular.
    if (pw == "she" && (w(i + 1) == "is" || w(i + 1) == "will") &&
        (w(i + 2) == "right" || w(i + 3) == "right")) {
      return;
    }
    if ((pw == "his" || pw == "her") && body_within(i + 1, 2)) third(ps, i);
    if ((pw == "he" || pw == "she") && finding_within(i + 1, 3)) third(ps, i);
    // "he", "she", and "him" or "her" as the one things happen to ("the
    // cramp wakes him up") tell of someone else when nothing tells of the writer.
    if (pw == "he" || pw == "she" || pw == "him" || pw == "her") {
      weak_ = true;
      if (weak_at_.empty()) weak_at_ = {i, i + 1};
      if (weak_sex_ < 0) weak_sex_ = ps;
    }
  }

  void third(int sex, size_t i) {
    ++third_;
    refer(sex, i, i + 1);
    if (third_at_.empty()) third_at_ = {i, i + 1};
  }

  void self_word(size_t i) {
    const std::string_view x = w(i);
    if ((x == "my" || x == "me") && body_within(i + 1, 2)) ++self_;
    if (x == "i" && finding_within(i + 1, 2)) ++self_;
    // "he kicked me", "she pushed me over": the writer is the one hurt.
    if (x == "me" && i > 1 && (finding_at_[i - 1] || w(i - 2) == "he" || w(i - 2) == "she")) {
      ++self_;
    }
    self_explicit_ = self_explicit_ || self_answer(i);
  }

  void who(Person& p) {
    for (size_t i = 0; i < n_; ++i) {
      if (t_[i].punct()) continue;
      if (!reported_[i]) person_word(i);
      self_word(i);
    }
    if (self_explicit_) return;
    if (explicit_) {
      p.other = true;
      p.other_at = other_at_;
    } else if (third_ > self_) {
      p.other = true;
      p.other_at = third_at_;
    } else if (third_ == 0 && self_ == 0 && weak_) {
      p.other = true;
      p.other_at = weak_at_;
      refer(weak_sex_, weak_at_.begin, weak_at_.end);
    }
  }

  // ---- age -------------------------------------------------------------------

  struct Age {
    double value = 0;
    Span at;
    int owner = -1;  // 0 the writer, 1 someone else, -1 whoever it is about
    int sex = -1;    // "76F"
  };

  bool number_at(size_t i, double& v, size_t& end) const {
    if (i >= n_) return false;
    auto num = text::parse_number(t_, i);
    if (!num || num->ordinal || num->value != static_cast<int>(num->value)) return false;
    v = num->value;
    end = i + static_cast<size_t>(num->len);
    return v >= 1 && v <= 110;
  }

  int letter_sex(size_t i) const {
    const std::string_view x = w(i);
    if (x == "f" || x == "female" || x == "femail") return 0;
    if (x == "m" || x == "male") return 1;
    return -1;
  }

  // "74 years old", "9-year-old", "34 yo", "58 yrs old", "19 y/o", "66 years of age".
  bool years_old(size_t e, size_t& end) const {
    const std::string_view u = w(e);
    if (u == "yo" || u == "yrs" || u == "yr" || u == "year" || u == "years" || u == "y") {
      if (w(e + 1) == "old") return end = e + 2, true;
      if (u == "y" && w(e + 1) == "/" && w(e + 2) == "o") return end = e + 3, true;
      if (u == "years" && w(e + 1) == "of" && w(e + 2) == "age") return end = e + 3, true;
      if (u == "yo") return end = e + 1, true;
    }
    return false;
  }

  bool not_age_after(size_t e) const { return !punct(e) && in(kNotAge, w(e)); }

  std::optional<Age> age_at(size_t i) const {
    double v = 0;
    size_t e = 0;
    const std::string_view prev = i > 0 ? w(i - 1) : std::string_view();
    if (!number_at(i, v, e)) {
      // "F 66", "M 50": a sex letter opening a clause, then the age.
      const int s = letter_sex(i);
      if (s >= 0 && start(i) && w(i) != "male" && w(i) != "female" && number_at(i + 1, v, e) &&
          (punct(e) || w(e) == "and")) {
        return Age{v, {i, e}, -1, s};
      }
      return std::nullopt;
    }
    size_t end = e;
    if (years_old(e, end)) {
      // "my 12 yr old daughter" is someone else's age; "34 yo mum of three" the writer's.
      const bool theirs = prev == "my" || prev == "our" || prev == "his" || prev == "her";
      return Age{v, {i, end}, theirs ? 1 : -1, -1};
    }
    if (prev == "aged" || prev == "age") return Age{v, {i - 1, e}, -1, -1};
    if (const int s = letter_sex(e); s >= 0 && (start(i) || prev == "am" || prev == "yo")) {
      return Age{v, {i, e + 1}, -1, s};
    }
    return subject_age(i, v, e);
  }

  // "I'm 74", "he's 67", "Mother is 91", "Dad's 84", "my son (12)",
  // "my father 70 years", "..., 62, smoker".
  std::optional<Age> subject_age(size_t i, double v, size_t e) const {
    if (not_age_after(e)) return std::nullopt;
    const std::string_view prev = i > 0 ? w(i - 1) : std::string_view();
    const std::string_view prev2 = i > 1 ? w(i - 2) : std::string_view();
    size_t end = (w(e) == "years" || w(e) == "yrs") ? e + 1 : e;
    if (w(end) == "ago") return std::nullopt;
    if (prev == "am" && prev2 == "i" && v >= 11) return Age{v, {i - 2, end}, 0, -1};
    if (prev == "have" && prev2 == "i" && w(e) == "years") return Age{v, {i - 2, end}, 0, -1};
    if (start(i) && w(e) == "here") return Age{v, {i, e + 1}, 0, -1};  // "74 here"
    if ((prev == "is" || prev == "turned") && (prev2 == "he" || prev2 == "she" || prev2 == "who")) {
      return Age{v, {i - 2, end}, 1, -1};
    }
    bool kin = false;
    const size_t k = (prev == "is" || prev == "(" || prev == ",") && i > 1 ? i - 2 : i - 1;
    if (i > 0) sex_in(kKin, w(k), kin);
    if (kin && (prev != "(" || w(e) == ")")) return Age{v, {k, end}, 1, -1};
    if (loose_ && v >= 12 && (i == 0 || t_[i - 1].punct()) && punct(end)) {
      return Age{v, {i, end}, -1, -1};
    }
    return std::nullopt;
  }

  void age(Person& p) {
    std::optional<Age> chosen;
    for (size_t i = 0; i < n_ && !chosen; ++i) {
      auto a = age_at(i);
      if (!a) continue;
      if (a->owner >= 0 && a->owner != (p.other ? 1 : 0)) continue;
      chosen = a;
    }
    if (!chosen) return;
    p.age = chosen->value;
    p.age_at = chosen->at;
    if (chosen->sex >= 0) {
      letter_sex_ = chosen->sex;
      letter_at_ = chosen->at;
    }
    age_end_ = chosen->at.end;
  }

  // ---- sex -------------------------------------------------------------------

  // "I'm a 55 year old woman", "52 year old guy here", "used to be a
  // forty-a-day man", "34 yo mom of three".
  bool self_descriptor(size_t i, int& sex) const {
    bool found = false;
    sex = sex_in(kDescriptors, w(i), found);
    if (!found || sex < 0) return false;
    if (i == age_end_ || w(i + 1) == "here") return true;
    for (size_t k = 1; k <= 6 && k <= i && !t_[i - k].punct(); ++k) {
      const std::string_view x = w(i - k);
      if (x == "my" || x == "our" || x == "his" || x == "her" || x == "the") return false;
      if ((x == "a" || x == "an") && i - k > 0) {
        const std::string_view before = w(i - k - 1);
        if (before == "am" || before == "was" || before == "be" || before == "as" ||
            before == "been") {
          return true;
        }
      }
    }
    return false;
  }

  // Someone else of no stated sex ("my partner", "a patient"): a pronoun
  // or a word such as "gentleman" anywhere says it.
  void describe_other() {
    for (size_t i = 0; i < n_ && referent_sex_ < 0; ++i) {
      bool found = false;
      int s = sex_in(kPronouns, w(i), found);
      if (!found) s = sex_in(kDescriptors, w(i), found);
      if (found && !reported_[i]) refer(s, i, i + 1);
    }
  }

  bool negated_before(size_t i) const {
    for (size_t k = 1; k <= 3 && k <= i && !t_[i - k].punct(); ++k) {
      if (is_negation(w(i - k))) return true;
    }
    return false;
  }

  void sex(Person& p) {
    if (p.other && referent_sex_ < 0) describe_other();
    if (p.other && referent_sex_ >= 0) {
      p.sex = referent_sex_;
      p.sex_at = referent_;
      return;
    }
    if (letter_sex_ >= 0) {
      p.sex = letter_sex_;
      p.sex_at = letter_at_;
      return;
    }
    for (size_t i = 0; i < n_ && !p.other; ++i) {
      int s = -1;
      if (self_descriptor(i, s)) {
        p.sex = s;
        p.sex_at = {i, i + 1};
        return;
      }
    }
    for (const SexWord& sw : sex_words_) {
      if (negated_before(sw.at.begin)) continue;
      p.sex = sw.sex;
      p.sex_at = sw.at;
      return;
    }
  }

  const Tokens& t_;
  const size_t n_;
  const std::vector<bool>& finding_at_;
  const std::vector<bool>& reported_;
  const std::vector<SexWord>& sex_words_;
  const bool loose_;
  bool explicit_ = false, weak_ = false, self_explicit_ = false;
  int third_ = 0, self_ = 0;
  Span other_at_, third_at_, weak_at_, referent_, letter_at_;
  int referent_sex_ = -1, weak_sex_ = -1, letter_sex_ = -1;
  size_t age_end_ = static_cast<size_t>(-1);
};

}  // namespace

Person read_person(const std::vector<text::Token>& tokens, const std::vector<bool>& finding_at,
                   const std::vector<bool>& reported, const std::vector<SexWord>& sex_words,
                   bool loose_numbers) {
  return Reader(tokens, finding_at, reported, sex_words, loose_numbers).run();
}

const std::vector<std::string_view>& person_words() {
  static const std::vector<std::string_view> words = [] {
    std::vector<std::string_view> w;
    for (const Word& k : kKin) w.push_back(k.word);
    for (const Word& d : kDescriptors) w.push_back(d.word);
    return w;
  }();
  return words;
}

}  // namespace calfbot::dialog::internal
