// Internal to dialog/understanding: the fixed word lists of the language
// understanding (replies, commands, negation and uncertainty cues, leg
// words, and common English words that spelling correction must leave alone).
// Phrases are written as a patient would type them; they are normalised by
// the tokenizer when the Lexicon is built.
#pragma once

#include <string_view>

#include "dialog/understanding/value.h"
#include "dialog/understanding/understanding.h"

namespace calfbot::dialog::tables {

struct Reply {
  std::string_view phrase;
  Value value;
  // A strong reply may be followed by more words ("yes it is", "no, but it
  // is red"); a weak one must stand alone in its clause ("it is", "i do").
  bool strong;
};

// clang-format off
inline constexpr Reply kReplies[] = {
    {"yes", Value::yes, true}, {"yeah", Value::yes, true}, {"yep", Value::yes, true},
    {"yup", Value::yes, true}, {"ya", Value::yes, true}, {"yea", Value::yes, true},
    {"yeh", Value::yes, true}, {"yah", Value::yes, true}, {"yess", Value::yes, true},
    {"aye", Value::yes, true}, {"y", Value::yes, true}, {"sure", Value::yes, true},
    {"definitely", Value::yes, true}, {"absolutely", Value::yes, true},
    {"correct", Value::yes, true}, {"certainly", Value::yes, true}, {"indeed", Value::yes, true},
    {"affirmative", Value::yes, true}, {"of course", Value::yes, true},
    {"yes please", Value::yes, true}, {"i think so", Value::yes, true},
    {"i believe so", Value::yes, true}, {"i guess so", Value::yes, true},
    {"it is", Value::yes, false}, {"i do", Value::yes, false}, {"i have", Value::yes, false},
    {"i am", Value::yes, false}, {"i did", Value::yes, false}, {"it does", Value::yes, false},
    {"it did", Value::yes, false}, {"it has", Value::yes, false}, {"it was", Value::yes, false},
    {"i was", Value::yes, false}, {"there is", Value::yes, false},
    {"that is right", Value::yes, false}, {"that is correct", Value::yes, false},
    {"true", Value::yes, false}, {"you bet", Value::yes, false}, {"for sure", Value::yes, false},
    {"very much", Value::yes, false}, {"a little", Value::yes, false}, {"a bit", Value::yes, false},
    {"slightly", Value::yes, false}, {"kind of", Value::yes, false}, {"sort of", Value::yes, false},
    {"no", Value::no, true}, {"nope", Value::no, true}, {"nah", Value::no, true},
    {"naw", Value::no, true}, {"n", Value::no, true}, {"none", Value::no, true},
    {"neither", Value::no, true}, {"nothing", Value::no, true}, {"never", Value::no, true},
    {"negative", Value::no, true}, {"not really", Value::no, true}, {"not at all", Value::no, true},
    {"none of them", Value::no, true}, {"none of these", Value::no, true},
    {"none of those", Value::no, true}, {"neither of them", Value::no, true},
    {"nothing like that", Value::no, true}, {"not that i know of", Value::no, true},
    {"not that i know", Value::no, true}, {"not that i am aware", Value::no, true},
    {"not as far as i know", Value::no, true},
    {"not that i've noticed", Value::no, true}, {"not that i noticed", Value::no, true},
    {"not that i can see", Value::no, true}, {"not that i can tell", Value::no, true},
    {"not that i've seen", Value::no, true}, {"not as far as i can tell", Value::no, true},
    {"i haven't noticed", Value::no, true}, {"haven't noticed", Value::no, true},
    {"not noticed", Value::no, true}, {"i've not noticed", Value::no, true}, {"i don't think so", Value::no, false},
    {"don't think so", Value::no, false}, {"i do not", Value::no, false},
    {"i have not", Value::no, false}, {"i am not", Value::no, false},
    {"i did not", Value::no, false}, {"it is not", Value::no, false},
    {"it does not", Value::no, false}, {"it did not", Value::no, false},
    {"it has not", Value::no, false}, {"it was not", Value::no, false},
    {"i was not", Value::no, false}, {"there is not", Value::no, false},
    {"not anymore", Value::no, false}, {"not any more", Value::no, false},
    {"maybe", Value::unsure, true}, {"perhaps", Value::unsure, true},
    {"possibly", Value::unsure, true}, {"unsure", Value::unsure, true},
    {"dunno", Value::unsure, true}, {"idk", Value::unsure, true}, {"not sure", Value::unsure, true},
    {"i'm not sure", Value::unsure, true}, {"i'm unsure", Value::unsure, true},
    {"not certain", Value::unsure, true}, {"i don't know", Value::unsure, true},
    {"don't know", Value::unsure, true}, {"no idea", Value::unsure, true},
    {"i have no idea", Value::unsure, true}, {"no clue", Value::unsure, true},
    {"can't tell", Value::unsure, true}, {"i can't tell", Value::unsure, true},
    {"hard to say", Value::unsure, true}, {"hard to tell", Value::unsure, true},
    {"i think maybe", Value::unsure, true}, {"might be", Value::unsure, true},
    {"could be", Value::unsure, true}, {"not too sure", Value::unsure, true},
    {"can't say", Value::unsure, true}, {"i can't say", Value::unsure, true},
    {"couldn't say", Value::unsure, true}, {"i couldn't say", Value::unsure, true},
    {"couldn't tell you", Value::unsure, true}, {"i couldn't tell you", Value::unsure, true},
    {"can't tell you", Value::unsure, true}, {"haven't checked", Value::unsure, true},
    {"i haven't checked", Value::unsure, true}, {"haven't looked", Value::unsure, true},
    {"i haven't looked", Value::unsure, true}, {"haven't tried", Value::unsure, true},
    {"i haven't tried", Value::unsure, true},
    {"i don't believe so", Value::no, true}, {"don't believe so", Value::no, true},
    {"i don't reckon", Value::no, true}, {"don't reckon", Value::no, true},
    {"i doubt it", Value::no, true}, {"doubt it", Value::no, true},
    {"not that i'm aware of", Value::no, true}, {"i wouldn't say so", Value::no, true},
    {"wouldn't say so", Value::no, true}, {"i'd say so", Value::yes, true},
    {"i would say so", Value::yes, true}, {"i reckon so", Value::yes, true},
    {"ye", Value::yes, true}, {"yh", Value::yes, true}, {"yas", Value::yes, true},
    {"hard to judge", Value::unsure, true}, {"too early to tell", Value::unsure, true},
    {"too hard to tell", Value::unsure, true}, {"can't really tell", Value::unsure, true},
    {"i can't really tell", Value::unsure, true}, {"can't really say", Value::unsure, true},
    {"i couldn't honestly say", Value::unsure, true}, {"not sure really", Value::unsure, true},
    {"i don't know really", Value::unsure, true}, {"we can't tell", Value::unsure, true},
    {"no way of knowing", Value::unsure, true},
    {"not really sure", Value::unsure, true}, {"i don't remember", Value::unsure, true},
    {"can't remember", Value::unsure, true}, {"who knows", Value::unsure, true},
    {"nada", Value::no, true}, {"zilch", Value::no, true}, {"none of that", Value::no, true},
    {"not any of those", Value::no, true}, {"not any of them", Value::no, true},
    {"not on any of them", Value::no, true}, {"not on any of those", Value::no, true},
    {"haven't had any of those", Value::no, true}, {"hasn't had any of those", Value::no, true},
    {"not had any of those", Value::no, true}, {"can't think of any", Value::no, true},
    {"none of those apply", Value::no, true}, {"none apply", Value::no, true},
};
// clang-format on

// Phrases that state nothing but would otherwise be read as a finding
// ("on my feet all day" is not pain in the foot).
inline constexpr std::string_view kBlockers[] = {
    "on my feet",        "on foot",       "feet up",       "put my feet up",
    "hot water bottle",  "hot bath",      "hot weather",   "heat pack",
    "red wine",          "blood test",    "blood tests",   "normal temperature",
    "pill for the pain", "pill for pain", "sleeping pill", "left over",
    "left it",           "right away",    "right now",     "all right",
    "flat footed",       "warm up",       "warming up",    "warmed up",
    "sticking plaster",  "same temperature", "room temperature", "hot yoga"};

// Words that say the person is a woman or a man whoever they are ("I had a
// baby ten days ago", "my prostate"); read only when not denied. Not the pill
// or HRT, which people do not take as saying so.
struct SexWord {
  std::string_view phrase;
  int sex;  // 0 female, 1 male
};
// clang-format off
inline constexpr SexWord kSexWords[] = {
    {"pregnant", 0}, {"pregnancy", 0}, {"expecting a baby", 0}, {"had a baby", 0},
    {"had my baby", 0}, {"gave birth", 0}, {"given birth", 0}, {"c section", 0},
    {"caesarean", 0}, {"cesarean", 0}, {"miscarriage", 0}, {"miscarried", 0},
    {"menopause", 0}, {"menopausal", 0}, {"hysterectomy", 0}, {"breastfeeding", 0},
    {"breast feeding", 0}, {"postpartum", 0}, {"post partum", 0}, {"maternity", 0},
    {"midwife", 0}, {"womb", 0}, {"ovaries", 0}, {"ovarian", 0}, {"endometriosis", 0},
    {"mum of", 0}, {"mom of", 0}, {"mother of", 0}, {"my periods", 0}, {"my period", 0},
    {"prostate", 1}, {"vasectomy", 1}, {"testicle", 1}, {"testicles", 1}, {"testicular", 1},
    {"father of", 1}, {"dad of", 1}};
// clang-format on

// What a finding is about, named without saying it is wrong ("my breathing",
// "the waterworks"): read only when said to be fine or denied ("breathing's
// fine", "no problems with the waterworks"). When a topic may mean several
// findings, the current question's is taken, else the first; a topic that
// covers them all ("no injury": no blow, no accident) denies them all; a
// word that states one of its findings ("a dent") states the question's.
struct Topic {
  std::string_view phrase;
  std::string_view findings[2];
  bool all = false;
  bool states = false;  // a word that states one of its findings ("a dent"), present or not
};
// clang-format off
inline constexpr Topic kTopics[] = {
    {"breathing", {"breathless"}}, {"breath", {"breathless"}}, {"lungs", {"breathless"}},
    {"chest", {"chest_pain"}}, {"heart", {"fast_heartbeat", "vascular_disease"}},
    {"heartbeat", {"fast_heartbeat"}}, {"heart rate", {"fast_heartbeat"}},
    {"pulse", {"fast_heartbeat"}}, {"waterworks", {"saddle_or_bladder"}},
    {"bladder", {"saddle_or_bladder"}}, {"bowels", {"saddle_or_bladder"}},
    {"bowel", {"saddle_or_bladder"}}, {"toilet", {"saddle_or_bladder"}},
    {"peeing", {"saddle_or_bladder"}}, {"weeing", {"saddle_or_bladder"}},
    {"sugar", {"diabetes"}}, {"sugars", {"diabetes"}}, {"blood sugar", {"diabetes"}},
    {"pressure", {"vascular_disease"}}, {"blood pressure", {"vascular_disease"}},
    {"colour", {"cold_pale_foot", "redness"}}, {"color", {"cold_pale_foot", "redness"}},
    {"knee", {"knee_arthritis"}}, {"my back", {"radiates_from_back"}},
    {"lower back", {"radiates_from_back"}},
    {"injury", {"direct_blow", "major_trauma"}, true},
    {"injuries", {"direct_blow", "major_trauma"}, true},
    {"trauma", {"direct_blow", "major_trauma"}, true},
    {"fall", {"major_trauma", "direct_blow"}, true}, {"fell", {"major_trauma", "direct_blow"}, true},
    {"falls", {"major_trauma", "direct_blow"}, true},
    {"bump", {"direct_blow"}}, {"bumps", {"direct_blow"}}, {"knocks", {"direct_blow"}},
    {"size", {"calf_bigger", "calf_swelling"}}, {"shape", {"deformity"}}, {"blood", {"coughing_blood"}},
    {"dent", {"calf_dent", "pitting_oedema"}, false, true},
    {"a dip", {"calf_dent", "pitting_oedema"}, false, true},
    {"a hollow", {"calf_dent", "pitting_oedema"}, false, true},
    {"dimple", {"pitting_oedema", "calf_dent"}, false, true}};
// clang-format on

// A finding stated present that states another too, as people use the
// words: numbness on top of the foot is numbness, easing pain by hanging the
// leg down is pain at rest; a calf bigger than the other is a swollen calf
// (the Wells score measures calf swelling as the difference from the other
// side, NICE NG158).
struct Implication {
  std::string_view finding, implies;
  // Also in an answer to the question about the finding itself ("a pop?"
  // "yes, a snap"), which tells of that finding, not of the other.
  bool when_asked = true;
};
inline constexpr Implication kImplications[] = {
    {"numb_top_of_foot", "numb_tingling"},
    {"rest_pain_eased_hanging", "night_or_rest_pain"},
    {"calf_bigger", "calf_swelling"},
    // A pop or snap felt or heard is the moment an injury began: a sudden onset.
    {"heard_pop", "onset_sudden", false},
    // Numbness on top of the foot is in the foot.
    {"numb_top_of_foot", "loc_foot"}};

// How bad the pain is, said in words, as a 0-10 score: read when no number
// is given. The first phrase found counts. Only severe pain: a milder word
// ("moderate", "mild") would stop the score being asked and could hide a
// severe pain the number would show.
struct SeverityWord {
  std::string_view phrase;
  int severity;
};
// clang-format off
inline constexpr SeverityWord kSeverityWords[] = {
    {"worst pain of my life", 10}, {"worst pain i have ever had", 10},
    {"worst pain ever", 10}, {"worst pain i have ever", 10}, {"off the scale", 10},
    {"off the charts", 10}, {"through the roof", 9}, {"unbearable", 9}, {"excruciating", 9},
    {"agony", 9}, {"agonising", 9}, {"agonizing", 9}, {"unreal", 9}, {"horrendous", 9},
    {"can't bear it", 9}, {"killing me", 8}, {"really bad", 8}, {"very bad", 8},
    {"terrible", 8}, {"awful", 8}, {"severe", 8}, {"really painful", 8},
    {"very painful", 8}, {"so painful", 8}, {"so bad", 8}, {"pretty bad", 7}, {"quite bad", 7}};
// clang-format on

// Findings of something taken now, which "stopped", "came off" or "finished"
// after them in the sentence deny ("I was on apixaban but stopped it").
inline constexpr std::string_view kStoppable[] = {"on_anticoagulants", "hormones"};

// Phrases that say a finding is absent by saying its opposite ("on the
// mend": not getting worse; "only when I walk": no pain at rest). Not "warm
// and pink", which may be the foot's good colour or the calf's inflammation.
struct Opposite {
  std::string_view phrase, finding;
};
// clang-format off
inline constexpr Opposite kOpposites[] = {
    {"getting better", "getting_worse"}, {"on the mend", "getting_worse"},
    {"improving", "getting_worse"}, {"easing off", "getting_worse"},
    {"settling down", "getting_worse"}, {"better than it was", "getting_worse"},
    {"only when i walk", "night_or_rest_pain"}, {"only when walking", "night_or_rest_pain"},
    {"only when i am walking", "night_or_rest_pain"}, {"fine at night", "night_or_rest_pain"},
    {"sleep fine", "night_or_rest_pain"}, {"fine when i rest", "night_or_rest_pain"},
    {"never fully goes", "resolves_fully"}, {"always a bit left", "resolves_fully"},
    {"always some ache left", "resolves_fully"}, {"never goes completely", "resolves_fully"},
    {"walking fine", "cannot_bear_weight"}, {"walking ok", "cannot_bear_weight"},
    {"walking normally", "cannot_bear_weight"}, {"walk normally", "cannot_bear_weight"},
    {"walking ... fine", "cannot_bear_weight"}, {"walking ... no problem", "cannot_bear_weight"},
    {"walking ... perfectly well", "cannot_bear_weight"}, {"walking ... ok", "cannot_bear_weight"},
    {"walking with a limp", "cannot_bear_weight"}, {"limping but walking", "cannot_bear_weight"},
    {"running about", "cannot_bear_weight"}, {"running around", "cannot_bear_weight"},
    {"can hobble", "cannot_bear_weight"}, {"can get about", "cannot_bear_weight"},
    {"can still walk", "cannot_bear_weight"},
    {"perfectly straight", "deformity"}, {"looks straight", "deformity"},
    {"lift it fine", "foot_drop"}, {"lifts fine", "foot_drop"}, {"lifts up properly", "foot_drop"},
    {"tiptoe fine", "cannot_push_off"}, {"up on my toes fine", "cannot_push_off"}};
// clang-format on

// Findings that are past events; a time said with one dates the event, not
// the calf pain ("I had a clot 5 years ago"), unless the pain came after it.
inline constexpr std::string_view kEventFindings[] = {
    "long_travel",         "recent_surgery",    "previous_dvt",
    "pregnant_postpartum", "bedridden",         "cast_or_paralysis",
    "fluoroquinolone",     "training_increase", "hormones"};

struct CommandPhrase {
  std::string_view phrase;
  Command command;
};

// clang-format off
inline constexpr CommandPhrase kCommands[] = {
    {"back", Command::back}, {"go back", Command::back}, {"previous", Command::back},
    {"previous question", Command::back}, {"undo", Command::back}, {"undo that", Command::back},
    {"go back to the last question", Command::back},
    {"go back to the previous question", Command::back}, {"last question", Command::back},
    {"change my answer", Command::back}, {"restart", Command::restart},
    {"start again", Command::restart}, {"start over", Command::restart},
    {"reset", Command::restart}, {"begin again", Command::restart},
    {"start from the beginning", Command::restart}, {"new conversation", Command::restart},
    {"help", Command::help}, {"help me", Command::help}, {"what can i say", Command::help},
    {"how does this work", Command::help}, {"instructions", Command::help}, {"why", Command::why},
    {"why do you ask", Command::why}, {"why are you asking", Command::why},
    {"why are you asking me that", Command::why}, {"why do you need to know", Command::why},
    {"why do you want to know", Command::why}, {"why does that matter", Command::why},
    {"why is that important", Command::why}, {"why ask", Command::why},
    {"why that question", Command::why}, {"what for", Command::why}, {"skip", Command::skip},
    {"skip this", Command::skip}, {"skip it", Command::skip}, {"skip this question", Command::skip},
    {"next question", Command::skip}, {"pass", Command::skip},
    {"i'd rather not say", Command::skip}, {"rather not say", Command::skip},
    {"prefer not to say", Command::skip},
    // A person (docs/console.md, "Handoff"); the widget's button sends the first.
    {"talk to someone", Command::person}, {"talk to a person", Command::person},
    {"talk to a human", Command::person}, {"talk to a real person", Command::person},
    {"speak to someone", Command::person}, {"speak to a person", Command::person},
    {"speak to a human", Command::person}, {"speak to a real person", Command::person},
    {"speak with someone", Command::person}, {"talk with someone", Command::person},
    {"a real person", Command::person}, {"real person", Command::person},
    {"a human", Command::person}, {"human", Command::person}, {"talk to staff", Command::person},
    {"talk to the clinic", Command::person}, {"speak to the clinic", Command::person},
    {"talk to a nurse", Command::person}, {"speak to a nurse", Command::person},
    {"talk to a doctor", Command::person}, {"speak to a doctor", Command::person},
    {"is there a person", Command::person},
};
// clang-format on

// Words dropped before a message is compared with the command phrases
// ("can we start again please" = "start again").
inline constexpr std::string_view kCommandNoise[] = {
    "please",   "ok",     "okay",  "can",  "could", "i",   "we",    "want",  "to",
    "let",      "us",     "lets",  "just", "now",   "oh",  "oops",  "sorry", "um",
    "umm",      "hmm",    "wait",  "the",  "a",     "me",  "would", "like",  "will",
    "actually", "thanks", "thank", "you",  "erm",   "hey", "hi"};

// Said before a reply without changing it ("well, yes").
inline constexpr std::string_view kInterjections[] = {
    "well", "oh",    "um",    "umm",   "erm",    "hmm",  "ah",  "uh",  "ok",   "okay", "so",
    "hmmm", "goodness", "gosh", "golly", "blimey", "crikey", "ach", "och", "jeez", "lol", "haha",
    "look", "honestly", "right", "hey"};

struct Cue {
  std::string_view phrase;
  Value value;     // no or unsure; unknown: about someone else ("my mum had")
  int budget;      // words allowed between the cue and the first phrase it covers
  bool modifiers;  // only modifier words may come between ("no real swelling")
};

// Longer cues first where they share a start ("not sure" before "not").
// clang-format off
inline constexpr Cue kCues[] = {
    {"not sure", Value::unsure, 5, false}, {"not certain", Value::unsure, 5, false},
    {"not too sure", Value::unsure, 5, false}, {"not really sure", Value::unsure, 5, false},
    {"do not know", Value::unsure, 5, false}, {"no idea", Value::unsure, 5, false},
    {"can not tell", Value::unsure, 5, false}, {"hard to say", Value::unsure, 5, false},
    {"hard to tell", Value::unsure, 5, false}, {"do not remember", Value::unsure, 5, false},
    {"could be", Value::unsure, 4, false}, {"maybe", Value::unsure, 4, false},
    {"might", Value::unsure, 4, false}, {"possibly", Value::unsure, 4, false},
    {"perhaps", Value::unsure, 4, false}, {"probably", Value::unsure, 3, false},
    {"unsure", Value::unsure, 5, false},
    {"dunno", Value::unsure, 5, false}, {"idk", Value::unsure, 5, false},
    {"not", Value::no, 4, false}, {"never", Value::no, 4, false}, {"no", Value::no, 3, true},
    {"nae", Value::no, 3, true}, {"without", Value::no, 3, false}, {"denies", Value::no, 3, false},
    {"deny", Value::no, 3, false}, {"denied", Value::no, 3, false},
    {"neither", Value::no, 3, false}, {"nor", Value::no, 3, false}, {"none", Value::no, 3, false},
    {"nothing", Value::no, 2, false}, {"nobody", Value::no, 2, false},
    {"no one", Value::no, 2, false}, {"noone", Value::no, 2, false},
    {"no longer", Value::no, 3, false}, {"came off", Value::no, 2, false},
    {"nothing going on with", Value::no, 3, false}, {"nothing wrong with", Value::no, 3, false},
    {"nothing up with", Value::no, 3, false},
    {"stopped taking", Value::no, 2, false},
    {"negative for", Value::no, 3, false}, {"non", Value::no, 0, false},
    // "why would my chest hurt": a rhetorical question denies.
    {"why would", Value::no, 4, false}, {"how would", Value::no, 4, false},
    // Family history is not the patient's own ("my mum had a clot").
    {"mum had", Value::unknown, 3, false}, {"mom had", Value::unknown, 3, false},
    {"mother had", Value::unknown, 3, false}, {"dad had", Value::unknown, 3, false},
    {"father had", Value::unknown, 3, false}, {"brother had", Value::unknown, 3, false},
    {"sister had", Value::unknown, 3, false}, {"grandmother had", Value::unknown, 3, false},
    {"grandfather had", Value::unknown, 3, false}, {"gran had", Value::unknown, 3, false},
    {"grandad had", Value::unknown, 3, false}, {"nan had", Value::unknown, 3, false},
    {"family history of", Value::unknown, 3, false}, {"runs in the family", Value::unknown, 0, false},
    // Hypotheticals are not findings ("what should I do if I get chest pain").
    {"if i get", Value::unknown, 3, false}, {"if i develop", Value::unknown, 3, false},
    {"if i start", Value::unknown, 3, false}, {"if it gets", Value::unknown, 3, false},
    {"if there is", Value::unknown, 3, false}, {"if i have", Value::unknown, 3, false},
    {"what if", Value::unknown, 4, false}, {"in case", Value::unknown, 4, false},
    {"look out for", Value::unknown, 3, false}, {"watch out for", Value::unknown, 3, false},
    {"look for", Value::unknown, 3, false}, {"check for", Value::unknown, 3, false},
    {"watch for", Value::unknown, 3, false}, {"lookout for", Value::unknown, 3, false},
    {"eye out for", Value::unknown, 3, false},
};
// clang-format on

// May stand between "no" and what it negates.
inline constexpr std::string_view kModifiers[] = {
    "real",    "obvious",  "sign",        "signs",      "history", "of",       "more",
    "new",     "recent",   "significant", "noticeable", "visible", "major",    "actual",
    "further", "other",    "sudden",      "longer",     "problem", "problems", "issue",
    "issues",  "evidence", "kind",        "sort",       "such",    "serious",  "unusual",
    "bad",     "previous", "known",       "episodes",   "episode",  "with",     "probs",
    "trouble", "bother",   "worries",     "complaints", "concerns", "bothers",  "change",
    "changes", "difference"};

// End a negation's reach.
inline constexpr std::string_view kScopeBreakers[] = {
    "but", "though",  "although", "however", "except",    "apart",   "yet", "whereas",
    "and", "because", "while",    "whilst",  "otherwise", "instead", "then",
    // A doubt about a time or a cause is no doubt about what happened
    // ("maybe ten days ago after a long drive", "possibly related to the flight").
    "ago", "related", "connected", "linked", "due", "caused"};

// After a phrase, words that say it is as it should be ("breathing's fine",
// "sugar's grand"): the finding is absent.
inline constexpr std::string_view kNormal[] = {
    "fine", "normal", "ok", "okay", "alright", "grand", "good", "great", "perfect", "healthy",
    "steady", "sound", "behaving", "unchanged"};

// May follow a word of normality and still end what is said ("heart's fine
// as far as I know", "breathing's ok btw").
inline constexpr std::string_view kAfterNormal[] = {"as", "i", "thanks", "thank", "tbh", "btw",
                                                    "though", "too", "otherwise", "now",
                                                    "mostly", "apparently", "so", "really"};

// May stand between a phrase and what is said of it ("chest seems fine").
inline constexpr std::string_view kLinkingVerbs[] = {"r", "seems", "seem", "feels", "feel",
                                                     "looks", "look", "s", "still", "all"};

// Words that make "left"/"right"/"both" a side of the body.
inline constexpr std::string_view kLegWords[] = {
    "leg",      "legs",  "calf",   "calves",  "knee",  "knees",     "ankle", "ankles",
    "foot",     "feet",  "shin",   "shins",   "side",  "sides",     "one",   "ones",
    "achilles", "thigh", "thighs", "heel",    "heels", "hamstring", "lower", "upper",
    "toe",      "toes",  "hip",    "buttock", "them"};

// "I left work", "you're right": left/right after these is not a side.
inline constexpr std::string_view kNotSideBefore[] = {
    "i",    "we", "he",   "she", "they", "you", "just", "had", "have", "has",    "was", "were",
    "been", "it", "that", "who", "then", "all", "are",  "is",  "turn", "turned", "be"};

// Correctly spelled common words of 5+ letters that are one letter away from
// a vocabulary word; spelling correction leaves them alone.
inline constexpr std::string_view kCommonWords[] = {
    "about",     "above",      "after",    "again",     "against",  "almost",      "alone",
    "along",     "already",    "always",   "around",    "asked",    "asking",      "because",
    "before",    "being",      "below",    "better",    "between",  "bring",       "brought",
    "called",    "cause",      "caused",   "certain",   "change",   "changed",     "check",
    "child",     "clear",      "close",    "could",     "daily",    "doctor",      "doing",
    "drink",     "drinking",   "drive",    "driving",   "during",   "early",       "either",
    "every",     "everything", "feeling",  "fight",     "first",    "flying",      "found",
    "friend",    "going",      "gotten",   "great",     "happen",   "happened",    "having",
    "heard",     "heart",      "house",    "hours",     "humid",    "interesting", "itself",
    "keeping",   "kinda",      "later",    "learn",     "least",    "light",       "lighter",
    "likely",    "little",     "looking",  "lower",     "maybe",    "might",       "minutes",
    "money",     "months",     "morning",  "mostly",    "mother",   "move",        "moving",
    "myself",    "never",      "night",    "nights",    "normal",   "nothing",     "notice",
    "nurse",     "often",      "other",    "others",    "place",    "plane",       "please",
    "point",     "quite",      "rather",   "really",    "right",    "round",       "running",
    "season",    "second",     "seems",    "seven",     "shall",    "short",       "should",
    "since",     "sitting",    "sleep",    "sleeping",  "slight",   "small",       "something",
    "sometimes", "sorry",      "sound",    "sounds",    "south",    "spend",       "spent",
    "stand",     "standing",   "start",    "started",   "still",    "store",       "story",
    "stuff",     "sugar",      "super",    "sweet",     "taking",   "talking",     "tell",
    "thank",     "thanks",     "their",    "there",     "these",    "thing",       "things",
    "think",     "thinking",   "those",    "though",    "thought",  "three",       "through",
    "tight",     "tired",      "today",    "together",  "tonight",  "train",       "travel",
    "tried",     "trying",     "under",    "until",     "usual",    "usually",     "walked",
    "walking",   "water",      "weeks",    "weird",     "where",    "which",       "while",
    "whole",     "worried",    "worry",    "worse",     "worst",    "would",       "write",
    "wrong",     "years",      "young",    "yourself",  "horse",    "house",       "words",
    "world",     "works",      "worked",   "wanted",    "waited",   "waiting",     "hello",
    "going",     "goes",       "lately",   "feels",     "feeling",  "knows",       "known",
    "sweating",  "shaking",    "shaky",    "sickness",  "cycling",  "football",    "tennis",
    "squash",    "hiking",     "climbing", "gardening", "dancing",  "holiday",     "office",
    "school",    "working",    "husband",  "father",    "daughter", "sister",      "brother",
    "partner",   "cancer",     "answer",   "question",  "footy",    "thirty",      "forty",
    "fifty",     "sixty",      "seventy",  "eighty",    "ninety",   "twenty",      "eleven",
    "twelve"};

}  // namespace calfbot::dialog::tables
